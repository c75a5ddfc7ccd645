"""Fuzz targets for every reader and for the checks, shared by the hand-run fuzzers in this folder
and the bounded property tests in ``tests/hardening``.

A target takes one generated input and feeds it to a reader. The property is always the same:
the reader returns, or raises one of the project's own errors (``ReviewAppError``); any other
exception (``ValueError``, ``RecursionError``, ``csv.Error``, ``TypeError``...) is a bug. Some
targets check more (a glossary read back from its own CSV is the same glossary; every cell we
write is neutralised; a finding's span slices the MT text).

Each target has two strategies: ``raw`` (random bytes, or random Unicode in a random encoding)
and ``shaped`` (inputs built to look like the format, so that they get past the decoder and reach
the parser: CSV with quotes and ragged rows, JSON with odd types, XML with entities...).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from hypothesis import strategies as st

from review_app.errors import ReviewAppError

# --- building blocks ----------------------------------------------------------------------------

NASTY_CHARS = [
    ",", "\t", '"', "'", "\n", "\r", "\r\n", "|", "=", "+", "-", "@", "\ufeff", "\x00", "\x0b", "\x1f", "\u2028",
    "\u0085", "\u200b", "\u202e", "é", "e\u0301", "ß", "İ", "ﬁ", "Ａ", "天问一号", "，", "“", "”", "’", "\U0001f600",
    "{", "}", "[", "]", ":", "\\", "/", "..", "<", ">", "&", ";", "%", "#", "0", "1", "-1", "1e999", "NaN",
    " ", "  ", "*", "_",
]
WORDS = ["the", "term", "source", "variants", "admitted", "case_sensitive", "note", "ref", "ref-A", "reference",
         "src", "doc", "domain", "id", "system", "segment", "check", "text", "start", "end", "rater", "category",
         "severity", "span", "span_text", "target", "comment", "timestamp", "reason", "true", "false", "yes", "2",
         "Tianwen-1", "German Space Center", "Accuracy/Mistranslation", "minor", "major", "critical", "0-3", "4-11",
         "2024-01-01T00:00:00+00:00", "glossary.forbidden", "qa.repeated_word", "*", "德国航空航天中心"]

piece = st.one_of(st.sampled_from(NASTY_CHARS), st.sampled_from(WORDS), st.text(max_size=6))
cell_text = st.lists(piece, max_size=8).map("".join)
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def raw_bytes() -> st.SearchStrategy[bytes]:
    """Random bytes, or random Unicode in a random encoding, sometimes with bytes spliced in."""
    unicode_bytes = st.builds(encode, st.text(max_size=300), st.sampled_from(ENCODINGS))
    spliced = st.builds(lambda a, b, c: a + b + c, unicode_bytes, st.binary(max_size=8), unicode_bytes)
    return st.one_of(st.binary(max_size=600), unicode_bytes, spliced)


@st.composite
def delimited(draw, delimiter: str = ",", columns: list[str] | None = None) -> str:
    """CSV/TSV-looking text: a header (known names, BOMs, duplicates, blanks), ragged rows,
    quotes (some left open), mixed line ends."""
    names = columns or WORDS[:12]
    header = draw(st.lists(st.one_of(st.sampled_from(names), cell_text,
                                     st.sampled_from(names).map(lambda n: "\ufeff" + n),
                                     st.sampled_from(names).map(lambda n: f" {n.upper()} ")),
                           min_size=0, max_size=7))
    width = max(1, len(header))
    rows = draw(st.lists(st.lists(cell_text, min_size=0, max_size=width + 2), max_size=6))
    quote_mode = draw(st.sampled_from(["none", "proper", "random"]))

    def render(cell: str) -> str:
        if quote_mode == "proper" and any(c in cell for c in (delimiter, '"', "\n", "\r")):
            return '"' + cell.replace('"', '""') + '"'
        if quote_mode == "random" and draw(st.booleans()):
            return '"' + cell + ('"' if draw(st.booleans()) else "")
        return cell

    ends = st.sampled_from(["\n", "\r\n", "\r"])
    lines = [delimiter.join(render(c) for c in header)] + [delimiter.join(render(c) for c in row) for row in rows]
    return "".join(line + draw(ends) for line in lines)


json_scalar = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                        st.floats(allow_nan=True, allow_infinity=True), cell_text)
json_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(WORDS), cell_text), inner, max_size=6)),
    max_leaves=20)


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


@st.composite
def json_records(draw, keys: list[str]) -> Any:
    """A list of objects whose keys are mostly the format's own, with values of any type."""
    value = st.one_of(cell_text, json_scalar, json_value)
    record = st.dictionaries(st.one_of(st.sampled_from(keys), cell_text), value, max_size=len(keys) + 2)
    return draw(st.lists(st.one_of(record, json_value), max_size=5))


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


