"""The Overview's charts as Vega-Lite specs, built with Altair. Pure (no Streamlit).

The app builds a spec once per corpus state and metric and hands the dict to ``st.vega_lite_chart``:
``st.altair_chart`` would rebuild and validate the chart against the Vega-Lite schema on every
script run, which was half of the Overview's time under load (docs/load.md).
"""

from __future__ import annotations

from typing import Sequence

import altair as alt
import pandas as pd

from review_app.highlight import SEVERITY_ORDER
from review_app.ui.frames import box_stats, findings_by_check

SEVERITY_COLOURS = ["#b42318", "#d49100", "#2e64c0"]  # error, warning, info (as highlight.HIGHLIGHT_CSS)
BOX_COLOUR = "#5b7db1"
MAX_POINTS = 5000  # segments drawn as dots too, up to this many rows


def sentence_score_chart(data: pd.DataFrame, metric_label: str, lower_is_better: bool) -> dict:
    """Box plots of the sentence scores per system (``data``: system, segment, score), best median
    first. One row per system is sent (see :func:`~review_app.ui.frames.box_stats`); corpora of up to
    MAX_POINTS rows also get every segment as a dot."""
    boxes = box_stats(data)
    order = boxes.sort_values("median", ascending=lower_is_better, kind="stable")["system"].tolist()
    top = 100.0 if not lower_is_better else max(100.0, float(boxes["upper"].max() if len(boxes) else 0))
    scale = alt.Scale(domain=[0, top], nice=False)
    y = alt.Y("system:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    tooltip = [alt.Tooltip("system:N"), alt.Tooltip("segments:Q", format=",d"),
               *(alt.Tooltip(f"{c}:Q", format=".1f") for c in ("lower", "q1", "median", "q3", "upper"))]
    base = alt.Chart(boxes).encode(y=y, tooltip=tooltip)
    layers = (
        base.mark_rule(color=BOX_COLOUR).encode(x=alt.X("lower:Q", title=f"{metric_label} per segment", scale=scale), x2="upper:Q")
        + base.mark_bar(size=18, color=BOX_COLOUR).encode(x=alt.X("q1:Q", scale=scale), x2="q3:Q")
        + base.mark_tick(size=18, thickness=2, color="#101828").encode(x=alt.X("median:Q", scale=scale))
    )
    if len(data) <= MAX_POINTS:
        points = alt.Chart(data).mark_circle(size=14, opacity=0.35, color="#344054").encode(
            x=alt.X("score:Q", scale=scale), y=alt.Y("system:N", sort=order, title=None),
            yOffset=alt.YOffset("jitter:Q"),
            tooltip=[alt.Tooltip("system:N"), alt.Tooltip("segment:Q"), alt.Tooltip("score:Q", format=".1f")],
        ).transform_calculate(jitter="random() * 14 - 7")
        layers = layers + points
    return layers.properties(height=alt.Step(34)).to_dict()


def findings_chart(findings: Sequence) -> dict:
    """Findings per check, stacked by severity, most findings first."""
    long = findings_by_check(findings)
    check_order = long.groupby("check", sort=False)["count"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    long["severity_rank"] = long["severity"].map(SEVERITY_ORDER.index)
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("count:Q", stack="zero", title="Findings", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("check:N", sort=check_order, title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("severity:N", scale=alt.Scale(domain=list(SEVERITY_ORDER), range=SEVERITY_COLOURS),
                        legend=alt.Legend(orient="top", title=None)),
        order=alt.Order("severity_rank:Q"),
        tooltip=[alt.Tooltip("check:N"), alt.Tooltip("severity:N"), alt.Tooltip("count:Q")],
    )
    return bars.properties(height=alt.Step(26)).to_dict()
