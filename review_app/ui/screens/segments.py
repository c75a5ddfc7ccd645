"""Segments: source | MT (findings marked, word diff) | reference, filtered, sorted and paged."""

import hashlib
import math

import streamlit as st

from review_app.scoring.metrics import LOWER_IS_BETTER
from review_app.segment_table import NO_FINDINGS, SegmentQuery, page, select_rows, table_csv
from review_app.ui import common
from review_app.ui.render import DIFF_MODES, legend_html
from review_app.safety import safe_name

SORTS = {
    "worst": "Worst first",
    "best": "Best first",
    "corpus": "Corpus order",
    "findings": "Most findings",
    "severity": "Worst finding first",
}
PAGE_SIZES = (10, 25, 50, 100)
PAGE_KEY = "segments_page"

ws = common.workspace()
result = common.analysis(ws)
corpus = ws.corpus
metrics = result.metrics
table = common.table_for(ws, result)
table_index = common.search_index_for(ws, result, table)
by_row = common.index_for(ws, result)

st.title("Segments")
common.checks_notice(result)
common.pending_notice(result)

# --- filters -----------------------------------------------------------------------------------
systems = list(corpus.system_names)
row1 = st.columns([3, 3, 4]) if len(systems) > 1 else st.columns([3, 4])
if len(systems) > 1:
    chosen_systems = row1[0].multiselect("Systems", systems, key="segments_systems", placeholder="All systems",
                                         persist_state="session")
    rest = row1[1:]
else:
    chosen_systems = []
    rest = row1
checks = [name for name in table_index.check_rows if name != NO_FINDINGS]
chosen_checks = rest[0].multiselect(
    "Checks", [*checks, NO_FINDINGS], key="segments_checks", placeholder="Any (or none)", persist_state="session",
    help="Rows where any of these checks found something.",
)
search = rest[1].text_input("Search", key="segments_search", placeholder="Words in the source, MT or references",
                            persist_state="session")

row2 = st.columns([2, 2, 4, 2])
metric = row2[0].selectbox("Score", list(metrics), format_func=metrics.get, key="segments_metric", persist_state="session")
sort = row2[1].selectbox("Order", list(SORTS), format_func=SORTS.get, key="segments_sort", persist_state="session")
values = table[metric].dropna()
upper = 100.0 if metric not in LOWER_IS_BETTER else float(max(100.0, math.ceil(values.max()) if len(values) else 100.0))
score_range = row2[2].slider(
    f"{metrics[metric]} range", 0.0, upper, (0.0, upper), step=0.5, key=f"segments_range_{metric}",
    persist_state="session", disabled=values.empty,
    help=("Lower is better." if metric in LOWER_IS_BETTER else "Higher is better.") + " Rows not scored yet are left out when narrowed.",
)
page_size = row2[3].selectbox("Rows per page", PAGE_SIZES, index=1, key="segments_page_size", persist_state="session")

row3 = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
view = row3[0].segmented_control("View", ["Side by side", "Table"], default="Side by side", key="segments_view",
                                 persist_state="session") or "Side by side"
diff = row3[1].segmented_control(
    "Word diff to the reference", list(DIFF_MODES), format_func=DIFF_MODES.get, default="split",
    key="segments_diff", persist_state="session",
    help="Side by side: red words in the MT are not in the reference, green words in the reference are not in the MT. "
    "Inline: the reference's words inserted into the MT.",
) or "off"
diff_ref = ws.ref_columns[0]
if len(ws.ref_columns) > 1:
    diff_ref = row3[2].selectbox("Reference", ws.ref_columns, key="segments_ref", persist_state="session")
source_on = False
if corpus.source is not None:
    source_on = row3[3].toggle("Source", value=True, key="segments_source", persist_state="session")