json_oddities = st.sampled_from([
    deep_json(5000), "[" * 100000, '{"a": ' + "1" * 5000 + "}", '[{"segment": ' + "9" * 5000 + "}]",
    "[1e999999]", "[NaN, Infinity]", '"\\ud800"', '{"a": "\\u0000"}', "[]", "{}", "null", "",
])


# --- a per-process scratch folder for the readers that take a path -------------------------------

_SCRATCH: Path | None = None


def scratch() -> Path:
    global _SCRATCH
    if _SCRATCH is None or not _SCRATCH.exists():
        _SCRATCH = Path(tempfile.mkdtemp(prefix="review-app-fuzz-"))
    return _SCRATCH


def write_file(name: str, data: bytes) -> Path:
    path = scratch() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- the targets ----------------------------------------------------------------------------------


def target_text(data: bytes, variant: int = 0) -> None:
    from review_app.corpus import read_text_file
    from review_app.textio import lines_from_bytes

    lines = None
    try:
        lines = lines_from_bytes(data, "upload.en")
    except ReviewAppError:
        pass
    try:
        text = read_text_file(write_file("mt.en", data))
    except ReviewAppError:
        assert lines is None, "the upload reader accepted what the file reader refused"
        return
    assert lines is not None and list(text.segments) == lines, "file and upload readers disagree"


TABLE_NAMES = ["corpus.tsv", "corpus.csv", "corpus.jsonl"]


def target_table(data: bytes, variant: int = 0) -> None:
    from review_app.corpus import corpus_from_table, read_table

    name = TABLE_NAMES[variant % len(TABLE_NAMES)]
    try:
        read_table(name, data)
    except ReviewAppError:
        pass
    try:
        corpus_from_table(name, data)
    except ReviewAppError:
        pass


def target_corpus_dir(files: dict[str, bytes], variant: int = 0) -> None:
    from review_app.corpus import load_corpus_dir

    root = scratch() / "corpus"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        corpus = load_corpus_dir(root)
    except ReviewAppError:
        return
    assert isinstance(corpus.name, str) and isinstance(corpus.target_lang, str)
    for text in (*corpus.systems, *corpus.references):
        assert Path(text.path).resolve().is_relative_to(root.resolve()), f"read outside the folder: {text.path}"


GLOSSARY_NAMES = ["glossary.csv", "glossary.tsv"]


def target_glossary_csv(data: bytes, variant: int = 0) -> None:
    from review_app.glossary import glossary_to_csv, read_glossary, validate
    from review_app.glossary.csvfile import parse_glossary_csv
    from review_app.safety import is_neutral

    name = GLOSSARY_NAMES[variant % len(GLOSSARY_NAMES)]
    try:
        glossary = read_glossary(name, data=data, name=name)
    except ReviewAppError:
        return
    validate(glossary)
    delimiter = "\t" if name.endswith(".tsv") else ","
    out = glossary_to_csv(glossary, delimiter=delimiter)
    import csv
    import io

    for row in csv.reader(io.StringIO(out, newline=""), delimiter=delimiter):
        assert all(is_neutral(cell) for cell in row), f"a formula-looking cell was written: {row}"
    if not glossary.problems and glossary.terms:
        again = parse_glossary_csv(out, name, delimiter=delimiter)
        assert again.terms == glossary.terms, "the glossary CSV does not round-trip"
    from review_app.glossary import glossary_to_tbx, read_glossary_tbx

    for version in (2, 3):
        try:
            tbx = glossary_to_tbx(glossary, version=version)
        except ReviewAppError:
            continue
        read_glossary_tbx("again.tbx", data=tbx)


def target_tbx(data: bytes, variant: int = 0) -> None:
    from review_app.glossary import glossary_to_tbx, read_glossary_tbx, validate

    try:
        glossary = read_glossary_tbx("glossary.tbx", data=data)
    except ReviewAppError:
        return
    plain = data.replace(b"\x00", b"")
    assert not (b"<!DOCTYPE" in plain and b"<!ENTITY" in plain), "a document declaring entities was accepted"
    validate(glossary)
    if glossary.terms and not validate(glossary):
        again = read_glossary_tbx("again.tbx", data=glossary_to_tbx(glossary))
        assert len(again.terms) == len(glossary.terms)


