from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.significance import PairedTest

from review_app.corpus import load_corpus_dir
from review_app.scoring.results import score_corpus
from review_app.scoring.significance import confidence_intervals, paired_bootstrap


def test_paired_bootstrap_equals_sacrebleu_paired_test(wmt22):
    corpus = load_corpus_dir(wmt22)
    names = ["Online-A", "Online-B", "Online-Y"]
    result = score_corpus(corpus, metric_ids=("bleu", "chrf"), systems=names, cache=False)
    ours = {(r.system, r.metric_id): r for r in paired_bootstrap(result, "Online-A")}

    refs = [list(r.segments) for r in corpus.references]
    named = [(n, list(corpus.system(n).segments)) for n in names]
    test = PairedTest(named, {"BLEU": BLEU(references=refs), "chrF2": CHRF(references=refs)}, None,
                      test_type="bs", n_samples=1000)
    _, theirs = test()
    for row, system in enumerate(theirs["System"]):
        if system == "Online-A":
            continue
        for metric_id, name in (("bleu", "BLEU"), ("chrf", "chrF2")):
            expected = theirs[name][row]
            got = ours[system, metric_id]
            assert got.score == expected.score
            assert got.p_value == expected.p_value
            assert got.mean == expected.mean and got.ci == expected.ci


def test_identical_systems_are_not_significantly_different(tianwen):
    corpus = load_corpus_dir(tianwen)
    from review_app.scoring.results import score_texts

    segments = corpus.systems[0].segments
    result = score_texts({"a": segments, "b": segments}, [corpus.references[0].segments], metric_ids=("bleu",), cache=False)
    [row] = paired_bootstrap(result, "a", n_samples=200)
    assert row.delta == 0
    assert row.p_value == 1 / 201  # sacrebleu's own value for identical systems
    assert not row.significant


def test_confidence_intervals_bracket_the_score(tianwen):
    result = score_corpus(load_corpus_dir(tianwen), metric_ids=("bleu", "chrf"), cache=False)
    for interval in confidence_intervals(result, n_samples=300):
        assert interval.ci > 0
        assert interval.low <= interval.score <= interval.high


def test_report_and_app_agree_that_identical_systems_do_not_differ():
    from review_app.report.bootstrap import Paired
    from review_app.scoring.significance import PairedResult

    same = dict(system="b", baseline="a", metric_id="bleu", score=50.0, baseline_score=50.0, p_value=1 / 1001)
    assert not Paired(**same).significant
    assert not PairedResult(**same, mean=50.0, ci=1.0).significant
    better = dict(same, score=51.0)
    assert Paired(**better).significant and PairedResult(**better, mean=51.0, ci=1.0).significant
