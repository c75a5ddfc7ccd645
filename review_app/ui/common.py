"""What every screen shares: the corpus and glossary picker in the sidebar, the cached loaders and
background jobs (keyed on content digests), progress while scoring, and the downloads.

No scoring or checking happens here: the jobs call the core (``score_corpus``, ``run_checks``,
``paired_bootstrap``); the tables come from :mod:`review_app.segment_table` and :mod:`review_app.ui.frames`.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from review_app.corpus import Corpus, bundled_corpora
from review_app.errors import InputError
from review_app.scoring.metrics import METRIC_IDS, MetricOptions
from review_app.scoring.results import CorpusScores
from review_app.segment_table import TableIndex, build_segment_table, findings_by_row, index_table, reference_columns
from review_app.ui import jobs as jobs_module
from review_app.ui.frames import metric_names
from review_app.ui.render import style_tag
from review_app.ui.sources import (
    DEFAULT_CORPUS,
    DEFAULT_GLOSSARY,
    bundled_glossaries,
    checks_available,
    corpus_digest,
    glossary_digest,
    open_corpus,
    path_signature,
    resolve_corpus_ref,
    startup_corpus,
)
from review_app.ui.uploads import CorpusUpload, Upload, corpus_from_upload, glossary_from_upload
from review_app.safety import safe_name

# Session state keys (plain values, not widget keys, so they survive switching screens).
CORPUS_CHOICE = "corpus_choice"
GLOSSARY_CHOICE = "glossary_choice"
EXTRA_PATHS = "corpus_paths"
UPLOADED_CORPORA = "uploaded_corpora"
UPLOADED_GLOSSARIES = "uploaded_glossaries"
PENDING_CORPUS_UPLOAD = "pending_corpus_upload"  # a CorpusUpload to open on the next run
PENDING_GLOSSARY_UPLOAD = "pending_glossary_upload"  # an Upload to read as a glossary
PENDING_PATH = "pending_corpus_path"  # a folder path typed on the Open screen
MESSAGES = "messages"  # what an action says (see flash), at the top of every screen for a while
MESSAGE_SECONDS = 30.0
QUERY_SEEN = "query_corpus_seen"
DETAIL_SEGMENT = "detail_segment"

NO_GLOSSARY = "none"
OPTIONS = MetricOptions()
POLL_SECONDS = 0.15

SCREENS = {
    "overview": "ui/screens/overview.py",
    "segments": "ui/screens/segments.py",
    "detail": "ui/screens/detail.py",
    "review": "ui/screens/review.py",
    "glossary": "ui/screens/glossary.py",
    "open": "ui/screens/open_files.py",
}


# --- cached loading (shared by every session; keyed on content) --------------------------------


@st.cache_resource(show_spinner=False, max_entries=16)
def load_path_corpus(path: str, signature: tuple) -> tuple[Corpus, str]:
    corpus = open_corpus(path)
    return corpus, corpus_digest(corpus)


@st.cache_resource(show_spinner=False, max_entries=16)
def load_path_glossary(path: str, signature: tuple):
    from review_app.glossary import load_glossary

    glossary = load_glossary(path)
    return glossary, glossary_digest(glossary)


@st.cache_resource(show_spinner=False, max_entries=8)
def scoring_job(digest: str, _corpus: Corpus) -> jobs_module.ScoringJob:
    return jobs_module.ScoringJob(_corpus, OPTIONS)


@st.cache_resource(show_spinner=False, max_entries=8)
def checks_job(digest: str, glossary_key: str, _corpus: Corpus, _glossary: Any) -> jobs_module.Job | None:
    if not checks_available():
        return None
    # After BLEU and chrF: both are Python in this process, and the scores are what a person sees first.
    return jobs_module.checks_job(_corpus, _glossary, after=scoring_job(digest, _corpus).fast_finished)


@st.cache_resource(show_spinner=False, max_entries=8)
def segment_table(digest: str, glossary_key: str, state: tuple, _corpus: Corpus, _scores, _findings):
    return build_segment_table(_corpus, _scores, _findings)


@st.cache_resource(show_spinner=False, max_entries=8)
def table_index(digest: str, glossary_key: str, state: tuple, _table) -> TableIndex:
    return index_table(_table)


@st.cache_resource(show_spinner=False, max_entries=256)
def page_html(digest: str, glossary_key: str, state: tuple, rows_key: tuple, options: str, _rows, _by_row, _render) -> str:
    return _render(_rows, _by_row)


@st.cache_resource(show_spinner=False, max_entries=32)
def cached_chart_spec(digest: str, glossary_key: str, state: tuple, what: tuple, _build) -> dict:
    return _build()


def chart_spec(digest: str, glossary_key: str, state: tuple, what: tuple, build) -> dict:
    # A copy: the spec is shared by every session and Streamlit moves the data out of the dict it gets.
    return copy.deepcopy(cached_chart_spec(digest, glossary_key, state, what, build))


@st.cache_resource(show_spinner=False, max_entries=8)
def findings_index(digest: str, glossary_key: str, state: tuple, _findings) -> dict:
    return findings_by_row(_findings)


@st.cache_resource(show_spinner=False, max_entries=16)
def significance_job(digest: str, scored: tuple[str, ...], baseline: str, samples: int, _scores: CorpusScores):
    return jobs_module.significance_job(_scores, baseline, samples)


# --- the workspace: which corpus and glossary -------------------------------------------------


@dataclass
class Workspace:
    corpus: Corpus
    digest: str
    source_label: str
    glossary: Any = None
    glossary_key: str = "none"
    glossary_label: str = "no glossary"
    ref_columns: list[str] = field(default_factory=list)
    review_key: str = ""  # what its reviews are saved under (review_state.corpus_key)


def flash(kind: str, text: str, store: str = MESSAGES) -> None:
    """Say something at the top of the screen (``show_messages``). It stays for MESSAGE_SECONDS over
    reruns, so an automatic rerun (TER or the checks filling in) cannot wipe it before it is read; the
    next action's messages replace the ones already shown."""
    state = st.session_state
    kept = [m for m in state.get(store, []) if not m["shown"]]
    state[store] = [*kept, {"kind": kind, "text": text, "until": time.monotonic() + MESSAGE_SECONDS, "shown": False}]


