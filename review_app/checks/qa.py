"""QA checks on the English MT, each tuned on WMT22 human references to keep false alarms rare.

A check that also fires on the references of the same segment is usually looking at a feature
of the segment (a split sentence, a brand written in lower case, a quotation that spans lines),
not at an MT error, so most checks stay quiet when a reference shows the same thing.
"""

from __future__ import annotations

import math
import re
from typing import Iterator

from review_app.checks.context import SegmentContext
from review_app.checks.model import ERROR, INFO, WARNING
from review_app.checks.numbers import chinese_values, digit_numbers, english_values, found_in, source_digit_numbers
from review_app.checks.registry import Hit, register
from review_app.glossary.normalize import CJK_CLASS

# --- tokens -------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]


def fold(word: str) -> str:
    return word.casefold().replace("’", "'")


# --- qa.empty -------------------------------------------------------------------------------------


@register("qa.empty", ERROR, "Empty translation where the source or a reference is not empty.")
def empty(seg: SegmentContext) -> Iterator[Hit]:
    if seg.mt.strip():
        return
    if any(ref.strip() for ref in seg.refs) or (seg.source or "").strip():
        yield Hit(None, None, "the translation is empty")


# --- qa.untranslated -----------------------------------------------------------------------------

CJK_RUN_RE = re.compile(
    f"[{CJK_CLASS}](?:[{CJK_CLASS}\u3000-\u303f\uff01-\uff65\u00b7\\s\\d]*[{CJK_CLASS}])?"
)


SEPARATOR_IDEOGRAPHS = {"丨", "丶", "丿", "乀", "亅"}


@register("qa.untranslated", ERROR, "Chinese, Japanese or Korean text left in the English.")
def untranslated(seg: SegmentContext) -> Iterator[Hit]:
    if not CJK_RUN_RE.search(seg.mt):
        return
    for match in CJK_RUN_RE.finditer(seg.mt):
        run = match.group()
        if set(run) <= SEPARATOR_IDEOGRAPHS:
            continue  # 丨 used as a separator: punctuation, reported by qa.fullwidth_punctuation
        if any(run in ref for ref in seg.refs):
            continue  # the reference keeps it too (a name given in the original script)
        yield Hit(match.start(), match.end(), f"untranslated text {run!r}")


# --- qa.fullwidth_punctuation ------------------------------------------------------------------

FULLWIDTH_SUGGESTIONS = {
    "，": ",", "。": ".", "！": "!", "？": "?", "：": ":", "；": ";", "（": "(", "）": ")", "【": "[", "】": "]",
    "「": "\u201c", "」": "\u201d", "『": "\u2018", "』": "\u2019", "、": ",", "～": "~", "《": "\u201c",
    "》": "\u201d", "〈": "\u2018", "〉": "\u2019", "〔": "(", "〕": ")", "［": "[", "］": "]", "｛": "{", "｝": "}",
    "＂": '"', "＇": "'", "＃": "#", "＄": "$", "％": "%", "＆": "&", "＊": "*", "＋": "+", "－": "-", "／": "/",
    "＜": "<", "＝": "=", "＞": ">", "＠": "@", "＼": "\\", "＾": "^", "＿": "_", "｀": "`", "｜": "|", "｡": ".",
    "｢": "\u201c", "｣": "\u201d", "､": ",", "･": "\u00b7", "\u3000": " ", "〜": "~", "丨": "|",
}
FULLWIDTH_RUN_RE = re.compile("[" + re.escape("".join(FULLWIDTH_SUGGESTIONS)) + "]+")
CJK_CHAR_RE = re.compile(f"[{CJK_CLASS}]")


@register("qa.fullwidth_punctuation", WARNING, "Full-width (Chinese) punctuation such as ，。！？（） in English.")
def fullwidth_punctuation(seg: SegmentContext) -> Iterator[Hit]:
    mt = seg.mt
    if mt.isascii():
        return
    for match in FULLWIDTH_RUN_RE.finditer(mt):
        run = match.group()
        before = mt[:match.start()].rstrip()[-1:]
        after = mt[match.end():].lstrip()[:1]
        if (before and CJK_CHAR_RE.match(before)) or (after and CJK_CHAR_RE.match(after)):
            continue  # part of untranslated text, which qa.untranslated reports
        if run.strip() == "" and (not before or not after):
            continue  # an ideographic space at either end
        if any(ch in ref for ch in set(run) for ref in seg.refs):
            continue  # the reference keeps it too (e.g. 【】 in product titles)
        suggestion = "".join(FULLWIDTH_SUGGESTIONS.get(ch, ch) for ch in run)
        yield Hit(match.start(), match.end(), f"full-width punctuation {run!r}", suggestion)


