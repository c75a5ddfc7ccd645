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

REVIEWER = "reviewer"  # widget key, and the ?reviewer= query parameter it is bound to
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
"""


def style_tag() -> str:
    return f"<style>{REVIEW_CSS}</style>"


# --- who -----------------------------------------------------------------------------------------


def reviewer_sidebar() -> None:
    """"Your name" in the sidebar, once per session (bound to ``?reviewer=`` so a reload keeps it)."""
    state = st.session_state

    def typed() -> None:
        state[REVIEWER_NAME] = " ".join(str(state.get(REVIEWER) or "").split())[:MAX_NAME]

    if REVIEWER not in state and state.get(REVIEWER_NAME):
        state[REVIEWER] = state[REVIEWER_NAME]
    st.text_input(
        "Your name", key=REVIEWER, placeholder="Needed to save reviews", on_change=typed, bind="query-params",
        help="Recorded with every verdict, annotation, post-edit and dismissal you save.", max_chars=MAX_NAME,
    )
    if state.get(REVIEWER) and not state.get(REVIEWER_NAME):
        typed()  # a name from ?reviewer= in the address


def reviewer() -> str:
    """The reviewer's name, or "" when none was given (then nothing can be saved)."""
    name = st.session_state.get(REVIEWER_NAME) or " ".join(str(st.session_state.get(REVIEWER) or "").split())
    return name[:MAX_NAME]


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


def corpus_key(corpus: Any) -> str:
    """What reviews of a corpus are saved under: its name (the same corpus opened again, by anyone,
    finds them)."""
    return str(corpus.name)[:255] or "corpus"


def visible_findings(corpus: Any, findings: list) -> tuple[list, str]:
    """``findings`` without the dismissed ones, and a key that changes when the dismissals do.
    If the database cannot be read, every finding is shown and a notice says why."""
    try:
        dismissed = store().dismissed_findings(corpus_key(corpus))
    except StorageError as exc:
        if st.session_state.get(STORE_NOTICE) != str(exc):
            st.session_state[STORE_NOTICE] = str(exc)
            st.warning(f"Dismissed findings cannot be read (all findings are shown): {exc}")
        return findings, "unavailable"
    if not dismissed:
        return findings, "none"
    return workflow.without_dismissed(findings, dismissed), workflow.dismissals_digest(dismissed)


def verdict_badge(verdict: Any) -> str:
    if verdict is None:
        return '<span class="rv-badge">not reviewed</span>'
    value = getattr(verdict, "value", verdict)
    label = workflow.VERDICT_LABELS.get(workflow.Verdict(value), str(value))
    return f'<span class="rv-badge {value}">{label}</span>'
