"""Executors: the same results in submission order whether units run here, on local processes or on Dask."""

import sys

import numpy as np
import pytest

from sim.run.executors import Serial, _in_order, open_executor
from sim.run.runner import replications
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from tests.conftest import SCENARIOS


def small_scenario():
    return load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=1", "replications=4"])


def all_replications(executor=None, jobs=1):
    scenario = small_scenario()
    return np.stack([values for _, values in replications(scenario, scenario.replications, jobs, executor)])


def test_local_processes_equal_serial():
    assert np.array_equal(all_replications(jobs=1), all_replications(jobs=2))


def test_dask_local_cluster_equals_local_processes():
    pytest.importorskip("distributed")
    with open_executor("dask", jobs=2) as executor:
        on_dask = all_replications(executor)
    assert np.array_equal(on_dask, all_replications(jobs=2))


def test_results_come_in_submission_order_with_bounded_work_in_flight():
    in_flight, most = [], []

    def submit(unit):
        in_flight.append(unit)
        most.append(len(in_flight))
        return Done(lambda: in_flight.pop(0) * 10)

    assert list(_in_order(submit, iter(range(20)), window=3)) == [unit * 10 for unit in range(20)]
    assert max(most) == 3


class Done:
    """A future whose result is computed when asked for."""

    def __init__(self, compute):
        self.compute, self.cancelled = compute, False

    def result(self):
        return self.compute()

    def cancel(self):
        self.cancelled = True


def test_a_run_that_stops_early_cancels_the_units_still_pending():
    futures = []

    def submit(unit):
        futures.append(Done(lambda: unit))
        return futures[-1]

    results = _in_order(submit, iter(range(20)), window=4)
    assert next(results) == 0
    results.close()  # as a stopped or cancelled run leaves the loop
    assert [future.cancelled for future in futures] == [False, True, True, True]


def test_serial_starmap_spreads_each_unit_over_the_arguments():
    assert list(Serial().starmap(pow, [(2, 3), (3, 2)])) == [8, 9]


def test_dask_without_the_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if it were not installed
    with pytest.raises(InputError, match=r"pip install 'sufficiency\[distributed\]'"):
        with open_executor("dask", jobs=1):
            pass


def test_a_scheduler_needs_the_dask_executor():
    with pytest.raises(InputError, match="--executor dask"):
        with open_executor("processes", jobs=1, scheduler="tcp://127.0.0.1:8786"):
            pass
