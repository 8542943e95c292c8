"""Parameter uncertainty: ranges drawn per replication from PERT distributions on keyed streams."""

import numpy as np
import pytest
from scipy import stats

from sim.model.parameters import drawn, pert_quantile
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import central, ranges
from tests.conftest import SCENARIOS

ENTRIES = "demand.entries_per_year={low: 380, central: 420, high: 500}"
LEAVING = "carers.deregistration_rate_per_year={low: 0.10, central: 0.128, high: 0.20}"


def test_the_pert_quantile_is_a_beta_on_the_range_with_its_mode_at_central():
    low, mode, high = 380.0, 420.0, 500.0
    alpha, beta = 1 + 4 * (mode - low) / (high - low), 1 + 4 * (high - mode) / (high - low)
    for u in (0.01, 0.25, 0.5, 0.9):
        assert pert_quantile(low, mode, high, u) == pytest.approx(low + (high - low) * stats.beta.ppf(u, alpha, beta))
    assert pert_quantile(2.0, 2.0, 2.0, 0.3) == 2.0


def test_draws_have_the_pert_mean_and_stay_inside_the_range():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [ENTRIES])
    values = np.array([drawn(scenario, 11, r).demand.entries_per_year for r in range(400)])
    expected_mean = (380 + 4 * 420 + 500) / 6
    half_width = 3 * values.std(ddof=1) / np.sqrt(len(values))
    assert abs(values.mean() - expected_mean) < half_width
    assert values.min() >= 380 and values.max() <= 500


def test_a_range_added_to_one_figure_leaves_every_other_draw_unchanged():
    one = load_scenario(SCENARIOS / "baseline.yaml", [ENTRIES])
    two = load_scenario(SCENARIOS / "baseline.yaml", [ENTRIES, LEAVING])
    for replication in range(20):
        first, second = drawn(one, 5, replication), drawn(two, 5, replication)
        assert first.demand.entries_per_year == second.demand.entries_per_year
        assert first.mockingbird.breakdown_multiplier == second.mockingbird.breakdown_multiplier
    assert len({drawn(two, 5, r).carers.deregistration_rate_per_year for r in range(20)}) == 20


def test_the_age_bands_of_one_figure_share_a_draw_and_different_figures_do_not():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [
        "demand.duration_in_care.mean_years={low: 2, central: 3, high: 4}",
        "breakdowns.rate_per_year.kinship={low: 0.01, central: 0.03, high: 0.05}",
    ])
    mean_years = [drawn(scenario, 1, r).demand.duration_in_care.mean_years for r in range(30)]
    assert all(len(set(by_band.values())) == 1 for by_band in mean_years)
    quantiles = [(m["0-4"] - 2) / 2 for m in mean_years]
    kinship = [(drawn(scenario, 1, r).breakdowns.rate_per_year["kinship"]["0-4"] - 0.01) / 0.04 for r in range(30)]
    assert abs(np.corrcoef(quantiles, kinship)[0, 1]) < 0.6


def test_central_replaces_every_range_and_drawn_leaves_no_range():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [ENTRIES, LEAVING])
    assert len(ranges(scenario)) >= 4  # the baseline's Mockingbird multipliers, and these two
    assert ranges(central(scenario)) == {} and ranges(drawn(scenario, 3, 0)) == {}
    assert central(scenario).demand.entries_per_year == 420.0


def test_a_scenario_without_ranges_is_returned_unchanged():
    scenario = central(load_scenario(SCENARIOS / "baseline.yaml"))
    assert drawn(scenario, 3, 0) is scenario
