"""Property-based robustness (hypothesis): random bytes, random Unicode in random encodings and
inputs shaped like each format go to EVERY reader and to the checks; the only exceptions allowed
are the project's own (ReviewAppError). Bounded for CI (200 examples a target); the hand-run
fuzzers in fuzz/ run the same targets for as long as you like:

    nice .venv/bin/python fuzz/run_fuzz.py tbx --minutes 10
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz_targets

EXAMPLES = 200
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    fuzz_targets.cleanup()


def make_test(name: str):
    target = fuzz_targets.TARGETS[name]

    @SETTINGS
    @given(st.one_of(target.shaped, target.raw))
    def test(case):
        value, variant = case
        fuzz_targets.run_one(target, value, variant)

    test.__name__ = f"test_{name}_never_crashes"
    test.__doc__ = f"{name}: any input gives a result or a ReviewAppError ({target.func.__doc__ or ''})"
    return test


test_text_never_crashes = make_test("text")
test_table_never_crashes = make_test("table")
test_corpus_dir_never_crashes = make_test("corpus_dir")
test_glossary_csv_never_crashes = make_test("glossary_csv")
test_tbx_never_crashes = make_test("tbx")
test_suppressions_never_crashes = make_test("suppressions")
test_annotations_never_crashes = make_test("annotations")
test_checks_never_crash = make_test("checks")


def test_every_target_is_tested():
    tested = {name[len("test_"):].rsplit("_never_crash", 1)[0] for name in globals() if name.endswith(
        ("_never_crashes", "_never_crash"))}
    assert tested == set(fuzz_targets.TARGETS)
