"""A glossary save killed part-way (SIGKILL: no ``finally``, no clean-up) leaves the glossary file as it
was or as saved, never half-written; the lock dies with the writer, so the next save goes through at
once, and it clears the temporary files the killed one left behind."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from review_app.glossary import maintenance as gm

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "glossary" / "space-diplomacy.csv"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

# argv: folder, stage. "rename": stop (to be killed) with the new version written and synced to its
# temporary file, just before it replaces the glossary. "loop": save big and small versions for ever,
# printing the digest of each version before saving it.
WRITER = textwrap.dedent(
    """
    import os, sys, time
    from dataclasses import replace
    from review_app.glossary import Glossary, Term, glossary_to_csv
    from review_app.glossary import maintenance as gm

    folder, stage = sys.argv[1], sys.argv[2]
    if stage == "rename":
        real_replace = os.replace

        def replace_then_wait(src, dst):
            if os.path.basename(dst) == "space.csv":
                print("about to rename", flush=True)
                time.sleep(120)
            return real_replace(src, dst)

        os.replace = replace_then_wait
        file = gm.open_glossary("space", folder)
        gm.save_glossary("space", gm.add_term(file.glossary, "Killed-1"), expected_digest=file.digest, folder=folder)
        print("saved (should not happen)", flush=True)
    else:
        extra = tuple(Term(term=f"Probe-{i}", source=f"探测器{i}号", note="x" * 40) for i in range(4000))
        for round in range(10**6):
            file = gm.open_glossary("space", folder)
            terms = [t for t in file.glossary.terms if not t.term.startswith("Probe-")]
            glossary = replace(file.glossary, terms=tuple(terms) + (extra if round % 2 == 0 else ()))
            text = glossary_to_csv(replace(glossary, path="space.csv"))
            print(gm.content_digest(text.encode("utf-8")), flush=True)
            gm.save_glossary("space", glossary, expected_digest=file.digest, folder=folder)
    """
)


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "glossaries"
    folder.mkdir()
    shutil.copyfile(BUNDLED, folder / "space.csv")
    return folder


def start_writer(folder: Path, stage: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), stage], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)


def kill(child: subprocess.Popen) -> str:
    """SIGKILL the writer; what it printed."""
    os.kill(child.pid, signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err
    return out


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in [*folder.iterdir(), *(folder / gm.BACKUP_DIR).glob("*")] if p.name.endswith(".tmp"))


def save_at_once(folder: Path, term: str) -> gm.GlossaryFile:
    began = time.monotonic()
    file = gm.open_glossary("space", folder)
    saved = gm.save_glossary("space", gm.add_term(file.glossary, term), expected_digest=file.digest, folder=folder)
    assert time.monotonic() - began < 10, "the killed writer's lock was still held"
    return saved


def test_killed_just_before_the_rename_the_old_file_stays(folder):
    before = (folder / "space.csv").read_bytes()
    child = start_writer(folder, "rename")
    try:
        assert child.stdout.readline().strip() == "about to rename", child.stderr.read()
        # the new version is complete in a temporary file, the lock is held: now the power goes
        assert temporaries(folder) != []
        kill(child)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert (folder / "space.csv").read_bytes() == before
    assert gm.open_glossary("space", folder).glossary.terms[-1].term != "Killed-1"
    saved = save_at_once(folder, "After-1")
    assert saved.glossary.terms[-1].term == "After-1"
    assert temporaries(folder) == []  # the killed save's leftovers are gone


def test_killed_at_random_moments_the_file_is_always_a_whole_version(folder):
    rng = random.Random(7)
    versions = {gm.content_digest((folder / "space.csv").read_bytes())}
    for attempt in range(8):
        child = start_writer(folder, "loop")
        try:
            first = child.stdout.readline().strip()  # the digest of the first version it saves
            assert first, child.stderr.read()
            versions.add(first)
            time.sleep(rng.uniform(0.0, 0.6))
            versions.update(line.strip() for line in kill(child).splitlines() if line.strip())
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
        file = gm.open_glossary("space", folder)  # parses: never a torn CSV
        assert file.digest in versions, f"attempt {attempt}: the glossary is none of the versions saved"
    saved = save_at_once(folder, "After-2")
    assert saved.glossary.terms[-1].term == "After-2"
    assert temporaries(folder) == []
