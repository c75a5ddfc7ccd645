"""Markup typed by a reviewer (a name, a comment, an annotation note) shows on the Review screen as text:
escaped in every st.html block (history, "saved by", annotations), never as an element, and the
Markdown elements that carry it do not allow HTML."""

from __future__ import annotations

from .conftest import html_of, no_exception, settle
from .test_review_screen import CORPUS, SYSTEM, button, other_store, review, seg_key  # noqa: F401

NAME = "<script>alert(1)</script>"
NOTE = "<img src=x onerror=window.__pwned=1>"


def test_name_and_comments_with_markup_are_text(app, other_store):
    at = review(app, name=NAME)
    at.segmented_control(key=seg_key(at, "verdict")).set_value("needs_fix")
    at = settle(at)
    at.text_input(key=seg_key(at, "typed")).set_value("Some foreign media")
    at.selectbox(key=seg_key(at, "category")).set_value("Accuracy/Mistranslation")
    at.segmented_control(key=seg_key(at, "severity")).set_value("major")
    at.text_input(key=seg_key(at, "note")).set_value(NOTE)
    at = settle(at)
    button(at, "Add annotation").click()
    at = settle(at)
    at.text_area(key=seg_key(at, "comment")).set_value(f"{NOTE} {NAME}")
    button(at, "Save comment and post-edit").click()
    at = settle(at)
    no_exception(at)

    saved = other_store.get_segment(CORPUS, SYSTEM, 2)
    assert saved.reviewer == NAME and saved.comment == f"{NOTE} {NAME}"  # stored as typed
    assert [a.comment for a in other_store.annotations(CORPUS, SYSTEM) if a.segment == 2] == [NOTE]

    shown = html_of(at)
    escaped_name = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'<span class="who">{escaped_name}</span>' in shown  # the history
    assert f"saved by <b>{escaped_name}</b>" in shown
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in shown  # the annotation's note
    assert "<script" not in shown.lower() and "<img" not in shown.lower()
    # Where the name or comment goes through Markdown (captions, notices), HTML is not allowed.
    for element in [*at.markdown, *at.caption]:
        if "<script" in element.value or "<img" in element.value:
            assert not element.proto.allow_html, element.value
