"""The review app's real server for browser tests and benchmarks: ``python -m streamlit run
review_app/app.py`` on a free loopback port, waited for on ``/_stcore/health``, always stopped.
Also how Chromium is launched here (Debian's, never a downloaded browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"streamlit not healthy after {timeout:.0f} s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen, timeout: float = 20.0) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path


@contextmanager
def running_app(
    folder: Path, env: Mapping[str, str | None] = {}, timeout: float = 90.0, script: str = "review_app/app.py",
) -> Iterator[AppServer]:
    """The server, its log in ``folder``; ``env`` sets (or, with None, removes) environment variables.
    ``script``: another Streamlit script to serve with the app's settings (a benchmark's baseline page)."""
    environment = dict(os.environ)
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    port = free_port()
    log = Path(folder) / "streamlit.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=REPO, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process, log, timeout)
        yield AppServer(url, process, log)
    finally:
        stop(process)
