"""Each QA check: what it flags, and the good English it leaves alone."""

from __future__ import annotations

from review_app.checks import CheckCorpus, run_checks
from review_app.corpus import Text


def check(check_id: str, mt, ref=None, src=None, refs=None):
    """Findings of one check on one segment (or a list of segments)."""
    mts = [mt] if isinstance(mt, str) else list(mt)
    references = ()
    if refs is not None:
        references = tuple(Text(f"ref{i}", tuple([r] if isinstance(r, str) else r)) for i, r in enumerate(refs))
    elif ref is not None:
        references = (Text("ref", tuple([ref] if isinstance(ref, str) else ref)),)
    source = Text("source", tuple([src] if isinstance(src, str) else src)) if src is not None else None
    corpus = CheckCorpus("t", (Text("mt", tuple(mts)),), references, source)
    findings = run_checks(corpus, only=[check_id])
    for f in findings:
        if f.start is not None:
            assert mts[f.segment - 1][f.start:f.end] == f.text
    return findings


def texts(findings):
    return [f.text for f in findings]


# --- qa.empty -----------------------------------------------------------------------------------


def test_empty():
    (f,) = check("qa.empty", "  ", ref="Hello.")
    assert f.start is None and f.severity == "error"
    assert check("qa.empty", "", src="你好") != []
    assert check("qa.empty", "", ref="") == []
    assert check("qa.empty", "") == []  # nothing to compare with
    assert check("qa.empty", "Hello.", ref="Hello.") == []


def test_empty_segment_runs_no_other_check():
    corpus = CheckCorpus("t", (Text("mt", ("",)),), (Text("ref", ("There were 25 people.",)),))
    assert [f.check for f in run_checks(corpus)] == ["qa.empty"]


# --- qa.untranslated ----------------------------------------------------------------------------


def test_untranslated():
    assert texts(check("qa.untranslated", "I'm at #ADDRESS#，美新里那个分店")) == ["美新里那个分店"]
    assert texts(check("qa.untranslated", "He said 你好 and 再见.")) == ["你好", "再见"]
    assert texts(check("qa.untranslated", "Japanese カタカナ and Korean 한국어")) == ["カタカナ", "한국어"]


def test_untranslated_quiet_when_reference_keeps_it_or_separator():
    assert check("qa.untranslated", "Tianwen-1 (天问一号) launched", ref="Tianwen-1 (天问一号) was launched") == []
    assert check("qa.untranslated", "Books丨Genuine") == []
    assert check("qa.untranslated", "Plain English, café, naïve, Zürich.") == []


# --- qa.fullwidth_punctuation -------------------------------------------------------------------


def test_fullwidth_punctuation():
    (f,) = check("qa.fullwidth_punctuation", "Olive picking month：")
    assert f.text == "：" and f.suggestion == ":"
    assert [(f.text, f.suggestion) for f in check("qa.fullwidth_punctuation", "【Service】Very good，thanks！")] == [
        ("【", "["), ("】", "]"), ("，", ","), ("！", "!")]
    assert [(f.text, f.suggestion) for f in check("qa.fullwidth_punctuation", "Really？！")] == [("？！", "?!")]


def test_fullwidth_quiet_cases():
    assert check("qa.fullwidth_punctuation", "“Curly quotes” — and an em dash… are English.") == []
    assert check("qa.fullwidth_punctuation", "【Hot】 item", ref="【Hot】 sale item") == []
    assert check("qa.fullwidth_punctuation", "He wrote 你好，世界 there") == []  # part of untranslated text


# --- qa.spacing ---------------------------------------------------------------------------------


def test_spacing():
    assert [(f.text, f.suggestion) for f in check("qa.spacing", "Some  text , here ; and there !")] == [
        ("  ", " "), (" ,", ","), (" ;", ";"), (" !", "!")]
    assert texts(check("qa.spacing", "(see below ) now")) == [" )"]


def test_spacing_quiet_cases():
    for text in ("Wait ... what?", "Wait . . . what?", "It costs .5 dollars", "Visit example .com", "Great :) thanks",
                 "So sad :( really", "Items: 1) apples 2) pears", "Normal text, nothing wrong.", "Lead  ", "  lead"):
        assert check("qa.spacing", text) == [], text


# --- qa.unbalanced_brackets ---------------------------------------------------------------------


