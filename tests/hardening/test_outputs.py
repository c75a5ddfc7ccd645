"""Every ``--out`` of check, score and glossary goes through the atomic writer: a failed write leaves
the old file whole and no temporary behind, and is one line on stderr with exit code 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from review_app import textio
from review_app.cli.main import main
from review_app.errors import OutputError
from review_app.textio import atomic_write_text

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "glossary" / "space-diplomacy.csv"
TIANWEN = REPO / "corpora" / "tianwen-1"


def commands(out: Path) -> dict[str, list[str]]:
    return {
        "check": ["check", "--corpus", str(TIANWEN), "--format", "csv", "--out", str(out)],
        "score": ["score", "--corpus", str(TIANWEN), "--format", "csv", "--out", str(out), "--no-cache",
                  "--jobs", "1", "-m", "bleu"],
        "glossary export": ["glossary", "export", str(GLOSSARY), "--out", str(out)],
        "glossary import": ["glossary", "import", str(GLOSSARY), "--out", str(out)],
        "check --list-checks": ["check", "--list-checks", "--out", str(out)],
    }


COMMANDS = list(commands(Path("x")))


@pytest.mark.parametrize("command", COMMANDS)
def test_out_is_written_atomically(command, tmp_path, capsys, monkeypatch):
    out = tmp_path / "result.csv"
    calls = []
    real = textio.atomic_write_bytes

    def spy(path, data):
        calls.append(Path(path))
        return real(path, data)

    monkeypatch.setattr(textio, "atomic_write_bytes", spy)
    assert main(commands(out)[command]) == 0
    capsys.readouterr()
    assert calls == [out] and out.stat().st_size > 0


@pytest.mark.parametrize("command", COMMANDS)
def test_a_failed_write_keeps_the_old_file(command, tmp_path, capsys, monkeypatch):
    out = tmp_path / "result.csv"
    out.write_text("old content\n", encoding="utf-8")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(textio.os, "replace", full_disk)
    assert main(commands(out)[command]) == 2
    _, err = capsys.readouterr()
    assert err.strip() == f"error: {out}: cannot write the file (No space left on device)"
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.csv"]


@pytest.mark.parametrize("command", COMMANDS)
def test_out_is_a_folder_or_under_a_file(command, tmp_path, capsys):
    folder = tmp_path / "folder"
    folder.mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for out in (folder, blocker / "result.csv"):
        assert main(commands(out)[command]) == 2
        _, err = capsys.readouterr()
        assert err.startswith(f"error: {out}: ") and err.count("\n") == 1 and "Traceback" not in err


def test_output_error_is_also_an_oserror(tmp_path):
    with pytest.raises(OSError) as info:
        atomic_write_text(tmp_path, "x")
    assert isinstance(info.value, OutputError) and info.value.filename == str(tmp_path)


def test_a_broken_pipe_is_quiet(capsys, monkeypatch):
    import sys

    class Closed:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

        def fileno(self):
            return os.open(os.devnull, os.O_WRONLY)

    monkeypatch.setattr(sys, "stdout", Closed())
    assert main(["check", "--list-checks"]) == 1
