"""review_app.highlight: escaped HTML with findings and a word diff (pure, no Streamlit)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from review_app.highlight import (
    POINT_MARK,
    findings_list_html,
    highlight_html,
    reference_html,
    severity_class,
    severity_rank,
    tokenize,
    word_diff,
)


@dataclass(frozen=True)
class F:
    start: int | None
    end: int | None
    check: str = "case"
    severity: str = "warning"
    message: str = "msg"
    suggestion: str | None = None
    text: str = ""
    system: str = "s"
    segment: int = 1


class Structure(HTMLParser):
    """Checks tags are well nested and collects the text outside <ins> (what the MT says)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.ins_text: list[str] = []
        self.marks: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "mark":
            self.marks.append(dict(attrs))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        if "ins" in self.stack:
            self.ins_text.append(data)
        else:
            self.text.append(data)


def parse(fragment: str) -> Structure:
    parser = Structure()
    parser.feed(fragment)
    parser.close()
    assert parser.stack == []
    return parser


def test_plain_text_is_escaped_and_unchanged():
    text = 'a <script>alert("x")</script> & b\'s <b>bold</b>'
    out = highlight_html(text)
    assert "<script>" not in out and "<b>" not in out
    assert html.unescape(out) == text
    assert out == html.escape(text, quote=True)


def test_one_finding_is_marked_with_title():
    text = "China's probe tianwen-1 launched"
    start = text.index("tianwen-1")
    finding = F(start, start + 9, check="case", severity="warning", message="Proper noun not capitalised", suggestion="Tianwen-1")
    out = highlight_html(text, [finding])
    assert '<mark class="finding sev-warning" data-checks="case" title="case: Proper noun not capitalised \u2192 Tianwen-1">tianwen-1</mark>' in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text


def test_attributes_are_escaped():
    text = "x <y> z"
    finding = F(0, 1, check='c"><script>', message='"quoted" <b>', suggestion="<i>&")
    out = highlight_html(text, [finding])
    parsed = parse(out)
    assert parsed.marks[0]["title"] == 'c"><script>: "quoted" <b> \u2192 <i>&'
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;y&gt;" in out


def test_overlapping_findings_nest_properly_and_cover_their_spans():
    text = "abcdefghij"
    a = F(1, 6, check="glossary", severity="info", message="A")
    b = F(4, 9, check="number", severity="error", message="B")
    out = highlight_html(text, [a, b])
    parsed = parse(out)
    assert "".join(parsed.text) == text
    # bcd: only a; ef: both (worst colour, both messages); ghi: only b
    assert '<mark class="finding sev-info" data-checks="glossary" title="glossary: A">bcd</mark>' in out
    assert '<mark class="finding sev-error multi" data-checks="number glossary" title="number: B\nglossary: A">ef</mark>' in out
    assert '<mark class="finding sev-error" data-checks="number" title="number: B">ghi</mark>' in out


def test_nested_and_identical_findings():
    text = "one two three"
    outer = F(0, 13, check="length", severity="info")
    inner = F(4, 7, check="term", severity="error")
    same = F(4, 7, check="spell", severity="warning")
    out = highlight_html(text, [outer, inner, same])
    parsed = parse(out)
    assert "".join(parsed.text) == text
    middle = [m for m in parsed.marks if "term" in m["data-checks"]]
    assert len(middle) == 1 and middle[0]["class"] == "finding sev-error multi"
    assert middle[0]["data-checks"] == "term spell length"


def test_out_of_range_and_segment_level_findings():
    text = "short"
    out = highlight_html(text, [F(3, 99), F(-5, 2, check="x"), F(None, None, check="whole")])
    parsed = parse(out)
    assert "".join(parsed.text) == text
    assert [m["data-checks"] for m in parsed.marks] == ["x", "case"]


def test_zero_width_finding_is_a_caret():
    out = highlight_html("ab", [F(1, 1, check="missing-term", message="term missing")])
    assert out == 'a<mark class="finding point sev-warning" data-checks="missing-term" title="missing-term: term missing">' + POINT_MARK + "</mark>b"


def test_word_diff_ops_rebuild_both_sides():
    hyp = "China's first Mars probe, tianwen-1, was launched yesterday."
    ref = "China's first Mars probe, Tianwen-1, was launched on Thursday."
    ops = word_diff(hyp, ref)
    hyp_words = [hyp[a:b] for a, b in tokenize(hyp)]
    ref_words = [ref[a:b] for a, b in tokenize(ref)]
    rebuilt_hyp = [op.text[a:b] for op in ops if op.op in ("equal", "delete") for a, b in tokenize(op.text)]
    rebuilt_ref = [op.text[a:b] for op in ops if op.op in ("equal", "insert") for a, b in tokenize(op.text)]
    assert rebuilt_hyp == hyp_words
    assert rebuilt_ref == ref_words
    changed = [(op.op, op.text) for op in ops if op.op != "equal"]
    assert changed == [("delete", "tianwen-1"), ("insert", "Tianwen-1"), ("delete", "yesterday"), ("insert", "on Thursday")]
    for op in ops:
        if op.op == "insert":
            assert op.hyp_start == op.hyp_end
            assert ref[op.ref_start:op.ref_end] == op.text
        else:
            assert hyp[op.hyp_start:op.hyp_end] == op.text


def test_tokenize_keeps_words_together():
    text = "Tianwen-1 is China’s 1,875th probe: 3.5 tons!"
    assert [text[a:b] for a, b in tokenize(text)] == [
        "Tianwen-1", "is", "China’s", "1,875th", "probe", ":", "3.5", "tons", "!",
    ]


