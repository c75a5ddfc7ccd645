"""Several people at once: the real server on the bundled WMT22 sample (300 segments x 5 systems) with 6
browser sessions opened together (one Chromium, one context each). Every session renders the Overview
with its scores and the Segments screen with no exception within a bound, and a session's filter change
answers while the others are loading. The larger run (20 sessions on all of WMT22) is
bench/bench_app_load.py."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from .app_server import ARGS, CHROMIUM, REPO, running_app

SAMPLE = REPO / "corpora" / "wmt22-zh-en-sample"
SESSIONS = 6
TOTAL_S = 120.0  # every session, from the first request to the Segments screen
FILTER_S = 30.0  # one filter change while the others load
SCORES = '[data-testid="stDataFrame"], [data-testid="stMetric"]'
IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stProgress"]')"""
ROWS_CHANGED = """(before) => { const list = document.querySelector('.seg-list');
                   return list && list.innerHTML !== before
                          && !document.querySelector('[data-testid="stStatusWidget"]'); }"""

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.slow]


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    """The server with REVIEW_APP_CORPUS on the sample, its own (empty) score cache, on loopback."""
    folder = tmp_path_factory.mktemp("load-server")
    with running_app(folder, {"REVIEW_APP_CORPUS": str(SAMPLE), "REVIEW_APP_CACHE_DIR": str(folder / "score-cache")}) as app:
        yield app.url


async def open_session(browser, url: str, deadline: float) -> dict:
    """Overview with scores, then the Segments screen; the page stays open for the caller."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(max(1.0, deadline - time.monotonic()) * 1000)
    await page.goto(url)
    await page.wait_for_selector(SCORES)
    exceptions = await page.locator('[data-testid="stException"]').all_inner_texts()
    await page.get_by_test_id("stTopNav").get_by_role("link", name="Segments", exact=True).click()
    await page.locator(".seg-row").first.wait_for()
    await page.wait_for_function(IDLE)
    exceptions += await page.locator('[data-testid="stException"]').all_inner_texts()
    return {"context": context, "page": page, "exceptions": exceptions, "done_at": time.monotonic()}


async def run_load(url: str) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            start = time.monotonic()
            deadline = start + TOTAL_S
            # One session first (it fills the score cache), then the others all at once.
            probe = await open_session(browser, url, deadline)
            others = [asyncio.create_task(open_session(browser, url, deadline)) for _ in range(SESSIONS - 1)]
            await asyncio.sleep(0.5)  # the others have sent their first requests
            page = probe["page"]
            before = await page.locator(".seg-list").first.inner_html()
            changed_at = time.monotonic()
            box = page.get_by_placeholder("Words in the source, MT or references")
            await box.fill("China")
            await box.press("Enter")
            await page.wait_for_function(ROWS_CHANGED, arg=before, timeout=FILTER_S * 1000)
            filter_s = time.monotonic() - changed_at
            busy = sum(not task.done() for task in others)
            probe["exceptions"] += await page.locator('[data-testid="stException"]').all_inner_texts()
            sessions = [probe, *await asyncio.wait_for(asyncio.gather(*others), max(1.0, deadline - time.monotonic()))]
            rows = [await s["page"].locator(".seg-row").count() for s in sessions]
            return {"sessions": sessions, "filter_s": filter_s, "busy": busy, "rows": rows,
                    "total_s": time.monotonic() - start}
        finally:
            await browser.close()


def test_six_sessions_at_once_stay_responsive(sample_server):
    pytest.importorskip("playwright.async_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    result = asyncio.run(asyncio.wait_for(run_load(sample_server), TOTAL_S + 30))
    assert len(result["sessions"]) == SESSIONS
    assert [text for s in result["sessions"] for text in s["exceptions"]] == []
    assert all(count > 0 for count in result["rows"]), result["rows"]
    assert result["total_s"] < TOTAL_S, result
    # The probe's search answered within FILTER_S (wait_for_function raises otherwise), while at least one
    # of the other sessions was still loading: the server serves sessions side by side, not one by one.
    assert result["filter_s"] < FILTER_S
    assert result["busy"] >= 1, f"every other session had finished before the search answered ({result['filter_s']:.1f} s)"
