"""The review app in a real browser: the Streamlit server started as a user would, driven by headless
Chromium through Playwright. The bundled tianwen-1 opens with its glossary, nothing raises, the case
error is highlighted, an upload with markup in it shows as text (no script runs), and screenshots are
kept under test-artifacts/."""

from __future__ import annotations

import struct
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from .app_server import ARGS, CHROMIUM, REPO, running_app

ARTIFACTS = REPO / "test-artifacts"
TIMEOUT_MS = 90_000

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``python -m streamlit run review_app/app.py`` on a free port, with its own score cache."""
    folder = tmp_path_factory.mktemp("app-server")
    with running_app(folder, {"REVIEW_APP_CACHE_DIR": str(folder / "score-cache"), "REVIEW_APP_CORPUS": None}) as app:
        yield app.url


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.dialogs = dialogs
            yield page
        finally:
            browser.close()


@contextmanager
def screenshot_on_failure(page, name: str):
    """Keep what the page looked like when a step failed (test-artifacts/failed-NAME.png)."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
        except Exception:
            pass
        raise


def wait_for_app(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    # Streamlit is done when the "running" indicator is gone and no progress bar is left.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               && !document.querySelector('[data-testid="stProgress"]')""",
        timeout=TIMEOUT_MS,
    )


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').all_inner_texts()


def nav(page, title: str) -> None:
    """Click a screen in the top navigation (same session, so an upload stays open)."""
    page.get_by_test_id("stTopNav").get_by_role("link", name=title, exact=True).click()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_bundled_corpus_opens_with_highlighted_case_error(server, page):
    with screenshot_on_failure(page, "bundled"):
        bundled_corpus_steps(server, page)


def bundled_corpus_steps(server, page):
    page.goto(server)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stMetric"]')
    assert_no_exception(page)
    assert page.locator("h1").first.inner_text().strip() == "tianwen-1"
    metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert any(text.startswith("BLEU") for text in metrics)
    overview = screenshot(page, "app-overview.png")

    nav(page, "Segments")
    mark = page.locator('mark.finding[data-checks~="glossary.case"]').first
    mark.wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    assert mark.inner_text() == "tianwen-1"
    assert "Tianwen-1" in mark.get_attribute("title")
    assert "sev-error" in mark.get_attribute("class")
    # The highlight is visible: a coloured background, not just markup.
    background = mark.evaluate("element => getComputedStyle(element).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator(".seg-row").count() == 7
    segments = screenshot(page, "app-segments.png")

    for path in (overview, segments):
        width, height = png_size(path)
        assert width >= 1000 and height >= 800
        assert path.stat().st_size > 30_000  # a rendered page, not a blank one

    # The JSON download is what the CLI prints for the same corpus and glossary, byte for byte.
    button = page.get_by_role("button", name="Download JSON")
    assert button.is_enabled()
    with page.expect_download() as download:
        button.click()
    offered = Path(download.value.path()).read_text(encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "review_app", "score", "--corpus", "corpora/tianwen-1",
         "--glossary", "glossary/space-diplomacy.csv", "--format", "json", "--no-cache"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    assert offered == cli
    # The CSV download has the rows on screen, filtered as on screen.
    page.get_by_test_id("stMultiSelect").filter(has_text="Checks").click()
    page.get_by_role("option", name="glossary.case", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.querySelectorAll('.seg-row').length < 7")
    wait_for_app(page)
    rows_shown = page.locator(".seg-row").count()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    import csv

    with open(download.value.path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == rows_shown >= 1
    assert all("glossary.case" in row["checks"] for row in rows)
    assert {"BLEU", "chrF2", "chrF2++", "TER", "mt", "ref"} <= set(rows[0])


def test_upload_with_markup_shows_as_text_and_filters_work(server, page, tmp_path):
    with screenshot_on_failure(page, "upload"):
        upload_steps(server, page, tmp_path)


def upload_steps(server, page, tmp_path):
    system = tmp_path / "evil.txt"
    system.write_text('<script>alert("x")</script> <img src=x onerror=alert(1)> the cat\nthe dog barked\n', encoding="utf-8")
    reference = tmp_path / "ref.txt"
    reference.write_text("the cat\nthe dog barked loudly\n", encoding="utf-8")

    page.goto(f"{server}/open")
    wait_for_app(page)
    page.get_by_role("tab", name="Upload a corpus").click()
    uploaders = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploaders.nth(0).set_input_files(str(system))
    uploaders.nth(1).set_input_files(str(reference))
    # As a person would: submit once both files show as uploaded (no spinner on their chips).
    page.wait_for_function(
        """() => document.querySelectorAll('[data-testid="stFileChip"]').length === 2
               && !document.querySelector('[data-testid="stFileChipIconSpinner"]')"""
    )
    page.get_by_role("button", name="Open the upload").click()
    page.get_by_text("Opened evil").wait_for()
    wait_for_app(page)
    assert_no_exception(page)

    nav(page, "Segments")
    page.locator(".seg-row").first.wait_for()
    wait_for_app(page)
    page.get_by_role("radio", name="Off").click() if page.get_by_role("radio", name="Off").count() else page.get_by_role(
        "button", name="Off").click()
    page.wait_for_function("() => !document.querySelector('.seg.mt.diff-split')")
    wait_for_app(page)
    shown = page.locator(".seg.mt").first.inner_text()
    assert shown.startswith('<script>alert("x")</script> <img src=x onerror=alert(1)>')
    assert page.locator(".seg-row img").count() == 0 and page.locator(".seg-row script").count() == 0
    assert page.dialogs == []

    search = page.get_by_placeholder("Words in the source, MT or references")
    search.fill("barked")
    search.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.seg-row').length === 1")
    assert "the dog barked" in page.locator(".seg-row").first.inner_text()
    assert_no_exception(page)
    width, _ = png_size(screenshot(page, "app-upload-filtered.png"))
    assert width >= 1000
