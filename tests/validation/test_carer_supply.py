"""Carer supply and stability mechanisms against what they should do in expectation (pinned seeds)."""

import copy

import numpy as np
import pytest

from sim.model.ages import DAYS_PER_YEAR
from sim.model.calendar import Calendar
from tests.conftest import built, run_values
from tests.validation.test_erlang_loss import confidence_interval

BASE = {
    "name": "mechanism", "start_date": "2020-01-01", "horizon_years": 5, "replications": 30, "seed": 11,
    "demand": {"entries_per_year": 0, "age_mix": {"0-4": 1.0},
               "duration_in_care": {"distribution": "exponential", "mean_years": 1.0}},
    "placements": {
        "in_house_fostering": {"location": "in_county", "weekly_cost": 600},
        "out_of_county": {"location": "out_of_county", "capacity": "unlimited", "weekly_cost": 900},
    },
    "matching": {"family": ["in_house_fostering", "out_of_county"]},
    "carers": {"initial_households": 0, "places_per_household": {1: 1.0}},
}


def scenario(**sections):
    return built(BASE, **sections)


def years_of(scenario_obj) -> np.ndarray:
    """Month-end times in years since the start."""
    return np.array(Calendar.for_scenario(scenario_obj).month_end_days()) / DAYS_PER_YEAR


RECRUITING = {
    "carers__recruitment": {
        "enquiries_per_month": 50, "enquiry_to_application": 0.2,
        "assessment": {"mean_months": 4, "cv": 0.3, "assessors": 20, "caseload_per_assessor": 5,
                       "withdrawal_probability": 0.3},
        "panel": {"sittings_per_month": 2, "cases_per_sitting": 10, "approval_probability": 0.9,
                  "decision_delay_days": 10},
    },
}


def test_approvals_follow_the_funnel_when_the_panel_does_not_bind():
    values = run_values(scenario(horizon_years=6, **RECRUITING))
    yearly_after_warm_up = values["approvals"][:, 12:].sum(axis=1) / 5
    expected = 50 * 12 * 0.2 * (1 - 0.3) * 0.9
    low, high = confidence_interval(yearly_after_warm_up)
    assert low <= expected <= high
    assert values["panel_backlog"].max() <= 20


def test_the_pipeline_at_the_start_means_no_first_year_dip_in_approvals():
    values = run_values(scenario(horizon_years=1, **RECRUITING))
    low, high = confidence_interval(values["approvals"].sum(axis=1))
    assert low <= 50 * 12 * 0.2 * (1 - 0.3) * 0.9 <= high


def test_a_binding_panel_caps_approvals_and_its_backlog_grows():
    recruitment = copy.deepcopy(RECRUITING["carers__recruitment"])
    recruitment["panel"] = {"sittings_per_month": 1, "cases_per_sitting": 3, "approval_probability": 1.0}
    values = run_values(scenario(horizon_years=4, replications=5, carers__recruitment=recruitment))
    approvals_by_year = values["approvals"].reshape(5, 4, 12).sum(axis=2)
    assert (approvals_by_year <= 1 * 3 * 12).all()
    backlog_at_year_end = values["panel_backlog"][:, 11::12]
    assert (np.diff(backlog_at_year_end, axis=1) > 0).all()


def test_extra_sittings_cost_and_clear_the_backlog():
    recruitment = copy.deepcopy(RECRUITING["carers__recruitment"])
    recruitment["panel"] = {"sittings_per_month": 1, "cases_per_sitting": 3, "approval_probability": 1.0,
                            "extra_sittings": [{"start_date": "2021-01-01", "months": 12, "sittings_per_month": 2}],
                            "cost_per_extra_sitting": 1000}
    values = run_values(scenario(horizon_years=2, replications=3, carers__recruitment=recruitment))
    assert (values["programme_cost"][:, 12:].sum(axis=1) == 12 * 2 * 1000).all()
    assert (values["approvals"][:, 12:].sum(axis=1) > 3 * 12).all()


def test_campaigns_multiply_enquiries_and_cost_once():
    recruitment = copy.deepcopy(RECRUITING["carers__recruitment"])
    recruitment["campaigns"] = [{"start_date": "2020-07-01", "months": 3, "enquiry_multiplier": 3.0, "cost": 25000}]
    values = run_values(scenario(horizon_years=1, replications=40, carers__recruitment=recruitment))
    during, outside = values["enquiries"][:, 6:9].mean(), values["enquiries"][:, [0, 1, 2, 3, 4, 5, 9, 10, 11]].mean()
    assert during / outside == pytest.approx(3.0, rel=0.1)
    assert (values["programme_cost"].sum(axis=1) == 25000).all()
    assert (values["programme_cost"][:, 6] == 25000).all()