def show_messages(store: str = MESSAGES) -> None:
    now = time.monotonic()
    messages = [m for m in st.session_state.get(store, []) if m["until"] > now]
    for message in messages:
        {"error": st.error, "success": st.success, "warning": st.warning}.get(message["kind"], st.info)(message["text"])
        message["shown"] = True
    st.session_state[store] = messages


def clear_messages(store: str = MESSAGES) -> None:
    st.session_state.pop(store, None)


def process_pending() -> None:
    """Open what the Open screen (or a test) queued: an upload, a folder path, a glossary upload."""
    state = st.session_state
    request = state.pop(PENDING_CORPUS_UPLOAD, None)
    if request is not None:
        try:
            corpus = corpus_from_upload(request if isinstance(request, CorpusUpload) else CorpusUpload(**request))
        except InputError as exc:
            flash("error", f"Could not open the upload: {exc}")
        else:
            digest = corpus_digest(corpus)
            state.setdefault(UPLOADED_CORPORA, {})[digest] = corpus
            state[CORPUS_CHOICE] = f"upload:{digest}"
            flash("success", f"Opened {corpus.name}: {describe(corpus)}.")
    path = state.pop(PENDING_PATH, None)
    if path:
        try:
            resolved = resolve_corpus_ref(path)
            corpus, _ = load_path_corpus(str(resolved), path_signature(resolved))
        except InputError as exc:
            flash("error", f"Could not open the folder: {exc}")
        else:
            remember_path(resolved)
            state[CORPUS_CHOICE] = f"path:{resolved}"
            flash("success", f"Opened {corpus.name}: {describe(corpus)}.")
    upload = state.pop(PENDING_GLOSSARY_UPLOAD, None)
    if upload is not None:
        try:
            glossary = glossary_from_upload(upload if isinstance(upload, Upload) else Upload(*upload))
        except InputError as exc:
            flash("error", f"Could not use the glossary: {exc}")
        except ImportError:
            flash("error", "Glossaries are not available in this installation.")
        else:
            key = glossary_digest(glossary)
            state.setdefault(UPLOADED_GLOSSARIES, {})[key] = (upload.name if isinstance(upload, Upload) else upload[0], glossary)
            state[GLOSSARY_CHOICE] = f"upload:{key}"
            flash("success", f"Using the glossary {glossary_label_of(upload)} ({len(glossary.terms)} terms).")


def glossary_label_of(upload: Any) -> str:
    return upload.name if isinstance(upload, Upload) else str(upload[0])


