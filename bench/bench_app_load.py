"""The review app under load: N simultaneous sessions on WMT22 zh-en (1,875 segments x 18 systems).

Starts the real server (``python -m streamlit run review_app/app.py``, loopback only, 127.0.0.1) with the
corpus opened through ``REVIEW_APP_CORPUS`` and its reviews/glossaries in a temporary folder, warms the
score cache with one session (timed and printed on its own), then runs ``--sessions`` visits at once
(``--ramp S`` spreads their starts over S seconds; 0, the default, starts them together). Each visit:

1. opens the app: the Overview with scores (the ranking table);
2. goes to the Segments screen;
3. searches "China" (the rows change);
4. goes to page 2 (the rows change);
5. opens a segment's detail.

Two clients (``--client``):

* ``protocol`` (default): each session is a ``StreamlitSession`` (tests/e2e/streamlit_session.py), which
  sends the server what a browser tab sends over ``/_stcore/stream`` and waits for the run to finish.
  This measures the server: time from a request to the last element of the page, nothing drawn.
* ``browser``: each session is a Chromium context (asyncio Playwright) that waits for the page on screen.
  On a 2-core machine running both, this measures mostly Chromium: so the bench first runs the same
  number of contexts against a one-line Streamlit page (same server settings) and prints that floor.

Prints per-action latency (median / p95 / max), failed sessions, exceptions shown, the latency of
``/_stcore/health`` sampled during the load (is the event loop free?), the server's CPU time and
resident memory (with its worker processes) and the wall time. Every wait is bounded by ``--timeout``
(default 600 s) and the server is stopped at the end in every case.

    .venv/bin/python bench/bench_app_load.py [--sessions 20] [--client protocol|browser] [--ramp 0]
        [--corpus ../shared/data/wmt22-zh-en]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from app_server import ARGS, CHROMIUM, running_app  # noqa: E402  (the e2e tests' server helpers)
from streamlit_session import until_complete  # noqa: E402  (TER and the checks in before the load)

DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "wmt22-zh-en"
ACTIONS = ["first page (overview, scores)", "segments screen", "search 'China'", "page 2", "segment detail"]
FLOOR_APP = 'import streamlit as st\nst.title("hello")\nst.dataframe({"a": [1, 2, 3]})\n'


# --- the server: memory, CPU, health -------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def tree_rss(pid: int) -> int:
    """Resident memory in bytes of a process and its descendants (from /proc)."""
    total = 0
    for current in process_tree(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its descendants (with the children they have reaped)."""
    ticks = 0
    for current in process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(v) for v in fields[11:15])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """Every ``every`` seconds: the server's memory, and how long ``/_stcore/health`` takes to answer."""

    def __init__(self, pid: int, url: str, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.url, self.every = pid, url, every
        self.peak = 0
        self.health: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=30) as response:
                    response.read()
                self.health.append(time.perf_counter() - start)
            except OSError:
                self.health.append(float("inf"))
            self.done.wait(self.every)


# --- one visit -----------------------------------------------------------------------------------------


def rows_header(run) -> str:
    return next((m for m in run.markdown if re.search(r"\*\* rows|\*\*No rows\*\*", m)), "")


async def protocol_visit(url: str, number: int, timeout: float, delay: float) -> dict:
    from streamlit_session import StreamlitSession

    out: dict = {"n": number, "times": {}, "error": None, "exceptions": []}
    await asyncio.sleep(delay)
    try:
        async with StreamlitSession(url, timeout=timeout) as session:
            async def step(label, action, check):
                out["step"] = label
                run = await action()
                out["times"][label] = run.seconds
                out["exceptions"].extend(run.exceptions)
                if not check(run):
                    raise AssertionError(f"{label}: not what the page should show")
                return run

            await step(ACTIONS[0], session.open, lambda r: r.elements.get("dataframe") or r.elements.get("metric"))
            first = await step(ACTIONS[1], lambda: session.goto("segments"), lambda r: any('class="seg-row' in h for h in r.html))
            searched = await step(ACTIONS[2], lambda: session.set("segments_search", string_value="China"),
                                  lambda r: rows_header(r) != rows_header(first))
            await step(ACTIONS[3], lambda: session.set("segments_page_*", int_value=2),
                       lambda r: rows_header(r) != rows_header(searched))
            await step(ACTIONS[4], lambda: session.click("segments_open"), lambda r: any("detail-texts" in h for h in r.html))
    except Exception as error:  # noqa: BLE001 - a failed session is a result, not a crash of the bench
        out["error"] = f"{out.get('step')}: {type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
    return out


IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stProgress"]')"""
ROWS_CHANGED = """(before) => { const list = document.querySelector('.seg-list');
                   return list && list.innerHTML !== before
                          && !document.querySelector('[data-testid="stStatusWidget"]'); }"""
SCORES = '[data-testid="stDataFrame"], [data-testid="stMetric"]'  # the ranking table or the metric cards


async def browser_visit(browser, url: str, number: int, timeout: float, delay: float, floor: bool = False) -> dict:
    """One person's visit in a Chromium context (``floor``: only open the page and wait for its table)."""
    out: dict = {"n": number, "times": {}, "error": None, "exceptions": []}
    await asyncio.sleep(delay)
    timeout_ms = int(timeout * 1000)
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)

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

    steps = [first_page] if floor else [first_page, segments, search, next_page, detail]
    try:
        for label, step in zip(ACTIONS, steps):
            out["step"] = label
            start = time.perf_counter()
            await step()
            out["times"][label] = time.perf_counter() - start
            shown = page.locator('[data-testid="stException"]')
            if await shown.count():
                out["exceptions"].extend(await shown.all_inner_texts())
    except Exception as error:  # noqa: BLE001
        out["error"] = f"{out['step']}: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
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


async def gather(visit, sessions: int, ramp: float, timeout: float) -> tuple[list[dict], float]:
    rng = random.Random(1)
    delays = sorted(rng.uniform(0, ramp) for _ in range(sessions)) if ramp > 0 else [0.0] * sessions
    start = time.perf_counter()
    tasks = [asyncio.create_task(visit(n + 1, delays[n])) for n in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    results = [task.result() for task in done]
    results += [{"n": -1, "times": {}, "error": "cut by the global timeout", "exceptions": []}] * len(pending)
    return results, time.perf_counter() - start


async def run_protocol(url: str, sessions: int, ramp: float, timeout: float, on_start) -> tuple[dict, list[dict], float]:
    start = time.perf_counter()
    warm = await protocol_visit(url, 0, timeout, 0.0)
    warm["complete"] = await until_complete(url, timeout)
    warm["wall"] = time.perf_counter() - start
    on_start()
    left = max(30.0, timeout - warm["wall"])
    results, wall = await gather(lambda n, delay: protocol_visit(url, n, left, delay), sessions, ramp, left)
    return warm, results, wall


async def run_browser(url: str, sessions: int, ramp: float, timeout: float, on_start, floor: bool = False):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            start = time.perf_counter()
            warm = await browser_visit(browser, url, 0, timeout, 0.0, floor)
            warm["complete"] = 0.0 if floor else await until_complete(url, timeout)
            warm["wall"] = time.perf_counter() - start
            on_start()
            left = max(30.0, timeout - warm["wall"])
            results, wall = await gather(lambda n, delay: browser_visit(browser, url, n, left, delay, floor),
                                         sessions, ramp, left)
            return warm, results, wall
        finally:
            await browser.close()


def report(title: str, warm: dict, results: list[dict], wall: float, sessions: int, actions: list[str]) -> bool:
    print(f"\n{title}")
    print(f"  warm-up (one session first, empty score cache): {warm['wall']:.1f} s, of which {warm['complete']:.1f} s "
          "waiting for TER and the checks after the visit" + (f"  FAILED: {warm['error']}" if warm["error"] else ""))
    for label in actions:
        if label in warm["times"]:
            print(f"    {label + ':':34s} {warm['times'][label]:7.2f} s")
    print(f"  {sessions} sessions:")
    for label in actions:
        print(f"    {label + ':':34s} {summary([r['times'][label] for r in results if label in r['times']])}")
    complete = [sum(r["times"].values()) for r in results if len(r["times"]) == len(actions)]
    if len(actions) > 1:
        print(f"    {'whole visit:':34s} {summary(complete)}")
    failed = [r for r in results if r["error"]]
    exceptions = [text for r in [warm, *results] for text in r["exceptions"]]
    print(f"  sessions completed: {len(complete)} of {sessions}; failed: {len(failed)}; exceptions shown: {len(exceptions)}")
    for r in failed[:5]:
        print(f"    session {r['n']}: {r['error']}")
    for text in exceptions[:5]:
        print("    " + text.replace("\n", " ")[:300])
    print(f"  wall time of the {sessions} sessions: {wall:.1f} s")
    return not failed and not exceptions and not warm["error"]


def serve_and_load(folder: Path, env: dict, script: str, runner, label: str, actions: list[str], args) -> bool:
    with running_app(folder, env, timeout=120, script=script) as app:
        sampler = Sampler(app.process.pid, app.url)
        marks: dict = {}

        def on_start() -> None:  # the warm-up is over: measure the load from here
            marks["cpu"] = tree_cpu(app.process.pid)
            sampler.start()

        try:
            rss_idle = tree_rss(app.process.pid)
            warm, results, wall = asyncio.run(runner(app.url, args.sessions, args.ramp, args.timeout, on_start))
            cpu = tree_cpu(app.process.pid) - marks.get("cpu", 0.0)
            rss_after = tree_rss(app.process.pid)
        finally:
            sampler.done.set()
    ok = report(label, warm, results, wall, args.sessions, actions)
    mib = 1024 * 1024
    health = [h for h in sampler.health if h != float("inf")]
    print(f"  /_stcore/health during the load: {summary(health)}"
          + (f", {len(sampler.health) - len(health)} failed" if len(health) < len(sampler.health) else ""))
    print(f"  server CPU during the load: {cpu:.1f} s (with its workers); RSS idle {rss_idle / mib:.0f} MiB, "
          f"peak {sampler.peak / mib:.0f} MiB, after {rss_after / mib:.0f} MiB")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--client", choices=["protocol", "browser"], default="protocol")
    parser.add_argument("--ramp", type=float, default=0.0, help="spread the session starts over this many seconds")
    parser.add_argument("--timeout", type=float, default=600.0, help="global bound in seconds (default 600)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus not found: {args.corpus}")
    if args.client == "browser" and not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not installed")
    began = time.perf_counter()
    print(f"corpus: {args.corpus} ({os.cpu_count()} cores), client: {args.client}, "
          f"{args.sessions} sessions, starts spread over {args.ramp:g} s")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-app-load-") as folder:
        (Path(folder) / "glossary").mkdir()
        env = {"REVIEW_APP_CORPUS": str(args.corpus.resolve()), "REVIEW_APP_CACHE_DIR": f"{folder}/score-cache",
               "REVIEW_APP_DATA_DIR": f"{folder}/data", "REVIEW_APP_GLOSSARY_DIR": f"{folder}/glossary",
               "REVIEW_APP_DATABASE_URL": None}
        if args.client == "browser":
            floor_app = Path(folder) / "floor_app.py"
            floor_app.write_text(FLOOR_APP)
            floor = lambda *a: run_browser(*a, floor=True)  # noqa: E731
            serve_and_load(Path(folder), env, str(floor_app), floor,
                           "floor: the same browser sessions opening a one-line Streamlit page", ACTIONS[:1], args)
            ok = serve_and_load(Path(folder), env, "review_app/app.py", run_browser, "the review app, Chromium", ACTIONS, args)
        else:
            ok = serve_and_load(Path(folder), env, "review_app/app.py", run_protocol,
                                "the review app, protocol sessions (the server alone)", ACTIONS, args)
    print(f"\nwhole run {time.perf_counter() - began:.1f} s")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