def test_unbalanced_brackets():
    (f,) = check("qa.unbalanced_brackets", "The service period (year 4 years")
    assert f.text == "(" and "never closed" in f.message
    assert texts(check("qa.unbalanced_brackets", "Books [genuine) shipping")) == ["[", ")"]
    assert texts(check("qa.unbalanced_brackets", "closing only] here")) == ["]"]


def test_brackets_quiet_cases():
    for text in ("A (nested [fine] case) here", "Smile :) and wink ;-( done", "Steps: 1) go a) b) c)",
                 "(Reporter Yang Na): news", "A list (Yin Zheng); then"):
        assert check("qa.unbalanced_brackets", text) == [], text
    # the segment is cut inside brackets in the reference or the source too
    assert check("qa.unbalanced_brackets", "(Such as the character", ref="(Such as the role") == []
    assert check("qa.unbalanced_brackets", "(Such as the character", src="（比如尹正演的那个") == []


# --- qa.unbalanced_quotes -----------------------------------------------------------------------


def test_unbalanced_quotes():
    assert [f.message for f in check("qa.unbalanced_quotes", "a “heated topic“ for long")] == [
        "opening quote “ never closed", "opening quote “ never closed"]
    assert texts(check("qa.unbalanced_quotes", 'He said "hello and left')) == ['"']
    assert texts(check("qa.unbalanced_quotes", "closing” only")) == ["”"]


def test_quotes_quiet_cases():
    for text in ('He said "hello" and “bye”.', 'He is 5\'11" tall', 'The "Double 11" festival', "It’s John’s ‘book’"):
        assert check("qa.unbalanced_quotes", text) == [], text
    assert check("qa.unbalanced_quotes", "“Democracy is the weapon", ref="“Democracy is a weapon") == []
    assert check("qa.unbalanced_quotes", "“Democracy is the weapon", src="“民主是武器") == []


# --- qa.repeated_word -----------------------------------------------------------------------------


def test_repeated_word():
    (f,) = check("qa.repeated_word", "Could could you help me?")
    assert (f.text, f.suggestion, f.start, f.end) == ("Could could", "Could", 0, 11)
    assert texts(check("qa.repeated_word", "He went to the the the shop")) == ["the the the"]
    assert texts(check("qa.repeated_word", "a a day and The The end")) == ["a a", "The The"]
    assert texts(check("qa.repeated_word", "I don’t don't know")) == ["don’t don't"]


def test_repeated_word_quiet_cases():
    for text in ("He had had enough.", "I know that that is true.", "bye bye now", "It was very very good",
                 "No, no, no.", "Bora Bora and Walla Walla", "Bing Dwen Dwen", "Low-power power line",
                 "Call 1 1 2", "ha ha ha", "my father’s father's house"):
        assert check("qa.repeated_word", text) == [], text
    assert check("qa.repeated_word", "It is good good", ref="Good good study") == []  # the reference repeats it too


# --- qa.repeated_phrase ----------------------------------------------------------------------------


def test_repeated_phrase():
    (f,) = check("qa.repeated_phrase", "This is a moment to be proud of and proud of by the Chinese people.")
    assert (f.text, f.suggestion) == ("proud of and proud of", "proud of")
    assert texts(check("qa.repeated_phrase", "the spirit of the spirit of the law")) == ["the spirit of the spirit of"]
    assert texts(check("qa.repeated_phrase", "picture book picture book for kids")) == ["picture book picture book"]
    assert texts(check("qa.repeated_phrase", "all over the world or all over the world")) == [
        "all over the world or all over the world"]


def test_repeated_phrase_quiet_cases():
    for text in ("more and more people", "faster and faster and faster", "again and again", "ha ha ha ha",
                 "step by step", "Let it go, let it go", "one by one, day by day", "He said no. No more.",
                 "bye bye bye bye"):
        assert check("qa.repeated_phrase", text) == [], text


# --- qa.lowercase_start -----------------------------------------------------------------------------


def test_lowercase_start():
    (f,) = check("qa.lowercase_start", "as for some media’s opinion, this is not correct.")
    assert (f.text, f.suggestion, f.start) == ("as", "As", 0)
    assert texts(check("qa.lowercase_start", "  food not received")) == ["food"]


