"""Streaming a huge corpus: chunk by chunk from the files, never every system's text or statistics at once.

The corpus files are read lazily, a chunk of segments (all systems, the references, the source) at a
time, so the references of a chunk are processed once for all systems. Each chunk goes to a worker,
where :func:`~review_app.scoring.stats.compute_chunk` computes its statistics exactly as for a corpus
in memory; the worker also turns them into sentence scores, sums them where they are integers, and
runs the QA checks on the chunk. Back in this process a chunk's results are folded into per-system
accumulators, in segment order:

* corpus statistics are summed as sacrebleu's ``sum_of_lists`` sums them (integers exactly; floats
  one segment after the other, in the same order), so the corpus scores equal a whole-corpus run;
* each system's per-segment statistics are appended, as float32 (what sacrebleu's bootstrap converts
  them to), to a temporary file that the bootstrap reads back one system at a time;
* sentence scores feed a histogram and the lists of the system's worst and most flagged segments
  (texts kept only for those); findings are counted.

At most ``2 x jobs`` chunks are in flight, so memory depends on the chunk size and the number of
workers, not on the corpus size. Per-segment rows are not kept, so the JSON of a streamed corpus has
no ``segments`` list.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np

from review_app.corpus import Corpus, Text, corpus_layout, plural, read_documents, stem
from review_app.errors import InputError
from review_app.report.executors import Runner, ordered_map
from review_app.report.model import (
    CorpusReport,
    SegmentView,
    SystemReport,
    finding_dict,
    findings_weight,
    flagged_order,
    histogram,
    segment_metric,
    worst_order,
)
from review_app.scoring.metrics import build_metric, metric_name, signature
from review_app.scoring.stats import ProgressCallback, StatsJob, compute_chunk, prepare
from review_app.textio import BOM, FOREIGN_BOMS, looks_like_latin1, looks_like_utf16

READ_BLOCK = 1 << 20
# A streamed chunk holds about this many segment x system pairs (a worker's memory grows with what a
# chunk holds, so with many systems a chunk has fewer segments), between these many segments.
CHUNK_PAIRS = 1000
MIN_CHUNK, MAX_CHUNK = 50, 500


def chunk_segments(n_systems: int, requested: int | None = None) -> int:
    """Segments per chunk: ``requested`` if given, else about :data:`CHUNK_PAIRS` pairs' worth."""
    if requested:
        return requested
    return max(MIN_CHUNK, min(MAX_CHUNK, CHUNK_PAIRS // max(1, n_systems)))


# --- the corpus files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusFiles:
    """Where a corpus folder's texts are (found by :func:`review_app.corpus.corpus_layout`, as
    :func:`review_app.corpus.load_corpus_dir` finds them), and its small metadata."""

    name: str
    origin: str
    systems: tuple[tuple[str, Path], ...]  # (name, path)
    references: tuple[tuple[str, Path], ...]
    source: Path | None
    documents: tuple[str, ...] | None
    domains: tuple[str, ...] | None
    source_lang: str | None
    target_lang: str

    @staticmethod
    def count_lines(named_or_path) -> int:
        path = named_or_path[1] if isinstance(named_or_path, tuple) else named_or_path
        return scan_file(Path(path))


def corpus_files(folder: str | os.PathLike) -> CorpusFiles:
    """The files of a corpus folder, without reading the texts (paths outside the folder refused)."""
    layout = corpus_layout(folder)
    manifest = layout.manifest
    documents = domains = None
    if layout.documents is not None:
        documents, domains = read_documents(layout.documents)
    source_lang = manifest.get("source_lang") or (layout.source.suffix.lstrip(".") if layout.source else None)
    return CorpusFiles(
        name=manifest.get("name") or layout.root.name,
        origin=str(layout.root),
        systems=tuple((stem(p), p) for p in layout.systems),
        references=tuple((stem(p), p) for p in layout.references),
        source=layout.source,
        documents=documents,
        domains=domains,
        source_lang=source_lang,
        target_lang=manifest.get("target_lang", "en"),
    )


def open_regular(path: Path):
    """Open a regular file for reading (a FIFO or device would hang or never end: refused)."""
    label = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError("file not found", label) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", label) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError("is not a regular file (a device, pipe or socket); refused", label)
    return os.fdopen(fd, "rb")


def scan_file(path: Path) -> int:
    """Count a text's lines as :func:`review_app.textio.split_lines` splits them, refusing what the
    in-memory readers refuse before reading: UTF-16/UTF-32 files, bare-CR line ends. (Bad UTF-8 and
    NUL bytes are found by :func:`iter_lines` with their line.) The size limit does not apply: the
    file is never held in memory."""
    label = str(path)
    newlines = crs = crlfs = 0
    first = b""
    last = b""
    with open_regular(path) as handle:
        while block := handle.read(READ_BLOCK):
            if not first:
                first = block[:4096]
            newlines += block.count(b"\n")
            crs += block.count(b"\r")
            crlfs += block.count(b"\r\n") + (1 if last == b"\r" and block[:1] == b"\n" else 0)
            last = block[-1:]
    for mark, encoding in FOREIGN_BOMS:
        if first.startswith(mark):
            raise InputError(f"the file is {encoding} (it starts with a {encoding} byte-order mark); save it as UTF-8",
                             label, 1)
    utf16 = looks_like_utf16(first)
    if utf16:
        raise InputError(f"the file looks like {utf16} without a byte-order mark; save it as UTF-8", label, 1)
    lone = crs - crlfs - (1 if last == b"\r" else 0)
    if lone > 0 and lone >= newlines:
        raise InputError(
            f"lines end in a bare carriage return (CR, old Mac style: {lone} CR against {newlines} LF); "
            "save the file with LF or CRLF line ends", label, first_lone_cr_line(path),
        )
    if not first:
        return 0
    return newlines + (0 if last == b"\n" else 1)


def first_lone_cr_line(path: Path) -> int:
    with open_regular(path) as handle:
        for number, raw in enumerate(handle, 1):
            body = raw[:-1] if raw.endswith(b"\n") else raw
            if b"\r" in body[:-1] or (body.endswith(b"\r") and not raw.endswith(b"\n")):
                return number
    return 1


def check_files(files: CorpusFiles) -> int:
    """Every text has the same number of lines (and names are unique); returns that number."""
    texts = [*files.systems, *files.references, *([("source", files.source)] if files.source else [])]
    counts = [(path, CorpusFiles.count_lines(path)) for _, path in texts]
    first_path, first = counts[0]
    if first == 0:
        raise InputError("file is empty", str(first_path))
    for path, count in counts[1:]:
        if count != first:
            raise InputError(
                f"line counts differ: {first_path} has {plural(first, 'line')}, {path} has {plural(count, 'line')}"
            )
    for kind, named in (("system", files.systems), ("reference", files.references)):
        seen: dict[str, Path] = {}
        for name, path in named:
            if name in seen:
                raise InputError(f"two {kind} files are both named {name!r}: {seen[name]} and {path}")
            seen[name] = path
    for label, values in (("documents", files.documents), ("domains", files.domains)):
        if values is not None and len(values) != first:
            raise InputError(f"{label} list has {len(values)} lines but the corpus has {first} segments", files.origin)
    return first


def iter_lines(path: Path) -> Iterator[str]:
    """One file's lines, lazily, as :func:`review_app.textio.split_lines` splits them: on "\\n" only,
    CRLF's "\\r" dropped, strict UTF-8 with one leading BOM skipped, NUL bytes refused."""
    label = str(path)
    with open_regular(path) as handle:
        offset = 0
        for number, raw in enumerate(handle, 1):
            start = offset
            offset += len(raw)
            if number == 1 and raw.startswith(BOM):
                raw = raw[len(BOM):]
                start += len(BOM)
            if raw.endswith(b"\n"):
                raw = raw[:-1]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                hint = "it looks like Latin-1 or Windows-1252; " if looks_like_latin1(raw) else ""
                raise InputError(
                    f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {start + exc.start} "
                    f"({hint}save the file as UTF-8)", label, number,
                ) from None
            if "\x00" in line:
                raise InputError("contains a NUL byte (binary file?)", label, number)
            yield line


@dataclass
class ChunkTexts:
    start: int
    systems: list[list[str]]
    references: list[list[str]]
    source: list[str] | None


def chunk_bounds(n_segments: int, size: int, documents: tuple[str, ...] | None = None) -> list[tuple[int, int]]:
    """(start, stop) of each chunk: ``size`` segments, stretched to the end of a document when the
    corpus has documents (so document-level checks see whole documents), unless that would more than
    double the chunk."""
    bounds = []
    start = 0
    while start < n_segments:
        stop = min(n_segments, start + size)
        if documents is not None:
            limit = min(n_segments, start + 2 * size)
            end = stop
            while end < limit and documents[end] == documents[end - 1]:
                end += 1
            if end == n_segments or documents[end] != documents[end - 1]:
                stop = end
        bounds.append((start, stop))
        start = stop
    return bounds


def read_chunks(files: CorpusFiles, bounds: list[tuple[int, int]]) -> Iterator[ChunkTexts]:
    readers = [iter_lines(path) for _, path in files.systems]
    ref_readers = [iter_lines(path) for _, path in files.references]
    source_reader = iter_lines(files.source) if files.source else None

    def take(reader, count: int) -> list[str]:
        return [line for _, line in zip(range(count), reader)]

    for start, stop in bounds:
        count = stop - start
        systems = [take(reader, count) for reader in readers]
        references = [take(reader, count) for reader in ref_readers]
        source = take(source_reader, count) if source_reader else None
        yield ChunkTexts(start, systems, references, source)


# --- in the workers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemChunk:
    """One system's results on one chunk for one metric."""

    stats: np.ndarray  # (n, k) float32, for the bootstrap
    sentences: np.ndarray  # (n,) sentence scores
    int_sum: list[int] | None  # the rows' sum when every statistic is an integer (exact)
    rows: list | None  # else the rows themselves, summed in order by the caller


@lru_cache(maxsize=16)
def sentence_metric(metric_id: str, options):
    return build_metric(metric_id, options, sentence=True)


@dataclass(frozen=True)
class ChunkChecks:
    """What the QA checks need besides a chunk's texts: names, documents of the chunk, the glossary."""

    corpus_name: str
    system_names: tuple[str, ...]
    reference_names: tuple[str, ...]
    documents: tuple[str, ...] | None
    domains: tuple[str, ...] | None
    source_lang: str | None
    target_lang: str
    glossary: object = None


@dataclass(frozen=True)
class StreamJob:
    texts: ChunkTexts
    metric_ids: tuple[str, ...]
    options: object
    checks: ChunkChecks | None = None


@dataclass(frozen=True)
class ChunkResult:
    start: int
    metrics: dict[str, list[SystemChunk]]
    findings: list[dict]


def stream_chunk(job: StreamJob) -> ChunkResult:
    """One chunk in a worker: :func:`compute_chunk` (statistics, as for a corpus in memory), sentence
    scores and integer sums (so less travels back), and the QA checks on the chunk."""
    texts = job.texts
    stats_job = StatsJob(
        metric_ids=job.metric_ids,
        options=job.options,
        hypotheses=tuple(tuple(prepare(t) for t in hyps) for hyps in texts.systems),
        references=tuple(tuple(prepare(t) for t in ref) for ref in texts.references),
        start=texts.start,
    )
    start, computed = compute_chunk(stats_job)
    out: dict[str, list[SystemChunk]] = {}
    for metric_id, per_system in computed.items():
        scorer = sentence_metric(metric_id, job.options)
        chunks = []
        for rows in per_system:
            sentences = np.array([float(scorer._compute_score_from_stats(row).score) for row in rows])
            exact = np.array(rows)  # int64 when every statistic is a Python int, else float64
            stats = exact.astype("float32")
            if exact.dtype.kind == "i":
                chunks.append(SystemChunk(stats, sentences, exact.sum(0).tolist(), None))
            else:
                chunks.append(SystemChunk(stats, sentences, None, [list(row) for row in rows]))
        out[metric_id] = chunks
    findings = chunk_findings(job.checks, texts) if job.checks is not None else []
    return ChunkResult(start, out, findings)


def chunk_findings(checks: ChunkChecks, chunk: ChunkTexts) -> list[dict]:
    """The checks on one chunk, as a small corpus of its own; segment numbers made corpus-wide."""
    from review_app.checks import run_checks

    corpus = Corpus(
        name=checks.corpus_name,
        systems=tuple(Text(name, tuple(lines)) for name, lines in zip(checks.system_names, chunk.systems)),
        references=tuple(Text(name, tuple(lines)) for name, lines in zip(checks.reference_names, chunk.references)),
        source=Text("source", tuple(chunk.source)) if chunk.source is not None else None,
        documents=checks.documents,
        domains=checks.domains,
        source_lang=checks.source_lang,
        target_lang=checks.target_lang,
    )
    findings = [finding_dict(f) for f in run_checks(corpus, checks.glossary)]
    for finding in findings:
        finding["segment"] = int(finding.get("segment") or 0) + chunk.start
    return findings


# --- in this process ----------------------------------------------------------------------------


class Totals:
    """sacrebleu's ``sum_of_lists``, fed chunk by chunk in segment order."""

    def __init__(self) -> None:
        self.total: list | None = None
        self.first_row: list | None = None
        self.rows = 0

    def add_rows(self, rows: list) -> None:
        for row in rows:
            self._add(row)

    def add_int_sum(self, summed: list[int], n_rows: int, first_row: list) -> None:
        if n_rows == 0:
            return
        if self.total is None:
            self.total = [0] * len(summed)
            self.first_row = list(first_row)
        self.total = [a + b for a, b in zip(self.total, summed)]
        self.rows += n_rows

    def _add(self, row: list) -> None:
        if self.total is None:
            self.total = [type(row[0])(0.0)] * len(row)
            self.first_row = list(row)
        total = self.total
        for i in range(len(total)):
            total[i] += row[i]
        self.rows += 1

    def result(self) -> list:
        # sum_of_lists returns a one-segment corpus's row unchanged.
        return self.first_row if self.rows == 1 else (self.total or [])


@dataclass
class SystemState:
    name: str
    totals: dict[str, Totals] = field(default_factory=dict)
    histograms: dict[str, np.ndarray] = field(default_factory=dict)
    worst: list[tuple[float, int, SegmentView]] = field(default_factory=list)
    flagged: list[tuple[int, int, SegmentView]] = field(default_factory=list)


def collect_streaming(path, settings, runner: Runner, progress: ProgressCallback | None = None):
    """Stream one corpus folder into a :class:`CorpusReport` (see the module's description)."""
    from review_app.report.collect import Collected, FindingTally, checks_available, findings_by_segment

    files = corpus_files(path)
    n_segments = check_files(files)
    metric_ids = tuple(settings.metric_ids)
    options = settings.options
    chosen = segment_metric(metric_ids)
    states = [SystemState(name) for name, _ in files.systems]
    for state in states:
        for m in metric_ids:
            state.totals[m] = Totals()
            state.histograms[m] = np.zeros(20, dtype=np.int64)
    spill = tempfile.mkdtemp(prefix="review-report-")
    widths: dict[str, int] = {}

    def spill_path(i: int, m: str) -> str:
        return os.path.join(spill, f"{i}-{m.replace('+', 'p')}.f32")
    checks_state = "disabled"
    if settings.checks:
        checks_state = checks_available() or "ran"
    tally = FindingTally()
    texts_in_flight: deque[ChunkTexts] = deque()
    size = chunk_segments(len(files.systems), settings.chunk_size)
    bounds = chunk_bounds(n_segments, size, files.documents)
    n_chunks = len(bounds)
    label = f"scoring {files.name}"

    def jobs() -> Iterator[StreamJob]:
        for chunk in read_chunks(files, bounds):
            texts_in_flight.append(chunk)
            checks = None
            if checks_state == "ran":
                stop = chunk.start + len(chunk.systems[0])
                checks = ChunkChecks(
                    corpus_name=files.name,
                    system_names=tuple(name for name, _ in files.systems),
                    reference_names=tuple(name for name, _ in files.references),
                    documents=files.documents[chunk.start:stop] if files.documents else None,
                    domains=files.domains[chunk.start:stop] if files.domains else None,
                    source_lang=files.source_lang,
                    target_lang=files.target_lang,
                    glossary=settings.glossary,
                )
            yield StreamJob(chunk, metric_ids, options, checks)

    try:
        if progress:
            progress(0, n_chunks, label)
        executor = runner.task_executor()
        for done, result in enumerate(ordered_map(executor, stream_chunk, jobs(), runner.window), 1):
            chunk = texts_in_flight.popleft()
            assert chunk.start == result.start
            results = result.metrics
            tally.add(result.findings)
            by_segment = findings_by_segment(result.findings)
            for i, state in enumerate(states):
                for m in metric_ids:
                    part = results[m][i]
                    widths[m] = part.stats.shape[1] if part.stats.ndim == 2 else 0
                    with open(spill_path(i, m), "ab") as handle:  # one file open at a time, whatever the systems
                        handle.write(np.ascontiguousarray(part.stats, dtype="float32").tobytes())
                    if part.int_sum is not None:
                        state.totals[m].add_int_sum(part.int_sum, len(part.stats), part.stats[0].astype(int).tolist())
                    else:
                        state.totals[m].add_rows(part.rows)
                    state.histograms[m] += np.asarray(histogram(part.sentences))
                update_worst(state, i, chunk, results, chosen, metric_ids, by_segment, settings.worst)
                update_flagged(state, i, chunk, results, metric_ids, by_segment, settings.worst)
            if progress:
                progress(done, n_chunks, label)
    except BaseException:
        shutil.rmtree(spill, ignore_errors=True)
        raise

    n_refs = len(files.references)
    names = {m: metric_name(m, options) for m in metric_ids}
    systems: list[SystemReport] = []
    for state in states:
        scores, signatures, sentence_signatures, verbose = {}, {}, {}, {}
        for m in metric_ids:
            metric = build_metric(m, options)
            score = metric._compute_score_from_stats(state.totals[m].result())
            scores[m] = float(score.score)
            signatures[m] = signature(metric, n_refs)
            sentence_signatures[m] = signature(build_metric(m, options, sentence=True), n_refs)
            if getattr(score, "_verbose", ""):
                verbose[m] = score._verbose
        systems.append(
            SystemReport(
                name=state.name, scores=scores, signatures=signatures, sentence_signatures=sentence_signatures,
                verbose=verbose, histograms={m: state.histograms[m].tolist() for m in metric_ids},
                worst=[view for _, _, view in state.worst],
                flagged=[view for _, _, view in state.flagged],
            )
        )
    terms = tally.apply(systems)
    report = CorpusReport(
        name=files.name, origin=files.origin, n_segments=n_segments, n_references=n_refs,
        metric_ids=metric_ids, metric_names=names, options=options, systems=systems, streaming=True,
        reference_names=tuple(name for name, _ in files.references),
        checks=checks_state, terms=terms, scores_dict=streaming_scores_dict(files.name, n_segments, n_refs, names, systems),
        notes=[f"streamed in chunks of about {size} segments: no per-segment rows in the JSON"],
    )
    if checks_state == "ran":
        report.notes.append(
            "checks ran chunk by chunk"
            + (" (chunks end at document boundaries)" if files.documents else "")
            + ": a check that looks across segments sees one chunk at a time"
        )

    def stats_source(i: int, m: str) -> np.ndarray:
        data = np.fromfile(spill_path(i, m), dtype="float32")
        return data.reshape(n_segments, widths[m]) if widths[m] else data.reshape(n_segments, 0)

    return Collected(report, stats_source, lambda: shutil.rmtree(spill, ignore_errors=True))


def chunk_view(state: SystemState, index: int, chunk: ChunkTexts, results, metric_ids, by_segment, local: int) -> SegmentView:
    segment = chunk.start + local
    return SegmentView(
        segment=segment + 1,
        mt=chunk.systems[index][local],
        references=tuple(ref[local] for ref in chunk.references),
        source=chunk.source[local] if chunk.source is not None else None,
        scores={m: float(results[m][index].sentences[local]) for m in metric_ids},
        findings=by_segment.get((state.name, segment + 1), []),
    )


def update_worst(state: SystemState, index: int, chunk: ChunkTexts, results, chosen: str, metric_ids,
                 by_segment, k: int) -> None:
    """Keep the ``k`` worst segments seen so far (ties: earlier segment first, as in memory)."""
    sentences = results[chosen][index].sentences
    sign = 1 if chosen == "ter" else -1  # the sort key: smaller is worse
    merged = list(state.worst)
    for local in worst_order(chosen, sentences, k):
        view = chunk_view(state, index, chunk, results, metric_ids, by_segment, local)
        merged.append((-sign * float(sentences[local]), view.segment, view))
    merged.sort(key=lambda item: (item[0], item[1]))
    state.worst = merged[:k]


def update_flagged(state: SystemState, index: int, chunk: ChunkTexts, results, metric_ids, by_segment, k: int) -> None:
    """Keep the ``k`` most flagged segments seen so far (as :func:`flagged_order` orders them)."""
    mine = {seg: found for (name, seg), found in by_segment.items() if name == state.name}
    merged = list(state.flagged)
    for segment in flagged_order(mine, k):
        view = chunk_view(state, index, chunk, results, metric_ids, by_segment, segment - 1 - chunk.start)
        merged.append((-findings_weight(mine[segment]), segment, view))
    merged.sort(key=lambda item: (item[0], item[1]))
    state.flagged = merged[:k]


def streaming_scores_dict(name: str, n_segments: int, n_refs: int, names: dict[str, str],
                          systems: list[SystemReport]) -> dict:
    """:func:`review_app.scoring.export.scores_to_dict`'s layout, without the per-segment rows."""
    return {
        "corpus": name,
        "n_segments": n_segments,
        "n_references": n_refs,
        "metrics": [names[m] for m in names],
        "systems": [
            {
                "name": system.name,
                "scores": {names[m]: system.scores[m] for m in names},
                "signatures": {names[m]: system.signatures[m] for m in names},
                "sentence_signatures": {names[m]: system.sentence_signatures[m] for m in names},
                "verbose": {names[m]: system.verbose[m] for m in names if m in system.verbose},
            }
            for system in systems
        ],
        "segments_omitted": "streamed corpus: per-segment rows are not kept",
    }


__all__ = ["CorpusFiles", "collect_streaming", "corpus_files", "iter_lines", "stream_chunk"]
