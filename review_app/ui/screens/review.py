"""Review: one segment of one system at a time. Verdict, MQM error annotations, QA findings confirmed or
dismissed, comment and post-edit, who changed what; progress; export and import. Every action saves at
once (the review store); a failed save keeps what was typed and says why."""

import hashlib
from pathlib import Path

import streamlit as st

from review_app.errors import InputError, OutputError, StorageError
from review_app.glossary import GlossaryError
from review_app.glossary import maintenance as gm
from review_app.highlight import escape, highlight_html, severity_class
from review_app.review import MQM_CATEGORIES, ConflictError, Verdict
from review_app.review import workflow as wf
from review_app.review.exchange import parse_annotations
from review_app.ui import common
from review_app.ui import review_state as rs
from review_app.safety import safe_name

REVIEW_SYSTEM = "review_system"
TRACKS = "rv_tracks"  # per segment: the version the edit started from and the texts as loaded
CONFLICTS = "rv_conflicts"  # per segment: {"mine": fields, "theirs": SegmentReview}
ERRORS = "rv_errors"  # per segment: a failed save's message (shown once, beside the form)
NOTICES = "rv_notices"
VERDICTS = {v.value: wf.VERDICT_LABELS[v] for v in Verdict}
SEVERITIES = {"minor": "Minor", "major": "Major", "critical": "Critical"}

ws = common.workspace()
result = common.analysis(ws)
corpus = ws.corpus
state = st.session_state
store = rs.store_or_stop()
key = ws.review_key
who = rs.reviewer()
by_row = common.index_for(ws, result)
n = len(corpus)
st.html(rs.style_tag())

# --- which segment -------------------------------------------------------------------------------
systems = list(corpus.system_names)
segment = min(max(int(state.get(common.DETAIL_SEGMENT, 1)), 1), n)


def step(delta: int) -> None:
    state[common.DETAIL_SEGMENT] = min(max(int(state.get(common.DETAIL_SEGMENT, 1)) + delta, 1), n)


def typed_number() -> None:
    state[common.DETAIL_SEGMENT] = int(state["review_number"])


def next_unreviewed(system: str) -> None:
    done = set(store.reviewed_segments(key, system))
    current = int(state.get(common.DETAIL_SEGMENT, 1))
    for candidate in [*range(current + 1, n + 1), *range(1, current + 1)]:
        if candidate not in done:
            state[common.DETAIL_SEGMENT] = candidate
            return
    state[NOTICES] = {"*": f"Every segment of {system} has a verdict."}


state["review_number"] = segment
head, nav = st.columns([2, 5], vertical_alignment="bottom")
with head:
    st.title("Review")
with nav:
    widths = ([4] if len(systems) > 1 else []) + [2, 3, 2, 3]
    cells = st.columns(widths, vertical_alignment="bottom")
    if len(systems) > 1:
        with cells[0]:
            system = common.picker("System", {s: s for s in systems}, REVIEW_SYSTEM, "review_system_pick")
        cells = cells[1:]
    else:
        system = systems[0]
    cells[0].button("Prev", icon=":material/chevron_left:", on_click=step, args=(-1,), disabled=segment <= 1,
                    key="review_prev", help="Previous segment", width="stretch")
    cells[1].number_input(f"Segment (1–{n:,})", min_value=1, max_value=n, step=1, key="review_number",
                          on_change=typed_number)
    cells[2].button("Next", icon=":material/chevron_right:", on_click=step, args=(1,), disabled=segment >= n,
                    key="review_next", help="Next segment", width="stretch")
    cells[3].button("Next unreviewed", on_click=next_unreviewed, args=(system,), key="review_next_unreviewed",
                    width="stretch", icon=":material/skip_next:", help="The next segment of this system without a verdict")
state[common.DETAIL_SEGMENT] = segment
common.checks_notice(result)
common.pending_notice(result)

try:
    saved = store.get_segment(key, system, segment)
    progress = store.progress(key, system, n)
