"""Twenty people at once on all of WMT22 (1,875 segments x 18 systems = 33,750 rows), each talking to the
real server over its own websocket protocol (``StreamlitSession``: what a browser tab sends, without the
browser, so 20 sessions cost the test machine little). Every session opens the Overview, goes to the
Segments screen, searches its own word, turns to page 2 and opens one of its segments, all at the same
time, and sees exactly the rows the core selects for its own search, with no exception: the caches the
sessions share (table, search index, page HTML, charts) never hand one session another's view.

How fast this is lives in bench/bench_app_load.py (figures in docs/load.md); the bound here only keeps
the test finite."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import pytest

from review_app.corpus import load_corpus
from review_app.scoring.cache import ScoreCache
from review_app.scoring.results import score_corpus
from review_app.segment_table import SegmentQuery, build_segment_table, select_rows

from .app_server import running_app
from .streamlit_session import StreamlitSession, until_complete

SESSIONS = 20
WORDS = ["China", "price", "said", "people", "game", "order", "company", "world", "product", "water",
         "market", "service", "phone", "work", "country", "money", "children", "police", "school", "car"]
PAGE = 25  # the Segments screen's default page size
BOUND_S = 300.0  # the 20 visits together, on a loaded CI machine
ROW = re.compile(r'class="seg-row[^"]*" data-system="([^"]*)" data-segment="(\d+)"')

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def wmt22_server(tmp_path_factory):
    from tests.conftest import WMT22

    if not (WMT22 / "ref-A.en").exists():
        pytest.skip(f"WMT22 data not found at {WMT22} (../shared beside the repo)")
    folder = tmp_path_factory.mktemp("wmt22-server")
    cache = folder / "score-cache"
    with running_app(folder, {"REVIEW_APP_CORPUS": str(WMT22), "REVIEW_APP_CACHE_DIR": str(cache)}, timeout=120) as app:
        asyncio.run(until_complete(app.url, timeout=600))
        yield app.url, WMT22, cache


def shown_rows(run) -> list[tuple[str, int]]:
    return [(html.unescape(system), int(segment)) for body in run.html for system, segment in ROW.findall(body)]


def header(run) -> str:
    return next(m for m in run.markdown if " rows" in m)


async def visit(url: str, word: str) -> dict:
    seen: dict = {"exceptions": []}
    async with StreamlitSession(url, timeout=BOUND_S) as session:
        runs = [await session.open()]
        seen["overview_tables"] = runs[-1].elements.get("dataframe", 0)
        runs.append(await session.goto("segments"))
        runs.append(await session.set("segments_search", string_value=word))
        seen["page1"], seen["header1"] = shown_rows(runs[-1]), header(runs[-1])
        runs.append(await session.set("segments_page_*", int_value=2))
        seen["page2"], seen["header2"] = shown_rows(runs[-1]), header(runs[-1])
        seen["picked"] = max(segment for _, segment in seen["page2"])  # one of this page's segments
        runs.append(await session.set("segments_open_pick", string_value=str(seen["picked"])))
        runs.append(await session.click("segments_open"))
        seen["detail"] = runs[-1].headings[0] if runs[-1].headings else ""
        seen["exceptions"] = [text for run in runs for text in run.exceptions]
    return seen


async def all_at_once(url: str) -> list[dict]:
    return await asyncio.wait_for(asyncio.gather(*[visit(url, word) for word in WORDS[:SESSIONS]]), BOUND_S)


def test_twenty_sessions_at_once_each_see_their_own_rows(wmt22_server):
    url, corpus_path, cache = wmt22_server
    corpus = load_corpus(corpus_path)
    scores = score_corpus(corpus, metric_ids=("bleu",), cache=ScoreCache(cache))  # the server's statistics
    table = build_segment_table(corpus, scores)
    keys = list(zip(table["system"], table["segment"].astype(int)))

    results = asyncio.run(all_at_once(url))

    assert len(results) == SESSIONS
    for word, seen in zip(WORDS, results):
        assert seen["exceptions"] == [], (word, seen["exceptions"])
        assert seen["overview_tables"] >= 1, word  # the ranking table
        expected = [keys[p] for p in select_rows(table, SegmentQuery(text=word), "bleu")]  # worst BLEU first
        assert len(expected) > 2 * PAGE, f"{word!r}: pick a word with more matches"
        assert seen["header1"] == f"**1–{PAGE}** of **{len(expected):,}** rows (filtered from {len(table):,})", word
        assert seen["page1"] == expected[:PAGE], word
        assert seen["header2"].startswith(f"**{PAGE + 1}–{2 * PAGE}** of **{len(expected):,}** rows"), word
        assert seen["page2"] == expected[PAGE:2 * PAGE], word
        assert seen["picked"] == max(segment for _, segment in expected[PAGE:2 * PAGE])
        assert seen["detail"] == f"Segment {seen['picked']}", word
