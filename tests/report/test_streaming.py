"""Streaming a corpus chunk by chunk gives the numbers of the in-memory run (and of ``score``)."""

from __future__ import annotations

import pytest

from review_app.corpus import load_corpus
from review_app.errors import InputError
from review_app.glossary import load_glossary
from review_app.report.collect import ReportSettings, collect_corpus
from review_app.report.executors import Runner
from review_app.report.streaming import chunk_bounds, corpus_files, iter_lines
from review_app.scoring.results import score_corpus
from review_app.textio import split_lines


def summary(report):
    """Everything a report shows, in plain data."""
    return {
        "scores_dict": {k: v for k, v in report.scores_dict.items() if k not in ("segments", "segments_omitted")},
        "systems": [
            {
                "name": s.name,
                "scores": s.scores,
                "signatures": s.signatures,
                "sentence_signatures": s.sentence_signatures,
                "verbose": s.verbose,
                "histograms": s.histograms,
                "intervals": {m: (iv.mean, iv.ci) for m, iv in s.intervals.items()},
                "findings": s.findings_by_check,
                "worst": [(v.segment, v.mt, v.references, v.source, v.scores, v.findings) for v in s.worst],
                "flagged": [(v.segment, v.scores, v.findings) for v in s.flagged],
            }
            for s in report.systems
        ],
        "paired": [(p.system, p.metric_id, p.score, p.baseline_score, p.p_value) for p in report.paired],
        "baseline": report.baseline,
        "terms": [(t.term, t.count, t.systems) for t in report.terms],
    }


@pytest.fixture
def settings(glossary_file):
    return ReportSettings(
        metric_ids=("bleu", "chrf", "chrf++", "ter"), glossary=load_glossary(glossary_file), n_bootstrap=100,
        chunk_size=37, worst=5,
    )


def test_streamed_report_equals_in_memory_report(sample, settings):
    runner = Runner(jobs=1)
    settings.streaming = "off"
    in_memory = collect_corpus(sample, settings, runner)
    settings.streaming = "on"
    streamed = collect_corpus(sample, settings, runner)
    assert streamed.streaming and not in_memory.streaming
    assert summary(streamed) == summary(in_memory)
    assert "segments" not in streamed.scores_dict and len(in_memory.scores_dict["segments"]) == 5 * 300
    # the same numbers as the score command
    expected = score_corpus(load_corpus(sample), metric_ids=settings.metric_ids, cache=False, jobs=1)
    for system in expected.systems:
        for m, metric in system.metrics.items():
            assert streamed.system(system.name).scores[m] == metric.corpus
            assert streamed.system(system.name).verbose.get(m, "") == metric.verbose


def test_streaming_on_two_processes_gives_the_same_numbers(sample, settings):
    settings.streaming = "on"
    one = collect_corpus(sample, settings, Runner(jobs=1))
    two = collect_corpus(sample, settings, Runner(jobs=2))
    assert summary(one) == summary(two)


def test_chunks_end_at_document_boundaries():
    documents = tuple("a" * 3 + "b" * 4 + "c" * 10 + "d")
    bounds = chunk_bounds(len(documents), 2, documents)
    assert bounds[0] == (0, 3) and bounds[1] == (3, 7)
    assert bounds[-1][1] == len(documents)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    # a document longer than twice the chunk is cut
    assert all(stop - start <= 4 for start, stop in bounds)
    assert chunk_bounds(5, 2) == [(0, 2), (2, 4), (4, 5)]


@pytest.mark.parametrize("data", [
    b"a\nb\n", b"a\nb", b"\xef\xbb\xbfa\r\nb\r\n", b"a\rb\nc", b"x\x0by\n\xe2\x80\xa8z\n", b"\n\n", b"one",
])
def test_lazy_reader_splits_lines_as_textio(tmp_path, data):
    path = tmp_path / "t.en"
    path.write_bytes(data)
    expected = split_lines(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    assert list(iter_lines(path)) == expected


def test_lazy_reader_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.en"
    path.write_bytes(b"ok\nbad \xff byte\n")
    with pytest.raises(InputError) as info:
        list(iter_lines(path))
    assert info.value.line == 2 and "bad.en" in str(info.value) and "UTF-8" in str(info.value)


def test_streaming_checks_line_counts(make_corpus, settings):
    folder = make_corpus("uneven", {"a": ["x", "y"], "b": ["x"]}, {"ref": ["x", "y"]})
    settings.streaming = "on"
    with pytest.raises(InputError, match="line counts differ"):
        collect_corpus(folder, settings, Runner(jobs=1))


def test_corpus_files_follow_the_manifest(tianwen):
    files = corpus_files(tianwen)
    assert files.name == "tianwen-1"
    assert [name for name, _ in files.systems] == ["seed-mt"]
    assert files.source is None


def test_chunks_hold_about_the_same_pairs_whatever_the_systems():
    from review_app.report.streaming import chunk_segments

    assert chunk_segments(1) == 500 and chunk_segments(5) == 200 and chunk_segments(100) == 50
    assert chunk_segments(5, requested=37) == 37


def test_auto_streams_large_corpora_only(sample, make_corpus, monkeypatch):
    from review_app.report import collect

    settings = ReportSettings()
    assert not collect.use_streaming(sample, settings)
    monkeypatch.setattr(collect, "STREAMING_SEGMENTS", 299)
    assert collect.use_streaming(sample, settings)
    monkeypatch.setattr(collect, "STREAMING_SEGMENTS", 300)
    monkeypatch.setattr(collect, "STREAMING_THRESHOLD", 1499)  # 300 x 5 pairs
    assert collect.use_streaming(sample, settings)
    settings.streaming = "off"
    assert not collect.use_streaming(sample, settings)


@pytest.mark.parametrize("data", [
    "a\rb\rc\r".encode(),  # bare-CR line ends
    "a\nb\n".encode("utf-16"),  # UTF-16 with a byte-order mark
    "hello\nworld\n".encode("utf-16-le"),  # UTF-16 without one
    b"ok\ncaf\xe9\n",  # Latin-1
    b"ok\nnul\x00byte\n",
])
def test_streaming_refuses_what_the_in_memory_reader_refuses(make_corpus, settings, data):
    folder = make_corpus("bad", {"a": ["x", "y"]}, {"ref": ["x", "y"]})
    (folder / "systems" / "a.en").write_bytes(data)
    with pytest.raises(InputError) as in_memory:
        load_corpus(folder)
    settings.streaming = "on"
    with pytest.raises(InputError) as streamed:
        collect_corpus(folder, settings, Runner(jobs=1))
    assert str(streamed.value) == str(in_memory.value)


def test_streaming_refuses_links_out_of_the_folder_and_pipes(make_corpus, settings, tmp_path):
    import os

    folder = make_corpus("linked", {"a": ["x", "y"]}, {"ref": ["x", "y"]})
    outside = tmp_path / "secret.txt"
    outside.write_text("s1\ns2\n", encoding="utf-8")
    os.symlink(outside, folder / "systems" / "b.en")
    settings.streaming = "on"
    with pytest.raises(InputError, match="outside the corpus folder"):
        collect_corpus(folder, settings, Runner(jobs=1))
    os.unlink(folder / "systems" / "b.en")
    os.mkfifo(folder / "systems" / "c.en")  # listed in corpus.json (a folder listing skips it)
    (folder / "corpus.json").write_text('{"systems": ["systems/a.en", "systems/c.en"]}', encoding="utf-8")
    with pytest.raises(InputError, match="not a regular file"):
        collect_corpus(folder, settings, Runner(jobs=1))  # refused, not waited on forever
