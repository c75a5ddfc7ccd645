"""Glossary: edit the terms of a glossary file (validated as you type, saved atomically with a backup,
never over someone else's save), import CSV/TBX with a preview, export, and see where each term occurs
in the open corpus and how often the MT gets it wrong. The logic is review_app.glossary.maintenance and
review_app.glossary.concordance."""

import pandas as pd
import streamlit as st

from review_app.checks import CHECKS, run_checks
from review_app.errors import InputError, OutputError, StorageError
from review_app.glossary import GlossaryError, glossary_to_csv, glossary_to_tbx, read_glossary, validate
from review_app.glossary import maintenance as gm
from review_app.glossary.concordance import build_concordance
from review_app.glossary.model import Glossary
from review_app.review import workflow as wf
from review_app.ui import common
from review_app.ui import review_state as rs

LOADED = "gl_loaded"  # name -> GlossaryFile as loaded (its digest: the version the edit started from)
BASE = "gl_base"  # name -> the rows the editor starts from
ORIGINS = "gl_origins"  # name -> for each base row, the entry of the loaded glossary it edits (None: new)
VERSION = "gl_version"  # name -> editor generation (a new one starts without pending edits)
CONFLICT = "gl_conflict"  # name -> GlossaryConflict of the last save
MESSAGES = "gl_messages"
GLOSSARY_CHECKS = [check for check in CHECKS if check.startswith("glossary.")]

ws = common.workspace()
corpus = ws.corpus
state = st.session_state
folder = gm.glossary_dir()
for name in (LOADED, BASE, ORIGINS, VERSION, CONFLICT):
    state.setdefault(name, {})


def reset(name: str, file: gm.GlossaryFile, rows: list | None = None, origins: list | None = None) -> None:
    """Start editing ``file`` again (its rows, or the given ones as unsaved edits of it)."""
    state[LOADED][name] = file
    state[BASE][name] = rows if rows is not None else gm.glossary_rows(file.glossary)
    state[ORIGINS][name] = origins if origins is not None else list(range(len(file.glossary.terms)))
    state[VERSION][name] = state[VERSION].get(name, 0) + 1
    state[CONFLICT].pop(name, None)


def say(kind: str, text: str) -> None:
    common.flash(kind, text, MESSAGES)


# --- which glossary ------------------------------------------------------------------------------
st.title("Glossary")
files = gm.list_glossaries(folder)
top = st.columns([5, 2, 3], vertical_alignment="bottom")
if files:
    names = list(files)
    if state.get("gl_file_next") in names:
        state["gl_file"] = state.pop("gl_file_next")
    if state.get("gl_file") not in names:
        sidebar = str(state.get(common.GLOSSARY_CHOICE, ""))
        state["gl_file"] = sidebar.partition(":")[2] if sidebar.partition(":")[2] in names else names[0]
    name = top[0].selectbox("Glossary file", names, key="gl_file", help=f"The CSV files in {folder}")
else:
    name = None
with top[1].popover("New glossary", icon=":material/add:", width="stretch"):
    new_name = st.text_input("Name", key="gl_new_name", placeholder="e.g. mission-names")
    if st.button("Create", key="gl_create", disabled=not (new_name or "").strip()):
        try:
            file_name = gm.glossary_file_name(new_name)
            created = gm.save_glossary(file_name, Glossary(terms=()), expected_digest=gm.ABSENT, folder=folder)
        except gm.GlossaryConflict:
            st.error(f"{gm.glossary_file_name(new_name)} already exists.")
        except (InputError, OutputError) as exc:
            st.error(str(exc))
        else:
            state["gl_file_next"] = created.name
            say("success", f"Created {created.path.name}.")
            st.rerun()
common.show_messages(MESSAGES)
if name is None:
    st.info(f"No glossary in {folder} yet: create one, or set REVIEW_APP_GLOSSARY_DIR.")
    st.stop()

