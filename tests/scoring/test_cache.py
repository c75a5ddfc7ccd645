import gzip
from concurrent.futures import ProcessPoolExecutor

import pytest

import review_app.scoring.stats as stats_module
from review_app.corpus import load_corpus_dir
from review_app.scoring.cache import ScoreCache
from review_app.scoring.metrics import MetricOptions
from review_app.scoring.results import score_corpus


def forbid_computing(monkeypatch):
    def fail(job):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(stats_module, "compute_chunk", fail)


def test_second_open_recomputes_nothing(tianwen, tmp_path, monkeypatch):
    corpus = load_corpus_dir(tianwen)
    cache = ScoreCache(tmp_path / "cache")
    first = score_corpus(corpus, cache=cache)
    forbid_computing(monkeypatch)
    second = score_corpus(corpus, cache=cache)
    assert first == second


def test_changed_settings_or_text_are_recomputed(tianwen, tmp_path, monkeypatch):
    corpus = load_corpus_dir(tianwen)
    cache = ScoreCache(tmp_path / "cache")
    score_corpus(corpus, metric_ids=("bleu",), cache=cache)
    calls = []
    original = stats_module.compute_chunk
    monkeypatch.setattr(stats_module, "compute_chunk", lambda job: calls.append(job) or original(job))
    lowercased = score_corpus(corpus, metric_ids=("bleu",), options=MetricOptions(bleu_lowercase=True), cache=cache)
    assert len(calls) == 1 and "case:lc" in lowercased.systems[0].metrics["bleu"].signature
    # chrF settings do not touch BLEU's cache entry
    score_corpus(corpus, metric_ids=("bleu",), options=MetricOptions(chrf_beta=3), cache=cache)
    assert len(calls) == 1


def test_damaged_cache_file_is_recomputed(tianwen, tmp_path):
    corpus = load_corpus_dir(tianwen)
    cache = ScoreCache(tmp_path / "cache")
    good = score_corpus(corpus, metric_ids=("chrf",), cache=cache)
    [entry] = list((tmp_path / "cache").rglob("*.json.gz"))
    entry.write_bytes(gzip.compress(b"{not json"))
    assert score_corpus(corpus, metric_ids=("chrf",), cache=cache) == good


def score_in_process(folder, cache_dir):
    corpus = load_corpus_dir(folder)
    return score_corpus(corpus, metric_ids=("bleu", "chrf"), cache=ScoreCache(cache_dir), jobs=1)


def test_two_processes_share_one_cache_folder(tianwen, tmp_path):
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(score_in_process, [tianwen, tianwen], [tmp_path / "c", tmp_path / "c"]))
    assert results[0] == results[1]
    assert len(list((tmp_path / "c").rglob("*.json.gz"))) == 2
    assert not list((tmp_path / "c").rglob("*.tmp"))


def test_unwritable_cache_only_costs_time(tianwen, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = score_corpus(load_corpus_dir(tianwen), metric_ids=("bleu",), cache=ScoreCache(blocker / "cache"))
    assert result.systems[0].metrics["bleu"].corpus > 0