except StorageError as exc:
    st.error(f"The review database cannot be read: {exc}")
    st.stop()

mt = corpus.system(system).segments[segment - 1]
doc = corpus.document_of(segment - 1)
st.html(
    f'<div class="rv-meta">{escape(system)} · segment {segment} of {n:,}'
    + (f" · document {escape(doc)}" if doc else "")
    + f' &nbsp; {rs.verdict_badge(saved.verdict)}'
    + (f' saved by <b>{escape(saved.reviewer)}</b> {escape(wf.when(saved.updated_at))} (version {saved.version})'
       if saved.reviewer else "")
    + '</div>'
    + f'<div class="rv-progress" title="segments with a verdict"><div class="rv-progress-bar" style="width:{100 * progress.fraction:.1f}%"></div></div>'
    + f'<div class="rv-meta">{progress.reviewed:,} of {progress.total:,} segments of {escape(system)} reviewed</div>'
)
if not who:
    st.warning("Enter your name in the sidebar (**Your name**) to review: nothing is saved without it.",
               icon=":material/badge:")
notice = state.get(NOTICES, {}).pop("*", None)
if notice:
    st.info(notice)

@st.cache_data(show_spinner=False, max_entries=8)
def glossary_terms(path: str, digest: str) -> list[str]:
    """The approved terms of a glossary file (read again when its content changes)."""
    return [t.term for t in gm.open_glossary(Path(path).name, Path(path).parent).glossary.terms if t.term]


# --- per-segment edit state ----------------------------------------------------------------------
h = hashlib.sha1(f"{key}\x1f{system}\x1f{segment}".encode()).hexdigest()[:12]


def K(name: str) -> str:
    return f"rv_{name}_{h}"


tracks = state.setdefault(TRACKS, {})
conflicts = state.setdefault(CONFLICTS, {})
errors = state.setdefault(ERRORS, {})
notices = state.setdefault(NOTICES, {})


def load_widgets(review, seg_h: str, seg_mt: str) -> None:
    """Put a saved review into the widgets (only before they are drawn, or from a callback)."""
    track = {"base": review.version, "comment": review.comment,
             "post": review.post_edit if review.post_edit is not None else seg_mt}
    state[TRACKS][seg_h] = track
    state[f"rv_verdict_{seg_h}"] = review.verdict.value if review.verdict else None
    state[f"rv_comment_{seg_h}"] = track["comment"]
    state[f"rv_post_{seg_h}"] = track["post"]


def unsaved(track: dict) -> bool:
    return state.get(K("comment"), track["comment"]) != track["comment"] or state.get(K("post"), track["post"]) != track["post"]


track = tracks.get(h)
if track is None or (h not in conflicts and saved.version != track["base"] and not unsaved(track)):
    load_widgets(saved, h, mt)  # first visit, or someone saved and nothing here is unsaved: show theirs
    track = tracks[h]


def need_name(seg_h: str) -> bool:
    if rs.reviewer():
        return False
    state[ERRORS][seg_h] = "Enter your name in the sidebar first: nothing is saved without it."
    return True


def save_fields(seg_h: str, system_: str, segment_: int, fields: dict, base: int | None = None) -> bool:
    """One save of the verdict/comment/post-edit; a conflict or a failure is kept for the page."""
    track_ = state[TRACKS][seg_h]
    try:
        review = store.save_review(key, system_, segment_, reviewer=rs.reviewer(),
                                   base_version=track_["base"] if base is None else base, **fields)
    except ConflictError as exc:
        state[CONFLICTS][seg_h] = {"mine": fields, "theirs": exc.current}
        return False
    except (StorageError, InputError, ValueError) as exc:
        state[ERRORS][seg_h] = f"Not saved: {exc}"
        return False
    track_["base"] = review.version
    if "comment" in fields:
        track_["comment"] = fields["comment"]
    if "post_edit" in fields:
        track_["post"] = state.get(f"rv_post_{seg_h}", track_["post"])
    state[CONFLICTS].pop(seg_h, None)
    state[NOTICES][seg_h] = "Saved."
    return True