SUPPRESSION_NAMES = ["suppressions.csv", "suppressions.json", "suppressions.txt"]


def target_suppressions(data: bytes, variant: int = 0) -> None:
    from review_app.checks import load_suppressions

    name = SUPPRESSION_NAMES[variant % len(SUPPRESSION_NAMES)]
    try:
        load_suppressions(name, data=data, name=name)
    except ReviewAppError:
        pass


ANNOTATION_NAMES = ["annotations.csv", "annotations.json"]


def target_annotations(data: bytes, variant: int = 0) -> None:
    from review_app.review.exchange import annotation_rows, parse_annotations, rows_to_csv, rows_to_json
    from review_app.safety import is_neutral

    name = ANNOTATION_NAMES[variant % len(ANNOTATION_NAMES)]
    try:
        annotations = parse_annotations(data, name)
    except ReviewAppError:
        return
    rows = annotation_rows(annotations)
    csv_text = rows_to_csv(rows)
    import csv
    import io

    for row in csv.reader(io.StringIO(csv_text, newline="")):
        assert all(is_neutral(cell) for cell in row), f"a formula-looking cell was written: {row}"

    def key(a):
        return (a.system, a.segment, a.start, a.end, a.text, a.category, a.severity, a.comment, a.rater, a.created_at)

    for again in (parse_annotations(csv_text, "again.csv"), parse_annotations(rows_to_json(rows), "again.json")):
        assert [key(a) for a in again] == [key(a) for a in annotations], "annotations do not round-trip"
    memory_store().import_annotations("fuzz", annotations, importer="fuzz")  # the store accepts what parsed


_STORE = None


def memory_store():
    global _STORE
    if _STORE is None:
        from review_app.review import ReviewStore

        _STORE = ReviewStore("sqlite://")
    return _STORE


def target_checks(case: dict, variant: int = 0) -> None:
    from review_app.checks import CHECKS, CheckCorpus, run_checks
    from review_app.corpus import Text
    from review_app.glossary import Glossary, Term

    rows = case["rows"]
    mts = tuple(r[0] for r in rows)
    refs = tuple(r[1] for r in rows)
    srcs = tuple(r[2] for r in rows)
    terms = tuple(Term(term=t, source=s, variants=tuple(v), admitted=tuple(a), case_sensitive=c)
                  for t, s, v, a, c in case["terms"])
    glossary = Glossary(terms=terms) if terms or case["with_glossary"] else None
    corpus = CheckCorpus(
        "fuzz",
        (Text("mt", mts), *((Text("mt2", refs),) if case["two_systems"] else ())),
        (Text("ref", refs),) if case["with_refs"] else (),
        Text("source", srcs) if case["with_source"] else None,
        tuple(case["documents"][: len(rows)]) if case["documents"] and len(case["documents"]) >= len(rows) else None,
    )
    try:
        findings = run_checks(corpus, glossary)
    except ReviewAppError:
        return
    texts = {"mt": mts, "mt2": refs}
    for f in findings:
        assert f.check in CHECKS and f.severity in ("error", "warning", "info")
        mt = texts[f.system][f.segment - 1]
        if f.start is None:
            assert f.end is None and f.text == ""
        else:
            assert 0 <= f.start <= f.end <= len(mt) and mt[f.start:f.end] == f.text, f


# --- strategies per target ---------------------------------------------------------------------

variant = st.integers(min_value=0, max_value=5)


def with_variant(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(strategy, variant)


def as_bytes(text_strategy: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return st.builds(encode, text_strategy, st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))


text_lines = st.lists(cell_text, max_size=8).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda end: end.join(lines)))

jsonl_text = st.lists(st.one_of(json_value.map(json_text), st.dictionaries(
    st.sampled_from(["source", "ref", "ref-A", "mt", "sys", "doc", "id", "domain", "\ufeffref"]),
    st.one_of(cell_text, json_scalar), max_size=5).map(json_text), json_oddities, cell_text), max_size=5).map("\n".join)

table_shaped = with_variant(st.one_of(
    as_bytes(delimited("\t", ["source", "ref", "ref-A", "mt", "sys", "doc", "domain", "id"])),
    as_bytes(delimited(",", ["source", "ref", "ref-A", "mt", "sys", "doc", "domain", "id"])),
    as_bytes(jsonl_text),
))

glossary_shaped = with_variant(as_bytes(st.one_of(delimited(","), delimited("\t"))))

