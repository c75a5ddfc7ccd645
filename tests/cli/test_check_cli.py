"""``python -m review_app check`` end to end: inputs, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from review_app.cli.main import main

REPO = Path(__file__).resolve().parents[2]
TIANWEN = REPO / "corpora" / "tianwen-1"
GLOSSARY = REPO / "glossary" / "space-diplomacy.csv"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_bundled_corpus_by_name_with_bundled_glossary_by_name(capsys):
    code, out, err = run(capsys, "--corpus", "tianwen-1", "--glossary", "space-diplomacy")
    assert code == 0 and err == ""
    assert "seed-mt:2:126-135  error    glossary.case: write 'Tianwen-1', not 'tianwen-1' -> 'Tianwen-1'" in out
    assert "seed-mt:3:239-260  warning  qa.repeated_phrase: phrase repeated around 'and': 'proud of and proud of'" in out
    assert "'German Space Center' is a forbidden variant: use 'German Aerospace Center'" in out
    assert out.rstrip().endswith("11 findings (8 errors, 3 warnings) in 1 system x 7 segments")


def test_hyp_without_reference(capsys, tmp_path):
    code, out, _ = run(capsys, "--hyp", str(TIANWEN / "systems" / "seed-mt.en"), "--glossary", str(GLOSSARY),
                       "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["references"] == [] and data["segments"] == 7
    checks = {f["check"] for f in data["findings"]}
    assert "glossary.forbidden" in checks and "glossary.missing" not in checks
    assert data["summary"]["glossary.case"] == {"seed-mt": 2}


def test_hyp_ref_and_source_files(capsys, make_file):
    hyp = make_file("mt.en", "It was held on July 23.\nthe the end\n")
    ref = make_file("ref.en", "It was held on July 24.\nThe end.\n")
    src = make_file("source.zh", "7月24日举行。\n结束。\n")
    code, out, _ = run(capsys, "--hyp", str(hyp), "--ref", str(ref), "--src", str(src), "--format", "json")
    assert code == 0
    found = {(f["segment"], f["check"], f["text"]) for f in json.loads(out)["findings"]}
    assert found == {(1, "qa.number_mismatch", "23"), (2, "qa.repeated_word", "the the"),
                     (2, "qa.lowercase_start", "the")}


def test_csv_output_neutralises_formulas(capsys, make_file, tmp_path):
    hyp = make_file("mt.en", "=cmd  @x , +1\n")
    out_path = tmp_path / "findings.csv"
    code, out, _ = run(capsys, "--hyp", str(hyp), "--format", "csv", "--out", str(out_path))
    assert code == 0 and out == ""
    rows = list(csv.DictReader(io.StringIO(out_path.read_text(encoding="utf-8"))))
    assert rows and all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())
    assert any(row["suggestion"] == "'," or row["text"] == " ," for row in rows)
    assert list(rows[0]) == ["system", "segment", "check", "severity", "start", "end", "text", "suggestion",
                             "message", "document"]


def test_disable_only_and_list(capsys):
    code, out, _ = run(capsys, "--corpus", str(TIANWEN), "--glossary", str(GLOSSARY), "--format", "json",
                       "--disable", "glossary.forbidden,qa.lowercase_start", "--disable", "glossary.missing")
    assert {f["check"] for f in json.loads(out)["findings"]} == {"glossary.case", "qa.repeated_phrase"}
    code, out, _ = run(capsys, "--corpus", str(TIANWEN), "--only", "qa.lowercase_start", "--format", "json")
    assert [f["text"] for f in json.loads(out)["findings"]] == ["as"]
    code, out, _ = run(capsys, "--list-checks")
    assert code == 0 and "glossary.forbidden" in out and "qa.length_ratio" in out


def test_suppressions_from_a_previous_json_run(capsys, tmp_path):
    code, out, _ = run(capsys, "--corpus", str(TIANWEN), "--glossary", str(GLOSSARY), "--format", "json",
                       "--only", "qa.lowercase_start,qa.repeated_phrase")
    data = json.loads(out)
    data["findings"] = [f for f in data["findings"] if f["check"] == "qa.lowercase_start"]
    marked = tmp_path / "not-errors.json"
    marked.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run(capsys, "--corpus", str(TIANWEN), "--only", "qa.lowercase_start,qa.repeated_phrase",
                       "--suppressions", str(marked), "--format", "json")
    assert [f["check"] for f in json.loads(out)["findings"]] == ["qa.repeated_phrase"]


def test_fail_on(capsys):
    assert run(capsys, "--corpus", str(TIANWEN), "--glossary", str(GLOSSARY), "--fail-on", "error")[0] == 1
    assert run(capsys, "--corpus", str(TIANWEN), "--only", "qa.lowercase_start", "--fail-on", "error")[0] == 0
    assert run(capsys, "--corpus", str(TIANWEN), "--only", "qa.lowercase_start", "--fail-on", "warning")[0] == 1


@pytest.mark.parametrize("argv, message", [
    (["--hyp", "missing.en"], "missing.en: file not found"),
    (["--corpus", "no-such-corpus"], "no-such-corpus: not a corpus folder"),
    ([], "give at least one --hyp"),
    (["--corpus", str(TIANWEN), "--disable", "qa.nope"], "unknown check 'qa.nope'"),
    (["--corpus", str(TIANWEN), "--glossary", "nope.csv"], "nope.csv: glossary file not found"),
])
def test_bad_input_exits_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in err


def test_glossary_with_problems_exits_2_with_lines(capsys, make_file):
    glossary = make_file("bad.csv", "term,variants,case_sensitive\nMars,,maybe\nMars,,\n")
    code, _, err = run(capsys, "--corpus", str(TIANWEN), "--glossary", str(glossary))
    assert code == 2
    assert "bad.csv: 2 problems" in err and "line 2, column 'case_sensitive'" in err and "line 3" in err


def test_bad_suppressions_file_exits_2(capsys, make_file):
    bad = make_file("s.csv", "system,segment,check,text\nseed-mt,x,qa.spacing,a\n")
    code, _, err = run(capsys, "--corpus", str(TIANWEN), "--suppressions", str(bad))
    assert code == 2 and "s.csv, line 2" in err


def test_misaligned_files_exit_2(capsys, make_file):
    hyp = make_file("a.en", "one\ntwo\n")
    ref = make_file("b.en", "one\n")
    code, _, err = run(capsys, "--hyp", str(hyp), "--ref", str(ref))
    assert code == 2 and "line counts differ" in err


def test_as_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "review_app", "check", "--corpus", str(TIANWEN), "--glossary", str(GLOSSARY),
         "--format", "json"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["findings"]) == 11
