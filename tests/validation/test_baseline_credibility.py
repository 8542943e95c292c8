"""The shipped baseline against the world (DESIGN.md section 11): Surrey's published points inside its band, a
carer pool that does not drift by itself, and its own steady state near its start."""

import numpy as np
import pytest

from sim.run.observed import read_observed, values_of
from sim.run.runner import RunShape, replications
from sim.run.steady_state import steady_state
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import for_mode
from tests.conftest import SCENARIOS

OBSERVED = SCENARIOS / "observed" / "surrey.csv"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(SCENARIOS / "baseline.yaml")


def test_the_baselines_own_rates_keep_its_carer_pool_and_out_of_county_near_their_start(baseline):
    found = {finding.measure: finding for finding in steady_state(baseline)}
    assert not found["in_house_households"].warning, found["in_house_households"].text
    assert 0.85 <= found["in_house_households"].ratio <= 1.15


@pytest.mark.slow
def test_surreys_published_points_are_inside_the_baselines_band(baseline):
    """Every one of Surrey's ten published points inside the 10-90% band of 200 runs with every range drawn
    (the Done-when line of issue 10). March 2021's 985 and December 2021's 1,080 are 95 apart in nine months:
    they fit only because a year's entry rate varies about its trend as England's does (assumption A47)."""
    shape = RunShape.of(baseline)
    points = read_observed(OBSERVED, baseline, shape.metrics)
    scenario = for_mode(baseline.model_copy(update={"horizon_years": 3.0}), "all")
    runs = np.array([result for _, result in replications(scenario, 200, jobs=2)])
    dates = RunShape.of(scenario).dates
    outside = []
    for point in points:
        values = values_of(point.metric, runs, shape.metrics)[:, dates.index(point.date)]
        low, high = np.percentile(values, [10, 90])
        if not low <= point.value <= high:
            outside.append((point.date, point.metric, point.value, round(low, 1), round(high, 1)))
    assert len(points) == 10 and not outside, outside


@pytest.mark.slow
def test_the_baselines_carer_pool_does_not_drift_by_itself_by_more_than_a_fifth(baseline):
    scenario = for_mode(baseline.model_copy(update={"replications": 40}), "chance")
    shape = RunShape.of(scenario)
    runs = np.array([result for _, result in replications(scenario, 40, jobs=2)])
    households = np.median(runs[:, :, shape.metrics.index("in_house_households")], axis=0)
    start = scenario.carers.initial_households
    assert np.all(np.abs(households / start - 1) <= 0.20), (start, households.min(), households.max())