def on_verdict(seg_h: str, system_: str, segment_: int, previous: str | None) -> None:
    if need_name(seg_h):
        state[f"rv_verdict_{seg_h}"] = previous
        return
    save_fields(seg_h, system_, segment_, {"verdict": state.get(f"rv_verdict_{seg_h}")})


def on_save_texts(seg_h: str, system_: str, segment_: int, seg_mt: str) -> None:
    if need_name(seg_h):
        return
    track_ = state[TRACKS][seg_h]
    comment = state.get(f"rv_comment_{seg_h}", "")
    post = state.get(f"rv_post_{seg_h}", "")
    fields = {}
    if comment != track_["comment"]:
        fields["comment"] = comment
    if post != track_["post"]:
        fields["post_edit"] = None if not post.strip() or post == seg_mt else post
    if not fields:
        state[NOTICES][seg_h] = "Nothing changed."
        return
    save_fields(seg_h, system_, segment_, fields)


def on_overwrite(seg_h: str, system_: str, segment_: int) -> None:
    conflict = state[CONFLICTS].get(seg_h)
    if conflict and not need_name(seg_h):
        save_fields(seg_h, system_, segment_, conflict["mine"], base=conflict["theirs"].version)


def on_take_theirs(seg_h: str, system_: str, segment_: int, seg_mt: str) -> None:
    state[CONFLICTS].pop(seg_h, None)
    try:
        load_widgets(store.get_segment(key, system_, segment_), seg_h, seg_mt)
    except StorageError as exc:
        state[ERRORS][seg_h] = str(exc)