if name not in state[LOADED]:
    try:
        reset(name, gm.open_glossary(name, folder))
    except InputError as exc:
        st.error(f"Cannot read {name}: {exc}")
        st.stop()
file: gm.GlossaryFile = state[LOADED][name]
base_rows = state[BASE][name]
origins = state[ORIGINS][name]
columns = gm.row_columns(file.glossary)

# --- the editor ----------------------------------------------------------------------------------
editor_key = f"gl_editor_{name}_{state[VERSION][name]}"
edits = state.get(editor_key) or {}
has_edits = any(edits.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))
try:
    on_disk = gm.disk_digest(name, folder)
except InputError as exc:
    st.error(str(exc))
    st.stop()
if on_disk != file.digest and name not in state[CONFLICT]:
    if not has_edits and base_rows == gm.glossary_rows(file.glossary):
        reset(name, gm.open_glossary(name, folder))  # nothing unsaved here: show the new version
        say("info", f"{name} was changed on disk; showing the new version.")
        st.rerun()
    else:
        st.warning(f"{file.path.name} was changed on disk after you opened it. Saving will show the differences; "
                   "or reload it (your unsaved edits are dropped).", icon=":material/sync_problem:")

top[2].caption(
    f"{len(file.glossary.terms)} terms"
    + (f" · saved {wf.when(file.modified)}" if file.modified else " · not saved yet")
)

tab_terms, tab_concordance, tab_import, tab_backups = st.tabs(
    ["Terms", "Concordance", "Import and export", "Backups"])

