"""Replications of one scenario, serial, over processes or on Dask, with identical results either way."""

import contextlib
import gc
import os
from dataclasses import dataclass

import numpy as np

from sim.model.calendar import Calendar
from sim.model.county import CountyModel
from sim.model.metrics import metric_names
from sim.run.executors import open_executor

GC_YOUNG_THRESHOLD = 50_000


@dataclass(frozen=True)
class RunShape:
    """What every replication of a scenario reports: the metric names and the month-end dates."""

    metrics: list
    dates: list

    @classmethod
    def of(cls, scenario) -> "RunShape":
        return cls(metric_names(scenario.placements), Calendar.for_scenario(scenario).month_ends())


def run_replication(scenario, replication: int) -> np.ndarray:
    with _fewer_garbage_collections():
        return CountyModel(scenario, replication).run()


@contextlib.contextmanager
def _fewer_garbage_collections():
    """A replication allocates many short-lived objects (events, children) and holds thousands of
    pending events, so Python's default cycle collection runs often and rescans them; collecting
    less often saves about a tenth of the run time. Results do not depend on it."""
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def replications(scenario, count: int, jobs: int = 1, executor=None):
    """Yield (replication, months x metrics array) in replication order, on `executor` or `jobs` local processes."""
    units = ((scenario, replication) for replication in range(count))
    chosen = contextlib.nullcontext(executor) if executor is not None else open_executor("processes", min(jobs, count))
    with chosen as running:
        yield from enumerate(running.starmap(run_replication, units))


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
