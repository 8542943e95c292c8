"""Replications of one scenario, serial or over processes, with identical results either way."""

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np

from sim.calendar import Calendar
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


def replications(scenario, count: int, jobs: int = 1):
    """Yield (replication, months x metrics array) in replication order."""
    if jobs <= 1 or count == 1:
        for replication in range(count):
            yield replication, run_replication(scenario, replication)
        return
    with multiprocessing.get_context(_start_method()).Pool(
        min(jobs, count), initializer=_remember_scenario, initargs=(scenario,)
    ) as pool:
        yield from enumerate(pool.imap(_run_remembered, range(count), chunksize=_chunk(count, jobs)))


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_method() -> str:
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _chunk(count: int, jobs: int) -> int:
    return max(1, count // (jobs * 8))


_scenario_in_worker = None


def _remember_scenario(scenario) -> None:
    global _scenario_in_worker
    _scenario_in_worker = scenario


def _run_remembered(replication: int) -> np.ndarray:
    return run_replication(_scenario_in_worker, replication)
