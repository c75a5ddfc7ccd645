"""The review workflow's Streamlit plumbing: the reviewer's name (sidebar), the review store (one per
database URL, shared by every session), the dismissed findings left out of what every screen shows,
and small display helpers. The logic is in :mod:`review_app.review.workflow` and the store.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from review_app.errors import ReviewAppError, StorageError
from review_app.review import ReviewStore, default_database_url
from review_app.review import workflow

REVIEWER = "reviewer"  # widget key, and the ?reviewer= query parameter that fills it in
REVIEWER_NAME = "reviewer_name"  # plain session value: survives every screen
STORE_NOTICE = "review_store_notice"
MAX_NAME = 255

REVIEW_CSS = """
.rv-block { margin-bottom: .55rem; }
.rv-label { font-size: .7rem; font-weight: 600; color: #667085; text-transform: uppercase; letter-spacing: .05em;
  margin-bottom: .15rem; }
.rv-text { border: 1px solid #e4e7ec; border-radius: 4px; padding: .55rem .7rem; background: #fff; }
.rv-text.mt { border-color: #98a2b3; background: #fcfcfd; font-size: 1.02rem; }
.rv-text.source { color: #344054; background: #f9fafb; }
.rv-meta { font-size: .8rem; color: #667085; }
.rv-badge { display: inline-block; font-size: .72rem; font-weight: 600; padding: .05rem .45rem; border-radius: 999px;
  border: 1px solid #d0d5dd; color: #344054; background: #f9fafb; margin-right: .3rem; }
.rv-badge.accepted { background: #ecfdf3; border-color: #75e0a7; color: #067647; }
.rv-badge.needs_fix { background: #fffaeb; border-color: #fedf89; color: #b54708; }
.rv-badge.rejected { background: #fef3f2; border-color: #fda29b; color: #b42318; }
.rv-badge.sev-critical, .rv-badge.sev-major { background: #fef3f2; border-color: #fda29b; color: #b42318; }
.rv-badge.sev-minor { background: #fffaeb; border-color: #fedf89; color: #b54708; }
.rv-span { background: #eef4ff; border-bottom: 2px solid #1f5fa8; padding: 0 1px; }
.rv-section { font-size: .8rem; font-weight: 700; color: #344054; text-transform: uppercase; letter-spacing: .06em;
  border-bottom: 1px solid #e4e7ec; padding-bottom: .3rem; margin-top: .6rem; }
.rv-section .count { display: inline-block; min-width: 1.3rem; text-align: center; margin-left: .4rem; font-size: .72rem;
  color: #475467; background: #f2f4f7; border-radius: 999px; padding: 0 .35rem; letter-spacing: 0; }
.rv-progress { height: 6px; background: #eef0f3; border-radius: 3px; margin: .35rem 0 .15rem; overflow: hidden; }
.rv-progress-bar { height: 6px; background: #1f5fa8; }
ul.rv-history { list-style: none; margin: 0; padding: 0; font-size: .84rem; }
ul.rv-history li { padding: .3rem 0; border-bottom: 1px solid #f2f4f7; line-height: 1.35; }
ul.rv-history .who { font-weight: 600; color: #344054; }
ul.rv-history .at { color: #98a2b3; font-size: .75rem; margin-left: .35rem; }
ul.rv-history .what { display: block; color: #475467; overflow-wrap: anywhere; }
"""


def style_tag() -> str:
    return f"<style>{REVIEW_CSS}</style>"


# --- who -----------------------------------------------------------------------------------------


def clean_name(value: Any) -> str:
    return " ".join(str(value or "").split())[:MAX_NAME]


def reviewer_sidebar() -> None:
    """"Your name" in the sidebar, asked once per session (``?reviewer=NAME`` in the address fills it in).
    The address keeps the name (``?reviewer=``), so reloading the page or opening it again from the
    browser's history does not ask again."""
    state = st.session_state
    if REVIEWER_NAME not in state:
        state[REVIEWER_NAME] = clean_name(st.query_params.get(REVIEWER))
    if not state.get(REVIEWER) and state[REVIEWER_NAME]:
        state[REVIEWER] = state[REVIEWER_NAME]
    name = state[REVIEWER_NAME]
    if st.query_params.get(REVIEWER, "") != name:  # also after a page switch, which clears the address
        if name:
            st.query_params[REVIEWER] = name
        else:
            del st.query_params[REVIEWER]

    def typed() -> None:
        state[REVIEWER_NAME] = clean_name(state.get(REVIEWER))

    st.text_input(
        "Your name", key=REVIEWER, placeholder="Needed to save reviews", on_change=typed, persist_state="session",
        help="Recorded with every verdict, annotation, post-edit and dismissal you save.", max_chars=MAX_NAME,
    )


def reviewer() -> str:
    """The reviewer's name, or "" when none was given (then nothing can be saved)."""
    return st.session_state.get(REVIEWER_NAME) or clean_name(st.session_state.get(REVIEWER))


# --- the store -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(url: str) -> ReviewStore:
    return ReviewStore(url)


def store() -> ReviewStore:
    """The review store of ``REVIEW_APP_DATABASE_URL`` / ``REVIEW_APP_DATA_DIR``; raises StorageError."""
    try:
        return _store(default_database_url())
    except StorageError:
        raise
    except ReviewAppError as exc:  # e.g. a newer schema
        raise StorageError(str(exc)) from exc


def store_or_stop() -> ReviewStore:
    try:
        return store()
    except StorageError as exc:
        st.error(f"The review database cannot be opened: {exc}")
        st.stop()


def corpus_key(corpus: Any, upload_digest: str | None = None) -> str:
    """What reviews of a corpus are saved under. A corpus on the server (bundled or a folder): its name,
    so the same corpus opened again, by anyone, finds them. An upload: its name and a hash of its
    content (``upload_digest``), because uploads are often named alike ("upload", "mt") and one person's
    verdicts must not land on someone else's different texts."""
    name = str(corpus.name) or "corpus"
    if upload_digest:
        suffix = f" (upload {upload_digest[:12]})"
        return name[:255 - len(suffix)] + suffix
    return name[:255]


def visible_findings(key: str, findings: list) -> tuple[list, str]:
    """``findings`` without the dismissed ones, and a key that changes when the dismissals do.
    If the database cannot be read, every finding is shown and a notice says why."""
    try:
        dismissed = store().dismissed_findings(key)
    except StorageError as exc:
        if st.session_state.get(STORE_NOTICE) != str(exc):
            st.session_state[STORE_NOTICE] = str(exc)
            st.warning(f"Dismissed findings cannot be read (all findings are shown): {exc}")
        return findings, "unavailable"
    if not dismissed:
        return findings, "none"
    return workflow.without_dismissed(findings, dismissed), workflow.dismissals_digest(dismissed)


def section(title: str, count: int | None = None) -> None:
    """A compact section heading (``count`` in a pill)."""
    from html import escape

    pill = f'<span class="count">{count}</span>' if count else ""
    st.html(f'<div class="rv-section">{escape(title)}{pill}</div>')


def history_html(entries: Any) -> str:
    """The audit log of a segment as a compact list: who, when, what."""
    from html import escape

    items = [
        f'<li><span class="who">{escape(e.actor)}</span><span class="at">{escape(workflow.when(e.at))}</span>'
        f'<span class="what">{escape(workflow.describe_entry(e))}</span></li>'
        for e in entries
    ]
    return '<ul class="rv-history">' + "".join(items) + "</ul>"


def verdict_badge(verdict: Any) -> str:
    if verdict is None:
        return '<span class="rv-badge">not reviewed</span>'
    value = getattr(verdict, "value", verdict)
    label = workflow.VERDICT_LABELS.get(workflow.Verdict(value), str(value))
    return f'<span class="rv-badge {value}">{label}</span>'
