"""Costs by hand: placement costs inflated on each anniversary of the start, weekly costs and inflation that
change on a date, the assessment team's running cost, and one-off costs of changes."""

import pytest

from sim.model.county import CountyModel
from sim.model.metrics import metric_names
from sim.scenario.files import validate_raw
from sim.scenario.prices import prices_manifest, prices_statement

CHILDREN = 10  # aged 0-4 with a very long time in care: all stay to the horizon, so costs are days x price


def scenario(changes=(), **assessment):
    raw = {
        "name": "costs", "start_date": "2021-04-01", "horizon_years": 3, "replications": 1, "seed": 2,
        "demand": {"entries_per_year": 0, "age_mix": {"0-4": 1.0},
                   "duration_in_care": {"distribution": "exponential", "mean_years": 1e6}},
        "initial_state": {"children_in_care": {"own": {"0-4": CHILDREN}, "other": {"0-4": CHILDREN}}},
        "placements": {
            "own": {"location": "in_county", "weekly_cost": 700, "weekly_cost_inflation_per_year": 0.05},
            "other": {"location": "out_of_county", "weekly_cost": 350},
        },
        "weekly_cost_inflation_per_year": 0.02,
        "matching": {"family": ["own", "other"]},
        "carers": {"initial_households": 0, "places_per_household": {1: 1.0},
                   "recruitment": {"assessment": assessment}},
        "changes": list(changes),
    }
    return validate_raw(raw, "costs")


def yearly(scenario_, metric: str) -> list[float]:
    values = CountyModel(scenario_, 0).run()[:, metric_names(scenario_.placements).index(metric)]
    return [values[12 * year:12 * year + 12].sum() for year in range(3)]


def test_weekly_costs_rise_on_each_anniversary_at_the_options_inflation():
    # 2021-22 and 2022-23 have 365 days, 2023-24 has 366; £700 a week is £100 a day, £350 is £50
    costs = scenario()
    assert yearly(costs, "placement_cost:own") == pytest.approx(
        [CHILDREN * 365 * 100, CHILDREN * 365 * 100 * 1.05, CHILDREN * 366 * 100 * 1.05 ** 2], rel=1e-12)
    assert yearly(costs, "placement_cost:other") == pytest.approx(
        [CHILDREN * 365 * 50, CHILDREN * 365 * 50 * 1.02, CHILDREN * 366 * 50 * 1.02 ** 2], rel=1e-12)


def test_a_new_weekly_cost_is_at_start_date_prices_and_a_new_inflation_rate_applies_from_its_date():
    changed = scenario([
        {"date": "2022-10-01", "set": {"placements.own.weekly_cost": 1400}},  # 183 days at the old price, 182 at the new
        {"date": "2023-04-01", "set": {"placements.own.weekly_cost_inflation_per_year": 0.10}},  # this year's rise
    ])
    assert yearly(changed, "placement_cost:own") == pytest.approx(
        [CHILDREN * 365 * 100, CHILDREN * 1.05 * (183 * 100 + 182 * 200), CHILDREN * 366 * 200 * 1.05 * 1.10],
        rel=1e-12)


def test_assessors_cost_their_running_cost_and_a_change_its_one_off_cost():
    changed = scenario([{"date": "2022-10-01", "set": {"carers.recruitment.assessment.assessors": 5}},
                        {"date": "2022-06-15", "cost": 250_000, "note": "set-up"}],
                       assessors=2, caseload_per_assessor=6, cost_per_assessor_per_year=36_525)  # £100 a day each
    assert yearly(changed, "programme_cost") == pytest.approx(
        [365 * 200, 183 * 200 + 182 * 500 + 250_000, 366 * 500], rel=1e-12)
    values = CountyModel(changed, 0).run()[:, metric_names(changed.placements).index("programme_cost")]
    assert values[14] - 30 * 200 == pytest.approx(250_000)  # June 2022


def test_the_pack_can_say_in_what_terms_costs_are():
    assert prices_statement(scenario()) == (
        "Costs are in cash terms: weekly placement costs start at April 2021 prices and rise on each anniversary "
        "of the start by 2.0% a year (own 5.0%). Programme costs are as written.")
    flat = validate_raw({**scenario().model_dump(mode="json"), "weekly_cost_inflation_per_year": 0,
                         "placements": {"own": {"location": "in_county", "weekly_cost": 700},
                                        "other": {"location": "out_of_county", "weekly_cost": 350}}}, "flat")
    assert prices_statement(flat) == "Costs are at April 2021 prices: no inflation is applied."
    assert prices_manifest(scenario())["inflation_per_year"] == {"own": 0.05, "other": 0.02}