def test_diff_markup():
    out = highlight_html("the red dog", diff_against="the big dog barks")
    assert out == 'the <del class="diff-del">red</del> <ins class="diff-ins">big</ins> dog <ins class="diff-ins">barks</ins>'
    assert highlight_html("a b", diff_against="a b") == "a b"
    assert highlight_html("", diff_against="new words") == '<ins class="diff-ins">new words</ins>'
    assert highlight_html("gone", diff_against="") == '<del class="diff-del">gone</del>'


def test_diff_with_findings_and_escaping():
    hyp = "<b>x</b> tianwen-1 launched"
    ref = "<b>x</b> Tianwen-1 launched"
    start = hyp.index("tianwen")
    out = highlight_html(hyp, [F(start, start + 9, suggestion="<Tianwen-1>")], diff_against=ref)
    parsed = parse(out)
    assert "<b>" not in out
    assert "".join(parsed.text) == hyp.replace("tianwen-1", "tianwen-1 ")  # a space before the inserted word
    assert "".join(parsed.ins_text) == "Tianwen-1"
    assert '<del class="diff-del">tianwen-1</del></mark>' in out
    assert "&lt;Tianwen-1&gt;" in out


def test_findings_list():
    out = findings_list_html([
        F(0, 1, check="term", severity="warning", message="use <X>", suggestion="X", text="y"),
        F(2, 3, check="num", severity="error", message="number differs"),
        F(None, None, check="missing", severity="info", message="term absent"),
    ])
    assert out.startswith('<ul class="finding-list"><li class="sev-error">')
    assert out.count("<li") == 3  # segment-level findings are listed too
    assert "use &lt;X&gt;" in out and "<q>y</q>" in out
    assert findings_list_html([]) == ""


def test_severity_vocabulary():
    assert severity_rank("error") < severity_rank("warning") < severity_rank("info")
    assert severity_class("Warning") == "sev-warning"
    assert severity_class("critical") == severity_class("major") == "sev-error"
    assert severity_class("minor") == "sev-warning"
    assert severity_class("whatever") == "sev-warning"
    assert severity_class(None) == "sev-warning"


findings_strategy = st.lists(
    st.tuples(st.integers(-3, 40), st.integers(-3, 40), st.sampled_from(["error", "warning", "info", "critical"])),
    max_size=6,
)
text_strategy = st.text(alphabet=st.sampled_from(list("ab <>&\"'é中 -.,\t")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(text=text_strategy, spans=findings_strategy, ref=st.one_of(st.none(), text_strategy))
def test_any_text_any_findings_is_well_formed(text, spans, ref):
    findings = [F(min(a, b), max(a, b), check=f"c{i}", severity=sev) for i, (a, b, sev) in enumerate(spans)]
    out = highlight_html(text, findings, diff_against=ref)
    parsed = parse(out)
    assert set(re.findall(r"</?([a-zA-Z]+)", out)) <= {"mark", "del", "ins"}  # no markup but ours
    shown = "".join(parsed.text).replace(POINT_MARK, "")
    if ref is None:
        assert shown == text
    else:
        # Without the inserted words, the MT text is all there (plus at most the spaces set around insertions).
        assert shown.replace(" ", "") == text.replace(" ", "")
    for mark in parsed.marks:
        assert mark["class"].startswith("finding ")
    # Every character inside a finding's span is inside a mark naming that finding.
    if ref is None:
        covered = coverage(out)
        for finding in findings:
            lo, hi = max(0, finding.start), min(len(text), finding.end)
            for i in range(lo, hi):
                assert finding.check in covered[i], (i, finding, out)


def coverage(fragment: str) -> list[set[str]]:
    """For each character of the text, the checks of the marks around it (for fragments without a diff)."""

    class Cover(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.current: set[str] = set()
            self.point = False
            self.chars: list[set[str]] = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            self.point = "point" in attrs.get("class", "")
            self.current = set(attrs.get("data-checks", "").split())

        def handle_endtag(self, tag):
            self.current = set()
            self.point = False

        def handle_data(self, data):
            if self.point:
                return
            self.chars.extend(set(self.current) for _ in data)

    cover = Cover()
    cover.feed(fragment)
    cover.close()
    return cover.chars


def test_side_by_side_halves():
    hyp, ref = "the red dog", "the big dog barks"
    assert highlight_html(hyp, diff_against=ref, insertions=False) == 'the <del class="diff-del">red</del> dog'
    assert reference_html(ref, hyp) == 'the <ins class="diff-ins">big</ins> dog <ins class="diff-ins">barks</ins>'
    assert reference_html("<a> & b", "b") == '<ins class="diff-ins">&lt;a&gt; &amp;</ins> b'
    assert reference_html("", "x") == ""


@settings(max_examples=200, deadline=None)
@given(hyp=text_strategy, ref=text_strategy)
def test_reference_half_is_the_reference(hyp, ref):
    out = reference_html(ref, hyp)
    parsed = parse(out)
    assert "".join(parsed.text) + "".join(parsed.ins_text) != "" or ref == ""
    assert html.unescape(re.sub(r"</?ins[^>]*>", "", out)) == ref
    mt_half = highlight_html(hyp, diff_against=ref, insertions=False)
    assert html.unescape(re.sub(r"<[^>]+>", "", mt_half)) == hyp