# --- qa.spacing ---------------------------------------------------------------------------------

DOUBLE_SPACE_RE = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
SPACE_BEFORE_RE = re.compile(r"(?<=[^\s(\[{])[ \u00a0]+([,.;:!?)\]}])")
EMOTICON_AFTER_RE = re.compile(r"[-']?[()\[\]DPpOo3|/\\*]")


@register("qa.spacing", INFO, "Double spaces, or a space before , . ; : ! ? or a closing bracket.")
def spacing(seg: SegmentContext) -> Iterator[Hit]:
    mt = seg.mt
    if "  " not in mt and not SPACE_BEFORE_RE.search(mt) and "\u00a0" not in mt:
        return
    for match in DOUBLE_SPACE_RE.finditer(mt):
        yield Hit(match.start(), match.end(), "double space", " ")
    for match in SPACE_BEFORE_RE.finditer(mt):
        mark = match.group(1)
        after = mt[match.end():match.end() + 2]
        if mark == "." and (mt.startswith("..", match.end(1) - 1) or after[:1].isalnum() or after == " ."
                            or mt[match.start() - 1:match.start()] in (".", "…")):
            continue  # an ellipsis (also spaced, ". . ."), ".5", ".com"
        if mark in ":;" and EMOTICON_AFTER_RE.match(after):
            continue  # :) ;-(
        if mark in ")]}" and not _has_opener(mt, match.start(), mark):
            continue  # not a closing bracket of a pair: a list marker or a smiley
        start = match.start()
        yield Hit(start, match.end(), f"space before {mark!r}", mark)


def _has_opener(text: str, position: int, closer: str) -> bool:
    opener = {")": "(", "]": "[", "}": "{"}[closer]
    return opener in text[:position]


# --- qa.unbalanced_brackets ---------------------------------------------------------------------

PAIRS = {")": "(", "]": "[", "}": "{"}
OPENERS = set(PAIRS.values())
# Smileys whose brackets are not brackets: :) ;-( =] (eyes first only: ")" before ":" closes a bracket).
EMOTICON_RE = re.compile(r"[:;=][-'^o]?[()\[\]{}]")
LIST_MARKER_RE = re.compile(r"(?:^|(?<=[\s,;:.]))(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})\)")


def unmatched_brackets(text: str) -> list[tuple[int, str]]:
    """(position, character) of brackets without a partner; smileys and list markers like 1) ignored."""
    if not any(ch in text for ch in "()[]{}"):
        return []
    masked = EMOTICON_RE.sub(lambda m: " " * len(m.group()), text)
    masked = LIST_MARKER_RE.sub(lambda m: " " * len(m.group()), masked)
    stack: list[tuple[int, str]] = []
    unmatched: list[tuple[int, str]] = []
    for position, ch in enumerate(masked):
        if ch in OPENERS:
            stack.append((position, ch))
        elif ch in PAIRS:
            if stack and stack[-1][1] == PAIRS[ch]:
                stack.pop()
            else:
                unmatched.append((position, ch))
    return sorted(unmatched + stack)


def _normalise_brackets(text: str) -> str:
    return text.translate(str.maketrans("（）【】［］｛｝〔〕", "()[][]{}()"))


@register("qa.unbalanced_brackets", WARNING, "A bracket opened and never closed, or closed and never opened.")
def unbalanced_brackets(seg: SegmentContext) -> Iterator[Hit]:
    unmatched = unmatched_brackets(seg.mt)
    if not unmatched:
        return
    if seg.facts.memo("brackets.other_unbalanced", lambda: any(
        unmatched_brackets(_normalise_brackets(text)) for text in (*seg.refs, seg.source or "")
    )):
        return  # the segment is cut inside brackets (the reference or source is unbalanced too)
    for position, ch in unmatched:
        message = "bracket opened and never closed" if ch in OPENERS else "closing bracket without an opening one"
        yield Hit(position, position + 1, f"{message}: {ch!r}")


# --- qa.unbalanced_quotes -------------------------------------------------------------------------

