"""Replications of one scenario, serial, over processes or on Dask, with identical results either way."""

import contextlib
import os
from dataclasses import dataclass

import numpy as np

from sim.calendar import Calendar
from sim.executors import open_executor
from sim.metrics import metric_names
from sim.model import CountyModel


@dataclass(frozen=True)
class RunShape:
    """What every replication of a scenario reports: the metric names and the month-end dates."""

    metrics: list
    dates: list

    @classmethod
    def of(cls, scenario) -> "RunShape":
        return cls(metric_names(scenario.placements), Calendar.for_scenario(scenario).month_ends())


def run_replication(scenario, replication: int) -> np.ndarray:
    return CountyModel(scenario, replication).run()


def replications(scenario, count: int, jobs: int = 1, executor=None):
    """Yield (replication, months x metrics array) in replication order, on `executor` or `jobs` local processes."""
    units = ((scenario, replication) for replication in range(count))
    chosen = contextlib.nullcontext(executor) if executor is not None else open_executor("processes", min(jobs, count))
    with chosen as running:
        yield from enumerate(running.starmap(run_replication, units))


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