MANIFEST_KEYS = ["name", "source", "references", "systems", "documents", "source_lang", "target_lang"]
manifest_paths = st.sampled_from(["systems/a.en", "ref.en", "source.zh", "../outside.en", "/etc/hostname",
                                  "systems/../ref.en", "", "a\x00b", "systems", "documents.tsv", "nope.en"])


@st.composite
def corpus_files(draw) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    n = draw(st.integers(1, 4))
    line = st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "\r", "é", "\x00", "天"]), max_size=5)
    for name in draw(st.lists(st.sampled_from(["systems/a.en", "systems/b.en", "ref.en", "ref-B.en", "source.zh",
                                              "references/r.en", "systems/.hidden"]), min_size=1, max_size=5)):
        files[name] = "".join(draw(line) + "\n" for _ in range(n if draw(st.booleans()) else draw(st.integers(0, 5))
                                                                      )).encode("utf-8")
    if draw(st.booleans()):
        manifest = draw(st.dictionaries(st.sampled_from(MANIFEST_KEYS), st.one_of(
            manifest_paths, st.lists(manifest_paths, max_size=3), json_scalar, json_value), max_size=5))
        files["corpus.json"] = draw(st.one_of(st.just(json_text(manifest)), json_oddities)).encode("utf-8")
    if draw(st.booleans()):
        files["documents.tsv"] = draw(as_bytes(text_lines))
    return files


corpus_dir_raw = st.builds(lambda sys_, ref, man, docs: {"systems/a.en": sys_, "ref.en": ref,
                                                          "corpus.json": man, "documents.tsv": docs},
                           raw_bytes(), raw_bytes(), raw_bytes(), raw_bytes())