def remember_path(path) -> None:
    paths = st.session_state.setdefault(EXTRA_PATHS, [])
    if str(path) not in paths:
        paths.append(str(path))


def describe(corpus: Corpus) -> str:
    def n(count: int, word: str) -> str:
        return f"{count:,} {word}" + ("" if count == 1 else "s")

    return ", ".join(
        [n(len(corpus), "segment"), n(len(corpus.systems), "system"), n(len(corpus.references), "reference")]
        + (["source"] if corpus.source else ["no source"])
    )


def initial_choices() -> None:
    """On a session's first run: the corpus from ``?corpus=`` or ``REVIEW_APP_CORPUS``, else tianwen-1;
    the bundled space-diplomacy glossary."""
    state = st.session_state
    query = st.query_params.get("corpus")
    if query and state.get(QUERY_SEEN) != query:
        state[QUERY_SEEN] = query
        state[PENDING_PATH] = query
    if CORPUS_CHOICE not in state:
        start = startup_corpus()
        bundled = bundled_corpora()
        if start is not None and not query:
            try:
                corpus, _ = load_path_corpus(str(start.resolve()), path_signature(start))
            except InputError as exc:
                flash("error", f"REVIEW_APP_CORPUS: {exc}")
            else:
                remember_path(start.resolve())
                state[CORPUS_CHOICE] = f"path:{start.resolve()}"
        if CORPUS_CHOICE not in state:
            if DEFAULT_CORPUS in bundled:
                state[CORPUS_CHOICE] = f"bundled:{DEFAULT_CORPUS}"
            elif bundled:
                state[CORPUS_CHOICE] = f"bundled:{next(iter(bundled))}"
    if GLOSSARY_CHOICE not in state:
        state[GLOSSARY_CHOICE] = f"bundled:{DEFAULT_GLOSSARY}" if DEFAULT_GLOSSARY in bundled_glossaries() else NO_GLOSSARY


def corpus_options() -> dict[str, str]:
    options = {f"bundled:{name}": name for name in bundled_corpora()}
    for path in st.session_state.get(EXTRA_PATHS, []):
        options[f"path:{path}"] = f"{path.rstrip('/').split('/')[-1]} (folder)"
    for digest, corpus in st.session_state.get(UPLOADED_CORPORA, {}).items():
        options[f"upload:{digest}"] = f"{corpus.name} (uploaded)"
    return options


def glossary_options() -> dict[str, str]:
    options = {NO_GLOSSARY: "No glossary"}
    options.update({f"bundled:{name}": name for name in bundled_glossaries()})
    for key, (name, _) in st.session_state.get(UPLOADED_GLOSSARIES, {}).items():
        options[f"upload:{key}"] = f"{name} (uploaded)"
    return options


def picker(label: str, options: dict[str, str], store: str, widget: str, help: str | None = None) -> str:
    """A selectbox whose choice lives in ``st.session_state[store]``, so every screen shows the same."""
    keys = list(options)
    if st.session_state.get(store) not in keys:
        st.session_state[store] = keys[0]
    st.session_state[widget] = st.session_state[store]  # the same choice on every screen

    def chosen() -> None:  # runs before the script, so the line above sees the new choice
        st.session_state[store] = st.session_state[widget]
        clear_messages()  # they were about what was open before

    return st.selectbox(label, keys, format_func=options.get, key=widget, help=help, on_change=chosen)


def load_choice(choice: str) -> tuple[Corpus, str, str]:
    kind, _, value = choice.partition(":")
    if kind == "upload":
        corpus = st.session_state[UPLOADED_CORPORA][value]
        return corpus, value, f"{corpus.name} (uploaded)"
    path = bundled_corpora()[value] if kind == "bundled" else value
    corpus, digest = load_path_corpus(str(path), path_signature(path))
    return corpus, digest, corpus.name if kind == "bundled" else str(path)


def load_glossary_choice(choice: str):
    kind, _, value = choice.partition(":")
    if kind == "upload":
        name, glossary = st.session_state[UPLOADED_GLOSSARIES][value]
        return glossary, value, name
    if kind == "bundled":
        path = bundled_glossaries()[value]
        glossary, key = load_path_glossary(str(path), path_signature(path))
        return glossary, key, value
    return None, NO_GLOSSARY, "no glossary"


