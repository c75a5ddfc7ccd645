"""The score command end to end, against sacrebleu's own command line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from review_app.cli.main import main

SACREBLEU = [sys.executable, "-m", "sacrebleu"]


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "review_app", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def small_set(tmp_path):
    hyp = tmp_path / "systems" / "mt-one.en"
    hyp.parent.mkdir()
    hyp.write_text("The cat sat on the mat.\n\nTianwen-1 launched on 23 July 2020.\n“Quoted” text… ok\n天问一号 left untranslated\n", encoding="utf-8")
    ref_a = tmp_path / "ref-A.en"
    ref_a.write_text("The cat sat on the mat.\nAn empty MT line.\nTianwen-1 was launched on July 23, 2020.\n\"Quoted\" text... ok\nTianwen-1, untranslated\n", encoding="utf-8")
    ref_b = tmp_path / "ref-B.en"
    ref_b.write_text("A cat was sitting on the mat.\nEmpty.\nThe Tianwen-1 probe launched on 23 July 2020.\nQuoted text, ok\nTianwen-1\n", encoding="utf-8")
    return hyp, ref_a, ref_b


def sacrebleu_json(hyp, refs, width=6):
    out = subprocess.run([*SACREBLEU, *map(str, refs), "-i", str(hyp), "-m", "bleu", "chrf", "ter", "-w", str(width)],
                         capture_output=True, text=True, check=True).stdout
    return {entry["name"]: entry for entry in json.loads(out)}


@pytest.mark.parametrize("n_refs", [1, 2])
def test_json_equals_sacrebleu_command_line(small_set, n_refs):
    hyp, *refs = small_set
    refs = refs[:n_refs]
    args = ["score", "--hyp", str(hyp), "--format", "json", "--no-cache"]
    for ref in refs:
        args += ["--ref", str(ref)]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    theirs = sacrebleu_json(hyp, refs)
    [system] = ours["systems"]
    assert system["name"] == "mt-one"
    for name in ("BLEU", "chrF2", "TER"):
        assert round(system["scores"][name], 6) == theirs[name]["score"]
        assert system["signatures"][name] == theirs[name]["signature"]
    assert set(system["scores"]) == {"BLEU", "chrF2", "chrF2++", "TER"}
    assert len(ours["segments"]) == 5
    assert ours["segments"][0]["segment"] == 1 and ours["segments"][0]["system"] == "mt-one"


def test_sentence_scores_equal_sacrebleu_sentence_level(small_set):
    hyp, ref_a, _ = small_set
    ours = json.loads(run_cli("score", "--hyp", str(hyp), "--ref", str(ref_a), "-f", "json", "--no-cache").stdout)
    for metric, name in (("bleu", "BLEU"), ("chrf", "chrF2"), ("ter", "TER")):
        out = subprocess.run([*SACREBLEU, str(ref_a), "-i", str(hyp), "-m", metric, "--sentence-level", "-w", "6"],
                             capture_output=True, text=True, check=True).stdout
        # "NAME|signature = 12.345678 ..." per line
        theirs = [float(line.split(" = ")[1].split()[0]) for line in out.splitlines()]
        signatures = {line.split(" = ")[0].split("|", 1)[1] for line in out.splitlines()}
        assert [round(seg[name], 6) for seg in ours["segments"]] == theirs, metric
        assert signatures == {ours["systems"][0]["sentence_signatures"][name]}


def test_text_csv_markdown_formats(small_set, tmp_path):
    hyp, ref_a, ref_b = small_set
    text = run_cli("score", "--hyp", str(hyp), "--ref", str(ref_a), "--no-cache")
    assert text.returncode == 0
    assert "mt-one" in text.stdout and "chrF2++" in text.stdout and "nrefs:1" in text.stdout
    out = tmp_path / "scores.csv"
    csv_run = run_cli("score", "--hyp", str(hyp), "--ref", str(ref_a), "-f", "csv", "--level", "segment", "--out", str(out))
    assert csv_run.returncode == 0 and csv_run.stdout == ""
    lines = out.read_text().splitlines()
    assert lines[0] == "system,segment,BLEU,chrF2,chrF2++,TER" and len(lines) == 6
    md = run_cli("score", "--hyp", str(hyp), "--ref", str(ref_a), "--ref", str(ref_b), "-f", "markdown")
    assert md.stdout.startswith("| system | BLEU |") and "nrefs:2" in md.stdout


def test_several_systems_and_a_corpus_folder(tianwen, tmp_path):
    other = tmp_path / "other-mt.en"
    other.write_text((tianwen / "ref.en").read_text())
    result = json.loads(run_cli("score", "--corpus", str(tianwen), "--hyp", str(other), "-f", "json", "-m", "bleu", "chrf").stdout)
    names = [s["name"] for s in result["systems"]]
    assert names == ["seed-mt", "other-mt"]
    assert result["systems"][1]["scores"]["BLEU"] == pytest.approx(100.0)
    assert result["corpus"] == "tianwen-1"


@pytest.mark.parametrize(
    "make_args, expected",
    [
        (lambda p, h, r: ["--hyp", str(h), "--ref", str(p / "short.en")], "has 5 lines"),
        (lambda p, h, r: ["--hyp", str(p / "latin1.en"), "--ref", str(r)], "byte offset"),
        (lambda p, h, r: ["--hyp", str(p / "empty.en"), "--ref", str(r)], "file is empty"),
        (lambda p, h, r: ["--hyp", str(p / "missing.en"), "--ref", str(r)], "file not found"),
        (lambda p, h, r: ["--hyp", str(h)], "--ref"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(small_set, tmp_path, make_args, expected):
    hyp, ref_a, _ = small_set
    (tmp_path / "short.en").write_text("only\ntwo\n")
    (tmp_path / "latin1.en").write_bytes("caf\xe9\n".encode("latin-1"))
    (tmp_path / "empty.en").write_bytes(b"")
    out = tmp_path / "never.json"
    result = run_cli("score", *make_args(tmp_path, hyp, ref_a), "--out", str(out))
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["score", "--no-such-option"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_bom_and_crlf_are_accepted(tmp_path):
    hyp = tmp_path / "h.en"
    hyp.write_bytes(b"\xef\xbb\xbfHello world\r\nSecond line\r\n")
    ref = tmp_path / "r.en"
    ref.write_bytes(b"Hello world\nSecond line\n")
    result = json.loads(run_cli("score", "--hyp", str(hyp), "--ref", str(ref), "-f", "json").stdout)
    assert result["systems"][0]["scores"]["chrF2"] == 100.0
    assert result["systems"][0]["scores"]["TER"] == 0.0
