"""One segment in detail: the source, the references, and every system's output with its scores."""

import streamlit as st

from review_app.scoring.metrics import LOWER_IS_BETTER
from review_app.segment_table import SegmentQuery, filter_rows, sort_rows
from review_app.ui import common
from review_app.ui.render import detail_html, legend_html, text_block_html

ws = common.workspace()
result = common.analysis(ws)
corpus = ws.corpus
metrics = result.metrics
table = common.table_for(ws, result)
by_row = common.index_for(ws, result)
n = len(corpus)

state = st.session_state
segment = int(state.get(common.DETAIL_SEGMENT, 1))
segment = min(max(segment, 1), n)


def step(delta: int) -> None:
    state[common.DETAIL_SEGMENT] = min(max(int(state.get(common.DETAIL_SEGMENT, 1)) + delta, 1), n)
    state["detail_number"] = state[common.DETAIL_SEGMENT]


def typed() -> None:
    state[common.DETAIL_SEGMENT] = int(state["detail_number"])


state["detail_number"] = segment
title, nav = st.columns([5, 4], vertical_alignment="bottom")
title.title(f"Segment {segment}")
with nav:
    c1, c2, c3 = st.columns([4, 5, 4], vertical_alignment="bottom")
    c1.button("Previous", icon=":material/chevron_left:", on_click=step, args=(-1,), disabled=segment <= 1,
              key="detail_prev", width="stretch")
    c2.number_input(f"Segment (1–{n:,})", min_value=1, max_value=n, step=1, key="detail_number", on_change=typed)
    c3.button("Next", icon=":material/chevron_right:", on_click=step, args=(1,), disabled=segment >= n,
              key="detail_next", width="stretch")
state[common.DETAIL_SEGMENT] = segment
common.pending_notice(result)

doc = corpus.document_of(segment - 1)
info, link = st.columns([3, 1], vertical_alignment="center")
if doc:
    info.caption(f"Document: {doc}")
link.page_link(common.SCREENS["review"], label="Review this segment", icon=":material/rate_review:")

rows = filter_rows(table, SegmentQuery(segments=(segment,)))
first = rows.iloc[0]
blocks = []
if corpus.source is not None:
    blocks.append(text_block_html("Source" + (f" ({corpus.source_lang})" if corpus.source_lang else ""), first["source"], "source"))
for column in ws.ref_columns:
    blocks.append(text_block_html(f"Reference: {column}" if len(ws.ref_columns) > 1 else "Reference", first[column]))
st.html('<div class="detail-texts">' + "".join(blocks) + "</div>")

c1, c2, c3 = st.columns([2, 2, 3], vertical_alignment="bottom")
order_metric = c1.selectbox("Order systems by", list(metrics), format_func=metrics.get, key="detail_metric",
                            persist_state="session")
diff_ref = ws.ref_columns[0]
if len(ws.ref_columns) > 1:
    diff_ref = c2.selectbox("Diff to", ws.ref_columns, key="detail_ref", persist_state="session")
diff_on = c3.toggle("Show the diff", value=True, key="detail_diff", persist_state="session",
                    help="Struck through: MT words the reference does not have. Green: reference words the MT lacks.")

ordered = sort_rows(rows, order_metric, descending=order_metric not in LOWER_IS_BETTER)
st.subheader(f"{len(ordered)} system{'s' if len(ordered) != 1 else ''}, best {metrics[order_metric]} first"
             if len(ordered) > 1 else "MT output")
st.html(legend_html("inline" if diff_on else "off"))
st.html(detail_html(ordered, by_row, metrics=metrics, diff_ref=diff_ref if diff_on else None, key_metric=order_metric))

with st.expander("Scores as a table"):
    st.dataframe(
        ordered[["system", *metrics, "findings", "checks"]],
        hide_index=True,
        width="stretch",
        key="detail_scores",
        column_config={
            "system": st.column_config.TextColumn("System"),
            **{m: st.column_config.NumberColumn(name, format="%.2f") for m, name in metrics.items()},
            "findings": st.column_config.NumberColumn("Findings", format="%d"),
            "checks": st.column_config.TextColumn("Checks"),
        },
    )