def workspace() -> Workspace:
    """The sidebar (corpus and glossary) and the loaded corpus; stops the screen if there is none."""
    st.html(style_tag())
    initial_choices()
    process_pending()
    with st.sidebar:
        st.markdown("### MT review")
        options = corpus_options()
        if not options:
            show_messages()
            st.info("No corpus yet: open one on the Open files screen.")
            st.stop()
        choice = picker("Corpus", options, CORPUS_CHOICE, "sidebar_corpus")
        glossary_choice = picker(
            "Glossary", glossary_options(), GLOSSARY_CHOICE, "sidebar_glossary",
            help="Terms checked in every MT output (the glossary folder, edited on the Glossary screen, or "
            "uploaded on the Open files screen).",
        )
        from review_app.ui import review_state

        review_state.reviewer_sidebar()
    show_messages()
    try:
        corpus, digest, label = load_choice(choice)
    except InputError as exc:
        st.error(str(exc))
        st.stop()
    glossary, glossary_key, glossary_label = None, NO_GLOSSARY, "no glossary"
    try:
        glossary, glossary_key, glossary_label = load_glossary_choice(glossary_choice)
    except InputError as exc:
        st.error(f"Glossary: {exc}")
    except ImportError:
        pass
    with st.sidebar:
        st.page_link(SCREENS["open"], label="Open or upload files", icon=":material/upload_file:")
    return Workspace(
        corpus=corpus,
        digest=digest,
        source_label=label,
        glossary=glossary,
        glossary_key=glossary_key,
        glossary_label=glossary_label,
        ref_columns=reference_columns(corpus),
        review_key=review_state.corpus_key(corpus, digest if choice.startswith("upload:") else None),
    )


# --- analysis: scores and findings, with progress ----------------------------------------------


@dataclass
class Analysis:
    scores: CorpusScores
    findings: list | None  # None: the checks are not available; [] while they run
    pending: tuple[str, ...]  # metric ids still being computed
    job: jobs_module.ScoringJob
    checks: jobs_module.Job | None = None
    checks_error: str | None = None
    dismissed: str = "none"  # changes when reviewers dismiss findings (they are left out of ``findings``)
    checks_running: bool = False  # when ``findings`` was taken (the job may finish a moment later)

    @property
    def metrics(self) -> dict[str, str]:
        return metric_names(OPTIONS, METRIC_IDS)

    @property
    def checks_pending(self) -> bool:
        """The checks were still running when ``findings`` was taken (a snapshot: reading the job's
        state again could pair "done" with the empty list, and cache tables built from it as final)."""
        return self.checks_running

    @property
    def complete(self) -> bool:
        """Every metric scored and the checks done: what the CLI would give."""
        return not self.pending and not self.checks_pending

    @property
    def state(self) -> tuple:
        """What the tables built from this depend on (a cache key part)."""
        return (self.scores.metric_ids, self.checks_pending, self.checks_error is not None, self.dismissed)


def progress_text(job: jobs_module.Job | jobs_module.ScoringJob, what: str) -> str:
    p = job.progress
    if not p.total:
        return f"{what}…"
    return f"{what}: {p.done:,} of {p.total:,} ({p.label})"


def analysis(ws: Workspace) -> Analysis:
    """Scores and findings. Waits, with a progress bar, only for BLEU and chrF; TER and the QA checks
    fill in when their background jobs finish (see :func:`pending_notice`). Stops the screen with the
    message if scoring failed."""
    job = scoring_job(ws.digest, ws.corpus)
    checks = checks_job(ws.digest, ws.glossary_key, ws.corpus, ws.glossary)
    placeholder = st.empty()  # always there, so the elements after it keep their places between runs
    if not (job.fast_ready or job.error):
        while not (job.fast_ready or job.error):
            with placeholder.container():
                st.progress(job.progress.fraction, text=progress_text(job, "Scoring BLEU, chrF and chrF++"))
                if checks is not None and not checks.done:
                    st.progress(checks.progress.fraction, text=progress_text(checks, "QA and glossary checks"))
            time.sleep(POLL_SECONDS)
        placeholder.empty()
    if job.error is not None and job.current() is None:
        st.error(f"Scoring failed: {job.error}")
        if st.button("Try again"):
            scoring_job.clear()
            st.rerun()
        st.stop()
    findings, checks_error = None, None
    checks_running = checks is not None and not checks.done
    if checks is not None:
        if checks_running:
            findings = []
        elif checks.error is not None:
            checks_error = str(checks.error)
        else:
            findings = checks.result
    dismissed = "none"
    if findings:
        from review_app.ui import review_state

        findings, dismissed = review_state.visible_findings(ws.review_key, findings)
    return Analysis(
        scores=job.current(), findings=findings, pending=job.pending_metrics if job.error is None else (),
        job=job, checks=checks, checks_error=checks_error, dismissed=dismissed, checks_running=checks_running,
    )


