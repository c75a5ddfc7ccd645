"""The CI gate: exit codes (0 pass, 1 failed condition, 2 bad input) and one line per failure."""

from __future__ import annotations

import pytest

from review_app.errors import InputError
from review_app.report.gate import matches_check, parse_conditions, show

FAST = ["--metrics", "bleu", "chrf", "--bootstrap", "0", "--no-cache"]


def test_passing_gate_exits_0(run_cli, tianwen, tmp_path):
    code, out, err = run_cli(["report", tianwen, "--out", tmp_path, *FAST, "--fail-under", "BLEU=30",
                              "--fail-under", "chrF2=55"])
    assert code == 0, err
    assert "gate passed (2 condition(s))" in out
    assert err == ""


def test_failing_gate_exits_1_with_one_line_per_failure(run_cli, sample, tmp_path):
    code, out, err = run_cli(["report", sample, "--out", tmp_path, *FAST, "--no-checks",
                              "--fail-under", "BLEU=29.5", "--fail-under", "chrF2=51"])
    assert code == 1
    lines = err.strip().splitlines()
    # BLEU: HuaweiTSC 29.76 passes; Online-B 29.04 and M2M100 20.93 fail; chrF2: only M2M100 (50.16)
    assert lines == [  # per condition, systems in corpus order
        "FAIL wmt22-zh-en-sample / M2M100_1.2B-B4: BLEU 20.93 < 29.5 (--fail-under BLEU=29.5)",
        "FAIL wmt22-zh-en-sample / Online-B: BLEU 29.04 < 29.5 (--fail-under BLEU=29.5)",
        "FAIL wmt22-zh-en-sample / M2M100_1.2B-B4: chrF2 50.16 < 51 (--fail-under chrF2=51)",
    ]
    assert (tmp_path / "report.json").exists()  # the report is written either way


def test_fail_over_ter_and_a_condition_for_one_system(run_cli, sample, tmp_path):
    code, _, err = run_cli(["report", sample, "--out", tmp_path, "--metrics", "bleu", "ter", "--bootstrap", "0",
                            "--no-checks", "--no-cache", "--fail-over", "TER=65", "--fail-under", "Online-*:BLEU=30"])
    assert code == 1
    assert err.strip().splitlines() == [  # --fail-under conditions first, then --fail-over
        "FAIL wmt22-zh-en-sample / Online-B: BLEU 29.04 < 30 (--fail-under Online-*:BLEU=30)",
        "FAIL wmt22-zh-en-sample / M2M100_1.2B-B4: TER 67.79 > 65 (--fail-over TER=65)",
    ]


def test_max_findings_counts_a_check_prefix(run_cli, tianwen, glossary_file, tmp_path, read_report):
    code, _, err = run_cli(["report", tianwen, "--out", tmp_path, *FAST, "--glossary", glossary_file,
                            "--max-findings", "glossary=0", "--max-findings", "qa=5"])
    assert code == 1
    data = read_report(tmp_path)
    by_check = data["corpora"][0]["findings_summary"]["by_system"]["seed-mt"]["by_check"]
    glossary_count = sum(n for check, n in by_check.items() if check.startswith("glossary."))
    assert glossary_count > 0
    assert err.strip().splitlines() == [
        f"FAIL tianwen-1 / seed-mt: {glossary_count} glossary findings, more than 0 (--max-findings glossary=0)"
    ]
    assert data["gate"]["passed"] is False and len(data["gate"]["failures"]) == 1


@pytest.mark.parametrize("args, message", [
    (["--fail-under", "BLUE=30"], "unknown metric 'BLUE'"),
    (["--fail-under", "BLEU"], "expected NAME=VALUE"),
    (["--fail-under", "BLEU=thirty"], "'thirty' is not a number"),
    (["--fail-under", "TER=60"], "lower TER is better; use --fail-over TER=60"),
    (["--fail-over", "BLEU=60"], "higher BLEU is better"),
    (["--fail-over", "TER=60"], "TER is not computed"),
    (["--max-findings", "glossary=-1"], "whole number"),
    (["--max-findings", "glossary=0", "--no-checks"], "--max-findings needs the checks"),
    (["--fail-under", "NoSuchSystem:BLEU=3"], "no system named 'NoSuchSystem'"),
    (["--baseline", "NoSuchSystem"], "--baseline 'NoSuchSystem': no such system"),
    (["--compare-to", "/nonexistent/old.json"], "file not found"),
])
def test_bad_conditions_exit_2(run_cli, tianwen, tmp_path, args, message):
    code, out, err = run_cli(["report", tianwen, "--out", tmp_path / "out", *FAST, *args])
    assert code == 2
    assert message in err
    assert not (tmp_path / "out").exists()  # nothing computed or written


def test_missing_corpus_exits_2(run_cli, tmp_path):
    code, _, err = run_cli(["report", tmp_path / "nope", "--out", tmp_path / "out", *FAST])
    assert code == 2 and "corpus not found" in err


def test_condition_parsing():
    conditions = parse_conditions(["bleu=30", "Sys-A:chrF2++=50.5"], ["ter=60"], ["all=10"],
                                  metric_ids=("bleu", "chrf++", "ter"))
    assert [(c.kind, c.target, c.threshold, c.system) for c in conditions] == [
        ("fail-under", "bleu", 30.0, None), ("fail-under", "chrf++", 50.5, "Sys-A"),
        ("fail-over", "ter", 60.0, None), ("max-findings", "all", 10.0, None),
    ]
    with pytest.raises(InputError):
        parse_conditions(["BLEU=nan"])


def test_check_matching_and_number_display():
    assert matches_check("glossary.case", "glossary")
    assert matches_check("glossary.case", "glossary.case")
    assert not matches_check("glossaryx", "glossary")
    assert matches_check("qa.spacing", "all")
    assert show(29.999, 30.0) == "29.9990"
    assert show(29.04, 30.0) == "29.04"