with tab_terms:
    frame = pd.DataFrame(base_rows, columns=columns)
    edited = st.data_editor(
        frame,
        key=editor_key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        height=min(35 * (len(frame) + 2) + 3, 735),
        column_config={
            "term": st.column_config.TextColumn("Term", help="The approved English form", width="medium"),
            "source": st.column_config.TextColumn("Source", help="Source-language term(s), separated by |"),
            "variants": st.column_config.TextColumn("Forbidden variants", help="Separated by |", width="medium"),
            "admitted": st.column_config.TextColumn("Also admitted", help="Other acceptable forms, separated by |"),
            "case_sensitive": st.column_config.CheckboxColumn("Case", help="Case-sensitive (wrong case is an error)",
                                                              default=True, width="small"),
            "note": st.column_config.TextColumn("Note", width="large"),
        },
    )
    rows = gm.clean_rows(edited.to_dict("records"))
    row_origins = [origins[i] if isinstance(i, int) and 0 <= i < len(origins) else None for i in edited.index]
    edited_glossary = gm.rows_glossary(rows, file.glossary)
    problems = gm.problems_by_row(validate(edited_glossary))
    pending = gm.diff_glossaries(file.glossary, edited_glossary)

    if problems:
        listing = []
        for row, messages in sorted(problems.items(), key=lambda item: -1 if item[0] is None else item[0]):
            label = "Glossary" if row is None else f"Row {row + 1}" + (f" ({rows[row]['term']})" if row < len(rows) and rows[row]["term"] else "")
            listing.extend(f"- **{label}**: {m}" for m in messages)
        st.error(f"{len(problems)} row{'s' if len(problems) != 1 else ''} with problems: not saved until fixed "
                 "(valid changes are saved)\n\n" + "\n".join(listing), icon=":material/rule:")
    status, actions = st.columns([3, 2], vertical_alignment="center")
    if pending:
        status.markdown(f"**Unsaved changes:** {pending.summary()}.")
    else:
        status.caption("No unsaved changes.")
    if actions.button("Save glossary", type="primary", key="gl_save", disabled=not pending, icon=":material/save:",
                      width="stretch"):
        plan = gm.plan_save(file.glossary, rows, row_origins)
        if plan.blocked:
            st.error("Nothing saved: the changes still conflict with each other; fix the rows listed above.")
        elif not gm.diff_glossaries(file.glossary, plan.glossary):
            st.warning("Nothing saved: every changed row has a problem (listed above).")
        else:
            try:
                saved = gm.save_glossary(name, plan.glossary, expected_digest=file.digest, folder=folder)
            except gm.GlossaryConflict as exc:
                state[CONFLICT][name] = exc
            except GlossaryError as exc:
                st.error(str(exc))
            except (InputError, OutputError) as exc:
                st.error(f"Not saved: {exc}")
            else:
                change = gm.diff_glossaries(file.glossary, saved.glossary)
                reset(name, saved, rows, list(plan.origins))
                backup = gm.backups(name, folder)
                say("success", f"Saved {saved.path.name}: {change.summary()}."
                    + (f" The previous version is kept as {gm.BACKUP_DIR}/{backup[0].name}." if backup else ""))
                if plan.held:
                    say("warning", f"{len(plan.held)} row(s) with problems were not saved; they stay in the table.")
                st.rerun()
    if pending:
        with st.expander(f"What saving changes ({pending.summary()})"):
            st.dataframe(pd.DataFrame(gm.diff_rows(pending, old_label="saved", new_label="yours")), hide_index=True,
                         width="stretch", key="gl_pending")

    conflict = state[CONFLICT].get(name)
    if conflict is not None:
        with st.container(border=True):
            st.warning(str(conflict), icon=":material/sync_problem:")
            theirs_since = gm.diff_glossaries(file.glossary, conflict.theirs.glossary)
            if theirs_since:
                st.markdown(f"**What they changed** since you opened it ({theirs_since.summary()}):")
                st.dataframe(pd.DataFrame(gm.diff_rows(theirs_since, old_label="when you opened it", new_label="theirs")),
                             hide_index=True, width="stretch", key="gl_conflict_theirs")
            st.markdown(f"**Saving yours over theirs would change** ({conflict.difference.summary()}):")
            st.dataframe(pd.DataFrame(gm.diff_rows(conflict.difference, old_label="theirs", new_label="yours")),
                         hide_index=True, width="stretch", key="gl_conflict_diff")
            c1, c2, c3 = st.columns(3)
            if c1.button("Merge my changes into theirs", type="primary", key="gl_merge", width="stretch"):
                merged, notes = gm.rebase_changes(file.glossary, conflict.mine, conflict.theirs.glossary)
                reset(name, conflict.theirs, gm.glossary_rows(merged), gm.origins_for(merged, conflict.theirs.glossary))
                say("info", "Your changes are applied to their version (not saved yet): check them and save."
                    + ("\n\n" + "\n".join(f"- {n}" for n in notes) if notes else ""))
                st.rerun()
            if c2.button("Reload theirs (drop mine)", key="gl_reload_theirs", width="stretch"):
                reset(name, gm.open_glossary(name, folder))
                say("info", f"Reloaded {name}; your unsaved changes are dropped.")
                st.rerun()
            if c3.button("Overwrite with mine", key="gl_overwrite", width="stretch"):
                try:
                    saved = gm.save_glossary(name, conflict.mine, expected_digest=conflict.theirs.digest, folder=folder)
                except gm.GlossaryConflict as exc:
                    state[CONFLICT][name] = exc
                    st.rerun()
                except (InputError, OutputError) as exc:
                    st.error(f"Not saved: {exc}")
                else:
                    reset(name, saved)
                    say("success", f"Saved {saved.path.name} over their version (theirs is kept in {gm.BACKUP_DIR}).")
                    st.rerun()
    elif has_edits or on_disk != file.digest:
        if st.button("Reload from disk (drop unsaved changes)", key="gl_reload", icon=":material/refresh:"):
            reset(name, gm.open_glossary(name, folder))
            st.rerun()

# --- concordance ---------------------------------------------------------------------------------


@st.cache_resource(show_spinner="Finding the terms in the corpus…", max_entries=8)
def concordance(corpus_digest: str, glossary_digest: str, dismissed: str, _corpus, _glossary, _dismissals):
    findings = run_checks(_corpus, _glossary, only=GLOSSARY_CHECKS)
    findings = wf.without_dismissed(findings, _dismissals)
    systems = [(s.name, s.segments) for s in _corpus.systems]
    return build_concordance(_glossary, systems, findings, _corpus.source.segments if _corpus.source else None)