# --- texts ---------------------------------------------------------------------------------------
found = by_row.get((system, segment), [])
marks = wf.annotation_marks(saved.annotations)
left, right = st.columns([7, 5], gap="large")
with left:
    blocks = []
    if corpus.source is not None:
        label = "Source" + (f" ({corpus.source_lang})" if corpus.source_lang else "")
        blocks.append(f'<div class="rv-block"><div class="rv-label">{escape(label)}</div>'
                      f'<div class="rv-text seg source">{escape(corpus.source.segments[segment - 1])}</div></div>')
    for ref in corpus.references:
        label = "Reference" + (f": {ref.name}" if len(corpus.references) > 1 else "")
        blocks.append(f'<div class="rv-block"><div class="rv-label">{escape(label)}</div>'
                      f'<div class="rv-text seg">{escape(ref.segments[segment - 1])}</div></div>')
    blocks.append(f'<div class="rv-block"><div class="rv-label">MT · {escape(system)}</div>'
                  f'<div class="rv-text seg mt" data-review-mt="1">{highlight_html(mt, [*found, *marks])}</div></div>')
    st.html("".join(blocks))

    # QA findings: confirm (an annotation) or dismiss (a false alarm)
    rs.section("QA findings", len(found))
    if result.checks_pending:
        st.caption("The checks are still running; their findings appear here when done.")
    elif not found:
        st.caption("None left to look at in this segment.")

    def on_confirm(seg_h: str, system_: str, segment_: int, finding, seg_mt: str) -> None:
        if need_name(seg_h):
            return
        proposal = wf.annotation_for_finding(finding)
        try:
            store.add_annotation(key, system_, segment_, rater=rs.reviewer(), mt_text=None if proposal.text == "" else seg_mt,
                                 **proposal.fields())
        except (StorageError, ValueError) as exc:
            state[ERRORS][seg_h] = f"Not saved: {exc}"
            return
        state[NOTICES][seg_h] = f"Annotated as {proposal.category} ({proposal.severity.value})."

    def on_dismiss(seg_h: str, system_: str, segment_: int, finding) -> None:
        if need_name(seg_h):
            return
        check, start, end, text = wf.dismissal_key(finding)
        try:
            store.dismiss_finding(key, system_, segment_, check, start, end, text, reviewer=rs.reviewer(),
                                  reason="false alarm")
        except (StorageError, ValueError) as exc:
            state[ERRORS][seg_h] = f"Not saved: {exc}"
            return
        state[NOTICES][seg_h] = f"Dismissed {check} as a false alarm; it no longer counts."

    for i, finding in enumerate(found):
        row = st.columns([8, 2, 2], vertical_alignment="center")
        quoted = f" <q>{escape(finding.text)}</q>" if finding.text else " <i>(whole segment)</i>"
        suggestion = f' <span class="suggestion">→ {escape(finding.suggestion)}</span>' if finding.suggestion else ""
        row[0].html(f'<ul class="finding-list"><li class="{severity_class(finding.severity)}"><span class="check">'
                    f'{escape(finding.check)}</span>{quoted} {escape(finding.message)}{suggestion}</li></ul>')
        if wf.is_confirmed(finding, saved.annotations):
            row[1].caption(":material/check: annotated")
        else:
            row[1].button("Confirm", key=K(f"confirm{i}"), on_click=on_confirm, args=(h, system, segment, finding, mt),
                          disabled=not who, width="stretch", help="Save it as an MQM error annotation "
                          f"({wf.category_for_check(finding.check, finding.message)})")
        row[2].button("Dismiss", key=K(f"dismiss{i}"), on_click=on_dismiss, args=(h, system, segment, finding),
                      disabled=not who, width="stretch", help="A false alarm: hide it here and in every count")

    dismissed_here = [d for d in store.dismissed_findings(key, system) if d.segment == segment]
    if dismissed_here:
        with st.expander(f"Dismissed as false alarms ({len(dismissed_here)})"):
            def on_restore(seg_h: str, d) -> None:
                if need_name(seg_h):
                    return
                try:
                    store.undismiss_finding(key, d.system, d.segment, d.check, d.start, d.end, d.text, reviewer=rs.reviewer())
                except StorageError as exc:
                    state[ERRORS][seg_h] = f"Not saved: {exc}"

            for i, d in enumerate(dismissed_here):
                row = st.columns([8, 2], vertical_alignment="center")
                row[0].markdown(f"`{d.check}` “{d.text or 'whole segment'}” — by {d.reviewer}, {wf.when(d.created_at)}")
                row[1].button("Restore", key=K(f"restore{i}"), on_click=on_restore, args=(h, d), disabled=not who,
                              width="stretch")

    # MQM annotations
    rs.section("Error annotations", len(saved.annotations))

    def on_delete(seg_h: str, annotation_id: int) -> None:
        if need_name(seg_h):
            return
        try:
            deleted = store.delete_annotation(annotation_id, rater=rs.reviewer())
        except StorageError as exc:
            state[ERRORS][seg_h] = f"Not deleted: {exc}"
            return
        state[NOTICES][seg_h] = "Annotation deleted." if deleted else "Someone had already deleted it."

    for a in saved.annotations:
        row = st.columns([10, 1], vertical_alignment="center")
        span = f"<q>{escape(a.text)}</q>" if a.text else "<i>whole segment</i>"
        row[0].html(
            f'<div class="rv-annotation"><span class="rv-badge sev-{a.severity.value}">{SEVERITIES[a.severity.value]}</span>'
            f'<b>{escape(wf.category_label(a.category))}</b> · {span}'
            + (f' · {escape(a.comment)}' if a.comment else "")
            + f'<div class="rv-meta">{escape(a.rater)}, {escape(wf.when(a.created_at))}</div></div>'
        )
        row[1].button("Delete", icon=":material/delete:", key=K(f"delete{a.id}"), on_click=on_delete, args=(h, a.id),
                      disabled=not who, help="Delete this annotation (kept in the history)")
    if not saved.annotations:
        st.caption("No error annotated in this segment yet.")

    with st.container(border=True):
        st.html('<div class="rv-label">Annotate an error</div>')
        words = wf.words_of(mt)
        word_labels = wf.word_labels(words)
        st.pills("Click the first and the last word of the error", list(range(len(words))),
                 format_func=lambda i: word_labels[i], selection_mode="multi", key=K("words"))
        typed = st.text_input("…or type (paste) its exact text", key=K("typed"),
                              placeholder="Leave both empty for an error of the whole segment, e.g. an omission")
        places = wf.occurrences(mt, typed) if typed and not state.get(K("words")) else []
        if len(places) > 1:
            if state.get(K("occ")) not in range(len(places)):
                state[K("occ")] = 0
            st.selectbox("Which one", list(range(len(places))), key=K("occ"),
                         format_func=lambda i: wf.context_of(mt, places[i], places[i] + len(typed)))
        span_error = None
        try:
            span = wf.choose_span(mt, words, state.get(K("words")) or (), typed or "", state.get(K("occ")) or 0)
        except ValueError as exc:
            span, span_error = None, str(exc)
        if span_error:
            st.error(span_error)
        elif span is None:
            st.caption("Span: the whole segment.")
        else:
            start, end, text = span
            st.html(f'<div class="rv-meta">Span {start}–{end}: <span class="seg">{escape(mt[max(0, start - 40):start])}'
                    f'<span class="rv-span">{escape(text)}</span>{escape(mt[end:end + 40])}</span></div>')
        c1, c2 = st.columns([1, 1])
        c1.selectbox("Category (MQM)", MQM_CATEGORIES, index=None, format_func=wf.category_label, key=K("category"),
                     placeholder="Choose a category")
        c2.segmented_control("Severity", list(SEVERITIES), format_func=SEVERITIES.get, default="minor", key=K("severity"),
                             help="MQM weights: minor 1, major 5, critical 10 (a non-translation counts 25).")
        st.text_input("Comment (optional)", key=K("note"))

        def on_add(seg_h: str, system_: str, segment_: int, seg_mt: str) -> None:
            if need_name(seg_h):
                return
            seg_words = wf.words_of(seg_mt)
            try:
                chosen = wf.choose_span(seg_mt, seg_words, state.get(f"rv_words_{seg_h}") or (),
                                        state.get(f"rv_typed_{seg_h}") or "", state.get(f"rv_occ_{seg_h}") or 0)
            except ValueError as exc:
                state[ERRORS][seg_h] = f"Not saved: {exc}"
                return
            category = state.get(f"rv_category_{seg_h}")
            if not category:
                state[ERRORS][seg_h] = "Not saved: choose a category."
                return
            start_, end_, text_ = chosen if chosen is not None else (0, 0, "")
            try:
                store.add_annotation(key, system_, segment_, start=start_, end=end_, text=text_, category=category,
                                     severity=state.get(f"rv_severity_{seg_h}") or "minor",
                                     comment=state.get(f"rv_note_{seg_h}") or "", rater=rs.reviewer(),
                                     mt_text=seg_mt if chosen is not None else None)
            except (StorageError, ValueError) as exc:
                state[ERRORS][seg_h] = f"Not saved: {exc}"
                return
            for name, empty in (("words", []), ("typed", ""), ("note", ""), ("category", None)):
                state[f"rv_{name}_{seg_h}"] = empty
            state.pop(f"rv_occ_{seg_h}", None)
            state[NOTICES][seg_h] = f"Annotation saved: {category}."

        st.button("Add annotation", type="primary", key=K("add"), on_click=on_add, args=(h, system, segment, mt),
                  disabled=not who or bool(span_error), icon=":material/add:")

