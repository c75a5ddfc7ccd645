"""The review app driven by AppTest: what is shown equals what the core computes."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from review_app.checks import run_checks
from review_app.corpus import load_corpus
from review_app.glossary import load_glossary
from review_app.scoring.results import score_corpus
from review_app.scoring.significance import paired_bootstrap
from review_app.segment_table import build_segment_table
from review_app.ui import common
from review_app.ui.uploads import CorpusUpload, Upload

from .conftest import html_of, no_exception, page, settle

REPO = Path(__file__).resolve().parents[2]
TIANWEN = REPO / "corpora" / "tianwen-1"
GLOSSARY = REPO / "glossary" / "space-diplomacy.csv"
METRICS = {"bleu": "BLEU", "chrf": "chrF2", "chrf++": "chrF2++", "ter": "TER"}


@pytest.fixture(scope="module")
def tianwen_core():
    corpus = load_corpus(TIANWEN)
    return corpus, score_corpus(corpus, cache=False), run_checks(corpus, load_glossary(GLOSSARY))


def sidebar_choice(at, key):
    return next(s.value for s in at.sidebar.selectbox if s.key == key)


def test_opens_tianwen_with_glossary_and_core_numbers(app, tianwen_core):
    corpus, scores, findings = tianwen_core
    at = settle(app)
    no_exception(at)
    assert at.title[0].value == "tianwen-1"
    assert sidebar_choice(at, "sidebar_corpus") == "bundled:tianwen-1"
    assert sidebar_choice(at, "sidebar_glossary") == "bundled:space-diplomacy"
    shown = {m.label: m.value for m in at.metric}
    system = scores.systems[0]
    for metric_id, name in METRICS.items():
        assert shown[name] == f"{system.metrics[metric_id].corpus:.2f}"
    assert shown["Findings"] == str(len(findings)) and findings
    # Signatures are sacrebleu's.
    code = at.code[0].value
    for metric_id, name in METRICS.items():
        assert f"{name}: {system.metrics[metric_id].signature}" in code
    # Findings per check: the table equals the core's counts.
    checks = next(df.value for df in at.dataframe if "check" in df.value.columns)
    expected = pd.Series([f.check for f in findings]).value_counts()
    assert dict(zip(checks["check"], checks["findings"])) == expected.to_dict()


def test_segments_show_escaped_highlighted_findings(app, tianwen_core):
    corpus, scores, findings = tianwen_core
    at = settle(app)
    at = page(at, "segments")
    no_exception(at)
    body = html_of(at)
    case = next(f for f in findings if f.check == "glossary.case")
    assert 'data-checks="glossary.case"' in body
    # The case error is marked in place (in the default side-by-side diff it is also coloured as not in the reference).
    assert re.search(r'<mark class="finding sev-error" data-checks="glossary.case" title="glossary.case: [^"]*">'
                     r'(<del class="diff-del">)?tianwen-1', body)
    assert "title=\"glossary.case: " in body
    assert body.count('class="seg-row') == len(corpus)
    assert case.suggestion in body


def test_table_view_equals_core(app, tianwen_core):
    corpus, scores, findings = tianwen_core
    at = settle(app)
    at = page(at, "segments")
    at.segmented_control(key="segments_view").set_value("Table")
    at = settle(at)
    no_exception(at)
    shown = at.dataframe[0].value
    expected = build_segment_table(corpus, scores, findings)
    assert len(shown) == len(corpus)
    # Worst BLEU first by default.
    assert shown["bleu"].tolist() == sorted(expected["bleu"])
    merged = shown.merge(expected, on=["system", "segment"], suffixes=("", "_core"))
    for metric_id in METRICS:
        assert (merged[metric_id] - merged[f"{metric_id}_core"]).abs().max() == 0
    assert (merged["findings"] == merged["findings_core"]).all()
    assert (merged["mt"] == merged["mt_core"]).all()


def test_filters_sort_and_search(app, tianwen_core):
    corpus, scores, findings = tianwen_core
    at = settle(app)
    at = page(at, "segments")
    at.segmented_control(key="segments_view").set_value("Table")
    at.multiselect(key="segments_checks").set_value(["glossary.case"])
    at = settle(at)
    shown = at.dataframe[0].value
    wanted = sorted({f.segment for f in findings if f.check == "glossary.case"})
    assert sorted(shown["segment"]) == wanted
    assert at.markdown and any(f"of **{len(wanted)}** rows" in m.value for m in at.markdown)

    at.multiselect(key="segments_checks").set_value([])
    at.text_input(key="segments_search").set_value("WANG WENBIN")
    at = settle(at)
    shown = at.dataframe[0].value
    assert shown["segment"].tolist() == [i + 1 for i, t in enumerate(corpus.systems[0].segments) if "wang wenbin" in t.lower()
                                         or "wang wenbin" in corpus.references[0].segments[i].lower()]

    at.text_input(key="segments_search").set_value("")
    at.selectbox(key="segments_metric").set_value("ter")
    at.selectbox(key="segments_sort").set_value("corpus")
    at = settle(at)
    at.slider(key="segments_range_ter").set_value((30.0, 60.0))
    at = settle(at)
    shown = at.dataframe[0].value
    ter = scores.systems[0].metrics["ter"].sentences
    assert shown["segment"].tolist() == [i + 1 for i, v in enumerate(ter) if 30.0 <= v <= 60.0]

    at.slider(key="segments_range_ter").set_value((0.0, 100.0))
    at.selectbox(key="segments_sort").set_value("worst")
    at = settle(at)
    shown = at.dataframe[0].value
    assert shown["ter"].tolist() == sorted(ter, reverse=True)  # TER: worst is highest


def test_paging_renders_only_the_current_page(app, tmp_path):
    n = 60
    upload = CorpusUpload(
        systems=(Upload("a.txt", "".join(f"line {i} of system a\n" for i in range(n)).encode()),
                 Upload("b.txt", "".join(f"line {i} from b\n" for i in range(n)).encode())),
        references=(Upload("ref.txt", "".join(f"line {i} of the reference\n" for i in range(n)).encode()),),
        name="paged",
    )
    app.session_state[common.PENDING_CORPUS_UPLOAD] = upload
    at = settle(app)
    at = page(at, "segments")
    body = html_of(at)
    assert body.count('class="seg-row') == 25
    pagination = at.get("pagination")[0]
    assert pagination.num_pages == 5
    pagination.set_value(5)
    at = settle(at)
    assert html_of(at).count('class="seg-row') == 20
    assert any("**101–120** of **120** rows" in m.value for m in at.markdown)
    # Changing a filter goes back to page 1.
    at.multiselect(key="segments_systems").set_value(["b"])
    at = settle(at)
    assert any("**1–25** of **60** rows" in m.value for m in at.markdown)
    assert 'data-system="a"' not in html_of(at)


def test_downloads_json_is_the_clis(app, tianwen_core, tmp_path):
    corpus, scores, findings = tianwen_core
    at = settle(app)
    buttons = {b.key: b for b in at.get("download_button")}
    assert "overview_json" in buttons and not buttons["overview_json"].proto.disabled
    at = page(at, "segments")
    labels = {b.key: b.label for b in at.get("download_button")}
    assert labels == {"segments_csv": "Download CSV", "segments_json": "Download JSON"}
    # The JSON the app offers is the CLI's, byte for byte.
    job = common.scoring_job(common.corpus_digest(corpus), corpus)
    assert job.job.wait(60)
    check_job = common.checks_job(common.corpus_digest(corpus), common.glossary_digest(load_glossary(GLOSSARY)), corpus, None)
    offered = common.json_export(job.current(), check_job.result)
    cli = subprocess.run(
        [sys.executable, "-m", "review_app", "score", "--corpus", str(TIANWEN), "--glossary", str(GLOSSARY), "--format", "json"],
        capture_output=True, text=True, check=True, cwd=REPO,
    ).stdout
    assert offered == cli
    data = json.loads(offered)
    assert data["systems"][0]["scores"]["BLEU"] == scores.systems[0].metrics["bleu"].corpus
    assert len(data["findings"]) == len(findings)


def test_upload_good_corpus(app):
    upload = CorpusUpload(
        systems=(Upload("mine.txt", "The cat sat on the mat.\nA dog barked loudly.\n".encode()),),
        references=(Upload("ref.txt", "The cat sat on the mat.\nThe dog barked.\n".encode()),),
        source=Upload("source.zh", "猫坐在垫子上。\n狗叫了。\n".encode()),
    )
    app.session_state[common.PENDING_CORPUS_UPLOAD] = upload
    at = settle(app)
    no_exception(at)
    assert not at.error
    assert any("Opened mine" in s.value for s in at.success)
    assert at.title[0].value == "mine"
    from review_app.ui.uploads import corpus_from_upload

    expected = score_corpus(corpus_from_upload(upload), cache=False)
    shown = {m.label: m.value for m in at.metric}
    assert shown["BLEU"] == f"{expected.systems[0].metrics['bleu'].corpus:.2f}"
    assert sidebar_choice(at, "sidebar_corpus").startswith("upload:")


def test_upload_whole_table(app):
    table = "source\tref\tsysA\tsysB\n你好\tHello there\tHello there\tHi\n再见\tGoodbye\tBye\tGoodbye\n"
    app.session_state[common.PENDING_CORPUS_UPLOAD] = CorpusUpload(table=Upload("pair.tsv", table.encode()))
    at = settle(app)
    no_exception(at)
    assert at.title[0].value == "pair"
    systems = next(df.value for df in at.dataframe if "system" in df.value.columns)
    assert sorted(systems["system"]) == ["sysA", "sysB"]


@pytest.mark.parametrize(
    "upload, message",
    [
        (CorpusUpload(systems=(Upload("bad.txt", b"ok\n\xff\xfe broken\n"),), references=(Upload("ref.txt", b"a\nb\n"),)),
         "bad.txt, line 2: not valid UTF-8"),
        (CorpusUpload(systems=(Upload("sys.txt", b"a\nb\nc\n"),), references=(Upload("ref.txt", b"a\nb\n"),)),
         "line counts differ"),
        (CorpusUpload(table=Upload("t.csv", b"source,sys\nx,y\n")), "t.csv, line 1: no reference column"),
        (CorpusUpload(systems=(Upload("s.txt", b"x\n"),)), "upload at least one reference translation"),
        (CorpusUpload(table=Upload("t.jsonl", b'{"ref": "a", "s": 1}\n')), "t.jsonl, line 1: field 's' must be a string"),
    ],
)
def test_upload_bad_files_show_the_core_message(app, upload, message):
    app.session_state[common.PENDING_CORPUS_UPLOAD] = upload
    at = settle(app)
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any(message in e for e in errors), errors
    assert at.title[0].value == "tianwen-1"  # the corpus that was open stays open


def test_a_message_outlives_automatic_reruns_and_gives_way_to_the_next_action(app):
    app.session_state[common.PENDING_CORPUS_UPLOAD] = CorpusUpload(systems=(Upload("s.txt", b"x\n"),))
    at = settle(app)
    at.run()
    at.run()  # reruns nobody asked for (TER or the checks filling in) keep what the last action said
    assert any("upload at least one reference translation" in e.value for e in at.error)
    at.session_state[common.PENDING_CORPUS_UPLOAD] = CorpusUpload(
        systems=(Upload("bad.txt", b"ok\n\xff\n"),), references=(Upload("ref.txt", b"a\nb\n"),))
    at.run()
    errors = [e.value for e in at.error]
    assert any("bad.txt, line 2" in e for e in errors), errors
    assert not any("upload at least one" in e for e in errors)  # replaced, not piled up
    next(s for s in at.sidebar.selectbox if s.key == "sidebar_corpus").set_value("bundled:wmt22-zh-en-sample").run()
    assert at.title[0].value == "wmt22-zh-en-sample"
    assert not at.error  # about the corpus that was open before: gone with it


def test_a_message_goes_after_a_while(app, monkeypatch):
    monkeypatch.setattr(common, "MESSAGE_SECONDS", 1.0)
    app.session_state[common.PENDING_CORPUS_UPLOAD] = CorpusUpload(systems=(Upload("s.txt", b"x\n"),))
    at = app.run()
    assert any("upload at least one reference translation" in e.value for e in at.error)
    time.sleep(1.2)
    at.run()
    assert not at.error


def test_upload_over_the_limit_is_refused(app, monkeypatch):
    monkeypatch.setenv("REVIEW_APP_MAX_UPLOAD_MB", "0.001")
    big = ("word " * 400 + "\n").encode()
    app.session_state[common.PENDING_CORPUS_UPLOAD] = CorpusUpload(
        systems=(Upload("big.txt", big),), references=(Upload("ref.txt", b"x\n"),)
    )
    at = settle(app)
    no_exception(at)
    assert any("big.txt: file is 0.0 MB, over the upload limit of 0 MB" in e.value for e in at.error)


def test_glossary_upload_good_and_bad(app):
    app.session_state[common.PENDING_GLOSSARY_UPLOAD] = Upload(
        "mine.csv", "term,source,variants,case_sensitive\nWang Wenbin,汪文斌,Wang Wen Bin,true\n".encode()
    )
    at = settle(app)
    no_exception(at)
    assert any("Using the glossary mine.csv (1 terms)" in s.value for s in at.success)
    assert sidebar_choice(at, "sidebar_glossary").startswith("upload:")
    at.session_state[common.PENDING_GLOSSARY_UPLOAD] = Upload("broken.csv", b"nonsense\n\xff")
    at = settle(at)
    no_exception(at)
    assert any(e.value.startswith("Could not use the glossary: broken.csv") for e in at.error), [e.value for e in at.error]


def test_no_glossary_changes_findings(app, tianwen_core):
    corpus, scores, findings = tianwen_core
    at = settle(app)
    at.sidebar.selectbox(key="sidebar_glossary").set_value("none")
    at = settle(at)
    without = run_checks(corpus, None)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Findings"] == str(len(without))
    assert len(without) < len(findings)


def write_corpus(folder: Path, systems: dict[str, list[str]], refs: list[str], source: list[str] | None = None) -> Path:
    (folder / "systems").mkdir(parents=True)
    for name, lines in systems.items():
        (folder / "systems" / f"{name}.en").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "ref.en").write_text("\n".join(refs) + "\n", encoding="utf-8")
    if source:
        (folder / "source.zh").write_text("\n".join(source) + "\n", encoding="utf-8")
    return folder


def test_corpus_from_query_parameter_is_restricted(app, tmp_path, monkeypatch):
    app.query_params["corpus"] = "/etc"
    at = settle(app)
    no_exception(at)
    assert any("not one the app may open" in e.value for e in at.error)
    assert at.title[0].value == "tianwen-1"

    folder = write_corpus(tmp_path / "data" / "mini", {"s1": ["a b c", "d e"]}, ["a b c", "d e f"])
    monkeypatch.setenv("REVIEW_APP_CORPUS_ROOTS", str(tmp_path / "data"))
    from streamlit.testing.v1 import AppTest

    from .conftest import APP

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["corpus"] = str(folder)
    at = settle(at)
    no_exception(at)
    assert at.title[0].value == "mini"
    at.query_params["corpus"] = str(folder / ".." / ".." / "..")
    at2 = AppTest.from_file(str(APP), default_timeout=120)
    at2.query_params["corpus"] = str(tmp_path / "data" / ".." )
    at2 = settle(at2)
    assert any("not one the app may open" in e.value for e in at2.error)


def test_several_systems_comparison_and_significance(app, tmp_path, monkeypatch):
    refs = [f"the {w} went to the market on day {i}" for i, w in enumerate(["man", "woman", "child", "dog"] * 5)]
    systems = {
        "good": list(refs),
        "fair": [r.replace("market", "shop") for r in refs],
        "poor": [r.replace("went to", "go") .replace("the", "a") for r in refs],
    }
    folder = write_corpus(tmp_path / "data" / "three", systems, refs)
    monkeypatch.setenv("REVIEW_APP_CORPUS", str(folder))
    at = settle(app)
    no_exception(at)
    assert at.title[0].value == "three"
    core = score_corpus(load_corpus(folder), cache=False)
    frames = {tuple(df.value.columns): df.value for df in at.dataframe}
    systems_table = next(v for k, v in frames.items() if "BLEU" in k and "system" in k)
    assert systems_table["system"].tolist() == ["good", "fair", "poor"]  # ranked by BLEU
    for row in systems_table.itertuples():
        assert row.BLEU == core.system(row.system).metrics["bleu"].corpus
    # Paired bootstrap against the first system (the default baseline), as the core computes it.
    sig = next(v for k, v in frames.items() if "p-value" in k)
    baseline = core.systems[0].name  # the first system in the corpus is the default baseline
    expected = {r.system: r for r in paired_bootstrap(core, baseline) if r.metric_id == "bleu"}
    assert set(sig["system"]) == set(expected)
    for row in sig.itertuples():
        assert math.isclose(row[sig.columns.get_loc("p-value") + 1], expected[row.system].p_value)
        assert bool(row.significant) == expected[row.system].significant
    at.selectbox(key="overview_baseline").set_value("poor")
    at = settle(at)
    sig = next(df.value for df in at.dataframe if "p-value" in df.value.columns)
    assert set(sig["system"]) == {"good", "fair"}
    assert sig["significant"].all() and (sig["Δ vs baseline"] > 0).all()


def test_segment_detail_shows_every_system(app, tmp_path, monkeypatch):
    refs = ["one two three", "four five six"]
    folder = write_corpus(tmp_path / "c", {"x": ["one two three", "four five"], "y": ["one too three", "four five six"]}, refs,
                          source=["一二三", "四五六"])
    monkeypatch.setenv("REVIEW_APP_CORPUS", str(folder))
    at = settle(app)
    at.session_state[common.DETAIL_SEGMENT] = 2
    at = page(at, "detail")
    no_exception(at)
    assert at.title[0].value == "Segment 2"
    table = at.dataframe[0].value
    core = score_corpus(load_corpus(folder), cache=False)
    assert table["system"].tolist() == ["y", "x"]  # best BLEU first
    for row in table.itertuples():
        assert row.bleu == core.system(row.system).metrics["bleu"].sentences[1]
    body = html_of(at)
    assert "四五六" in body and 'data-system="x"' in body and 'data-system="y"' in body
    at.button(key="detail_prev").click()
    at = settle(at)
    assert at.title[0].value == "Segment 1"


def test_markup_in_segments_is_shown_as_text(app):
    evil = '<script>alert("x")</script> <img src=x onerror=alert(1)> **bold** $x$'
    app.session_state[common.PENDING_CORPUS_UPLOAD] = CorpusUpload(
        systems=(Upload("<b>sys.txt", (evil + "\n").encode()),),
        references=(Upload("ref.txt", b"<i>reference</i>\n"),),
    )
    at = settle(app)
    at = page(at, "segments")
    no_exception(at)
    for diff in ("split", "inline", "off"):
        at.segmented_control(key="segments_diff").set_value(diff)
        at = settle(at)
        body = html_of(at)
        assert "<script" not in body and "<img" not in body and "<i>" not in body and "<b>" not in body
        assert "&lt;b&gt;sys" in body
    assert '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; **bold** $x$' in body
    assert "&lt;i&gt;reference&lt;/i&gt;" in body  # no Markdown or HTML, just the text


def test_open_files_screen_queues_a_folder(app, tmp_path, monkeypatch):
    folder = write_corpus(tmp_path / "root" / "folder-corpus", {"s": ["a", "b"]}, ["a", "b"])
    monkeypatch.setenv("REVIEW_APP_CORPUS_ROOTS", str(tmp_path / "root"))
    at = settle(app)
    at = page(at, "open")
    no_exception(at)
    at.text_input(key="open_folder_path").set_value(str(folder))
    next(b for b in at.button if b.label == "Open the folder").click()
    at = settle(at)
    no_exception(at)
    assert any("Opened folder-corpus" in s.value for s in at.success)
    assert sidebar_choice(at, "sidebar_corpus") == f"path:{folder.resolve()}"


def test_bleu_first_then_ter_fills_in(app, tianwen_core, monkeypatch):
    """BLEU and chrF are shown while TER is still being computed; TER fills in when its job is done."""
    import threading

    from review_app.ui import jobs

    corpus, scores, findings = tianwen_core
    release = threading.Event()
    real = jobs.score_corpus

    def slow_ter(corpus_, *, metric_ids, **kwargs):
        if "ter" in metric_ids:
            kwargs["progress"](1, 4, "ter")
            assert release.wait(60)
        return real(corpus_, metric_ids=metric_ids, **kwargs)

    monkeypatch.setattr(jobs, "score_corpus", slow_ter)
    app.run(timeout=60)
    no_exception(app)
    shown = {m.label: m.value for m in app.metric}
    assert shown["BLEU"] == f"{scores.systems[0].metrics['bleu'].corpus:.2f}"
    assert shown["TER"] == "…"
    progress = [p.proto.text for p in app.get("progress")]
    assert any(text.startswith("Computing TER") and "1 of 4" in text for text in progress), progress
    assert next(b for b in app.get("download_button") if b.key == "overview_json").proto.disabled
    release.set()
    at = settle(app)
    shown = {m.label: m.value for m in at.metric}
    assert shown["TER"] == f"{scores.systems[0].metrics['ter'].corpus:.2f}"
    assert not next(b for b in at.get("download_button") if b.key == "overview_json").proto.disabled