with tab_concordance:
    st.caption(f"Every term of the saved {name} in {corpus.name} ({common.describe(corpus)}): where the MT has it, "
               "and the glossary checks' findings about it (dismissed false alarms left out).")
    try:
        dismissals = rs.store().dismissed_findings(ws.review_key)
    except StorageError:
        dismissals = []
    conc = concordance(ws.digest, file.digest, wf.dismissals_digest(dismissals), corpus, file.glossary, dismissals)
    table = conc.table()
    if table.empty:
        st.info("The glossary has no terms yet.")
    else:
        shown = table.drop(columns=["entry"] + ([] if corpus.source is not None else ["source hits"]))
        st.dataframe(
            shown, hide_index=True, width="stretch", height=min(35 * (len(shown) + 1) + 3, 420), key="gl_concordance",
            column_config={
                "term": st.column_config.TextColumn("Term"),
                "source hits": st.column_config.NumberColumn("Segments with the source term", format="%d"),
                "in MT": st.column_config.NumberColumn("Right in the MT", format="%d", help="Approved or admitted form"),
                "variants": st.column_config.NumberColumn("Forbidden variants", format="%d"),
                "errors": st.column_config.NumberColumn("Errors", format="%d",
                                                  help="Places in the MT where a glossary check flags the term"),
                "error rate": st.column_config.ProgressColumn("Error rate", format="percent", min_value=0.0, max_value=1.0,
                                                              color="#b42318", help="Errors per occurrence in the MT"),
            },
        )
        entries = table["entry"].tolist()
        terms = file.glossary.terms
        errors_of = dict(zip(table["entry"], table["errors"]))
        entry = st.selectbox("Concordance of", entries, key=f"gl_term_{name}",
                             format_func=lambda e: f"{terms[e].term} ({errors_of[e]} error{'s' if errors_of[e] != 1 else ''})")
        mt = {(s.name, i): text for s in corpus.systems for i, text in enumerate(s.segments, 1)}
        lines = conc.lines(entry, mt)
        if lines.empty:
            st.caption(f"“{terms[entry].term}” does not occur in the MT of {corpus.name}.")
        else:
            st.dataframe(
                lines, hide_index=True, width="stretch", key="gl_lines",
                column_config={
                    "system": st.column_config.TextColumn("System", width="small"),
                    "segment": st.column_config.NumberColumn("#", format="%d", width="small"),
                    "status": st.column_config.TextColumn("Status", width="small"),
                    "left": st.column_config.TextColumn("Before", width="medium", alignment="right"),
                    "match": st.column_config.TextColumn("Term", width="small"),
                    "right": st.column_config.TextColumn("After", width="medium"),
                    "message": st.column_config.TextColumn("Check says", width="medium"),
                },
            )
            places = list(dict.fromkeys(zip(lines["system"], lines["segment"])))
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            pick = c1.selectbox("Review a segment", range(len(places)), key="gl_open_pick",
                                format_func=lambda i: f"segment {places[i][1]} ({places[i][0]})")
            if c2.button("Open in Review", key="gl_open", icon=":material/rate_review:", width="stretch"):
                system_name, segment_number = places[pick]
                state[common.DETAIL_SEGMENT] = int(segment_number)
                state["review_system"] = system_name
                st.switch_page(common.SCREENS["review"])

