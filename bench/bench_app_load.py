"""The review app under load: N simultaneous browser sessions on WMT22 zh-en (1,875 segments x 18 systems).

Starts the real server (``python -m streamlit run review_app/app.py``, loopback only, 127.0.0.1) with the
corpus opened through ``REVIEW_APP_CORPUS`` and its reviews/glossaries in a temporary folder, warms the
score cache with one session (timed and printed on its own), then opens ``--sessions`` pages at once in
one headless Chromium (one browser context each, asyncio Playwright). Every session:

1. opens the app and waits for the first page with scores (the ranking table on the Overview);
2. goes to the Segments screen (first row on screen);
3. searches "China" (the rows change);
4. goes to page 2 (the rows change);
5. opens a segment's detail (``.detail-texts`` on screen).

Prints per-session time to first rendered page and per-action latency (median / p95 / max), failed
sessions, exceptions shown on pages (``stException``), the server's resident memory (peak, with its
worker processes) and the total wall time. The whole run is bounded by ``--timeout`` (default 600 s):
no session waits longer, and the server is stopped at the end in every case.

    .venv/bin/python bench/bench_app_load.py [--sessions 20] [--corpus /work/shared/data/wmt22-zh-en]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from app_server import ARGS, CHROMIUM, running_app  # noqa: E402  (the e2e tests' server helpers)

DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "wmt22-zh-en"
IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stProgress"]')"""
ROWS_CHANGED = """(before) => { const list = document.querySelector('.seg-list');
                   return list && list.innerHTML !== before
                          && !document.querySelector('[data-testid="stStatusWidget"]'); }"""
# The Overview with scores: the ranking table (several systems) or the metric cards (one system).
SCORES = '[data-testid="stDataFrame"], [data-testid="stMetric"]'
ACTIONS = ["first page (overview, scores)", "segments screen", "search 'China'", "page 2", "segment detail"]


# --- the server --------------------------------------------------------------------------------------


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class RssSampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak, self.last = pid, every, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.last = tree_rss(self.pid)
            self.peak = max(self.peak, self.last)
            self.done.wait(self.every)


# --- one session -------------------------------------------------------------------------------------


async def session(browser, url: str, number: int, timeout_ms: int) -> dict:
    """One person's visit; returns the seconds of each action done and what went wrong."""
    out: dict = {"n": number, "times": {}, "error": None, "exceptions": []}
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)

    async def timed(label: str, coroutine_factory) -> None:
        start = time.perf_counter()
        await coroutine_factory()
        out["times"][label] = time.perf_counter() - start

    async def rows_change(action) -> None:
        before = await page.locator(".seg-list").first.inner_html()
        await action()
        await page.wait_for_function(ROWS_CHANGED, arg=before, timeout=timeout_ms)

    async def first_page():
        await page.goto(url)
        await page.wait_for_selector(SCORES)

    async def segments():
        await page.get_by_test_id("stTopNav").get_by_role("link", name="Segments", exact=True).click()
        await page.locator(".seg-row").first.wait_for()
        await page.wait_for_function(IDLE, timeout=timeout_ms)

    async def search():
        box = page.get_by_placeholder("Words in the source, MT or references")

        async def type_it():
            await box.fill("China")
            await box.press("Enter")

        await rows_change(type_it)

    async def next_page():
        await rows_change(lambda: page.get_by_test_id("stPagination").get_by_label("Page 2", exact=True).first.click())

    async def detail():
        await page.locator(".st-key-segments_open button").click()
        await page.locator(".detail-texts").first.wait_for()
        await page.wait_for_function(IDLE, timeout=timeout_ms)

    try:
        for label, step in zip(ACTIONS, [first_page, segments, search, next_page, detail]):
            out["step"] = label
            await timed(label, step)
            shown = page.locator('[data-testid="stException"]')
            if await shown.count():
                out["exceptions"].extend(await shown.all_inner_texts())
    except Exception as error:  # noqa: BLE001 - a failed session is a result, not a crash of the bench
        out["error"] = f"{out['step']}: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
        try:
            shown = page.locator('[data-testid="stException"]')
            out["exceptions"].extend(await shown.all_inner_texts())
        except Exception:  # noqa: BLE001
            pass
    finally:
        await context.close()
    return out


