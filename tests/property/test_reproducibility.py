"""For generated scenarios: the same seed gives identical results, serial or parallel; another seed differs."""

from hypothesis import HealthCheck, given, settings

from sim.run.runner import replications
from tests.property.strategies import scenarios

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def timeseries_text(scenario, jobs: int) -> bytes:
    return b"".join(values.tobytes() for _, values in replications(scenario, 3, jobs))


@SETTINGS
@given(scenarios())
def test_same_seed_same_results_serial_or_parallel(scenario):
    serial = timeseries_text(scenario, jobs=1)
    assert timeseries_text(scenario, jobs=1) == serial
    assert timeseries_text(scenario, jobs=2) == serial


@SETTINGS
@given(scenarios())
def test_another_seed_gives_other_results(scenario):
    reseeded = scenario.model_copy(update={"seed": scenario.seed + 1})
    if scenario.demand.entries_per_year >= 20:  # so that some child enters in every replication
        assert timeseries_text(reseeded, jobs=1) != timeseries_text(scenario, jobs=1)
