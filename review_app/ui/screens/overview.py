"""Overview: corpus scores per system with signatures, findings per check, charts, significance."""

import streamlit as st

from review_app.scoring.metrics import LOWER_IS_BETTER
from review_app.ui import common, review_panels
from review_app.ui.frames import check_totals, rank_systems, significance_table, system_table

AUTO_SIGNIFICANCE_WORK = 20_000  # segments x systems below which the test runs without asking

ws = common.workspace()
result = common.analysis(ws)
corpus = ws.corpus
scores = result.scores
metrics = result.metrics
findings = result.findings or []

st.title(corpus.name)
languages = f"{corpus.source_lang} → {corpus.target_lang} · " if corpus.source_lang else ""
origin = f" · {ws.source_label}" if ws.source_label != corpus.name else ""
st.caption(f"{languages}{common.describe(corpus)} · glossary: {ws.glossary_label}{origin}")
common.checks_notice(result)
common.pending_notice(result)

# --- corpus scores -------------------------------------------------------------------------------
frame = system_table(scores, findings)
human = review_panels.load(ws)
frame = review_panels.with_mqm(frame, human)
if len(corpus.systems) == 1:
    row = frame.iloc[0]
    cells = st.columns(len(metrics) + 2)
    for cell, (metric_id, name) in zip(cells, metrics.items()):
        value = row[name]
        cell.metric(name, "…" if value != value else f"{value:.2f}",
                    help="Lower is better." if metric_id in LOWER_IS_BETTER else None, border=True)
    cells[-2].metric("Findings", "…" if result.checks_pending else f"{len(findings):,}", border=True)
    review_panels.mqm_card(cells[-1], human, row["system"])
else:
    key_metric = st.segmented_control(
        "Rank systems by", list(metrics), format_func=metrics.get, default="bleu", key="overview_rank",
        persist_state="session",
    ) or "bleu"
    ranked = rank_systems(frame, key_metric)
    if result.checks_pending or result.findings is None:
        ranked = ranked.drop(columns=["findings"])
    st.dataframe(
        ranked,
        hide_index=True,
        width="stretch",
        height=min(35 * (len(ranked) + 1) + 3, 720),
        column_config={
            "system": st.column_config.TextColumn("System", pinned=True),
            **{name: st.column_config.NumberColumn(name, format="%.2f") for name in metrics.values()},
            "findings": st.column_config.NumberColumn("Findings", format="%d"),
            **review_panels.MQM_COLUMNS,
        },
        key="overview_systems",
    )

with st.expander("sacrebleu signatures"):
    first = scores.systems[0]
    st.code("\n".join(f"{metrics[m]}: {first.metrics[m].signature}" for m in scores.metric_ids), language=None)
    st.caption("Sentence scores use BLEU with effective order (as `sacrebleu --sentence-level`).")

# --- charts ------------------------------------------------------------------------------------
table = common.table_for(ws, result)
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Sentence scores")
    chart_metric = st.segmented_control(
        "Metric", [m for m in metrics if m in scores.metric_ids], format_func=metrics.get, default="bleu",
        key="overview_chart_metric", label_visibility="collapsed", persist_state="session",
    ) or "bleu"
    st.vega_lite_chart(common.score_chart(ws, result, table, chart_metric), width="stretch")
    st.caption(("Lower is better." if chart_metric in LOWER_IS_BETTER else "Higher is better.")
               + " Boxes: middle half of the segments; dark line: median; whiskers: the furthest segments "
               "within 1.5 box widths.")
with right:
    st.subheader("Findings by check")
    if result.findings is None:
        st.caption("No checks run.")
    elif result.checks_pending:
        st.caption("The checks are running; findings appear here when they are done.")
    elif not findings:
        st.success("No findings.")
    else:
        st.vega_lite_chart(common.findings_chart(ws, result), width="stretch")
        with st.expander("Counts by check and severity"):
            st.dataframe(
                check_totals(findings), hide_index=True, width="stretch", key="overview_checks",
                column_config={"check": st.column_config.TextColumn("Check"),
                               "findings": st.column_config.NumberColumn("Findings", format="%d")},
            )
        st.page_link(common.SCREENS["segments"], label="Review the segments", icon=":material/arrow_forward:")

review_panels.section(ws, table, metrics, common.SCREENS["review"])

# --- comparison --------------------------------------------------------------------------------
if len(corpus.systems) > 1:
    st.subheader("Is the difference significant?")
    st.caption("Paired bootstrap resampling (sacrebleu's test, 1,000 samples) of every system against a baseline; "
               "significant at p < 0.05.")
    names = list(corpus.system_names)
    c1, c2 = st.columns([2, 3])
    baseline = c1.selectbox("Baseline", names, key="overview_baseline", persist_state="session")
    compare_metric = c2.segmented_control(
        "Metric", list(metrics), format_func=metrics.get, default="bleu", key="overview_compare_metric",
        persist_state="session",
    ) or "bleu"
    if not result.complete:
        st.info("The test runs once every metric is scored.")
    else:
        state_key = ("significance", ws.digest, baseline)
        small = len(corpus) * len(names) <= AUTO_SIGNIFICANCE_WORK
        if small or st.session_state.get(state_key):
            job = common.significance_job(ws.digest, scores.metric_ids, baseline, 1000, scores)
        else:
            job = None
            if st.button("Run the test", icon=":material/play_arrow:", key="overview_run_significance",
                         help="Takes a while on a large corpus; runs in the background."):
                st.session_state[state_key] = True
                st.rerun()
        if job is not None and not job.done:
            @st.fragment(run_every=1.0)
            def watch_significance() -> None:
                if job.done:
                    st.rerun()
                st.progress(job.progress.fraction, text=common.progress_text(job, "Paired bootstrap"))

            watch_significance()
        elif job is not None and job.error is not None:
            st.error(f"The significance test failed: {job.error}")
        elif job is not None:
            sig = significance_table(job.result, compare_metric)
            metric_label = metrics[compare_metric]
            colours = [
                ("color: #067647; font-weight: 600" if better else "color: #b42318; font-weight: 600") if significant else "color: #667085"
                for better, significant in zip(sig["better"], sig["significant"])
            ]
            styled = sig.drop(columns=["better"]).style.apply(lambda _: colours, subset=["Δ vs baseline"])
            st.dataframe(
                styled,
                hide_index=True,
                width="stretch",
                height=min(35 * (len(sig) + 1) + 3, 720),
                key="overview_significance",
                column_config={
                    "system": st.column_config.TextColumn("System", pinned=True),
                    metric_label: st.column_config.NumberColumn(metric_label, format="%.2f"),
                    "Δ vs baseline": st.column_config.NumberColumn(f"Δ vs {baseline}", format="%+.2f"),
                    "mean": st.column_config.NumberColumn("Bootstrap mean", format="%.2f"),
                    "± 95% CI": st.column_config.NumberColumn("± 95% CI", format="%.2f"),
                    "p-value": st.column_config.NumberColumn("p-value", format="%.4f"),
                    "significant": st.column_config.CheckboxColumn("Significant"),
                },
            )
            better = int((sig["better"] & sig["significant"]).sum())
            worse = int((~sig["better"] & sig["significant"]).sum())
            st.caption(f"Against {baseline} on {metric_label}: {better} significantly better (green), {worse} significantly "
                       f"worse (red), {len(sig) - better - worse} not significantly different (grey).")

st.divider()
common.json_download(ws, result, key="overview_json")