# --- the run -----------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> str:
    if not values:
        return "no value"
    return (f"median {statistics.median(values):6.2f} s   p95 {percentile(values, 0.95):6.2f} s   "
            f"max {max(values):6.2f} s   (n={len(values)})")


async def load(url: str, sessions: int, timeout_s: float) -> tuple[dict, list[dict], float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            start = time.perf_counter()
            warm = await session(browser, url, 0, int(timeout_s * 1000))  # each wait is bounded by timeout_s
            warm["wall"] = time.perf_counter() - start
            left = max(30.0, timeout_s - warm["wall"])
            start = time.perf_counter()
            tasks = [asyncio.create_task(session(browser, url, n, int(left * 1000))) for n in range(1, sessions + 1)]
            done, pending = await asyncio.wait(tasks, timeout=left)
            for task in pending:
                task.cancel()
            results = [task.result() for task in done]
            results += [{"n": -1, "times": {}, "error": "cut by the global timeout", "exceptions": []}] * len(pending)
            return warm, results, time.perf_counter() - start
        finally:
            await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600.0, help="global bound in seconds (default 600)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus not found: {args.corpus}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not installed")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-app-load-") as folder:
        (Path(folder) / "glossary").mkdir()
        env = {"REVIEW_APP_CORPUS": str(args.corpus.resolve()), "REVIEW_APP_CACHE_DIR": f"{folder}/score-cache",
               "REVIEW_APP_DATA_DIR": f"{folder}/data", "REVIEW_APP_GLOSSARY_DIR": f"{folder}/glossary",
               "REVIEW_APP_DATABASE_URL": None}
        with running_app(Path(folder), env, timeout=120) as app:
            url = app.url
            sampler = RssSampler(app.process.pid)
            sampler.start()
            try:
                rss_idle = tree_rss(app.process.pid)
                warm, results, load_wall = asyncio.run(load(url, args.sessions, args.timeout))
                rss_after = tree_rss(app.process.pid)
            finally:
                sampler.done.set()
    total = time.perf_counter() - began
    print(f"corpus: {args.corpus} ({os.cpu_count()} cores), server {url}")
    print(f"warm-up (one session, empty score cache): {warm['wall']:.1f} s"
          + (f"  FAILED: {warm['error']}" if warm["error"] else ""))
    for label in ACTIONS:
        if label in warm["times"]:
            print(f"  {label + ':':34s} {warm['times'][label]:7.2f} s")
    print(f"\n{args.sessions} simultaneous sessions (same server, score cache warm):")
    for label in ACTIONS:
        print(f"  {label + ':':34s} {summary([r['times'][label] for r in results if label in r['times']])}")
    complete = [sum(r["times"].values()) for r in results if len(r["times"]) == len(ACTIONS)]
    print(f"  {'whole visit (5 actions):':34s} {summary(complete)}")
    failed = [r for r in results if r["error"]]
    exceptions = [text for r in [warm, *results] for text in r["exceptions"]]
    print(f"\nsessions completed: {len(complete)} of {args.sessions}; failed: {len(failed)}")
    for r in failed:
        print(f"  session {r['n']}: {r['error']}")
    print(f"exceptions shown on pages: {len(exceptions)}")
    for text in exceptions[:5]:
        print("  " + text.replace("\n", " ")[:300])
    mib = 1024 * 1024
    print(f"server RSS (with workers): idle {rss_idle / mib:.0f} MiB, peak {sampler.peak / mib:.0f} MiB, "
          f"after the run {rss_after / mib:.0f} MiB")
    print(f"wall time: {args.sessions} sessions {load_wall:.1f} s; whole run {total:.1f} s")
    if failed or exceptions:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
