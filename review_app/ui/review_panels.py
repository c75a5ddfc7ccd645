"""The human review on the Overview: MQM per system beside the automatic scores, progress, MQM per
document and per segment, and the agreement of MQM with BLEU/chrF/TER. The numbers come from
:mod:`review_app.review.workflow` (pure); this module only lays them out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from review_app.errors import StorageError
from review_app.review import workflow as wf
from review_app.ui import review_state as rs

MQM_COLUMN = "MQM/100 words"
REVIEWED_COLUMN = "reviewed"
MIN_AGREEMENT = 10
MQM_COLUMNS = {
    MQM_COLUMN: st.column_config.NumberColumn(
        "MQM /100 w", format="%.2f", help="MQM error penalty per 100 words over the reviewed segments (lower is better)"),
    REVIEWED_COLUMN: st.column_config.ProgressColumn(
        "Reviewed", format="percent", min_value=0.0, max_value=1.0, help="Share of the segments with a verdict"),
}


@dataclass
class HumanReview:
    reviews: list
    annotations: list
    systems: pd.DataFrame  # wf.mqm_system_table
    error: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.reviews)


def load(ws: Any) -> HumanReview:
    corpus = ws.corpus
    lines = {s.name: s.segments for s in corpus.systems}
    try:
        store = rs.store()
        key = ws.review_key
        reviews, annotations = store.list_reviews(key), store.annotations(key)
    except StorageError as exc:
        return HumanReview([], [], wf.mqm_system_table(lines, [], []), error=str(exc))
    return HumanReview(reviews, annotations, wf.mqm_system_table(lines, reviews, annotations))


def with_mqm(frame: pd.DataFrame, human: HumanReview) -> pd.DataFrame:
    """The overview's system table with MQM per 100 words and the share reviewed (only once something is)."""
    if not human.any:
        return frame
    extra = human.systems.set_index("system")
    out = frame.copy()
    out[MQM_COLUMN] = out["system"].map(extra["MQM per 100 words"]).astype("float64")
    out[REVIEWED_COLUMN] = out["system"].map(extra["reviewed"] / extra["total"].where(extra["total"] > 0)).astype("float64")
    return out


def mqm_card(cell: Any, human: HumanReview, system: str) -> None:
    row = human.systems.set_index("system").loc[system]
    value = row["MQM per 100 words"]
    cell.metric("MQM", "–" if pd.isna(value) else f"{value:.2f}", border=True,
                help=f"Error penalty per 100 words: {int(row['errors'])} errors annotated in "
                f"{int(row['annotated segments'])} reviewed segments (lower is better)")


def section(ws: Any, table: pd.DataFrame, metrics: dict[str, str], review_page: str) -> None:
    """The "Human review (MQM)" part of the Overview."""
    corpus = ws.corpus
    human = load(ws)
    st.subheader("Human review (MQM)", anchor=False)
    if human.error:
        st.warning(f"The review database cannot be read: {human.error}")
        return
    st.caption("MQM penalty per 100 MT words over the reviewed segments (a verdict or an annotation): minor 1, "
               "major 5, critical 10, non-translation 25. Lower is better; *MQM (WMT)* is minus the mean penalty "
               "per segment.")
    if not human.any:
        st.info("No segment reviewed yet.")
        st.page_link(review_page, label="Start reviewing", icon=":material/rate_review:")
        return
    systems = human.systems.copy()
    systems["progress"] = systems["reviewed"] / systems["total"].where(systems["total"] > 0)
    st.dataframe(
        systems[["system", "progress", "reviewed", "total", "errors", "MQM per 100 words", "MQM (WMT)", "penalty"]],
        hide_index=True, width="stretch", key="overview_mqm",
        column_config={
            "system": st.column_config.TextColumn("System", pinned=True),
            "progress": st.column_config.ProgressColumn("Progress", format="percent", min_value=0.0, max_value=1.0),
            "reviewed": st.column_config.NumberColumn("Reviewed", format="%d", help="Segments with a verdict"),
            "total": st.column_config.NumberColumn("Segments", format="%d"),
            "errors": st.column_config.NumberColumn("Errors", format="%d"),
            "MQM per 100 words": st.column_config.NumberColumn("MQM /100 words", format="%.2f"),
            "MQM (WMT)": st.column_config.NumberColumn("MQM (WMT)", format="%.2f"),
            "penalty": st.column_config.NumberColumn("Penalty", format="%.0f"),
        },
    )
    lines = {s.name: s.segments for s in corpus.systems}
    if corpus.documents:
        documents = wf.mqm_document_table(lines, corpus.documents, human.reviews, human.annotations)
        with st.expander(f"MQM per document ({len(documents)})"):
            st.dataframe(documents, hide_index=True, width="stretch", key="overview_mqm_docs",
                         column_config={"MQM per 100 words": st.column_config.NumberColumn("MQM /100 words", format="%.2f"),
                                        "MQM (WMT)": st.column_config.NumberColumn(format="%.2f")})
    with st.expander("MQM per segment"):
        names = list(corpus.system_names)
        system = st.selectbox("System", names, key="overview_mqm_system") if len(names) > 1 else names[0]
        segments = wf.mqm_segment_table(system, lines[system], human.reviews, human.annotations, corpus.documents)
        scores = table[table["system"] == system][["segment", *[m for m in metrics if m in table.columns]]]
        segments = segments.merge(scores, on="segment", how="left").rename(columns=metrics)
        if not corpus.documents:
            segments = segments.drop(columns=["doc"])
        st.dataframe(segments, hide_index=True, width="stretch", key="overview_mqm_segments",
                     column_config={"segment": st.column_config.NumberColumn("#", format="%d"),
                                    **{name: st.column_config.NumberColumn(name, format="%.1f") for name in metrics.values()},
                                    "MQM per 100 words": st.column_config.NumberColumn("MQM /100 words", format="%.2f"),
                                    "MQM (WMT)": st.column_config.NumberColumn(format="%.0f")})
    agreement = wf.agreement_table(table, human.reviews, human.annotations, metrics, n_segments=len(corpus),
                                   min_segments=MIN_AGREEMENT)
    reviewed = sum(len(v) for v in wf.reviewed_scope(human.reviews, len(corpus)).values())
    if agreement is None:
        st.caption(f"The agreement of MQM with {', '.join(metrics.values())} is shown once {MIN_AGREEMENT} segments "
                   f"are reviewed ({reviewed} so far).")
    else:
        st.markdown("**Does MQM agree with the automatic scores?**")
        st.dataframe(agreement, hide_index=True, width="stretch", key="overview_agreement",
                     column_config={"Pearson r": st.column_config.NumberColumn(format="%+.3f"),
                                    "Kendall τ-b": st.column_config.NumberColumn(format="%+.3f"),
                                    "segments": st.column_config.NumberColumn("Segments", format="%d")})
        st.caption(f"Per-segment correlation over the {reviewed} reviewed segments of every system (MQM with its WMT "
                   "sign: higher is better). Agreement shows as a positive correlation with BLEU and chrF and a "
                   "negative one with TER (lower is better).")
