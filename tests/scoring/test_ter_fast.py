"""review_app.scoring.ter_fast must give sacrebleu's TER numbers exactly.

Property tests compare against sacrebleu's live pure-Python TER; the WMT22 test
compares all 18 systems against sacrebleu stats precomputed by
bench/make_ter_fixture.py (sacrebleu needs ~40 s per system) and re-checks a
random sample of that fixture against live sacrebleu.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import random
from pathlib import Path

import pytest
import sacrebleu
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import TER
from sacrebleu.metrics import lib_ter

from review_app.scoring import ter_fast
from review_app.scoring.ter_fast import FastTER, ter_class, translation_edit_rate
from review_app.textio import read_lines

REPO = Path(__file__).resolve().parents[2]
WMT22 = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "wmt22-zh-en"
FIXTURE = REPO / "tests" / "fixtures" / "wmt22_ter_ref-A.json.gz"

needs_numba = pytest.mark.skipif(not ter_fast.NUMBA_AVAILABLE, reason="numba is not installed")

# --- strategies ---------------------------------------------------------------

# Few distinct words, so repeats and shift candidates are plentiful.
SMALL_VOCAB = ["a", "b", "c", "d", "e"]
UNICODE_VOCAB = ["a", "A", "é", "e\u0301", "中", "文", "日本語", "😀", "ß", "SS", "x"]
small_words = st.lists(st.sampled_from(SMALL_VOCAB), max_size=40)
mixed_words = st.lists(
    st.one_of(st.sampled_from(SMALL_VOCAB + UNICODE_VOCAB),
              st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
                      min_size=1, max_size=3)),
    max_size=30)

# Surface tokens for the full-metric tests: case variants, punctuation, XML
# entities, numbers, CJK / full-width characters, so that every tokenizer
# option (case_sensitive, normalized, no_punct, asian_support) matters.
SURFACE_TOKENS = [
    "the", "The", "THE", "cat", "Cat", "sat", "on", "mat", "a", ",", ".", "!", "?", "-", "'s",
    "it's", "e.g.", "1,000", "3.14", "&amp;", "&lt;b&gt;", "&quot;", "U.S.", "中国", "的", "。",
    "，", "「", "」", "ｆｕｌｌ", "한국어", "カタカナ", "naïve", "Straße", "(x)", "--", "$5",
]
sentences = st.one_of(
    st.just(""),
    st.just("   "),
    st.lists(st.sampled_from(SURFACE_TOKENS), max_size=25).map(" ".join),
    st.lists(st.sampled_from(SURFACE_TOKENS), max_size=12).map("".join),
)
OPTION_COMBOS = [dict(zip(("case_sensitive", "normalized", "no_punct", "asian_support"), flags))
                 for flags in itertools.product((False, True), repeat=4)]


def edited(words: list[str], rng: random.Random, vocab: list[str], max_edits: int = 12) -> list[str]:
    """A noisy copy of `words`: block moves, substitutions, deletions, insertions."""
    out = list(words)
    for _ in range(rng.randrange(1, max_edits)):
        kind = rng.randrange(4)
        if kind == 0 and len(out) > 2:
            start = rng.randrange(len(out))
            block = out[start:start + rng.randrange(1, 8)]
            del out[start:start + len(block)]
            at = rng.randrange(len(out) + 1)
            out[at:at] = block
        elif kind == 1 and out:
            out[rng.randrange(len(out))] = rng.choice(vocab)
        elif kind == 2 and out:
            del out[rng.randrange(len(out))]
        else:
            out.insert(rng.randrange(len(out) + 1), rng.choice(vocab))
    return out


# --- translation_edit_rate ----------------------------------------------------

@needs_numba
@pytest.mark.parametrize("hyp, ref", [
    ([], []), (["a"], []), ([], ["a"]), (["a", "b"], ["a", "b"]), ([], ["a", "b", "c"]),
    (["a", "b", "c"], []), (["a"] * 30, ["a"] * 7), (["a"] * 3, ["a"] * 90),
    (list("abcdefgh"), list("efghabcd")), (list("xyz") * 20, list("zyx") * 20),
])
def test_edge_cases(hyp, ref):
    assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


@needs_numba
@settings(max_examples=250, deadline=None)
@given(hyp=small_words, ref=small_words)
def test_small_vocabulary_matches_sacrebleu(hyp, ref):
    result = translation_edit_rate(hyp, ref)
    assert result == lib_ter.translation_edit_rate(hyp, ref)
    assert all(type(x) is int for x in result)


@needs_numba
@settings(max_examples=100, deadline=None)
@given(hyp=mixed_words, ref=mixed_words)
def test_unicode_tokens_match_sacrebleu(hyp, ref):
    assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


@needs_numba
@settings(max_examples=100, deadline=None)
@given(ref=st.lists(st.sampled_from(SMALL_VOCAB + ["f", "g", "h"]), min_size=1, max_size=60),
       seed=st.integers(0, 2**32))
def test_shifted_copies_match_sacrebleu(ref, seed):
    """Hypotheses that are edited copies of the reference: many profitable shifts."""
    hyp = edited(ref, random.Random(seed), SMALL_VOCAB)
    assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


@needs_numba
@settings(max_examples=30, deadline=None)
@given(hyp=st.lists(st.sampled_from("abc"), min_size=40, max_size=70),
       ref=st.lists(st.sampled_from("abc"), min_size=40, max_size=70))
def test_shift_candidate_limit_matches_sacrebleu(hyp, ref):
    """Three words, 40-70 of them: the search often stops at _MAX_SHIFT_CANDIDATES."""
    assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


@needs_numba
@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), n_words=st.integers(200, 240), vocab_size=st.sampled_from([4, 12, 40]),
       max_edits=st.sampled_from([12, 60]))
@example(seed=2, n_words=220, vocab_size=4, max_edits=60)  # stops at the candidate limit
@example(seed=2, n_words=220, vocab_size=12, max_edits=60)  # 6 shifts, 347 candidates
def test_long_segments_match_sacrebleu(seed, n_words, vocab_size, max_edits):
    """200+ word segments: the beam (not the full matrix) decides the trace, and
    with many edits the 1000-candidate limit is reached. sacrebleu needs up to
    ~15 s for one of these."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(vocab_size)]
    ref = [rng.choice(vocab) for _ in range(n_words)]
    hyp = edited(ref, rng, vocab, max_edits)
    assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