ENTITY_SNIPPETS = [
    '<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    '<!DOCTYPE martif [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
    '<!DOCTYPE martif [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    '<!DOCTYPE martif SYSTEM "http://127.0.0.1:9/TBXBasiccoreStructV02.dtd">',
    '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">',
    '<!DOCTYPE martif PUBLIC "-//x" "file:///etc/hostname">',
    "",
]
TBX_TERM_ELEMENTS = ["termEntry", "conceptEntry", "langSet", "langSec", "tig", "ntig", "termSec", "termGrp", "term",
                     "termNote", "note", "descrip", "admin", "descripGrp", "body", "text"]


@st.composite
def tbx_documents(draw) -> bytes:
    def element(depth: int) -> str:
        tag = draw(st.sampled_from(TBX_TERM_ELEMENTS))
        attributes = ""
        if draw(st.booleans()):
            attributes += f' xml:lang="{draw(st.sampled_from(["en", "en-US", "zh", "zh-CN", "de", "", "EN"]))}"'
        if draw(st.booleans()):
            attributes += ' type="{}"'.format(draw(st.sampled_from(
                ["administrativeStatus", "normativeAuthorization", "x-caseSensitive", "definition", "x-column:note",
                 "preferredTerm-admn-sts"])))
        body = draw(st.sampled_from(["", "text", "&amp;", "&x;", "&#0;", "&#x41;", "<![CDATA[=cmd]]>", "<!-- c -->",
                                     "天问一号", "preferredTerm-admn-sts", "deprecatedTerm-admn-sts", "false", "maybe"]))
        if depth < 5:
            body += "".join(element(depth + 1) for _ in range(draw(st.integers(0, 3))))
        return f"<{tag}{attributes}>{body}</{tag}>"

    root = draw(st.sampled_from(["martif", "tbx", "other"]))
    namespace = ' xmlns="urn:iso:std:iso:30042:ed-2"' if draw(st.booleans()) else ""
    declaration = draw(st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>\n', '<?xml version="1.0"?>',
                                        '<?xml version="1.0" encoding="ISO-8859-1"?>', "",
                                        '<?xml version="1.0" encoding="UTF-16"?>']))
    doctype = draw(st.sampled_from(ENTITY_SNIPPETS))
    text = f"{declaration}{doctype}<{root}{namespace} xml:lang=\"en\"><text><body>"
    text += "".join(element(0) for _ in range(draw(st.integers(0, 4))))
    text += f"</body></text></{root}>"
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(cell_text) + text[cut:]
    return encode(text, draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le"])))


SUPPRESSION_KEYS = ["system", "segment", "check", "text", "start", "end", "reason", "note"]
suppressions_shaped = with_variant(as_bytes(st.one_of(
    delimited(",", SUPPRESSION_KEYS),
    json_records(SUPPRESSION_KEYS).map(json_text),
    st.dictionaries(st.sampled_from(["findings", "suppressions", "x"]), st.one_of(
        json_records(SUPPRESSION_KEYS), json_value), max_size=2).map(json_text),
    json_oddities,
)))

ANNOTATION_KEYS = ["system", "doc", "segment", "rater", "category", "severity", "span", "span_text", "source", "target",
                   "comment", "timestamp"]


@st.composite
def annotation_record(draw) -> dict:
    target = draw(cell_text)
    start = draw(st.integers(0, len(target) + 1))
    end = draw(st.integers(start, len(target) + 2))
    record = {
        "system": draw(st.one_of(st.sampled_from(["A", "B"]), cell_text)),
        "segment": draw(st.one_of(st.integers(-1, 5).map(str), st.integers(-1, 2**40), st.sampled_from(
            ["²", "١", "1" * 30, " 3 ", "", "0"]))),
        "rater": draw(st.one_of(st.just("ann"), cell_text)),
        "category": draw(st.sampled_from(["Accuracy/Mistranslation", "Fluency/Grammar", "Other", "accuracy",
                                          "Non-translation", "bogus", ""])),
        "severity": draw(st.sampled_from(["minor", "major", "critical", "Major", "neutral", "", "x"])),
        "span": draw(st.one_of(st.just(f"{start}-{end}"), cell_text, st.sampled_from(["1-" + "9" * 40, "٣-٤"]))),
        "span_text": target[start:end],
        "target": target,
        "comment": draw(cell_text),
        "timestamp": draw(st.sampled_from(["", "2024-01-01T00:00:00+00:00", "0001-01-01T00:00:00+01:00",
                                           "9999-12-31T23:59:59-01:00", "2024-02-30", "now"])),
    }
    for key in draw(st.lists(st.sampled_from(ANNOTATION_KEYS), max_size=2)):
        if draw(st.booleans()):
            record.pop(key, None)
        else:
            record[key] = draw(json_scalar)
    return record


def annotations_csv(records: list[dict], extra_header: list[str]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = ANNOTATION_KEYS + extra_header
    writer.writerow(header)
    for record in records:
        writer.writerow(["" if record.get(k) is None else str(record.get(k)) for k in header])
    return buffer.getvalue()


annotations_shaped = st.one_of(
    st.tuples(as_bytes(st.builds(annotations_csv, st.lists(annotation_record(), max_size=4),
                                 st.lists(st.sampled_from(["system", "\ufeffsegment", "x"]), max_size=2))),
              st.just(0)),
    st.tuples(as_bytes(st.lists(annotation_record(), max_size=4).map(json_text)), st.just(1)),
    st.tuples(as_bytes(st.one_of(json_records(ANNOTATION_KEYS).map(json_text), json_oddities)), st.just(1)),
    st.tuples(as_bytes(delimited(",", ANNOTATION_KEYS)), st.just(0)),
)

segment_text = st.lists(st.one_of(piece, st.sampled_from([
    "Tianwen-1", "tianwen 1", "German Space Center", "24", "1,000", "二十四", "(", ")", "\"", "“", "the the", " ,",
    "...", "NASA", "3.5 km", "2.0", "-", "  "])), max_size=12).map("".join)
term_strategy = st.tuples(
    st.one_of(st.sampled_from(["Tianwen-1", "German Aerospace Center", "", " ", "-", "e\u0301", "ß", "İ", "the"]),
              cell_text),
    st.one_of(st.sampled_from(["天问一号", "", "|", "德国|宇航"]), cell_text),
    st.lists(st.one_of(st.sampled_from(["Tianwen 1", "German Space Center", "", "the"]), cell_text), max_size=3),
    st.lists(cell_text, max_size=2),
    st.booleans(),
)
checks_case = st.fixed_dictionaries({
    "rows": st.lists(st.tuples(segment_text, segment_text, segment_text), min_size=1, max_size=4),
    "terms": st.lists(term_strategy, max_size=5),
    "with_glossary": st.booleans(),
    "with_refs": st.booleans(),
    "with_source": st.booleans(),
    "two_systems": st.booleans(),
    "documents": st.one_of(st.none(), st.lists(st.sampled_from(["d1", "d2", ""]), min_size=4, max_size=4)),
})


@dataclass(frozen=True)
class Target:
    name: str
    func: Callable[..., None]
    raw: st.SearchStrategy  # -> (input, variant)
    shaped: st.SearchStrategy  # -> (input, variant)
    from_bytes: Callable[[bytes], tuple[Any, int]] | None = None  # for byte-level fuzzers (atheris)


def _split_files(data: bytes) -> tuple[dict[str, bytes], int]:
    parts = data.split(b"\x00\xff", 3) + [b""] * 4
    return {"systems/a.en": parts[0], "ref.en": parts[1], "corpus.json": parts[2], "documents.tsv": parts[3]}, 0


TARGETS: dict[str, Target] = {
    "text": Target("text", target_text, with_variant(raw_bytes()), with_variant(as_bytes(text_lines))),
    "table": Target("table", target_table, with_variant(raw_bytes()), table_shaped),
    "corpus_dir": Target("corpus_dir", target_corpus_dir, with_variant(corpus_dir_raw), with_variant(corpus_files()),
                         from_bytes=_split_files),
    "glossary_csv": Target("glossary_csv", target_glossary_csv, with_variant(raw_bytes()), glossary_shaped),
    "tbx": Target("tbx", target_tbx, with_variant(raw_bytes()), with_variant(tbx_documents())),
    "suppressions": Target("suppressions", target_suppressions, with_variant(raw_bytes()), suppressions_shaped),
    "annotations": Target("annotations", target_annotations, with_variant(raw_bytes()), annotations_shaped),
    "checks": Target("checks", target_checks, with_variant(checks_case), with_variant(checks_case)),
}


def small_tbx(csv_path: Path, version: int) -> bytes:
    """A complete TBX of the first few entries of a glossary (cut files would not parse)."""
    from dataclasses import replace

    from review_app.glossary import glossary_to_tbx, read_glossary

    glossary = read_glossary(csv_path)
    return glossary_to_tbx(replace(glossary, terms=glossary.terms[:4]), version=version)


def seeds(name: str) -> list[bytes]:
    """Valid sample inputs for a byte-level fuzzer to start from (first byte: the variant)."""
    repo = Path(__file__).resolve().parent.parent
    tianwen = repo / "corpora" / "tianwen-1"
    glossary = repo / "glossary"
    mt = (tianwen / "systems" / "seed-mt.en").read_bytes()[:2000]
    ref = (tianwen / "ref.en").read_bytes()[:2000]
    samples: dict[str, list[bytes]] = {
        "text": [b"\x00" + mt],
        "table": [b"\x00source\tref\tmt\n\xe7\x8c\xab\tThe cat.\tA cat.\n",
                  b"\x01source,ref,mt\n\"a, b\",The cat.,A cat.\n",
                  b'\x02{"source": "a", "ref": "The cat.", "mt": "A cat.", "doc": 1}\n'],
        "corpus_dir": [mt + b"\x00\xff" + ref + b"\x00\xff" + (tianwen / "corpus.json").read_bytes()
                       + b"\x00\xff" + (tianwen / "documents.tsv").read_bytes()],
        "glossary_csv": [b"\x00" + (glossary / "space-diplomacy.csv").read_bytes()[:3000]],
        "tbx": [b"\x00" + small_tbx(glossary / "space-diplomacy.csv", version) for version in (2, 3)],
        "suppressions": [b"\x00system,segment,check,text,start,end\nmt,1,qa.spacing,  ,3,5\n",
                         b'\x01[{"system": "mt", "segment": 1, "check": "glossary.case", "text": "x"}]'],
        "annotations": [b"\x00" + ("system,doc,segment,rater,category,severity,span,span_text,source,target,comment,"
                                     "timestamp\r\nA,,1,ann,Accuracy/Mistranslation,major,0-3,The,,The cat,,"
                                     "2024-01-01T00:00:00+00:00\r\n").encode(),
                        b'\x01[{"system": "A", "segment": 1, "rater": "r", "category": "Other", "severity": "minor",'
                        b' "span": "0-1", "span_text": "x", "target": "xy"}]'],
    }
    return samples.get(name, [])


def run_one(target: Target, value: Any, variant_number: int) -> None:
    """Call a target; the project's own errors are fine, anything else propagates."""
    try:
        target.func(value, variant_number)
    except ReviewAppError:
        pass


def cleanup() -> None:
    if _SCRATCH is not None:
        shutil.rmtree(_SCRATCH, ignore_errors=True)


__all__ = ["TARGETS", "Target", "cleanup", "run_one", "scratch", "write_file"]

if os.environ.get("REVIEW_APP_FUZZ_DEBUG"):
    print("targets:", ", ".join(TARGETS))
