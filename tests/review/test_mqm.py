"""MQM weights and scores, Pearson and Kendall tau-b, agreement with a metric."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review_app.review.mqm import (
    MQM_CATEGORIES,
    NON_TRANSLATION_WEIGHT,
    Agreement,
    MqmScore,
    Severity,
    annotation_penalty,
    kendall_tau_b,
    metric_agreement,
    mqm_score,
    normalize_category,
    normalize_severity,
    pearson,
    score_by_document,
    score_by_segment,
    score_by_system,
    segment_mqm_scores,
    segment_penalty,
    word_counts,
)


def ann(segment, category="Accuracy/Mistranslation", severity="minor", system="A"):
    return {"system": system, "segment": segment, "category": category, "severity": severity}


def test_typology_table():
    assert "Accuracy/Omission" in MQM_CATEGORIES
    assert "Terminology/Inappropriate for context" in MQM_CATEGORIES
    assert "Locale convention/Date format" in MQM_CATEGORIES
    assert "Style/Unidiomatic" in MQM_CATEGORIES
    assert "Non-translation" in MQM_CATEGORIES and "Other" in MQM_CATEGORIES
    assert len(set(MQM_CATEGORIES)) == len(MQM_CATEGORIES)
    assert normalize_category("fluency / grammar") == "Fluency/Grammar"
    assert normalize_category("Non-translation!") == "Non-translation"
    with pytest.raises(ValueError, match="unknown MQM category"):
        normalize_category("Accuracy/Bananas")
    assert normalize_severity("Major") is Severity.MAJOR
    with pytest.raises(ValueError, match="severity"):
        normalize_severity("neutral")


def test_weights():
    assert annotation_penalty("Fluency/Spelling", "minor") == 1
    assert annotation_penalty("Fluency/Spelling", "major") == 5
    assert annotation_penalty("Fluency/Spelling", "critical") == 10
    for severity in Severity:
        assert annotation_penalty("Non-translation", severity) == NON_TRANSLATION_WEIGHT == 25
    assert segment_penalty([ann(1, severity="major"), ann(1), ann(1, "Non-translation")]) == 31


def test_scores_per_segment_document_system():
    # segment 1: 1 major + 1 minor = 6; segment 2: error-free; segment 3: critical = 10;
    # segment 4: not reviewed (absent from words) so its annotation does not count.
    annotations = [ann(1, severity="major"), ann(1), ann(3, severity="critical"), ann(4, severity="major")]
    words = {1: 10, 2: 5, 3: 5}
    by_segment = score_by_segment(annotations, words)
    assert by_segment[1] == MqmScore(penalty=6.0, errors=2, segments=1, words=10)
    assert by_segment[2] == MqmScore(penalty=0.0, errors=0, segments=1, words=5)
    assert by_segment[1].wmt == -6.0 and by_segment[2].wmt == 0.0
    assert 4 not in by_segment

    total = mqm_score(annotations, words)
    assert total == MqmScore(penalty=16.0, errors=3, segments=3, words=20)
    assert total.per_word == pytest.approx(0.8)
    assert total.per_100_words == pytest.approx(80.0)
    assert total.wmt == pytest.approx(-16 / 3)

    docs = ["d1", "d1", "d2", "d2"]
    by_doc = score_by_document(annotations, words, docs)
    assert by_doc["d1"] == MqmScore(penalty=6.0, errors=2, segments=2, words=15)
    assert by_doc["d2"] == MqmScore(penalty=10.0, errors=1, segments=1, words=5)
    assert score_by_document(annotations, words, {1: "x", 2: "x", 3: "x"})["x"] == total
    with pytest.raises(ValueError, match="no document id"):
        score_by_document(annotations, {5: 1}, docs)

    both = annotations + [ann(1, "Non-translation", system="B")]
    by_system = score_by_system(both, {"A": words, "B": {1: 4, 2: 4}, "C": {}})
    assert by_system["A"] == total
    assert by_system["B"] == MqmScore(penalty=25.0, errors=1, segments=2, words=8)
    assert by_system["B"].wmt == -12.5
    assert by_system["C"].per_word is None and by_system["C"].wmt is None


def test_word_counts_and_segment_scores():
    lines = ["The cat sat.", "", "  two   words "]
    assert word_counts(lines) == {1: 3, 2: 0, 3: 2}
    assert word_counts(lines, [3]) == {3: 2}
    with pytest.raises(ValueError, match="out of range"):
        word_counts(lines, [4])
    assert segment_mqm_scores([ann(2, severity="major"), ann(9)], [1, 2]) == {1: 0.0, 2: -5.0}
    assert mqm_score([], {1: 0}).per_word is None


def test_annotation_objects_work_too():
    from datetime import UTC, datetime

    from review_app.review.models import Annotation

    a = Annotation(None, "c", "A", 1, 0, 1, "x", "Style/Awkward", Severity.MAJOR, "", "r", datetime.now(UTC))
    assert a.penalty == 5
    assert mqm_score([a], {1: 2}).per_word == 2.5


# -- correlations ------------------------------------------------------------------------------


def brute_tau_b(x, y):
    n = len(x)
    concordant = discordant = x_only = y_only = 0
    for i, j in itertools.combinations(range(n), 2):
        dx = (x[i] > x[j]) - (x[i] < x[j])
        dy = (y[i] > y[j]) - (y[i] < y[j])
        if dx and dy:
            if dx == dy:
                concordant += 1
            else:
                discordant += 1
        elif dx:
            x_only += 1
        elif dy:
            y_only += 1
    denominator = math.sqrt((concordant + discordant + x_only) * (concordant + discordant + y_only))
    return None if denominator == 0 else (concordant - discordant) / denominator


def test_kendall_known_values():
    assert kendall_tau_b([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    # scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) -> -0.47140452079103173
    assert kendall_tau_b([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) == pytest.approx(-0.47140452079103173)
    assert kendall_tau_b([1, 1, 1], [1, 2, 3]) is None
    assert kendall_tau_b([1], [2]) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-3, 3), st.sampled_from([0.0, 0.5, 1.0, -2.0, 7.25])), min_size=0, max_size=25
    )
)
def test_kendall_matches_brute_force(pairs):
    x = [p[0] for p in pairs]
    y = [p[1] for p in pairs]
    expected = brute_tau_b(x, y) if len(pairs) >= 2 else None
    got = kendall_tau_b(x, y)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_kendall_large_input_is_fast():
    rng = random.Random(1)
    x = [rng.randint(0, 50) for _ in range(20000)]
    y = [v + rng.gauss(0, 10) for v in x]
    tau = kendall_tau_b(x, y)
    assert 0.5 < tau < 1


def test_pearson():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # numpy.corrcoef([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])[0, 1] == 0.8
    assert pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    assert pearson([1, 1, 1], [1, 2, 3]) is None


def test_agreement_needs_enough_annotated_segments():
    mqm = {s: -float(s % 3) for s in range(1, 10)}  # 9 annotated segments
    metric = {s: 50.0 - 3 * (s % 3) + s * 0.01 for s in range(1, 100)}
    assert metric_agreement(mqm, metric) is None
    mqm[10] = -1.0
    result = metric_agreement(mqm, metric)
    assert isinstance(result, Agreement)
    assert result.segments == 10
    assert result.pearson == pytest.approx(pearson([mqm[s] for s in range(1, 11)], [metric[s] for s in range(1, 11)]))
    assert result.kendall_tau == pytest.approx(brute_tau_b([mqm[s] for s in range(1, 11)], [metric[s] for s in range(1, 11)]))
    assert result.pearson > 0.9
    assert metric_agreement(mqm, metric, min_segments=11) is None
    # keys only in one mapping do not count; (system, segment) keys pool systems
    pooled = metric_agreement({("A", 1): 0.0, ("B", 1): -5.0, ("A", 2): -1.0}, {("A", 1): 3, ("B", 1): 1, ("A", 2): 2, ("B", 9): 0}, min_segments=3)
    assert pooled.segments == 3 and pooled.kendall_tau == pytest.approx(1.0)
    # all annotated segments error-free: correlation undefined
    flat = metric_agreement({s: 0.0 for s in range(1, 11)}, metric)
    assert flat == Agreement(segments=10, pearson=None, kendall_tau=None)
