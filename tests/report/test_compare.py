"""--compare-to OLD.json: what got better or worse, per system and metric, in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest

FAST = ["--metrics", "bleu", "chrf", "ter", "--bootstrap", "0", "--no-cache"]


@pytest.fixture
def old_and_new(run_cli, sample, tmp_path, read_report):
    """A first run, an OLD.json doctored to have Online-B better and HuaweiTSC worse before, and a second run."""
    first = tmp_path / "first"
    assert run_cli(["report", sample, "--out", first, *FAST, "--no-checks"])[0] == 0
    old = read_report(first)
    corpus = old["corpora"][0]
    systems = {s["name"]: s for s in corpus["systems"]}
    systems["Online-B"]["scores"]["BLEU"] += 1.0  # was better: now worse by 1
    systems["HuaweiTSC"]["scores"]["chrF2"] -= 2.0  # was worse: now better by 2
    systems["HuaweiTSC"]["scores"]["TER"] += 3.0  # TER was higher: now lower, better
    corpus["systems"] = [s for s in corpus["systems"] if s["name"] != "M2M100_1.2B-B4"]
    corpus["systems"].append({"name": "retired-mt", "scores": {"BLEU": 1.0}})
    old_path = tmp_path / "old.json"
    old_path.write_text(json.dumps(old), encoding="utf-8")
    second = tmp_path / "second"
    code, out, err = run_cli(["report", sample, "--out", second, *FAST, "--no-checks", "--compare-to", old_path])
    assert code == 0, err
    return old, second


def test_json_lists_changes_with_direction(old_and_new, read_report):
    _, second = old_and_new
    comparison = read_report(second)["corpora"][0]["comparison"]
    changes = {(c["system"], c["metric"]): c for c in comparison["changes"]}
    assert changes["Online-B", "BLEU"]["direction"] == "worse"
    assert changes["Online-B", "BLEU"]["delta"] == pytest.approx(-1.0)
    assert changes["HuaweiTSC", "chrF2"]["direction"] == "better"
    assert changes["HuaweiTSC", "chrF2"]["delta"] == pytest.approx(2.0)
    assert changes["HuaweiTSC", "TER"]["direction"] == "better"  # lower TER is better
    assert changes["Lan-Bridge", "BLEU"]["direction"] == "same"
    assert comparison["new_systems"] == ["M2M100_1.2B-B4"]
    assert comparison["removed_systems"] == ["retired-mt"]


def test_markdown_csv_and_html_show_the_changes(old_and_new):
    _, second = old_and_new
    markdown = (second / "report.md").read_text(encoding="utf-8")
    online_b = next(line for line in markdown.splitlines() if line.startswith("| ") and "Online-B" in line)
    assert "▼−1.00" in online_b
    huawei = next(line for line in markdown.splitlines() if line.startswith("| ") and "HuaweiTSC" in line)
    assert "▲+2.00" in huawei and "▲−3.00" in huawei
    assert "new: M2M100\\_1.2B-B4" in markdown or "new: M2M100_1.2B-B4" in markdown
    rows = {r["system"]: r for r in csv.DictReader(io.StringIO((second / "scores.csv").read_text(encoding="utf-8")))}
    assert float(rows["Online-B"]["BLEU change"]) == pytest.approx(-1.0)
    assert rows["M2M100_1.2B-B4"]["BLEU change"] == ""
    html = (second / "report.html").read_text(encoding="utf-8")
    assert "Changes since the previous run" in html
    assert '<span class="delta worse"' in html and '<span class="delta better"' in html


def test_compare_to_a_score_command_json(run_cli, sample, tmp_path, read_report):
    score_json = tmp_path / "score.json"
    code, _, err = run_cli(["score", "--corpus", sample, "--metrics", "bleu", "chrf", "--format", "json",
                            "--out", score_json, "--no-cache"])
    assert code == 0, err
    code, _, err = run_cli(["report", sample, "--out", tmp_path / "r", "--metrics", "bleu", "chrf", "--bootstrap", "0",
                            "--no-cache", "--no-checks", "--compare-to", score_json])
    assert code == 0, err
    comparison = read_report(tmp_path / "r")["corpora"][0]["comparison"]
    assert comparison["in_previous"] is True
    assert {c["direction"] for c in comparison["changes"]} == {"same"}
    assert all(c["delta"] == 0 for c in comparison["changes"])  # the same numbers as the score command


def test_bad_compare_file_exits_2(run_cli, tianwen, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run_cli(["report", tianwen, "--out", tmp_path / "o", "--compare-to", bad, *FAST])
    assert code == 2 and "not valid JSON" in err
    bad.write_text("[1, 2]", encoding="utf-8")
    code, _, err = run_cli(["report", tianwen, "--out", tmp_path / "o", "--compare-to", bad, *FAST])
    assert code == 2 and "not a report JSON" in err