@needs_numba
def test_very_different_lengths_match_sacrebleu():
    """Length ratio above 2 * _BEAM_WIDTH widens sacrebleu's beam."""
    rng = random.Random(7)
    for n_hyp, n_ref in [(2, 120), (3, 200), (150, 2), (1, 60)]:
        hyp = [rng.choice("abc") for _ in range(n_hyp)]
        ref = [rng.choice("abc") for _ in range(n_ref)]
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref)


@settings(max_examples=100, deadline=None)
@given(hyp=small_words, ref=small_words)
def test_sacrebleu_edit_distance_cache_does_not_change_results(hyp, ref):
    """ter_fast does not reproduce sacrebleu's row cache; this checks the premise
    that the cache is a pure optimisation (same numbers with it switched off)."""
    with_cache = lib_ter.translation_edit_rate(hyp, ref)
    saved = lib_ter._MAX_CACHE_SIZE
    lib_ter._MAX_CACHE_SIZE = 0  # _add_cache() then never stores a row
    try:
        without_cache = lib_ter.translation_edit_rate(hyp, ref)
    finally:
        lib_ter._MAX_CACHE_SIZE = saved
    assert with_cache == without_cache


# --- FastTER vs TER -----------------------------------------------------------

def _scores_equal(fast, slow):
    assert fast.score == slow.score
    assert fast.num_edits == slow.num_edits
    assert fast.ref_length == slow.ref_length
    assert str(fast) == str(slow)


@needs_numba
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n_refs=st.sampled_from([1, 2]))
def test_fast_ter_equals_ter_for_all_options(data, n_refs):
    n_segments = data.draw(st.integers(1, 4), label="segments")
    hyps = data.draw(st.lists(sentences, min_size=n_segments, max_size=n_segments), label="hyps")
    refs = [data.draw(st.lists(sentences, min_size=n_segments, max_size=n_segments), label=f"ref{k}")
            for k in range(n_refs)]
    for options in OPTION_COMBOS:
        fast, slow = FastTER(**options), TER(**options)
        assert fast._extract_corpus_statistics(hyps, refs) == slow._extract_corpus_statistics(hyps, refs)
        _scores_equal(fast.corpus_score(hyps, refs), slow.corpus_score(hyps, refs))
        assert str(fast.get_signature()) == str(slow.get_signature())
        _scores_equal(fast.sentence_score(hyps[0], [r[0] for r in refs]),
                      slow.sentence_score(hyps[0], [r[0] for r in refs]))


@needs_numba
def test_fast_ter_with_cached_references_and_bootstrap():
    refs = [["The cat sat on the mat .", "A dog , and a cat", ""]]
    hyps = ["the mat sat on the cat", "a cat and a dog !", "extra words"]
    fast, slow = FastTER(references=refs), TER(references=refs)
    _scores_equal(fast.corpus_score(hyps, None), slow.corpus_score(hyps, None))
    assert str(fast.get_signature()) == str(slow.get_signature())

    def bootstrap(metric):
        # sacrebleu 2.6.0's own TER bootstrap raises TypeError under numpy 2
        # (statistics.mean on float32); whatever TER does, FastTER must do too.
        try:
            result = metric.corpus_score(hyps, refs, n_bootstrap=50)
        except Exception as exc:  # noqa: BLE001 - comparing behaviour, not handling
            return type(exc), str(exc)
        return result.score, result._mean, result._ci

    assert bootstrap(FastTER()) == bootstrap(TER())


# --- the switch ---------------------------------------------------------------

