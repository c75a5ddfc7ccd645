"""The HTML report in headless Chromium with every network request blocked: it renders, shows the
ranking and a highlighted finding, and corpus text with markup is shown as text (no script runs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(java_script_enabled=True)
            page = context.new_page()
            blocked: list[str] = []
            requests: list[str] = []
            console: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

            allowed: set[str] = set()

            def block(route):
                """Only the report file itself may load; any other request is aborted (and recorded)."""
                if route.request.url in allowed:
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", block)
            page.blocked, page.requests, page.console_messages = blocked, requests, console

            def open_report(path: Path) -> None:
                allowed.add(path.as_uri())
                page.goto(path.as_uri())
                page.wait_for_load_state("load")

            page.open_report = open_report
            yield page
        finally:
            browser.close()


@pytest.fixture
def hostile_report(run_cli, hostile_corpus, sample, glossary_file, tmp_path) -> Path:
    out = tmp_path / "report"
    code, _, err = run_cli(["report", hostile_corpus, sample, "--out", out, "--glossary", glossary_file,
                            "--metrics", "bleu", "chrf", "--bootstrap", "100", "--no-cache", "--format", "html"])
    assert code == 0, err
    return out / "report.html"


def test_report_renders_offline_with_ranking_and_highlighted_finding(browser_page, hostile_report):
    page = browser_page
    page.open_report(hostile_report)
    assert page.title().startswith("Translation quality report")

    # nothing but the file itself was requested (no fonts, scripts, images or styles from anywhere)
    assert page.requests == [hostile_report.as_uri()]
    assert page.blocked == []

    # the ranking of the WMT22 sample, best first, with the baseline marked
    ranking = page.locator("section.corpus").nth(1).locator("table.ranking tbody tr")
    assert ranking.count() == 5
    first = ranking.nth(0).inner_text()
    assert "JDExploreAcademy" in first and "baseline" in first and "33.78" in first
    charts = page.locator("svg.chart")
    assert charts.count() >= 4
    box = charts.first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50

    # a finding highlighted in the MT of the hostile corpus's worst segments
    hostile = page.locator("section.corpus").nth(0)
    marks = hostile.locator("mark.finding")
    assert marks.count() >= 1
    assert "tianwen-1" in [marks.nth(i).inner_text() for i in range(marks.count())]
    assert page.locator("section.corpus").nth(1).locator("mark.finding").count() >= 1


def test_corpus_markup_is_text_and_no_script_runs(browser_page, hostile_report):
    page = browser_page
    page.open_report(hostile_report)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    text = page.locator("body").inner_text()
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src="x" onerror="window.__pwned = 2">' in text
    assert "bad<script>mt" in text  # a system name
    assert "hostile<b>corpus" in text  # a corpus name
    errors = [m for m in page.console_messages if m.startswith("error")]
    assert errors == []


def test_report_is_one_file(hostile_report):
    html = hostile_report.read_text(encoding="utf-8")
    assert sorted(p.name for p in hostile_report.parent.iterdir()) == ["report.html"]
    for needle in ("<script", "<link", "@import", "src=\"http", "href=\"http", "url("):
        assert needle not in html.replace("&lt;script", "")
    assert "Content-Security-Policy" in html
    assert shutil.which("true")  # the file needs nothing else to be opened


def test_the_harness_blocks_network_requests(browser_page, tmp_path):
    """The check above means something: a page asking for a remote image gets it aborted."""
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><img src="http://example.invalid/x.png">', encoding="utf-8")
    browser_page.open_report(page)
    assert browser_page.blocked == ["http://example.invalid/x.png"]
