"""The report files: JSON with the score command's numbers, CSV safe for spreadsheets, Markdown escaped."""

from __future__ import annotations

import csv
import io
import json

import pytest

FAST = ["--metrics", "bleu", "chrf", "--no-cache"]


def test_json_holds_the_score_commands_numbers(run_cli, sample, tmp_path, read_report):
    code, _, err = run_cli(["report", sample, "--out", tmp_path / "r", *FAST, "--bootstrap", "200"])
    assert code == 0, err
    code, out, err = run_cli(["score", "--corpus", sample, "--format", "json", *FAST])
    assert code == 0, err
    score = json.loads(out)
    corpus = read_report(tmp_path / "r")["corpora"][0]
    for key in ("corpus", "n_segments", "n_references", "metrics", "systems", "segments"):
        assert corpus[key] == score[key], key
    # the report's extras
    assert corpus["ranking"][0] == corpus["significance"]["baseline"] == "JDExploreAcademy"
    assert set(corpus["confidence_intervals"]) == {s["name"] for s in score["systems"]}
    interval = corpus["confidence_intervals"]["Online-B"]["BLEU"]
    assert interval["low"] < interval["mean"] < interval["high"]
    tests = corpus["significance"]["tests"]
    assert len(tests) == 4 * 2 and all(0 < t["p_value"] <= 1 for t in tests)
    assert corpus["findings_summary"]["checks"] == "ran"
    assert sum(corpus["distributions"]["systems"]["Online-B"]["BLEU"]) == 300
    assert sorted(corpus["findings_summary"]["by_system"]) == sorted(s["name"] for s in score["systems"])


def test_formats_and_files(run_cli, tianwen, tmp_path):
    out = tmp_path / "r"
    code, stdout, err = run_cli(["report", tianwen, "--out", out, *FAST, "--format", "markdown", "csv",
                                 "--bootstrap", "0"])
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "report.md", "scores.csv"]  # no temp files
    assert "seed-mt" in stdout and "wrote" in stdout


def test_text_is_escaped_in_markdown_and_neutralised_in_csv(run_cli, make_corpus, tmp_path, read_report):
    refs = ["The probe | launched.", "It flew."]
    folder = make_corpus("odd", {"=HYPERLINK(evil)": ["The probe | launched.", "It flew."],
                                 "pipe|sys": ["A probe launched.", "It flies."]}, {"ref": refs})
    out = tmp_path / "r"
    code, _, err = run_cli(["report", folder, "--out", out, *FAST, "--bootstrap", "0"])
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((out / "scores.csv").read_text(encoding="utf-8"))))
    assert {r["system"] for r in rows} == {"'=HYPERLINK(evil)", "pipe|sys"}
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "pipe\\|sys" in markdown
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len({row.count(" | ") for row in table_rows}) == 1  # every row has the same number of cells
    assert read_report(out)["corpora"][0]["systems"][0]["name"] in {"=HYPERLINK(evil)", "pipe|sys"}


def test_no_bootstrap_means_no_intervals_nor_tests(run_cli, sample, tmp_path, read_report):
    code, _, err = run_cli(["report", sample, "--out", tmp_path, *FAST, "--bootstrap", "0", "--no-checks",
                            "--baseline", "Online-B"])
    assert code == 0, err
    corpus = read_report(tmp_path)["corpora"][0]
    assert corpus["confidence_intervals"] == {} and corpus["significance"]["tests"] == []
    assert corpus["significance"]["baseline"] == "Online-B"
    assert corpus["findings_summary"]["checks"] == "disabled"


@pytest.mark.parametrize("jobs", ["1"])
def test_two_corpora_in_one_report(run_cli, sample, tianwen, tmp_path, read_report, jobs):
    code, _, err = run_cli(["report", sample, tianwen, "--out", tmp_path, *FAST, "--bootstrap", "50", "-j", jobs])
    assert code == 0, err
    data = read_report(tmp_path)
    assert [c["corpus"] for c in data["corpora"]] == ["wmt22-zh-en-sample", "tianwen-1"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count('<section class="corpus"') == 2