narrowed = score_range != (0.0, upper)
query = SegmentQuery(
    systems=tuple(chosen_systems),
    checks=tuple(chosen_checks),
    metric=metric if narrowed else None,
    score_min=score_range[0] if narrowed else None,
    score_max=score_range[1] if narrowed and score_range[1] < upper else None,
    text=search,
)
order_by, descending = {
    "worst": (metric, metric in LOWER_IS_BETTER),
    "best": (metric, metric not in LOWER_IS_BETTER),
    "findings": ("findings", True),
    "severity": ("severity", False),
}.get(sort, ("segment", False))
# Positions only: the text columns are taken for the page shown (and the CSV), not for every filter change.
positions = select_rows(table, query, order_by, descending=descending, index=table_index)

# Back to the first page whenever what is shown changes: the page widget's key follows the filters.
signature = repr((ws.digest, query, sort, metric, page_size))
page_key = f"{PAGE_KEY}_{hashlib.sha1(signature.encode()).hexdigest()[:12]}"
pages = max(1, -(-len(positions) // page_size))
current = st.session_state.get(page_key, 1)
shown = page(table, current if isinstance(current, int) else 1, page_size, positions)

# --- what is shown -------------------------------------------------------------------------------
info, downloads = st.columns([3, 2], vertical_alignment="center")
total = len(table)
if shown.total:
    info.markdown(f"**{shown.start + 1:,}–{shown.stop:,}** of **{shown.total:,}** rows"
                  + (f" (filtered from {total:,})" if shown.total != total else ""))
else:
    info.markdown(f"**No rows** match (of {total:,})")
with downloads:
    d1, d2 = st.columns(2)
    d1.download_button(
        "Download CSV",
        data=lambda: table_csv(table.iloc[positions], metrics),
        file_name=safe_name(f"{corpus.name}-segments.csv"),
        mime="text/csv",
        icon=":material/download:",
        key="segments_csv",
        on_click="ignore",  # no rerun: it would revoke the file being generated (and costs a full run)
        help=f"The {shown.total:,} filtered rows in this order (all pages), with scores and findings.",
        disabled=shown.total == 0,
    )
    with d2:
        common.json_download(ws, result, key="segments_json")

if view == "Table":
    columns = ["system", "segment", "doc", "source", "mt", *ws.ref_columns, *metrics, "findings", "checks"]
    if corpus.source is None or not source_on:
        columns.remove("source")
    if not corpus.documents:
        columns.remove("doc")
    event = st.dataframe(
        shown.rows[columns],
        hide_index=True,
        width="stretch",
        key="segments_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "system": st.column_config.TextColumn("System"),
            "segment": st.column_config.NumberColumn("#", format="%d"),
            "mt": st.column_config.TextColumn("MT", width="large"),
            "source": st.column_config.TextColumn("Source", width="medium"),
            **{ref: st.column_config.TextColumn(ref, width="large") for ref in ws.ref_columns},
            **{m: st.column_config.NumberColumn(name, format="%.1f") for m, name in metrics.items()},
            "findings": st.column_config.NumberColumn("Findings", format="%d"),
        },
    )
    st.caption("Select a row to open that segment with every system's output.")
    selected = event.selection.rows if event is not None else []
    if selected:
        st.session_state[common.DETAIL_SEGMENT] = int(shown.rows.iloc[selected[0]]["segment"])
        st.switch_page(common.SCREENS["detail"])
else:
    st.html(legend_html(diff))
    st.html(
        common.segment_rows_html_for(
            ws,
            result,
            shown.rows,
            by_row,
            ref_columns=ws.ref_columns,
            metrics=metrics,
            diff_ref=diff_ref,
            diff=diff,
            show_source=bool(source_on and corpus.source is not None),
            key_metric=metric,
        )
    )

bottom_left, bottom_right = st.columns([3, 2], vertical_alignment="center")
with bottom_left:
    if pages > 1:
        st.pagination(pages, key=page_key, max_visible_pages=9)
with bottom_right:
    if len(shown.rows):
        segment_numbers = sorted(set(int(s) for s in shown.rows["segment"]))
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        pick = c1.selectbox("Open a segment with every system", segment_numbers, key="segments_open_pick")
        if c2.button("Open", key="segments_open", icon=":material/compare:"):
            st.session_state[common.DETAIL_SEGMENT] = int(pick)
            st.switch_page(common.SCREENS["detail"])
