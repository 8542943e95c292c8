"""Where work units run: in this process, on local processes, or on a Dask cluster.

An executor's `starmap(function, units)` calls `function(*unit)` for each unit
and yields the results in submission order, keeping a bounded number of units
in flight so that memory stays flat however many units there are. `function`
must be importable at module level (it travels to other processes by name).
Each unit's result depends on the unit alone, so every executor gives the same
results.
"""

import collections
import concurrent.futures
import contextlib
import logging
import multiprocessing

from sim.run.interrupts import interrupts_ignored, quiet_worker
from sim.scenario.errors import InputError

EXECUTORS = ("processes", "dask")
UNITS_IN_FLIGHT_PER_WORKER = 4
CONNECT_TIMEOUT = "10s"
DISTRIBUTED_EXTRA = "needs the distributed extra: pip install 'sufficiency[distributed]'"


class WorkerLost(Exception):
    """A worker process died under a run (killed from outside, often by the system for want of memory)."""


class Serial:
    def starmap(self, function, units):
        for unit in units:
            yield function(*unit)


class Processes:
    """A pool of local processes, forked where the platform allows it.

    concurrent.futures rather than multiprocessing.Pool: a worker that dies (SIGTERM to the job, the OOM killer)
    fails the run at once, where a Pool would wait for it forever or deadlock on a lock the worker held.
    """

    def __init__(self, pool, jobs: int):
        self.pool, self.jobs = pool, jobs

    def starmap(self, function, units):
        return _in_order(lambda unit: self.pool.submit(function, *unit), units, UNITS_IN_FLIGHT_PER_WORKER * self.jobs)


class Dask:
    """A `distributed` client: of a LocalCluster on loopback, or of a scheduler already running."""

    def __init__(self, client):
        self.client = client

    def starmap(self, function, units):
        workers = max(1, sum(self.client.nthreads().values()))
        # pure=False: every unit is a task of its own, never merged with an equal-looking one
        return _in_order(lambda unit: self.client.submit(function, *unit, pure=False), units,
                         UNITS_IN_FLIGHT_PER_WORKER * workers)


@contextlib.contextmanager
def open_executor(kind: str = "processes", jobs: int = 1, scheduler: str | None = None):
    """The executor `kind` with `jobs` local workers, or the Dask scheduler at `scheduler`; closed on exit."""
    if scheduler and kind != "dask":
        raise InputError("--scheduler", "", "is the address of a Dask scheduler; add --executor dask")
    if kind == "dask":
        with _dask_client(jobs, scheduler) as client:
            yield Dask(client)
    elif jobs <= 1:
        yield Serial()
    else:
        with _process_pool(jobs) as pool:
            yield Processes(pool, jobs)


@contextlib.contextmanager
def _process_pool(jobs: int):
    """`jobs` worker processes, all started now (before any thread the caller starts later, as forking needs)."""
    pool = concurrent.futures.ProcessPoolExecutor(jobs, multiprocessing.get_context(_start_method()),
                                                  initializer=quiet_worker)
    for started in [pool.submit(int) for _ in range(jobs)]:
        started.result()
    try:
        yield pool
    except concurrent.futures.process.BrokenProcessPool:
        raise WorkerLost("a worker process died during the run (killed from outside, often by the system for "
                         "want of memory: try fewer --jobs); nothing was written") from None
    except BaseException:
        # Stopped or failed: the units still running are not waited for. (Python 3.14 has terminate_workers.)
        for worker in list((pool._processes or {}).values()):
            worker.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(submit, units, window: int):
    """Submit units, at most `window` in flight; yield their results in submission order.

    `submit(unit)` starts the unit and returns its future. Futures still pending when the caller stops
    iterating (a stopped or cancelled run) are cancelled.
    """
    pending = collections.deque()
    try:
        for unit in units:
            pending.append(submit(unit))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


@contextlib.contextmanager
def _dask_client(jobs: int, scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--executor dask", "", DISTRIBUTED_EXTRA) from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError) as error:
            raise InputError("--scheduler", scheduler, f"cannot connect ({str(error).splitlines()[0]})") from None
        with client:
            yield client
        return
    # Its worker processes start now, and keep SIGINT ignored. Their logs are silenced but for the critical: a
    # unit's own error comes back with its result, and a stopped run's workers would log the lost scheduler.
    with interrupts_ignored():
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.CRITICAL)
    with cluster, Client(cluster) as client:
        yield client


def _start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