def quote_problems(text: str) -> list[tuple[int, str]]:
    """(position, message) of unpaired double quotes: curly “ ” must pair; straight " must be even."""
    if '"' not in text and "“" not in text and "”" not in text:
        return []
    problems: list[tuple[int, str]] = []
    open_curly: list[int] = []
    for position, ch in enumerate(text):
        if ch == "“":
            open_curly.append(position)
        elif ch == "”":
            if open_curly:
                open_curly.pop()
            else:
                problems.append((position, "closing quote ” without an opening one"))
    problems += [(position, "opening quote “ never closed") for position in open_curly]
    straight = [m.start() for m in re.finditer('"', text)]
    if len(straight) % 2 and not any(p > 0 and text[p - 1].isdigit() for p in straight):
        # odd, and no quote after a digit that could be an inch mark (5'11")
        problems.append((straight[-1], "odd number of straight double quotes"))
    return sorted(problems)


def _source_quotes_unbalanced(text: str) -> bool:
    text = text.translate(str.maketrans({"「": "“", "」": "”", "『": "“", "』": "”", "＂": '"'}))
    return bool(quote_problems(text))


@register("qa.unbalanced_quotes", WARNING, "A double quotation mark without its partner.")
def unbalanced_quotes(seg: SegmentContext) -> Iterator[Hit]:
    problems = quote_problems(seg.mt)
    if not problems:
        return
    if seg.facts.memo("quotes.other_unbalanced", lambda: any(quote_problems(ref) for ref in seg.refs)
                      or _source_quotes_unbalanced(seg.source or "")):
        return  # a quotation that runs across segments: the reference or source is unbalanced too
    for position, message in problems:
        yield Hit(position, position + 1, message)


# --- qa.repeated_word / qa.repeated_phrase ----------------------------------------------------------

# Repeats that are good English (or good informal English) when doubled.
LEGIT_REPEATS = {
    "had", "that", "is", "her", "bye", "very", "ha", "haha", "hah", "he", "hee", "hey", "ho", "no", "so",
    "blah", "bla", "knock", "yeah", "yes", "yep", "well", "now", "there", "tut", "many", "really", "long",
    "far", "la", "na", "wow", "oh", "ah", "aha", "go", "come", "quick", "more", "again", "bang", "boom",
    "tick", "chop", "cha", "hip", "mm", "hmm", "um", "uh", "ok", "okay", "please", "bye", "boo", "beep",
    "pooh", "ding", "dong", "tsk", "xi", "hi", "hello", "sorry", "thanks", "fast", "slowly", "little",
    "round", "over", "on", "and", "de", "du", "do", "super",
}
# Words that are errors when doubled even if capitalised (names are not: Bora Bora, Dwen Dwen).
FUNCTION_WORDS = {
    "the", "a", "an", "of", "to", "in", "for", "on", "with", "at", "by", "from", "and", "or", "but", "is",
    "are", "was", "were", "be", "it", "this", "i", "we", "you", "he", "she", "they", "as", "if", "not",
}
CONNECTORS = {"and", "or"}
HYPHEN_CHARS = {"-", "‐", "‑"}


class Words:
    """The MT's words once per segment: folded forms joined by single spaces (for regex
    prefilters); spans and the "only spaces before the next word" flags built when needed."""

    __slots__ = ("text", "folded", "joined", "_spans", "_space_after")

    def __init__(self, text: str):
        self.text = text
        if text.isascii():  # folding keeps every word where it was
            self.folded = TOKEN_RE.findall(text.lower())
        else:
            self.folded = [fold(w) for w in TOKEN_RE.findall(text)]
        self.joined = " ".join(self.folded)
        self._spans: list[tuple[int, int, str]] | None = None
        self._space_after: list[bool] | None = None

    @property
    def spans(self) -> list[tuple[int, int, str]]:
        if self._spans is None:
            self._spans = tokens(self.text)
        return self._spans

    @property
    def space_after(self) -> list[bool]:
        if self._space_after is None:
            spans = self.spans
            self._space_after = [
                _gap_is_space(self.text, spans[k][1], spans[k + 1][0]) for k in range(len(spans) - 1)
            ] + [False]
        return self._space_after


# Candidates found in the joined folded words at C speed, then checked word by word.
REPEATED_WORD_RE = re.compile(r"(?<!\S)(\S+) \1(?!\S)")


def words_of(seg: SegmentContext) -> Words:
    return seg.memo("words", lambda: Words(seg.mt))