def test_households_decay_at_the_deregistration_rate():
    test = scenario(carers__initial_households=200, carers__deregistration_rate_per_year=0.2, replications=40)
    households = run_values(test)["in_house_households"]
    for month in (5, 23, 59):
        low, high = confidence_interval(households[:, month])
        assert low <= 200 * np.exp(-0.2 * years_of(test)[month]) <= high


@pytest.mark.parametrize("hazard", [0.3, 1.5])
def test_breakdowns_per_placement_year_equal_the_hazard(hazard):
    test = scenario(demand__entries_per_year=200,
                    initial_state={"children_in_care": {"out_of_county": {"0-4": 200}}},
                    breakdowns={"rate_per_year": {"out_of_county": hazard}})
    values = run_values(test)
    days = np.diff([0.0, *Calendar.for_scenario(test).month_end_days()])
    placement_years = (values["children_in_care"] * days).sum(axis=1) / DAYS_PER_YEAR
    low, high = confidence_interval(values["breakdowns"].sum(axis=1) / placement_years)
    assert low <= hazard <= high


def test_breakdowns_and_carers_breaks_drift_children_out_of_county():
    unsettled = {"deregistration_multiplier": 1.0, "months": 0, "break_probability": 1.0, "break_months": 6}
    breaking = run_values(scenario(demand__entries_per_year=60, carers__initial_households=40,
                                   carers__after_breakdown=unsettled,
                                   breakdowns={"rate_per_year": {"in_house_fostering": 1.0}}))
    calm = run_values(scenario(demand__entries_per_year=60, carers__initial_households=40))
    assert (breaking["breakdowns"].sum(axis=1) > 0).all()
    difference = breaking["placed_out_of_county"][:, 12:].mean(axis=1) - calm["placed_out_of_county"][:, 12:].mean(axis=1)
    assert confidence_interval(difference)[0] > 0


MOCKINGBIRD = {"constellations": [{"start_date": "2020-03-01", "count": 2}], "annual_cost_per_constellation": 12000}


def mockingbird_scenario(satellites, breakdown=1.0, deregistration=1.0, replications=10, leaving_rate=0.15):
    return scenario(
        demand__entries_per_year=80, carers__initial_households=40, carers__deregistration_rate_per_year=leaving_rate,
        carers__after_breakdown={"deregistration_multiplier": 2.0, "months": 6, "break_probability": 0.3, "break_months": 2},
        breakdowns={"rate_per_year": {"in_house_fostering": 0.4}}, replications=replications,
        mockingbird={**MOCKINGBIRD, "satellites_per_hub": satellites,
                     "breakdown_multiplier": {"low": breakdown, "central": breakdown, "high": 1.0},
                     "deregistration_multiplier": {"low": deregistration, "central": deregistration, "high": 1.0}},
        **RECRUITING)


def test_multipliers_of_one_make_satellite_membership_change_nothing():
    # With carers staying, hubs never change, so only satellite membership differs between the two.
    few, many = run_values(mockingbird_scenario(1, leaving_rate=0.0)), run_values(mockingbird_scenario(8, leaving_rate=0.0))
    assert not np.array_equal(few["mockingbird_households"], many["mockingbird_households"])
    for metric in few:
        if metric != "mockingbird_households":
            assert np.array_equal(few[metric], many[metric]), metric


def test_hubs_stop_taking_placements_and_cost_each_month():
    values = run_values(mockingbird_scenario(4))
    assert (values["mockingbird_households"][:, 2:] > 0).all()
    months_running = values["programme_cost"] > 0
    assert not months_running[:, :2].any() and months_running[:, 3:].all()
    assert values["programme_cost"][:, 12:24].sum(axis=1) == pytest.approx(2 * 12000, rel=0.01)


def test_lower_deregistration_multiplier_means_fewer_deregistrations():
    low = run_values(mockingbird_scenario(8, deregistration=0.3, replications=30))
    high = run_values(mockingbird_scenario(8, deregistration=1.0, replications=30))
    difference = low["deregistrations"].sum(axis=1) - high["deregistrations"].sum(axis=1)
    assert confidence_interval(difference)[1] < 0


def test_lower_breakdown_multiplier_means_fewer_breakdowns():
    low = run_values(mockingbird_scenario(8, breakdown=0.3, replications=30))
    high = run_values(mockingbird_scenario(8, breakdown=1.0, replications=30))
    assert confidence_interval(low["breakdowns"].sum(axis=1) - high["breakdowns"].sum(axis=1))[1] < 0
