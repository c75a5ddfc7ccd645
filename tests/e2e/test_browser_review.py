"""The review workflow in a real browser: the Streamlit server started as a user would, headless Chromium.
A segment of tianwen-1 is annotated, the page is reloaded (a new session), and the annotation is still
there: it was saved to the review database, not kept in the browser. Screenshots of the Review,
Glossary and Overview screens are kept under test-artifacts/."""

from __future__ import annotations

import re

import pytest

# The server, the browser page and the helpers are the app's browser tests' own.
from .test_browser_app import assert_no_exception, nav, page, png_size, screenshot, server, wait_for_app  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SPAN = "Refute the rumor"


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def settle_layout(page) -> None:
    """Wait until the app is idle and its skeleton placeholders are replaced (after a resize too)."""
    wait_for_app(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')")
    page.wait_for_timeout(800)


def segment_button(page, group: str, label: str):
    """The button ``label`` of the segmented control labelled ``group``."""
    return page.get_by_role("radiogroup", name=group).locator("button", has_text=label)


def test_annotation_survives_a_reload(server, page, tmp_path):
    page.goto(f"{server}/review?reviewer=Erin%20Example")
    wait_for_app(page)
    page.get_by_role("heading", name="Review", exact=True).wait_for()
    assert_no_exception(page)
    # The sidebar fills the name from ?reviewer= in a rerun that may land after the heading shows.
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(page.get_by_label("Your name", exact=True)).to_have_value("Erin Example", timeout=30_000)
    mt = page.locator('[data-review-mt="1"]')
    assert mt.inner_text().startswith(SPAN)

    page.get_by_label("…or type (paste) its exact text", exact=True).fill(SPAN)
    page.get_by_label("…or type (paste) its exact text", exact=True).press("Enter")
    page.get_by_text("Span 0–16").wait_for()
    choose(page, "Category (MQM)", "Style › Unidiomatic")
    segment_button(page, "Severity", "Major").click()
    wait_for_app(page)
    page.get_by_label("Comment (optional)", exact=True).fill("a headline, but not idiomatic English")
    page.get_by_label("Comment (optional)", exact=True).press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Add annotation").click()
    page.locator(".rv-annotation").first.wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    mark = page.locator('[data-review-mt="1"] mark.finding[data-checks~="mqm:Style/Unidiomatic"]')
    assert mark.inner_text() == SPAN

    # The verdict too, then a new session: reload the page.
    segment_button(page, "Verdict", "Needs fix").click()
    page.get_by_text("1 of 7 segments of seed-mt reviewed").wait_for()
    wait_for_app(page)
    page.reload()
    wait_for_app(page)
    page.locator(".rv-annotation").first.wait_for()
    assert_no_exception(page)
    annotation = page.locator(".rv-annotation").first
    text = annotation.inner_text()
    assert "Style › Unidiomatic" in text and SPAN in text and "a headline, but not idiomatic English" in text
    assert "Erin Example" in text
    assert page.locator('[data-review-mt="1"] mark.finding[data-checks~="mqm:Style/Unidiomatic"]').inner_text() == SPAN
    assert page.get_by_text("1 of 7 segments of seed-mt reviewed").count() == 1
    assert page.locator(".rv-annotation").count() == 1
    page.set_viewport_size({"width": 1440, "height": 1700})  # the whole screen in the picture
    settle_layout(page)
    review_png = screenshot(page, "app-review.png")
    width, height = png_size(review_png)
    assert width >= 1000 and height >= 800

    # The MQM score is on the Overview, beside BLEU.
    nav(page, "Overview")
    page.get_by_role("heading", name="Human review (MQM)", exact=True).wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    cards = page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert any(card.startswith("MQM") and "–" not in card for card in cards), cards
    page.get_by_text("MQM per segment").click()
    settle_layout(page)
    screenshot(page, "app-overview-mqm.png")

    nav(page, "Glossary")
    page.get_by_role("heading", name="Glossary", exact=True).wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    settle_layout(page)
    assert_no_exception(page)
    screenshot(page, "app-glossary.png")
    page.get_by_role("tab", name="Concordance").click()
    page.get_by_text("Concordance of").wait_for()
    settle_layout(page)
    screenshot(page, "app-glossary-concordance.png")

    # Import preview: what a merge would add and change, before anything is saved.
    incoming = tmp_path / "more-terms.csv"
    incoming.write_text("term,source,variants,note\nZhurong,祝融号,Zhu Rong|Zhu-Rong,imported note\n"
                        "Tianwen-3,天问三号,Tianwen 3,planned asteroid mission\n", encoding="utf-8")
    page.get_by_role("tab", name="Import and export").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(incoming))
    page.get_by_role("button", name="Import and save").wait_for()
    settle_layout(page)
    screenshot(page, "app-glossary-import.png")
    assert_no_exception(page)
    metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert any(m.startswith("Added") and m.strip().endswith("1") for m in metrics), metrics


def test_the_name_survives_a_reload_and_a_page_switch(server, page):
    expect = pytest.importorskip("playwright.sync_api").expect
    page.goto(f"{server}/review")
    wait_for_app(page)
    name = page.get_by_label("Your name", exact=True)
    name.fill("Noor Example")
    name.press("Enter")
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"[?&]reviewer=Noor(\+|%20)Example"), timeout=30_000)
    nav(page, "Segments")
    page.locator(".seg-row").first.wait_for()
    wait_for_app(page)
    page.reload()  # a new session
    wait_for_app(page)
    expect(page.get_by_label("Your name", exact=True)).to_have_value("Noor Example", timeout=30_000)
    assert_no_exception(page)