with right:
    message = errors.pop(h, None)
    if message:
        st.error(message, icon=":material/error:")
    done = notices.pop(h, None)
    if done:
        st.toast(done, icon=":material/check_circle:")

    conflict = conflicts.get(h)
    if conflict:
        theirs = conflict["theirs"]
        with st.container(border=True):
            st.warning(
                f"**{theirs.reviewer or 'Someone'}** saved this segment at {wf.when(theirs.updated_at)} (version "
                f"{theirs.version}) after you opened it. Nothing of yours was saved; what you entered is kept below.",
                icon=":material/sync_problem:",
            )
            st.dataframe(wf.conflict_rows(conflict["mine"], theirs), hide_index=True, width="stretch", key=K("conflict"),
                         column_config={"field": "", "yours": "Yours (not saved)", "theirs": f"Theirs ({theirs.reviewer})"})
            c1, c2 = st.columns(2)
            c1.button("Overwrite with mine", type="primary", key=K("overwrite"), on_click=on_overwrite,
                      args=(h, system, segment), width="stretch", disabled=not who)
            c2.button("Take theirs", key=K("theirs"), on_click=on_take_theirs, args=(h, system, segment, mt),
                      width="stretch")

    st.segmented_control(
        "Verdict", list(VERDICTS), format_func=VERDICTS.get, key=K("verdict"), on_change=on_verdict,
        args=(h, system, segment, saved.verdict.value if saved.verdict else None),
        help="Saved as soon as you choose (click the chosen one again to clear it).",
    )
    with st.form(K("texts"), border=False, enter_to_submit=False):
        st.text_area("Comment", key=K("comment"), height=80, placeholder="A note for the team about this segment")
        st.text_area("Post-edited text", key=K("post"), height=140,
                     help="Starts from the MT; edit it into a correct translation. One line (it becomes one line of "
                     "the exported file).")
        st.form_submit_button("Save comment and post-edit", on_click=on_save_texts, args=(h, system, segment, mt),
                              icon=":material/save:", disabled=not who)
    if saved.post_edit is not None:
        st.caption("Post-edit saved" + (f" by {saved.reviewer}" if saved.reviewer else "") + ".")

    with st.expander("Add the selected text to the glossary", icon=":material/dictionary:"):
        selected = span[2] if span else ""
        if state.get(K("gl_from")) != selected:
            state[K("gl_from")] = selected
            state[K("gl_text")] = selected
        files = gm.list_glossaries()
        current = state.get(common.GLOSSARY_CHOICE, "")
        default_file = current.partition(":")[2] if current.startswith("bundled:") else None
        if not files:
            st.caption(f"No glossary in {gm.glossary_dir()}: create one on the Glossary screen.")
        else:
            names = list(files)
            if state.get("rv_gl_file") not in names:
                state["rv_gl_file"] = default_file if default_file in names else names[0]
            gl_file = st.selectbox("Glossary", names, key="rv_gl_file")
            st.text_input("Text (the words chosen above, or type)", key=K("gl_text"))
            mode = st.segmented_control("Add as", ["term", "variant"], default="term", key="rv_gl_mode",
                                        format_func={"term": "New term", "variant": "Forbidden variant of…"}.get) or "term"
            try:
                gl_terms = glossary_terms(str(files[gl_file]), gm.disk_digest(gl_file))
            except InputError as exc:
                gl_terms = []
                st.error(str(exc))
            if mode == "term":
                st.text_input("Source term (optional)", key=K("gl_source"),
                              placeholder="e.g. 天问一号" if corpus.source_lang in (None, "zh") else "")
            else:
                st.selectbox("Variant of", gl_terms, index=None, key=K("gl_of"), placeholder="Choose the approved term")

            def on_add_to_glossary(seg_h: str) -> None:
                text = " ".join(str(state.get(f"rv_gl_text_{seg_h}") or "").split())
                name = state.get("rv_gl_file")
                if not text:
                    state[ERRORS][seg_h] = "Not added: give the text to add."
                    return
                if (state.get("rv_gl_mode") or "term") == "term":
                    source = str(state.get(f"rv_gl_source_{seg_h}") or "")
                    change, done_ = (lambda g: gm.add_term(g, text, source=source)), f"“{text}” added to {name} as a term."
                else:
                    of = state.get(f"rv_gl_of_{seg_h}")
                    if not of:
                        state[ERRORS][seg_h] = "Not added: choose the term it is a variant of."
                        return
                    change, done_ = (lambda g: gm.add_variant(g, of, text)), f"“{text}” added to {name} as a variant of “{of}”."
                try:
                    gm.update_glossary(name, change)
                except GlossaryError as exc:
                    state[ERRORS][seg_h] = "Not added: " + "; ".join(p.message for p in exc.problems)
                    return
                except gm.GlossaryConflict as exc:
                    state[ERRORS][seg_h] = f"Not added: {exc}. Try again."
                    return
                except (InputError, OutputError) as exc:
                    state[ERRORS][seg_h] = f"Not added: {exc}"
                    return
                state[NOTICES][seg_h] = done_ + " The checks run again with it."

            st.button("Add to glossary", key=K("gl_add"), on_click=on_add_to_glossary, args=(h,),
                      icon=":material/playlist_add:")

    rs.section("History of this segment")
    history = store.history(key, system, segment)
    if history:
        st.html(rs.history_html(history))
    else:
        st.caption("Nothing saved for this segment yet.")