def _gap_is_space(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return gap != "" and gap.isspace()


def _ref_repeats(seg: SegmentContext, phrase: str) -> bool:
    refs = seg.facts.memo("repeat.refs_folded", lambda: [" ".join(fold(w) for _, _, w in tokens(r)) for r in seg.refs])
    return any(phrase in ref for ref in refs)


@register("qa.repeated_word", ERROR, "The same word twice in a row (\"the the\").")
def repeated_word(seg: SegmentContext) -> Iterator[Hit]:
    words = words_of(seg)
    if not REPEATED_WORD_RE.search(words.joined):
        return
    folded, spans, space_after = words.folded, words.spans, words.space_after
    i = 0
    count = len(folded)
    while i < count - 1:
        word = folded[i]
        if word != folded[i + 1] or not space_after[i]:
            i += 1
            continue
        j = i + 1  # extend over "the the the"
        while j + 1 < count and folded[j + 1] == word and space_after[j]:
            j += 1
        start, last = spans[i][0], spans[j][1]
        first_text, second_text = spans[i][2], spans[i + 1][2]
        i = j + 1
        before = seg.mt[start - 1] if start else ""
        after = seg.mt[last:last + 1]
        compound = before in HYPHEN_CHARS or after in HYPHEN_CHARS  # "low-power power line"
        if (compound or word in LEGIT_REPEATS or word.endswith("'s")  # "my father's father's house"
                or not word.replace("'", "").isalpha() or CJK_CHAR_RE.search(word)
                or (first_text[:1].isupper() and second_text[:1].isupper() and word not in FUNCTION_WORDS)
                or _ref_repeats(seg, f"{word} {word}")):
            continue
        yield Hit(start, last, f"repeated word {first_text!r}", first_text)


MAX_PHRASE = 8


@register("qa.repeated_phrase", WARNING,
          "A phrase repeated back to back or joined to itself by and/or (\"proud of and proud of\").")
def repeated_phrase(seg: SegmentContext) -> Iterator[Hit]:
    words = words_of(seg)
    candidates = _phrase_candidates(words.folded)
    if not candidates:
        return
    folded, spans, space_after = words.folded, words.spans, words.space_after
    count = len(folded)
    mt = seg.mt
    reached = 0
    for i in candidates:
        if i < reached:
            continue
        found = None
        first_word = folded[i]
        for n in range(min(MAX_PHRASE, (count - i) // 2), 1, -1):
            back_to_back = folded[i + n] == first_word
            joined = i + n + 1 < count and folded[i + n + 1] == first_word and folded[i + n] in CONNECTORS
            if not back_to_back and not joined:
                continue
            first = folded[i:i + n]
            if len(set(first)) == 1 or first[0] in CONNECTORS or first[-1] in CONNECTORS:
                continue  # "ha ha ha ha"; "faster and faster and faster"
            if not any(w.isalpha() for w in first) or not all(space_after[i:i + n - 1]):
                continue
            if back_to_back and folded[i + n:i + 2 * n] == first and all(space_after[i + n - 1:i + 2 * n - 1]):
                found = (n, i + 2 * n - 1, "repeated phrase")
                break
            c = i + n
            if (joined and folded[c + 1:c + 1 + n] == first and all(space_after[c:c + n])
                    and re.fullmatch(r",?\s+", mt[spans[c - 1][1]:spans[c][0]])):
                found = (n, c + n, f"phrase repeated around {spans[c][2]!r}")
                break
        if found is None:
            continue
        n, last, label = found
        phrase = " ".join(w for _, _, w in spans[i:i + n])
        if not _ref_repeats(seg, " ".join(folded[i:last + 1])):
            yield Hit(spans[i][0], spans[last][1], f"{label}: {mt[spans[i][0]:spans[last][1]]!r}", phrase)
        reached = last + 1


def _phrase_candidates(folded: list[str]) -> list[int]:
    """Where a repeated phrase may start: a pair of words seen again 2 to MAX_PHRASE + 1 words later."""
    seen: dict[tuple[str, str], int] = {}
    found: set[int] = set()
    for k, pair in enumerate(zip(folded, folded[1:])):
        previous = seen.get(pair)
        if previous is not None and 2 <= k - previous <= MAX_PHRASE + 1:
            found.add(previous)
        seen[pair] = k
    return sorted(found)


# --- qa.lowercase_start --------------------------------------------------------------------------

FIRST_TOKEN_RE = re.compile(r"\S+")


def _starts_lower(text: str) -> bool:
    stripped = text.lstrip()
    return bool(stripped) and stripped[0].isalpha() and stripped[0].islower()


@register("qa.lowercase_start", WARNING, "A segment that starts with a lower-case letter.")
def lowercase_start(seg: SegmentContext) -> Iterator[Hit]:
    mt = seg.mt
    stripped = mt.lstrip()
    if not stripped or not (stripped[0].isalpha() and stripped[0].islower()):
        return
    start = len(mt) - len(stripped)
    word = FIRST_TOKEN_RE.match(stripped).group()
    core = word.rstrip(".,;:!?\"'”’)")
    if any(ch.isupper() for ch in core[1:]):
        return  # iPhone, eBay
    if any(ch.isdigit() or ch in "./@#_:\\" for ch in core):
        return  # a URL, an address, a handle, e.g.
    if any(_starts_lower(ref) for ref in seg.refs):
        return  # the reference starts in lower case too (a continued sentence, a brand)
    if seg.source and core and core in seg.source:
        return  # a word kept from the source as is (a brand written in lower case)
    first_word = TOKEN_RE.match(stripped)
    end = start + (first_word.end() if first_word else 1)
    shown = mt[start:end]
    yield Hit(start, end, "segment starts with a lower-case letter", shown[:1].upper() + shown[1:])


# --- qa.number_mismatch -------------------------------------------------------------------------


def _expected_numbers(seg: SegmentContext):
    """(numbers the MT should contain, values allowed in the MT) for this segment: computed once."""

    def compute():
        allowed: set[float] = set()
        expected = []
        if seg.refs:
            per_ref = [digit_numbers(ref) for ref in seg.refs]
            for ref in seg.refs:
                allowed |= english_values(ref)
            source_values = chinese_values(seg.source) if seg.source else None
            if source_values is not None:
                allowed |= source_values
            seen: set[frozenset[float]] = set()
            for numbers in per_ref:
                for number in numbers:
                    if number.values in seen or _minutes_zero(number) or number.values == ONE:
                        continue
                    if source_values is not None:
                        if not found_in(number.values, source_values):
                            continue  # not shown by the source: the reference translator's own
                    elif len(seg.refs) > 1 and not all(
                        any(number.values & other.values for other in numbers_of) for numbers_of in per_ref
                    ):
                        continue  # without a source, only numbers every reference agrees on
                    seen.add(number.values)
                    expected.append(number)
        elif seg.source:
            allowed |= chinese_values(seg.source)
            seen = set()
            for number in source_digit_numbers(seg.source):
                if number.values not in seen and not number.text.startswith("00") and number.values != ONE:
                    seen.add(number.values)
                    expected.append(number)
        return expected, allowed

    return seg.facts.memo("numbers.expected", compute)


ONE = frozenset({1.0})  # a lone 1 is as often "a", "an", "each" or "every": not expected


def _minutes_zero(number) -> bool:
    """The 00 of 10:00 (a translation may write 10 a.m.)."""
    return number.text == "00"


@register("qa.number_mismatch", WARNING,
          "A number of the reference (and source) missing from the MT, or changed; the source alone when there is no reference.")
def number_mismatch(seg: SegmentContext) -> Iterator[Hit]:
    expected, allowed = _expected_numbers(seg)
    if not expected:
        return
    found = seg.memo("numbers.found", lambda: english_values(seg.mt))
    missing = [number for number in expected if not found_in(number.values, found)]
    if not missing:
        return
    origin = "reference" if seg.refs else "source"
    extra = [n for n in digit_numbers(seg.mt) if not found_in(n.values, allowed)]
    if len(missing) == 1 and len(extra) == 1:
        number = extra[0]
        yield Hit(number.start, number.end,
                  f"{number.text} in the MT where the {origin} has {missing[0].text}", missing[0].text)
        return
    for number in missing:
        yield Hit(None, None, f"the {origin} has {number.text}; the MT does not", number.text)


# --- qa.length_ratio ------------------------------------------------------------------------------

MIN_LENGTH = 40  # characters: a shorter reference (or MT) is not judged: abbreviations swing the ratio
LOW_RATIO = 0.4
HIGH_RATIO = 2.5


@register("qa.length_ratio", WARNING,
          f"Translation far shorter (< {LOW_RATIO:g}x) or longer (> {HIGH_RATIO:g}x) than the closest reference, in characters.")
def length_ratio(seg: SegmentContext) -> Iterator[Hit]:
    if not seg.refs:
        return
    length = len(seg.mt.strip())
    lengths = [len(ref.strip()) for ref in seg.refs if ref.strip()]
    if not lengths:
        return
    closest = min(lengths, key=lambda ref: abs(math.log(length / ref)) if length else ref)
    ratio = length / closest
    if ratio < LOW_RATIO and closest >= MIN_LENGTH:
        yield Hit(None, None, f"translation is {ratio:.2f}x the length of the reference (something left out?)")
    elif ratio > HIGH_RATIO and length >= MIN_LENGTH:
        yield Hit(None, None, f"translation is {ratio:.1f}x the length of the reference (something added or repeated?)")