def test_ter_class_switch(monkeypatch):
    monkeypatch.delenv(ter_fast.ENV_VAR, raising=False)
    expected_fast = FastTER if ter_fast.NUMBA_AVAILABLE else TER
    assert ter_class("sacrebleu") is TER
    assert ter_class("SacreBLEU") is TER
    with pytest.raises(ValueError):
        ter_class("tercom")
    if ter_fast.NUMBA_AVAILABLE:
        assert ter_class("fast") is FastTER
        assert ter_class() is FastTER
    monkeypatch.setenv(ter_fast.ENV_VAR, "sacrebleu")
    assert ter_class() is TER
    assert ter_class("fast") is expected_fast  # an explicit choice beats the environment
    monkeypatch.setenv(ter_fast.ENV_VAR, "fast")
    assert ter_class() is expected_fast
    monkeypatch.setenv(ter_fast.ENV_VAR, "bogus")
    with pytest.warns(RuntimeWarning, match="bogus"):
        assert ter_class() is expected_fast


def test_falls_back_to_sacrebleu_without_numba(monkeypatch):
    monkeypatch.delenv(ter_fast.ENV_VAR, raising=False)
    monkeypatch.setattr(ter_fast, "NUMBA_AVAILABLE", False)
    with pytest.warns(RuntimeWarning, match="numba"):
        assert ter_class() is TER
    # the function itself still answers, through sacrebleu
    assert translation_edit_rate(list("abcd"), list("cdab")) == lib_ter.translation_edit_rate(
        list("abcd"), list("cdab"))


# --- all WMT22 zh-en systems against sacrebleu ----------------------------------

@pytest.fixture(scope="module")
def wmt22_fixture():
    if not (WMT22 / "ref-A.en").exists():
        pytest.skip(f"WMT22 zh-en data not found at {WMT22} (expected ../shared beside the repo)")
    if not FIXTURE.exists():
        pytest.skip(f"{FIXTURE.name} missing: run bench/make_ter_fixture.py")
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        fixture = json.load(f)
    assert fixture["sacrebleu_version"] == sacrebleu.__version__, (
        f"fixture made with sacrebleu {fixture['sacrebleu_version']}, installed "
        f"{sacrebleu.__version__}: regenerate it with bench/make_ter_fixture.py")
    ref_path = WMT22 / fixture["reference"]
    assert hashlib.sha256(ref_path.read_bytes()).hexdigest() == fixture["reference_sha256"], (
        f"{ref_path} changed since the fixture was made: regenerate it with bench/make_ter_fixture.py")
    systems = {p.stem: p for p in sorted((WMT22 / "systems").glob("*.en"))}
    assert sorted(systems) == sorted(fixture["systems"]), "system list differs from the fixture"
    data = {"refs": read_lines(ref_path), "hyps": {}, "fixture": fixture}
    for name, path in systems.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == fixture["systems"][name]["sha256"], (
            f"{path} changed since the fixture was made: regenerate it with bench/make_ter_fixture.py")
        data["hyps"][name] = read_lines(path)
    return data


@needs_numba
@pytest.mark.slow
def test_wmt22_all_systems_equal_sacrebleu_fixture(wmt22_fixture):
    refs = wmt22_fixture["refs"]
    fixture = wmt22_fixture["fixture"]
    assert len(fixture["systems"]) == 18
    metric = FastTER(references=[refs])
    for name, hyps in wmt22_fixture["hyps"].items():
        expected = fixture["systems"][name]
        stats = metric._extract_corpus_statistics(hyps, None)
        got = [[edits, ref_len] for edits, ref_len in stats]
        mismatches = [i for i, (a, b) in enumerate(zip(got, expected["stats"])) if a != b]
        assert len(got) == len(expected["stats"])
        assert not mismatches, f"{name}: segments {mismatches[:10]} differ from sacrebleu"
        assert metric._aggregate_and_compute(stats).score == expected["score"], name
    assert str(metric.get_signature()) == fixture["signature"]


@needs_numba
@pytest.mark.slow
def test_wmt22_fixture_sample_against_live_sacrebleu(wmt22_fixture):
    """The fixture itself is checked against live sacrebleu on ~150 random
    segments (and FastTER with two references on a few more)."""
    refs = wmt22_fixture["refs"]
    fixture = wmt22_fixture["fixture"]
    rng = random.Random()
    names = sorted(wmt22_fixture["hyps"])
    sample = [(rng.choice(names), rng.randrange(len(refs))) for _ in range(150)]
    slow, fast = TER(), FastTER()
    for name, i in sample:
        hyp = wmt22_fixture["hyps"][name][i]
        live = slow._extract_corpus_statistics([hyp], [[refs[i]]])[0]
        assert [live[0], live[1]] == fixture["systems"][name]["stats"][i], (
            f"fixture differs from live sacrebleu at {name} segment {i} "
            "(regenerate it with bench/make_ter_fixture.py)")
        assert fast._extract_corpus_statistics([hyp], [[refs[i]]])[0] == live
    refs_b = read_lines(WMT22 / "ref-B.en")
    for name, i in sample[:25]:
        hyp = wmt22_fixture["hyps"][name][i]
        two_refs = [[refs[i]], [refs_b[i]]]
        assert (fast._extract_corpus_statistics([hyp], two_refs)
                == slow._extract_corpus_statistics([hyp], two_refs)), (name, i)
