"""Where the report's work runs: this process, the project's worker processes, or a Dask cluster.

No distribution layer of our own: every piece of work is a plain function call
(:func:`review_app.scoring.stats.compute_chunk`, :func:`review_app.report.streaming.stream_chunk`,
:func:`review_app.report.bootstrap.resample_scores`) handed to a :class:`concurrent.futures.Executor`.
Locally that is the project's forked process pool; on Dask it is ``Client.get_executor()``, so the
same functions run on the cluster's workers and the numbers are the same.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from review_app.errors import InputError
from review_app.scoring.stats import default_jobs, worker_pool

LOCAL_DASK = "local-dask"
CONNECT_TIMEOUT = "20s"

# compute_chunk sets a reference cache on a metric object shared by the process (lru_cache), so two
# threads of one Dask worker must not run it at once. The work is pure Python (the GIL serialises it
# anyway), so one task at a time per worker process costs nothing.
_PROCESS_LOCK = threading.Lock()


def one_at_a_time(fn: Callable[..., Any], *args: Any) -> Any:
    with _PROCESS_LOCK:
        return fn(*args)


class SerialPerProcess(Executor):
    """Wraps a Dask ``ClientExecutor``: every task runs under a per-process lock on its worker."""

    def __init__(self, inner: Executor):
        self.inner = inner

    def submit(self, fn, /, *args, **kwargs):
        if kwargs:
            raise TypeError("keyword arguments are not passed through")
        return self.inner.submit(one_at_a_time, fn, *args)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait)


@dataclass
class Runner:
    """How to run the report's tasks: ``executor`` (None: in this process) and how many at once."""

    jobs: int
    executor: Executor | None = None  # a Dask executor, or None for the project's own pool
    dask: bool = False
    description: str = "1 process"

    def task_executor(self, work: int = 1 << 30, minimum: int = 1) -> Executor | None:
        """The executor for ``work`` units, or None when running here is cheaper than shipping it."""
        if self.executor is not None:
            return self.executor
        if self.jobs > 1 and work >= minimum:
            return worker_pool(self.jobs)
        return None

    @property
    def window(self) -> int:
        """Tasks kept in flight: enough to keep every worker busy, few enough to bound memory."""
        return max(2, 2 * self.jobs)


def dask_address(scheduler: str) -> str:
    if scheduler.startswith("dask://"):
        return "tcp://" + scheduler[len("dask://"):]
    if "://" in scheduler:
        return scheduler
    raise InputError(f"--scheduler {scheduler!r}: give dask://HOST:PORT, tcp://HOST:PORT or {LOCAL_DASK}")


@contextmanager
def open_runner(scheduler: str | None, jobs: int | None) -> Iterator[Runner]:
    """A :class:`Runner` for ``--scheduler`` / ``--jobs``; a Dask client is closed on exit."""
    jobs = jobs or default_jobs()
    if not scheduler:
        yield Runner(jobs=jobs, description=f"{jobs} process{'es' if jobs > 1 else ''}")
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is in requirements.txt
        raise InputError("--scheduler needs dask[distributed] (pip install 'dask[distributed]')") from None
    if scheduler == LOCAL_DASK:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        try:
            yield Runner(jobs=jobs, executor=SerialPerProcess(client.get_executor()), dask=True,
                         description=f"local Dask cluster, {jobs} worker(s)")
        finally:
            client.close()
            cluster.close()
        return
    address = dask_address(scheduler)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    try:
        workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()))
        yield Runner(jobs=workers, executor=SerialPerProcess(client.get_executor()), dask=True,
                     description=f"Dask cluster {address}, {workers} thread(s)")
    finally:
        client.close()


@contextmanager
def runner_for_client(client: Any) -> Iterator[Runner]:
    """A :class:`Runner` on an existing ``distributed.Client`` (tests, notebooks); not closed here."""
    workers = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values()))
    yield Runner(jobs=workers, executor=SerialPerProcess(client.get_executor()), dask=True, description="Dask client")


def ordered_map(
    executor: Executor | None,
    fn: Callable[[Any], Any],
    items: Iterable[Any],
    window: int,
) -> Iterator[Any]:
    """``fn(item)`` for every item, results in the items' order, at most ``window`` in flight.

    Items are produced lazily, so a generator reading a huge corpus chunk by chunk never has more
    than ``window`` chunks in memory.
    """
    if executor is None:
        for item in items:
            yield fn(item)
        return
    pending: deque = deque()
    for item in items:
        pending.append(executor.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
