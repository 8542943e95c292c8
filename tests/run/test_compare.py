"""Paired differences, their intervals and the headline measures, against hand computations."""

import datetime as dt
import math

import numpy as np
import pytest

from sim.model.calendar import Calendar
from sim.run.compare import (
    BETTER,
    COST_PER_CHILD,
    ScenarioValues,
    common_random_numbers,
    differences_table,
    headline_points,
    headline_table,
    paired_difference,
    ratio_of_means,
)
from sim.scenario.errors import InputError

T_975_3DF = 3.182446305284263  # Student's t, 97.5th percentile, 3 degrees of freedom
T_975_2DF = 4.302652729749464


def test_paired_interval_equals_a_hand_computation():
    base = np.array([10.0, 12.0, 9.0, 14.0])
    option = np.array([11.0, 14.0, 12.0, 20.0])  # differences 1, 2, 3, 6
    paired = paired_difference(base, option, better=-1)
    sd = math.sqrt(((1 - 3) ** 2 + (2 - 3) ** 2 + (3 - 3) ** 2 + (6 - 3) ** 2) / 3)
    half = T_975_3DF * sd / math.sqrt(4)
    assert paired.mean_diff == pytest.approx(3.0)
    assert paired.diff_ci_low == pytest.approx(3.0 - half, rel=1e-12)
    assert paired.diff_ci_high == pytest.approx(3.0 + half, rel=1e-12)
    assert paired.prob_better == 0.0  # higher in every run, and lower is better


def test_ties_count_half_and_direction_matters():
    base, option = np.array([1.0, 2, 3, 4]), np.array([1.0, 3, 2, 4])  # tie, better, worse, tie when higher is better
    assert paired_difference(base, option, better=1).prob_better == 0.5
    assert paired_difference(base, np.array([1.0, 3, 4, 4]), better=1).prob_better == 0.75
    assert paired_difference(base, np.array([1.0, 3, 4, 4]), better=-1).prob_better == 0.25
    assert math.isnan(paired_difference(base, option, better=None).prob_better)


def test_dates_are_independent_columns():
    rng = np.random.default_rng(1)
    base, option = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    together = paired_difference(base, option, better=1)
    for column in range(3):
        alone = paired_difference(base[:, column], option[:, column], better=1)
        assert together.diff_ci_low[column] == pytest.approx(alone.diff_ci_low)
        assert together.prob_better[column] == alone.prob_better


def test_one_replication_has_no_interval():
    paired = paired_difference(np.array([[1.0, 2.0]]), np.array([[2.0, 2.0]]))
    assert paired.mean_diff.tolist() == [1.0, 0.0]
    assert np.isnan(paired.diff_ci_low).all() and np.isnan(paired.diff_ci_high).all()


def test_ratio_of_means_with_its_delta_interval():
    numerator, denominator = np.array([20.0, 27.0, 29.0]), np.array([2.0, 2.5, 3.0])
    ratio = 76.0 / 7.5
    residuals = numerator - ratio * denominator
    half = T_975_2DF * residuals.std(ddof=1) / math.sqrt(3) / 2.5
    assert ratio_of_means(numerator, denominator) == pytest.approx((ratio, ratio - half, ratio + half))


def test_ratio_is_not_applicable_without_a_reduction():
    assert all(math.isnan(x) for x in ratio_of_means(np.array([5.0, 6.0]), np.array([0.0, -1.0])))
    ratio, low, high = ratio_of_means(np.array([5.0, 6.0, 7.0]), np.array([-1.0, 0.5, 1.0]))
    assert ratio == pytest.approx(6.0 / (0.5 / 3)) and math.isnan(low) and math.isnan(high)


def test_every_direction_is_a_known_sign():
    assert set(BETTER.values()) == {-1, 1}
    assert BETTER["placed_out_of_county"] == -1 and BETTER["in_house_households"] == 1