def test_lowercase_start_quiet_cases():
    for text in ("iPhone 13 is here", "eBay orders", "www.example.com is down", "e.g. this", "@user thanks",
                 "...and then", "“as he said”", "1. item", "As for this, fine."):
        assert check("qa.lowercase_start", text) == [], text
    assert check("qa.lowercase_start", "and ask for a re-delivery", ref="and I asked for a re-delivery.") == []
    assert check("qa.lowercase_start", "vivo phones sell well", src="vivo手机卖得好") == []


# --- qa.number_mismatch -----------------------------------------------------------------------------


def test_number_missing_with_reference():
    (f,) = check("qa.number_mismatch", "The press conference was held in July.", ref="It was held on July 24.")
    assert f.start is None and f.suggestion == "24" and "24" in f.message


def test_number_changed_points_at_the_mt_number():
    (f,) = check("qa.number_mismatch", "It was held on July 23.", ref="It was held on July 24.")
    assert (f.text, f.suggestion) == ("23", "24")


def test_number_tolerances():
    pairs = [
        ("The 2 delegations met.", "The two delegations met."),
        ("He spent 1,000 yuan.", "He spent 1000 yuan."),
        ("It reached 2.5 million.", "It reached 2,500,000."),
        ("It reached 2500000.", "It reached 2.5 million."),
        ("Meeting at 3 p.m.", "Meeting at 15:00."),
        ("On 24 July", "On July 24th"),
        ("twenty-five people came", "25 people came"),
        ("It was the second time", "It was the 2nd time"),
        ("born after 1995", "born after 95"),
        ("on 7/24", "on July 24"),
        ("It was 50% off", "It was 50 percent off"),
        ("over a century", "over 100 years"),
        ("For 1 year", "For a year"),  # a lone 1 is not expected
    ]
    for ref, mt in pairs:
        assert check("qa.number_mismatch", mt, ref=ref) == [], (ref, mt)


def test_number_needs_source_support_when_there_is_a_source():
    # the source shows 24 (7月24日): a missing 24 is flagged
    assert check("qa.number_mismatch", "It was held in July.", ref="Held on July 24.", src="7月24日举行") != []
    # the reference's 180 ("180 degrees") is the translator's own idiom for a source that has no 180
    assert check("qa.number_mismatch", "change yourself completely", ref="change 180 degrees", src="来个大转变") == []
    # Chinese numerals under ten are no evidence: 一年 is "a year"
    assert check("qa.number_mismatch", "in the past year", ref="within the latest 2 years", src="近两年") == []
    # numerals of ten or more and scaled digits are
    assert check("qa.number_mismatch", "3 people", ref="30,000 people", src="三万人") != []
    assert check("qa.number_mismatch", "30 thousand people", ref="30,000 people", src="3万人") == []


def test_number_source_only():
    (f,) = check("qa.number_mismatch", "It was held in July.", src="７月２４日举行")
    assert f.suggestion == "24"
    assert check("qa.number_mismatch", "It was held on July 24.", src="７月２４日举行") == []
    assert check("qa.number_mismatch", "Population 30,000", src="人口3万") == []
    assert check("qa.number_mismatch", "It opens at 10 a.m.", src="10:00开门") == []


def test_number_without_source_needs_every_reference():
    assert check("qa.number_mismatch", "in July", refs=["on July 24", "on the 24th of July"]) != []
    assert check("qa.number_mismatch", "in July", refs=["on July 24", "in late July"]) == []


# --- qa.length_ratio --------------------------------------------------------------------------------


def test_length_ratio():
    ref = "The shelf life of this product is four years and it comes from Huzhou in Zhejiang province."
    (f,) = check("qa.length_ratio", "Four years.", ref=ref)
    assert f.start is None and "shorter" not in f.message and "0." in f.message
    (f,) = check("qa.length_ratio", "Looks good, " * 20, ref="It looks beautiful and has a good build, I think.")
    assert "added" in f.message


def test_length_ratio_quiet_cases():
    assert check("qa.length_ratio", "HSR Easyhome", ref="Easyhome, High-speed rail station") == []
    assert check("qa.length_ratio", "OK", ref="Okay, fine.") == []
    assert check("qa.length_ratio", "A fairly normal translation of the sentence.",
                 ref="A quite normal rendering of this sentence here.") == []
    assert check("qa.length_ratio", "Four years.") == []  # no reference: not judged
    # several references: the closest one counts
    assert check("qa.length_ratio", "Shelf life: four years.", refs=[
        "The shelf life of this product is four years and it comes from Huzhou in Zhejiang.", "Shelf life 4 years."]) == []
