"""The in-house service as an Erlang loss system (DESIGN.md section 6), against queueing theory.

Each replication's long-run averages (after a warm-up) are one observation; the
theory must lie inside the 99% confidence interval of the replications' mean.
"""

import numpy as np
import pytest
from scipy import stats

from sim.scenario.files import load_scenario
from tests.conftest import SCENARIOS, run_values

WARM_UP_MONTHS = 24


def erlang_b(servers: int, load: float) -> float:
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def confidence_interval(observations: np.ndarray, level: float = 0.99) -> tuple[float, float]:
    half = stats.t.ppf(0.5 + level / 2, len(observations) - 1) * observations.std(ddof=1) / np.sqrt(len(observations))
    return observations.mean() - half, observations.mean() + half


def erlang_observations(households, entries_per_year, mean_years, extra=()):
    scenario = load_scenario(SCENARIOS / "validation" / "erlang_loss.yaml", [
        f"carers.initial_households={households}",
        f"demand.entries_per_year={entries_per_year}",
        f"demand.duration_in_care.mean_years={mean_years}",
        *extra,
    ])
    values = {metric: series[:, WARM_UP_MONTHS:] for metric, series in run_values(scenario).items()}
    return {
        "share_out": values["entries_placed_out_of_county"].sum(axis=1) / values["entries"].sum(axis=1),
        "mean_out": values["placed_out_of_county"].mean(axis=1),
        "mean_in_care": values["children_in_care"].mean(axis=1),
    }


def assert_erlang(households, entries_per_year, mean_years, extra=()):
    load = entries_per_year * mean_years
    blocking = erlang_b(households, load)
    observed = erlang_observations(households, entries_per_year, mean_years, extra)
    expected = {"share_out": blocking, "mean_out": load * blocking, "mean_in_care": load}
    for measure, theory in expected.items():
        low, high = confidence_interval(observed[measure])
        assert low <= theory <= high, f"{measure}: theory {theory:.4f} outside 99% CI [{low:.4f}, {high:.4f}]"


def test_erlang_b_recursion_matches_known_values():
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=1e-6)


@pytest.mark.parametrize("households, entries_per_year, mean_years", [
    (10, 5, 1.0),      # light load: a = 5, B = 0.018
    (20, 20, 1.0),     # a = c = 20, B = 0.159
    (12, 40, 0.5),     # heavy: a = 20 on 12 places, B = 0.44
])
def test_out_of_county_matches_erlang_b(households, entries_per_year, mean_years):
    assert_erlang(households, entries_per_year, mean_years)


@pytest.mark.slow
@pytest.mark.parametrize("distribution, cv", [("lognormal", 2.0), ("gamma", 0.5)])
@pytest.mark.parametrize("households, entries_per_year, mean_years", [(15, 24, 0.5), (8, 30, 0.5)])
def test_erlang_b_holds_for_any_duration_distribution(households, entries_per_year, mean_years, distribution, cv):
    assert_erlang(households, entries_per_year, mean_years, [
        f"demand.duration_in_care.distribution={distribution}",
        f"demand.duration_in_care.cv={cv}",
        "replications=60",
    ])