@pytest.mark.parametrize("months, expected", [
    (120, ["1 year", "3 years", "5 years", "10 years (horizon)"]),
    (60, ["1 year", "3 years", "5 years"]),
    (24, ["1 year", "2 years (horizon)"]),
    (6, ["6 months (horizon)"]),
])
def test_headline_points(months, expected):
    dates = Calendar(dt.date(2020, 4, 1), months).month_ends()
    points = headline_points(dates)
    assert [label for label, _ in points] == expected
    assert points[-1][1] == months - 1


def values(out_of_county, cost, households=None) -> ScenarioValues:
    """Two runs of a 12-month scenario; arrays are runs x months."""
    metrics = ["placed_out_of_county", "placement_cost", "in_house_households"]
    stacked = np.stack([out_of_county, cost, households if households is not None else np.zeros((2, 12))], axis=2)
    return ScenarioValues(metrics, Calendar(dt.date(2021, 1, 1), 12).month_ends(), stacked.astype(float))


def test_identical_scenarios_differ_by_exactly_zero():
    base = values(np.full((2, 12), 10.0) + np.arange(2)[:, None], np.full((2, 12), 1000.0))
    table = differences_table({"base": base, "copy": base}, "base")
    assert set(table["scenario"]) == {"copy"}
    assert (table[["mean_diff", "diff_ci_low", "diff_ci_high", "diff_p10", "diff_p50", "diff_p90"]] == 0).all().all()
    assert set(table["prob_better"].dropna()) == {0.5}
    assert all("diff" in column for column in table.columns if column.startswith(("mean_d", "diff")))


def test_headline_cost_per_child_kept_in_county():
    base = values(np.full((2, 12), 10.0), np.full((2, 12), 1000.0))
    # the option keeps 2 (run 0) or 4 (run 1) children in county every month, for 500 a month more
    fewer = np.array([[2.0], [4.0]])
    option = values(10.0 - fewer * np.ones(12), np.full((2, 12), 1500.0))
    table = headline_table({"base": base, "option": option}, "base")
    row = table[(table["scenario"] == "option") & (table["measure"] == COST_PER_CHILD)].iloc[0]
    child_years = fewer.ravel() * 365 / 365.25  # 2021 has 365 days
    extra = np.array([6000.0, 6000.0])
    assert row["when"] == "1 year" and row["date"] == "2021-12-31"
    assert row["mean_diff"] == pytest.approx(extra.mean() / child_years.mean())
    ytd = table[(table["scenario"] == "option") & (table["measure"] == "placement_cost")].iloc[0]
    assert ytd["mean"] == 18000.0 and ytd["mean_diff"] == 6000.0 and ytd["prob_better"] == 0.0
    assert table.loc[table["scenario"] == "base", "mean_diff"].isna().all()


def test_cost_per_child_is_not_applicable_when_no_child_years_are_saved():
    base = values(np.full((2, 12), 10.0), np.full((2, 12), 1000.0))
    worse = values(np.full((2, 12), 12.0), np.full((2, 12), 900.0))
    table = headline_table({"base": base, "worse": worse}, "base")
    assert math.isnan(table.loc[table["measure"] == COST_PER_CHILD, "mean_diff"].iloc[0])


def test_every_scenario_gets_the_bases_seed_and_replications(baseline):
    other = baseline.model_copy(update={"name": "other", "seed": 1, "replications": 3})
    paired = common_random_numbers([baseline, other], ["base.yaml", "other.yaml"])
    assert [(s.seed, s.replications) for s in paired] == [(baseline.seed, baseline.replications)] * 2
    given = common_random_numbers([baseline, other], ["base.yaml", "other.yaml"], seed=7, replications=2)
    assert [(s.seed, s.replications) for s in given] == [(7, 2)] * 2


@pytest.mark.parametrize("change, message", [
    ({}, "other.yaml: name: 'baseline' is also the name of base.yaml"),
    ({"name": "other", "horizon_years": 3.25}, "other.yaml: horizon_years: must equal the base's"),
    ({"name": "other", "start_date": dt.date(2021, 4, 1)}, "other.yaml: start_date: must equal the base's"),
])
def test_scenarios_that_cannot_be_paired_are_refused(baseline, change, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        common_random_numbers([baseline, baseline.model_copy(update=change)], ["base.yaml", "other.yaml"])