def pending_notice(result: Analysis) -> None:
    """While TER or the checks run: progress bars that rerun the screen when they are done. Always
    one container, so the elements after it keep their places when it empties."""
    slot = st.container()
    if result.complete:
        return

    @st.fragment(run_every=1.0)
    def watch() -> None:
        job, checks = result.job, result.checks
        ter_done = not job.pending_metrics or job.error is not None
        checks_done = checks is None or checks.done
        if (result.pending and ter_done) or (result.checks_pending and checks_done):
            st.rerun()  # something new to show
        if not ter_done:
            names = ", ".join(metric_names(OPTIONS, job.pending_metrics).values())
            st.progress(job.progress.fraction, text=progress_text(job, f"Computing {names} (fills in when done)"))
        if not checks_done:
            st.progress(checks.progress.fraction, text=progress_text(checks, "QA and glossary checks (findings fill in when done)"))

    with slot:
        watch()


def checks_notice(result: Analysis) -> None:
    if result.checks_error:
        st.warning(f"The QA checks failed: {result.checks_error}")
    elif result.findings is None:
        st.info("The QA and glossary checks are not installed; scores only.")


def table_for(ws: Workspace, result: Analysis):
    return segment_table(ws.digest, ws.glossary_key, result.state, ws.corpus, result.scores, result.findings or [])


def search_index_for(ws: Workspace, result: Analysis, table) -> TableIndex:
    """The filtering index of ``table`` (:func:`table_for`'s; built once per table, shared by every session)."""
    return table_index(ws.digest, ws.glossary_key, result.state, table)


def segment_rows_html_for(ws: Workspace, result: Analysis, rows, by_row: dict, **options) -> str:
    """:func:`review_app.ui.render.segment_rows_html` of a page of rows, kept for every session: the
    default view (worst first, page 1) is what every reviewer opens first, and word diffs cost."""
    from review_app.ui.render import segment_rows_html

    return page_html(
        ws.digest, ws.glossary_key, result.state, tuple(rows.index), repr(sorted(options.items())), rows, by_row,
        lambda rows, by_row: segment_rows_html(rows, by_row, **options),
    )


def score_chart(ws: Workspace, result: Analysis, table, metric_id: str) -> dict:
    """The Overview's sentence-score box plots for one metric (a Vega-Lite spec built once per state)."""
    from review_app.scoring.metrics import LOWER_IS_BETTER
    from review_app.ui.charts import sentence_score_chart

    def build() -> dict:
        data = table[["system", "segment", metric_id]].rename(columns={metric_id: "score"})
        return sentence_score_chart(data, result.metrics[metric_id], metric_id in LOWER_IS_BETTER)

    return chart_spec(ws.digest, ws.glossary_key, result.state, ("scores", metric_id), build)


def findings_chart(ws: Workspace, result: Analysis) -> dict:
    from review_app.ui import charts

    return chart_spec(ws.digest, ws.glossary_key, result.state, ("findings",), lambda: charts.findings_chart(result.findings or []))


def index_for(ws: Workspace, result: Analysis) -> dict:
    return findings_index(ws.digest, ws.glossary_key, result.state, result.findings or [])


def json_export(scores: CorpusScores, findings: list | None) -> str:
    """Exactly what ``review-app score --format json`` writes: ``scores_to_dict(result, findings)``
    through the CLI's own renderer, with the newline the CLI ends its output with."""
    from review_app.cli.score import render

    return render(scores, "json", "corpus", 2, findings) + "\n"


def json_download(ws: Workspace, result: Analysis, key: str) -> None:
    st.download_button(
        "Download JSON",
        data=lambda: json_export(result.scores, result.findings),
        file_name=safe_name(f"{ws.corpus.name}-scores.json"),
        mime="application/json",
        icon=":material/data_object:",
        disabled=not result.complete,
        on_click="ignore",  # no rerun: it would revoke the file being generated (and costs a full run)
        help="All corpus and sentence scores with sacrebleu signatures, and every finding: the same JSON as "
        "`review-app score --format json`." + ("" if result.complete else " Available once TER and the checks are done."),
        key=key,
    )
