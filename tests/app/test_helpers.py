"""The app's pure helpers (no Streamlit): uploads, corpus sources, summary frames, row HTML, jobs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from review_app.corpus import Corpus, Text, load_corpus
from review_app.errors import InputError
from review_app.scoring.results import score_corpus
from review_app.scoring.significance import paired_bootstrap
from review_app.segment_table import build_segment_table, findings_by_row
from review_app.ui.frames import box_stats, check_totals, findings_by_check, rank_systems, significance_table, system_table
from review_app.ui.jobs import Job, ScoringJob, merge_scores, significance_job
from review_app.ui.render import detail_html, legend_html, segment_rows_html
from review_app.ui.sources import corpus_digest, glossary_digest, resolve_corpus_ref
from review_app.ui.uploads import CorpusUpload, Upload, check_upload, corpus_from_upload, glossary_from_upload, texts_from_upload

REPO = Path(__file__).resolve().parents[2]


# --- uploads -------------------------------------------------------------------------------------


def test_separate_text_files():
    corpus = corpus_from_upload(
        CorpusUpload(
            systems=(Upload("sysA.en", b"a b\nc d\n"), Upload("sysB.txt", b"a\r\nc\r\n")),
            references=(Upload("ref.en", "\ufeffa b\nc d e\n".encode()),),
            source=Upload("src.zh", "甲\n乙\n".encode()),
        )
    )
    assert corpus.system_names == ("sysA", "sysB")
    assert corpus.systems[1].segments == ("a", "c")
    assert corpus.references[0].segments == ("a b", "c d e")  # BOM dropped
    assert corpus.source.segments == ("甲", "乙")
    assert corpus.name == "upload"


def test_tables_as_parts():
    systems = Upload("out.tsv", b"id\tsys1\tsys2\n1\tx\ty\n2\tz\tw\n")
    refs = Upload("refs.csv", b"ref-A,ref-B\nx,y\nz,w\n")
    corpus = corpus_from_upload(CorpusUpload(systems=(systems,), references=(refs,), name="named"))
    assert corpus.system_names == ("sys1", "sys2")
    assert [r.name for r in corpus.references] == ["ref-A", "ref-B"]
    assert corpus.name == "named"
    assert texts_from_upload(Upload("s.jsonl", b'{"source": "s1"}\n{"source": "s2"}\n'), "source")[0].segments == ("s1", "s2")


def test_whole_table():
    corpus = corpus_from_upload(CorpusUpload(table=Upload("all.csv", b"source,ref,doc,m1\ns,r,d1,h\n")))
    assert (corpus.name, corpus.system_names, corpus.documents) == ("all", ("m1",), ("d1",))


@pytest.mark.parametrize(
    "request_, message",
    [
        (CorpusUpload(), "upload at least one MT output (or a whole-corpus table)"),
        (CorpusUpload(systems=(Upload("s.txt", b"x\n"),)), "upload at least one reference translation"),
        (CorpusUpload(table=Upload("t.tsv", b"ref\ts\nx\ty\n"), systems=(Upload("s.txt", b"x\n"),)),
         "upload either one whole-corpus table or separate files, not both"),
        (CorpusUpload(table=Upload("t.txt", b"x\n")), "t.txt: a whole-corpus table must be a .tsv, .csv or .jsonl file"),
        (CorpusUpload(systems=(Upload("s.txt", b""),), references=(Upload("r.txt", b"x\n"),)), "s.txt: file is empty"),
        (CorpusUpload(systems=(Upload("s.txt", b"a\x00b\n"),), references=(Upload("r.txt", b"x\n"),)),
         "s.txt, line 1: contains a NUL byte (binary file?)"),
        (CorpusUpload(systems=(Upload("s.txt", b"x\n"),), references=(Upload("r.tsv", b"a\tb\n1\t2\n"),)),
         "r.tsv, line 1: no reference column (name it 'ref', 'reference' or 'ref-NAME')"),
        (CorpusUpload(systems=(Upload("s.csv", b'ref,"x\n1,2\n'),), references=(Upload("r.txt", b"x\n"),)),
         "s.csv, line"),
        (CorpusUpload(systems=(Upload("s.txt", b"x\n"), Upload("s.en", b"y\n")), references=(Upload("r.txt", b"x\n"),)),
         "two system files are both named 's'"),
    ],
)
def test_bad_uploads_raise_clear_messages(request_, message):
    with pytest.raises(InputError) as caught:
        corpus_from_upload(request_)
    assert str(caught.value).startswith(message) or message in str(caught.value)


def test_upload_limit(monkeypatch):
    monkeypatch.setenv("REVIEW_APP_MAX_UPLOAD_MB", "1")
    check_upload(Upload("ok.txt", b"x" * 1024 * 1024))
    with pytest.raises(InputError, match=r"big.txt: file is 1.0 MB, over the upload limit of 1 MB"):
        check_upload(Upload("big.txt", b"x" * (1024 * 1024 + 1)))
    with pytest.raises(InputError, match="over the upload limit"):
        corpus_from_upload(CorpusUpload(table=Upload("t.tsv", b"ref\ts\n" + b"x\ty\n" * 300_000)))


def test_glossary_upload():
    glossary = glossary_from_upload(Upload("g.csv", "term,source\nMars,火星\n".encode()))
    assert [t.term for t in glossary.terms] == ["Mars"]
    with pytest.raises(InputError, match="g.csv"):
        glossary_from_upload(Upload("g.csv", b"\xff\xfe"))


# --- sources -------------------------------------------------------------------------------------


def test_resolve_corpus_ref(tmp_path, monkeypatch):
    assert resolve_corpus_ref("tianwen-1") == REPO / "corpora" / "tianwen-1"
    for bad in ("/etc", "../../", "/", str(tmp_path)):
        with pytest.raises(InputError, match="not one the app may open"):
            resolve_corpus_ref(bad)
    with pytest.raises(InputError, match="corpus folder not found"):
        resolve_corpus_ref("no-such-corpus")
    (tmp_path / "data" / "c").mkdir(parents=True)
    monkeypatch.setenv("REVIEW_APP_CORPUS_ROOTS", str(tmp_path / "data"))
    assert resolve_corpus_ref(str(tmp_path / "data" / "c")) == (tmp_path / "data" / "c").resolve()
    with pytest.raises(InputError, match="not one the app may open"):
        resolve_corpus_ref(str(tmp_path / "data" / "c" / ".." / ".."))
    (tmp_path / "data" / "link").symlink_to("/etc")
    with pytest.raises(InputError, match="not one the app may open"):
        resolve_corpus_ref(str(tmp_path / "data" / "link"))


def test_digests_follow_content():
    a = Corpus(name="c", systems=(Text("s", ("x", "y")),), references=(Text("r", ("x", "y")),))
    b = Corpus(name="c", systems=(Text("s", ("x", "y ")),), references=(Text("r", ("x", "y")),))
    c = Corpus(name="c", systems=(Text("s", ("x", "y")),), references=(Text("r", ("x", "y")),))
    assert corpus_digest(a) == corpus_digest(c) != corpus_digest(b)
    assert glossary_digest(None) == "none"


# --- frames --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three():
    refs = tuple(f"the {w} sat on the mat number {i}" for i, w in enumerate(["cat", "dog", "cow"] * 4))
    corpus = Corpus(
        name="three",
        systems=(Text("A", refs), Text("B", tuple(r.replace("sat", "sits") for r in refs)),
                 Text("C", tuple(r.replace("the", "a") for r in refs))),
        references=(Text("ref", refs),),
    )
    return corpus, score_corpus(corpus, cache=False)


class F:
    def __init__(self, system, segment, check, severity, start=0, end=1):
        self.system, self.segment, self.check, self.severity = system, segment, check, severity
        self.start, self.end, self.message, self.suggestion, self.text = start, end, "m", "", ""


def test_system_table_and_ranking(three):
    corpus, scores = three
    findings = [F("B", 1, "x", "error"), F("B", 2, "y", "info"), F("C", 1, "x", "warning")]
    frame = system_table(scores, findings)
    assert list(frame.columns) == ["system", "BLEU", "chrF2", "chrF2++", "TER", "findings"]
    assert frame["findings"].tolist() == [0, 2, 1]
    for row in frame.itertuples():
        assert row.BLEU == scores.system(row.system).metrics["bleu"].corpus
    assert rank_systems(frame, "bleu")["system"].tolist()[0] == "A"
    assert rank_systems(frame, "ter")["system"].tolist()[0] == "A"
    partial = score_corpus(corpus, metric_ids=("bleu",), cache=False)
    assert system_table(partial)["TER"].isna().all()


def test_findings_counts():
    findings = [F("A", 1, "x", "error"), F("A", 2, "x", "info"), F("A", 2, "y", "warning"), F("B", 1, "x", "error")]
    long = findings_by_check(findings)
    assert long.to_dict("records") == [
        {"check": "x", "severity": "error", "count": 2}, {"check": "x", "severity": "info", "count": 1},
        {"check": "y", "severity": "warning", "count": 1},
    ]
    wide = check_totals(findings)
    assert wide.to_dict("records") == [
        {"check": "x", "findings": 3, "error": 2, "warning": 0, "info": 1},
        {"check": "y", "findings": 1, "error": 0, "warning": 1, "info": 0},
    ]
    assert findings_by_check([]).empty and check_totals([]).empty


def test_significance_frame_and_job_equal_the_core(three):
    corpus, scores = three
    job = significance_job(scores, "B", 200)
    assert job.wait(60) and job.error is None
    direct = paired_bootstrap(scores, "B", n_samples=200)
    key = lambda r: (r.system, r.metric_id)
    assert sorted(job.result, key=key) == sorted(direct, key=key)
    frame = significance_table(job.result, "ter")
    assert set(frame["system"]) == {"A", "C"}
    a = frame[frame.system == "A"].iloc[0]
    assert bool(a["better"]) and a["Δ vs baseline"] < 0  # lower TER is better
    assert job.progress.done == job.progress.total == 8


# --- jobs ----------------------------------------------------------------------------------------


def test_scoring_job_fast_then_full(three):
    corpus, scores = three
    job = ScoringJob(corpus)
    assert job.job.wait(60) and job.error is None
    assert job.fast.metric_ids == ("bleu", "chrf", "chrf++")
    assert job.current().metric_ids == ("bleu", "chrf", "chrf++", "ter")
    assert job.pending_metrics == ()
    for ours, core in zip(job.current().systems, scores.systems):
        for metric_id in scores.metric_ids:
            assert ours.metrics[metric_id].sentences == core.metrics[metric_id].sentences
    merged = merge_scores(score_corpus(corpus, metric_ids=("ter",), cache=False), job.fast)
    assert merged.metric_ids == ("bleu", "chrf", "chrf++", "ter")


def test_job_keeps_the_error():
    def fail(report):
        report(1, 2, "half")
        raise InputError("broken input", "x.txt")

    job = Job("failing", fail)
    assert job.wait(5)
    assert str(job.error) == "x.txt: broken input"
    assert job.progress.fraction == 0.5


# --- HTML ----------------------------------------------------------------------------------------


def test_rows_html_escapes_and_marks(three):
    corpus, scores = three
    evil = Corpus(
        name="e", systems=(Text('s"<x>', ("<b>hi</b> tianwen-1",)),), references=(Text("ref", ("<b>hi</b> Tianwen-1",)),),
        source=Text("source", ("<script>",)), documents=("<doc>",),
    )
    finding = F('s"<x>', 1, "glossary.case", "error", start=12, end=21)
    table = build_segment_table(evil, score_corpus(evil, cache=False), [finding])
    metrics = {"bleu": "BLEU", "ter": "TER"}
    for diff in ("split", "inline", "off"):
        out = segment_rows_html(table, findings_by_row([finding]), ref_columns=["ref"], metrics=metrics,
                                diff_ref="ref", diff=diff, show_source=True, key_metric="bleu")
        assert "<b>" not in out and "<script>" not in out and "<x>" not in out and "<doc>" not in out
        assert 'data-system="s&quot;&lt;x&gt;"' in out and "&lt;doc&gt;" in out and "&lt;script&gt;" in out
        assert 'data-checks="glossary.case"' in out and 'class="seg-row sev-error"' in out
    assert "No segment matches" in segment_rows_html(table.iloc[:0], {}, ref_columns=["ref"], metrics=metrics)
    detail = detail_html(table, findings_by_row([finding]), metrics=metrics, diff_ref="ref")
    assert '<ins class="diff-ins">Tianwen-1</ins>' in detail and "<b>" not in detail
    assert "diff-split" in legend_html("split") and "struck" in legend_html("inline") and "diff" not in legend_html("off")


def test_pending_scores_show_an_ellipsis(three):
    corpus, _ = three
    partial = score_corpus(corpus, metric_ids=("bleu",), cache=False)
    table = build_segment_table(corpus, partial, [])
    out = segment_rows_html(table.iloc[:1], {}, ref_columns=["ref"], metrics={"bleu": "BLEU", "ter": "TER"})
    assert 'class="value pending" title="still being computed">…' in out


# --- charts ----------------------------------------------------------------------------------------


def test_box_stats_are_what_a_box_plot_draws():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 100]  # 100 lies beyond 1.5 IQR: not in the whisker
    data = pd.DataFrame({"system": ["a"] * 9 + ["b"] * 3, "score": values + [10.0, float("nan"), 30.0]})
    boxes = box_stats(data).set_index("system")
    columns = ["lower", "q1", "median", "q3", "upper", "segments"]
    # linear interpolation, as numpy and Vega-Lite; whiskers at the furthest values within 1.5 IQR
    assert boxes.loc["a", columns].tolist() == [1.0, 3.0, 5.0, 7.0, 8.0, 9]
    assert boxes.loc["b", columns].tolist() == [10.0, 15.0, 20.0, 25.0, 30.0, 2]  # the unscored one left out
    assert box_stats(pd.DataFrame({"system": ["c"], "score": [float("nan")]})).empty


def test_score_chart_sends_one_row_per_system_on_a_large_corpus():
    import numpy as np

    from review_app.ui.charts import MAX_POINTS, findings_chart, sentence_score_chart

    rng = np.random.default_rng(1)
    n = MAX_POINTS  # two systems: over the limit, so no dots
    data = pd.DataFrame({"system": ["low"] * n + ["high"] * n, "segment": list(range(1, n + 1)) * 2,
                         "score": np.concatenate([rng.uniform(0, 50, n), rng.uniform(50, 100, n)])})
    spec = sentence_score_chart(data, "BLEU", lower_is_better=False)
    (rows,) = spec["datasets"].values()
    assert [r["system"] for r in rows] == ["low", "high"] and all("q1" in r for r in rows)
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["high", "low"]  # best median first
    ter = sentence_score_chart(data, "TER", lower_is_better=True)
    assert ter["layer"][0]["encoding"]["y"]["sort"] == ["low", "high"]
    small = sentence_score_chart(data.iloc[:100], "BLEU", lower_is_better=False)
    assert sorted(len(rows) for rows in small["datasets"].values()) == [1, 100]  # the boxes and every dot
    bars = findings_chart([{"system": "a", "segment": 1, "check": "qa.x", "severity": "error"}] * 2)
    (counts,) = bars["datasets"].values()
    assert counts == [{"check": "qa.x", "severity": "error", "count": 2, "severity_rank": 0}]
