"""The same numbers on one process, two processes and a Dask cluster, in memory and streamed."""

from __future__ import annotations

import pytest

METRICS = ["--metrics", "bleu", "chrf", "ter", "--no-cache", "--bootstrap", "100"]


def corpora(run_cli, read_report, corpus, out, *args):
    code, _, err = run_cli(["report", corpus, "--out", out, *METRICS, *args])
    assert code == 0, err
    data = read_report(out)
    return data["corpora"]


@pytest.fixture
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    # Two workers as threads of this process: the tasks are pickled all the same, and the
    # one-task-per-process lock is exercised (compute_chunk is not thread-safe).
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        yield cluster


def test_two_jobs_give_the_numbers_of_one(run_cli, read_report, sample, tmp_path):
    one = corpora(run_cli, read_report, sample, tmp_path / "one", "--jobs", "1")
    two = corpora(run_cli, read_report, sample, tmp_path / "two", "--jobs", "2")
    assert one == two


def test_dask_gives_the_numbers_of_one_process(run_cli, read_report, sample, tmp_path, dask_cluster):
    one = corpora(run_cli, read_report, sample, tmp_path / "one", "--jobs", "1")
    address = dask_cluster.scheduler_address
    assert address.startswith("inproc://") or address.startswith("tcp://")
    on_dask = corpora(run_cli, read_report, sample, tmp_path / "dask", "--scheduler", address)
    assert on_dask == one


def test_dask_streaming_gives_the_numbers_of_one_process(run_cli, read_report, sample, tmp_path, dask_cluster):
    args = ["--streaming", "on", "--chunk-size", "40"]
    one = corpora(run_cli, read_report, sample, tmp_path / "one", "--jobs", "1", *args)
    on_dask = corpora(run_cli, read_report, sample, tmp_path / "dask", "--scheduler", dask_cluster.scheduler_address, *args)
    assert on_dask == one
    assert one[0]["streaming"] is True and "segments" not in one[0]


def test_unreachable_scheduler_exits_2(run_cli, tianwen, tmp_path, monkeypatch):
    from review_app.report import executors

    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    code, _, err = run_cli(["report", tianwen, "--out", tmp_path, "--scheduler", "dask://127.0.0.1:9", *METRICS])
    assert code == 2 and "cannot reach the Dask scheduler" in err


def test_bad_scheduler_exits_2(run_cli, tianwen, tmp_path):
    code, _, err = run_cli(["report", tianwen, "--out", tmp_path, "--scheduler", "yarn", *METRICS])
    assert code == 2 and "dask://HOST:PORT" in err
