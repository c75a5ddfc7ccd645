"""Open files: a bundled corpus, a corpus folder on the server, your own uploads, a glossary."""

import streamlit as st

from review_app.corpus import bundled_corpora
from review_app.ui import common
from review_app.ui.sources import allowed_roots
from review_app.ui.uploads import CorpusUpload, Upload, max_upload_bytes

TEXT_TYPES = ["txt", "en", "tsv", "csv", "jsonl"]
SOURCE_TYPES = None  # the source may be any language suffix (.zh, .de, ...): checked by the reader
TABLE_TYPES = ["tsv", "csv", "jsonl"]
GLOSSARY_TYPES = ["csv", "tsv", "tbx", "xml"]


def as_upload(file) -> Upload:
    return Upload(name=file.name, data=file.getvalue())


def queue(key: str, value) -> None:
    st.session_state[key] = value
    st.rerun()


ws = common.workspace()
limit_mb = max_upload_bytes() / 1048576

st.title("Open files")
st.caption(f"Now open: {ws.corpus.name} ({common.describe(ws.corpus)}), glossary: {ws.glossary_label}.")

bundled, upload, folder = st.tabs(["Bundled corpora", "Upload a corpus", "Folder on the server"])

with bundled:
    for name, path in bundled_corpora().items():
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**{name}**  \n`corpora/{path.name}`")
        if right.button("Open", key=f"open_bundled_{name}", disabled=st.session_state.get(common.CORPUS_CHOICE) == f"bundled:{name}"):
            st.session_state[common.CORPUS_CHOICE] = f"bundled:{name}"
            st.switch_page(common.SCREENS["overview"])

with upload:
    st.markdown(
        "Plain text has one segment a line (UTF-8). A table (TSV, CSV or JSONL) names its columns: "
        "`source`, `ref` / `ref-NAME`, `doc`, and one column per MT system. "
        f"Files up to {limit_mb:.0f} MB each."
    )
    mode = st.segmented_control("Upload as", ["Separate files", "One table"], default="Separate files", key="open_mode")
    with st.form("upload_corpus", border=True):
        if mode == "One table":
            table = st.file_uploader("Whole-corpus table", type=TABLE_TYPES, key="upload_table",
                                     help="Columns: source, ref or ref-NAME (one or more), doc, and one per system.")
            systems = references = []
            source = None
        else:
            table = None
            systems = st.file_uploader("MT outputs (one file per system, or a table)", type=TEXT_TYPES,
                                       accept_multiple_files=True, key="upload_systems")
            references = st.file_uploader("Reference translations", type=TEXT_TYPES, accept_multiple_files=True,
                                          key="upload_references")
            source = st.file_uploader("Source text (optional)", type=SOURCE_TYPES, key="upload_source")
        name = st.text_input("Corpus name (optional)", key="upload_name")
        submitted = st.form_submit_button("Open the upload", type="primary", icon=":material/upload:")
    if submitted:
        queue(
            common.PENDING_CORPUS_UPLOAD,
            CorpusUpload(
                table=as_upload(table) if table else None,
                systems=tuple(as_upload(f) for f in systems or ()),
                references=tuple(as_upload(f) for f in references or ()),
                source=as_upload(source) if source else None,
                name=name.strip() or None,
            ),
        )

with folder:
    roots = ", ".join(f"`{root}`" for root in allowed_roots())
    st.markdown(
        "A corpus folder (`source.xx`, `ref*.en`, `systems/*.en`) or a whole-corpus table on the machine the app runs on, "
        f"inside: {roots}. Set `REVIEW_APP_CORPUS_ROOTS` when starting the app to allow more folders; "
        "`?corpus=PATH` in the address opens one directly."
    )
    with st.form("open_folder"):
        path = st.text_input("Path", key="open_folder_path", placeholder="/data/wmt22-zh-en")
        if st.form_submit_button("Open the folder", icon=":material/folder_open:") and path.strip():
            queue(common.PENDING_PATH, path.strip())

st.subheader("Glossary")
st.markdown("A CSV/TSV (`term`, `source`, `variants`, `case_sensitive`, `note`) or TBX file. "
            "Bundled glossaries are in the sidebar.")
with st.form("upload_glossary"):
    glossary_file = st.file_uploader("Glossary", type=GLOSSARY_TYPES, key="upload_glossary_file")
    if st.form_submit_button("Use this glossary", icon=":material/menu_book:") and glossary_file:
        queue(common.PENDING_GLOSSARY_UPLOAD, as_upload(glossary_file))