# --- import and export ---------------------------------------------------------------------------
with tab_import:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**Import** a CSV/TSV or TBX glossary into this one")
        upload = st.file_uploader("Glossary file", type=["csv", "tsv", "tbx", "xml"], key="gl_import_file")
        mode = st.segmented_control("How", ["merge", "replace"], default="merge", key="gl_import_mode",
                                    format_func={"merge": "Merge (add and update terms)",
                                                 "replace": "Replace (the file becomes the import)"}.get) or "merge"
    with right:
        st.markdown("**Export** the saved glossary")
        e1, e2 = st.columns(2)
        e1.download_button("CSV", data=glossary_to_csv(file.glossary), file_name=f"{name}.csv", mime="text/csv",
                           icon=":material/download:", on_click="ignore", key="gl_export_csv", width="stretch")
        try:
            tbx = glossary_to_tbx(file.glossary, source_lang=corpus.source_lang)
        except InputError as exc:
            e2.button("TBX", disabled=True, key="gl_export_tbx_off", help=str(exc), width="stretch")
        else:
            e2.download_button("TBX", data=tbx, file_name=f"{name}.tbx", mime="application/x-tbx+xml",
                               icon=":material/download:", on_click="ignore", key="gl_export_tbx", width="stretch",
                               help="TBX-Basic (ISO 30042:2008), readable by CAT tools")
    if upload is not None:
        try:
            incoming = read_glossary(upload.name, data=upload.getvalue(), name=upload.name)
        except InputError as exc:
            st.error(f"Cannot read the import: {exc}")
        else:
            result = (gm.merge_glossaries if mode == "merge" else gm.replace_glossary)(file.glossary, incoming)
            change = gm.diff_glossaries(file.glossary, result)
            st.markdown(f"**Preview:** what importing {upload.name} ({mode}) changes in {file.path.name}")
            c1, c2, c3, _ = st.columns([1, 1, 1, 2])
            c1.metric("Added", len(change.added), border=True)
            c2.metric("Changed", len(change.changed), border=True)
            c3.metric("Removed", len(change.removed), border=True)
            if change:
                st.dataframe(
                    pd.DataFrame(gm.diff_rows(change, old_label="now", new_label="after import")),
                    hide_index=True, width="stretch", key="gl_import_preview",
                    column_config={"change": st.column_config.TextColumn("Change", width="small"),
                                   "term": st.column_config.TextColumn("Term"),
                                   "fields": st.column_config.TextColumn("Fields", width="small"),
                                   "now": st.column_config.TextColumn("Now", width="large"),
                                   "after import": st.column_config.TextColumn("After import", width="large")},
                )
            result_problems = validate(result)
            if result_problems:
                st.error("The result would have problems, so it cannot be saved:\n\n"
                         + "\n".join(f"- {p}" for p in result_problems[:20]))
            if pending:
                st.warning("Importing saves over the file as it is now: your unsaved edits in the Terms table are dropped.")
            if st.button("Import and save", type="primary", key="gl_import_apply", icon=":material/upload:",
                         disabled=bool(result_problems) or not change):
                try:
                    saved = gm.save_glossary(name, result, expected_digest=file.digest, folder=folder)
                except gm.GlossaryConflict as exc:
                    state[CONFLICT][name] = exc
                    say("warning", "Not imported: the glossary changed meanwhile (see the Terms tab).")
                    st.rerun()
                except (InputError, OutputError) as exc:
                    st.error(f"Not saved: {exc}")
                else:
                    reset(name, saved)
                    say("success", f"Imported {upload.name} ({mode}): {change.summary()}.")
                    st.rerun()

with tab_backups:
    saved_backups = gm.backups(name, folder)
    if not saved_backups:
        st.caption(f"No backup of {name} yet: each save keeps the previous version in {folder / gm.BACKUP_DIR}.")
    else:
        st.caption(f"The last {gm.MAX_BACKUPS} versions before each save, in {folder / gm.BACKUP_DIR}. "
                   "To go back to one, download it and import it with Replace.")
        pick = st.selectbox("Backup", saved_backups, format_func=lambda p: p.name, key="gl_backup_pick")
        st.download_button("Download this backup", data=pick.read_bytes(), file_name=pick.name, mime="text/csv",
                           icon=":material/download:", on_click="ignore", key="gl_backup_download")
