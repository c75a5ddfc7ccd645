"""How responsive the review app is on a large corpus: WMT22 zh-en, 1,875 segments x 18 systems.

Starts the real server (``python -m streamlit run review_app/app.py``) with the corpus opened through
``REVIEW_APP_CORPUS`` and drives headless Chromium (Playwright) as a person would. Prints:

* request -> first rendered page: from ``page.goto`` of the Segments screen until the first page of
  rows is on screen (BLEU and chrF are in; TER may still be computing), and until TER is in too;
* filter changes: typing a search, picking systems and a check, changing the sort, the next page:
  from the input until the new rows are on screen.

Three starts: ``cold`` (empty score cache: everything is computed), ``warm`` (new server process, the
score cache on disk filled by the cold run), ``hot`` (same server, another browser tab: Streamlit's
in-memory caches hold the scores). ``--skip-cold`` reuses ``--cache-dir`` as it is.

    .venv/bin/python bench/bench_app.py [--corpus /work/shared/data/wmt22-zh-en] [--skip-cold]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "e2e"))
from app_server import ARGS, CHROMIUM, running_app  # noqa: E402  (the e2e tests' server helpers)
DEFAULT_CORPUS = Path("/work/shared/data/wmt22-zh-en")
TIMEOUT_MS = 900_000
CHANGE_TIMEOUT_MS = 120_000
IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')"""
NO_PROGRESS = """() => !document.querySelector('[data-testid="stProgress"]')"""


@contextmanager
def server(corpus: Path, cache_dir: Path):
    with tempfile.TemporaryDirectory(prefix="bench-app-") as folder:
        with running_app(Path(folder), {"REVIEW_APP_CORPUS": str(corpus), "REVIEW_APP_CACHE_DIR": str(cache_dir)},
                         timeout=120) as app:
            yield app.url


def rows_summary(page) -> str:
    return page.get_by_text(re.compile(r"^[\d,]+–[\d,]+ of [\d,]+ rows")).first.inner_text()


def timed_change(page, action, label: str) -> float:
    """Seconds from an input until the rows shown changed and Streamlit is idle again."""
    before = page.locator(".seg-list").first.inner_html()
    start = time.perf_counter()
    action()
    try:
        page.wait_for_function(
            """(before) => { const list = document.querySelector('.seg-list');
                             return list && list.innerHTML !== before
                                    && !document.querySelector('[data-testid="stStatusWidget"]'); }""",
            arg=before, timeout=CHANGE_TIMEOUT_MS,
        )
    except Exception:
        shot = REPO / "test-artifacts" / "bench-app-stuck.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        raise SystemExit(f"no new rows {CHANGE_TIMEOUT_MS / 1000:.0f} s after '{label}'; screenshot: {shot}")
    return time.perf_counter() - start


def first_render(browser, url: str) -> tuple[float, float, object]:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    start = time.perf_counter()
    page.goto(f"{url}/segments")
    page.locator(".seg-row").first.wait_for()
    first = time.perf_counter() - start
    page.wait_for_function(NO_PROGRESS, timeout=TIMEOUT_MS)
    page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
    complete = time.perf_counter() - start
    assert page.locator('[data-testid="stException"]').count() == 0, "the page shows an exception"
    return first, complete, page


def filter_changes(page) -> list[tuple[str, float]]:
    out = []
    search = page.get_by_placeholder("Words in the source, MT or references")

    def type_search():
        search.fill("China")
        search.press("Enter")

    out.append(("search 'China'", timed_change(page, type_search, "search 'China'")))

    def clear_search():
        search.fill("")
        search.press("Enter")

    out.append(("clear the search", timed_change(page, clear_search, "clear the search")))

    def pick_system():
        box = page.get_by_test_id("stMultiSelect").filter(has_text="Systems")
        box.click()
        page.get_by_role("option", name="Online-A", exact=True).click()
        page.keyboard.press("Escape")

    out.append(("systems: Online-A", timed_change(page, pick_system, "systems: Online-A")))

    def sort_corpus_order():
        page.get_by_test_id("stSelectbox").filter(has_text="Order").click()
        page.get_by_role("option", name="Corpus order").click()
        page.keyboard.press("Escape")

    out.append(("order: corpus order", timed_change(page, sort_corpus_order, "order: corpus order")))

    def next_page():
        page.get_by_test_id("stPagination").get_by_label("Page 2", exact=True).click()

    if page.get_by_test_id("stPagination").count():
        out.append(("page 2", timed_change(page, next_page, "page 2")))
    return out


def run(corpus: Path, cache_dir: Path, skip_cold: bool) -> None:
    from playwright.sync_api import sync_playwright

    print(f"corpus: {corpus}")
    print(f"score cache: {cache_dir}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        starts = ["warm"] if skip_cold else ["cold", "warm"]
        for start in starts:
            if start == "cold":
                shutil.rmtree(cache_dir, ignore_errors=True)
            with server(corpus, cache_dir) as url:
                first, complete, page = first_render(browser, url)
                print(f"\n[{start} start: new server{', empty score cache' if start == 'cold' else ', score cache on disk'}]")
                print(f"  request -> first rendered page (BLEU, chrF):  {first:7.2f} s")
                print(f"  request -> every metric in (TER too):         {complete:7.2f} s")
                print(f"  shown: {rows_summary(page)}")
                for label, seconds in filter_changes(page):
                    print(f"  filter change, {label + ':':28s} {seconds:7.2f} s")
                page.close()
                if start == "warm":
                    first, complete, page = first_render(browser, url)
                    print("\n[hot start: same server, new browser tab]")
                    print(f"  request -> first rendered page:               {first:7.2f} s")
                    print(f"  request -> every metric in:                   {complete:7.2f} s")
                    for label, seconds in filter_changes(page):
                        print(f"  filter change, {label + ':':28s} {seconds:7.2f} s")
                    page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "review-app-bench-cache")
    parser.add_argument("--skip-cold", action="store_true", help="keep the score cache as it is")
    args = parser.parse_args()
    if not (args.corpus / "ref-A.en").exists() and not args.corpus.is_dir():
        raise SystemExit(f"corpus not found: {args.corpus}")
    run(args.corpus.resolve(), args.cache_dir, args.skip_cold)


if __name__ == "__main__":
    main()