# --- the whole corpus ----------------------------------------------------------------------------
st.divider()
activity, exchange = st.columns([3, 2], gap="large")
with activity:
    rs.section("Recent activity")
    recent = store.history(key, limit=50)
    if recent:
        st.dataframe(wf.history_rows(recent, with_segment=True), hide_index=True, width="stretch",
                     height=min(35 * (len(recent) + 1) + 3, 320), key="review_recent",
                     column_config={"when": st.column_config.TextColumn("When"), "who": st.column_config.TextColumn("Who"),
                                    "system": st.column_config.TextColumn("System"),
                                    "segment": st.column_config.NumberColumn("#", format="%d"),
                                    "what": st.column_config.TextColumn("What", width="large")})
    else:
        st.caption(f"No review saved for {corpus.name} yet.")
with exchange:
    rs.section("Export and import")
    mt_lines = {s.name: list(s.segments) for s in corpus.systems}
    context = {"sources": list(corpus.source.segments) if corpus.source else None, "targets": mt_lines,
               "docs": list(corpus.documents) if corpus.documents else None}
    st.download_button(
        "Post-edited text", data=lambda: "".join(line + "\n" for line in store.export_post_edits(key, system, mt_lines[system])),
        file_name=safe_name(f"{corpus.name}.{system}.post-edited.txt"), mime="text/plain", icon=":material/download:", on_click="ignore",
        key="review_export_post_edits", width="stretch",
        help=f"The MT of {system}, one segment a line, with each saved post-edit in place of its segment.")
    d2, d3 = st.columns(2)
    d2.download_button("Annotations CSV", data=lambda: store.export_annotations_csv(key, **context),
                       file_name=safe_name(f"{corpus.name}-annotations.csv"), mime="text/csv", icon=":material/download:", on_click="ignore",
                       key="review_export_csv", width="stretch", help="Every annotation, MQM columns.")
    d3.download_button("Annotations JSON", data=lambda: store.export_annotations_json(key, **context),
                       file_name=safe_name(f"{corpus.name}-annotations.json"), mime="application/json",
                       icon=":material/download:", on_click="ignore", key="review_export_json", width="stretch")
    upload = st.file_uploader("Import annotations (CSV or JSON exported here)", type=["csv", "json"],
                              key="review_import_file")
    if st.button("Import", key="review_import", disabled=upload is None or not who, icon=":material/upload:"):
        try:
            annotations = parse_annotations(upload.getvalue(), upload.name)
            problems = wf.import_problems(annotations, mt_lines)
            if problems:
                raise InputError("does not fit this corpus, nothing imported:\n" + "\n".join(problems), upload.name)
            added = store.import_annotations(key, annotations, importer=who)
        except (InputError, StorageError, ValueError) as exc:
            st.error(f"{exc}")
        else:
            skipped = len(annotations) - added
            st.success(f"Imported {added} annotation{'s' if added != 1 else ''} from {upload.name}"
                       + (f" ({skipped} already here)" if skipped else "") + ".")
