"""The scoring workers start clean: no sockets or threads of the caller (the Streamlit server's
browser connections once stayed half-open in forked workers and froze the page)."""

import os
import socket
import stat

from review_app.scoring import stats


def tcp_sockets_of_this_process() -> int:
    count = 0
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                count += 1
        finally:
            sock.detach()
    return count


def test_workers_inherit_no_tcp_socket_of_the_caller():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    try:
        assert tcp_sockets_of_this_process() >= 1
        stats._POOL = None  # a pool created while the socket is open
        pool = stats.worker_pool(2)
        assert pool.submit(tcp_sockets_of_this_process).result(timeout=120) == 0
    finally:
        server.close()


def test_pool_is_reused():
    assert stats.worker_pool(2) is stats.worker_pool(2)


def test_compute_chunk_is_safe_in_threads(tianwen):
    """A multi-threaded executor (a Dask worker with several threads) gets the serial numbers."""
    from concurrent.futures import ThreadPoolExecutor

    from review_app.corpus import load_corpus_dir
    from review_app.scoring.metrics import MetricOptions

    corpus = load_corpus_dir(tianwen)
    hyps = [corpus.systems[0].segments] * 3
    refs = [corpus.references[0].segments]
    serial = stats.compute_stats(("bleu", "chrf", "ter"), MetricOptions(), hyps, refs, jobs=1)
    with ThreadPoolExecutor(4) as threads:
        threaded = stats.compute_stats(("bleu", "chrf", "ter"), MetricOptions(), hyps, refs, executor=threads)
    assert threaded == serial
