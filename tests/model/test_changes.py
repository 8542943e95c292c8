"""Changes on a date: identical runs before the date for every kind of change, nothing at all from a change
after the horizon or one that sets what is already in force, and what each kind of change means after it."""

import datetime as dt

import numpy as np
import pytest

from sim.model.calendar import Calendar
from sim.model.county import CountyModel
from sim.model.metrics import metric_names
from sim.model.streams import generator
from sim.scenario.changes import BY_BAND, OPTION, PATTERNS, mechanisms_for
from sim.scenario.files import load_scenario, validate_raw
from sim.scenario.uncertainty import central
from tests.conftest import SCENARIOS
from tests.model.test_model import scenario_entry_days

CHANGE_DATE = dt.date(2023, 4, 1)
STEP_DOWN_ON = {"step_down.enabled": True, "step_down.max_moves_per_month": 4}
# One change of each changeable key (by its pattern), chosen to make a difference in the baseline.
SAMPLES = {
    f"placements.{OPTION}.capacity": {"placements.in_house_childrens_home.capacity": 40},
    f"placements.{OPTION}.weekly_cost": {"placements.ifa_out_of_county.weekly_cost": 900},
    f"placements.{OPTION}.weekly_cost_inflation_per_year": {
        "placements.ifa_out_of_county.weekly_cost_inflation_per_year": 0.06},
    "weekly_cost_inflation_per_year": {"weekly_cost_inflation_per_year": 0.03},
    f"matching.family{BY_BAND}": {"matching.family.0-4": ["ifa_in_county", "in_house_fostering", "ifa_out_of_county"]},
    f"matching.residential{BY_BAND}": {
        "matching.residential": ["private_home_in_county", "in_house_childrens_home", "home_out_of_county"]},
    f"matching.kinship{BY_BAND}": {"matching.kinship": ["in_house_fostering", "kinship"]},
    "step_down.enabled": STEP_DOWN_ON,
    "step_down.min_months_in_placement": {**STEP_DOWN_ON, "step_down.min_months_in_placement": 1},
    "step_down.max_moves_per_month": {**STEP_DOWN_ON, "step_down.max_moves_per_month": 10},
    "demand.entries_per_year": {"demand.entries_per_year": 500},
    "demand.trend_per_year": {"demand.trend_per_year": 0.1},
    "carers.recruitment.enquiries_per_month": {"carers.recruitment.enquiries_per_month": 90},
    "carers.recruitment.enquiry_to_application": {"carers.recruitment.enquiry_to_application": 0.2},
    "carers.recruitment.assessment.assessors": {"carers.recruitment.assessment.assessors": 2},
    "carers.recruitment.assessment.caseload_per_assessor": {"carers.recruitment.assessment.caseload_per_assessor": 2},
    "carers.recruitment.assessment.mean_months": {"carers.recruitment.assessment.mean_months": 4},
    "carers.recruitment.assessment.cv": {"carers.recruitment.assessment.cv": 0.8},
    "carers.recruitment.assessment.withdrawal_probability": {"carers.recruitment.assessment.withdrawal_probability": 0.2},
    "carers.recruitment.assessment.cost_per_assessor_per_year": {
        "carers.recruitment.assessment.cost_per_assessor_per_year": 70000},
    "carers.recruitment.panel.sittings_per_month": {"carers.recruitment.panel.sittings_per_month": 0},
    "carers.recruitment.panel.cases_per_sitting": {"carers.recruitment.panel.cases_per_sitting": 1},
    "carers.recruitment.panel.approval_probability": {"carers.recruitment.panel.approval_probability": 0.5},
    "carers.deregistration_rate_per_year": {"carers.deregistration_rate_per_year": 0.3},
    "carers.after_breakdown.deregistration_multiplier": {"carers.after_breakdown.deregistration_multiplier": 5},
    "carers.after_breakdown.months": {"carers.after_breakdown.months": 24},
    "carers.after_breakdown.break_probability": {"carers.after_breakdown.break_probability": 0.9},
    "carers.after_breakdown.break_months": {"carers.after_breakdown.break_months": 9},
    "mockingbird.deregistration_multiplier": {"mockingbird.deregistration_multiplier": 0.1},
    f"breakdowns.rate_per_year.{OPTION}{BY_BAND}": {"breakdowns.rate_per_year.ifa_out_of_county.11-15": 0.5},
    "mockingbird.breakdown_multiplier": {"mockingbird.breakdown_multiplier": 5.0},
}


@pytest.fixture(scope="module")
def base():
    """The baseline for five years at its central values (so a change's own draw cannot differ)."""
    return central(load_scenario(SCENARIOS / "baseline.yaml",
                                 ["horizon_years=5", "carers.recruitment.assessment.cost_per_assessor_per_year=55000"]))


@pytest.fixture(scope="module")
def base_runs(base):
    return [CountyModel(base, replication).run() for replication in range(2)]


def with_changes(scenario, *changes):
    raw = scenario.model_dump(mode="json")
    raw["changes"] = [{"date": date.isoformat(), "set": settings} for date, settings in changes]
    return validate_raw(raw, "test")


def months_before(scenario, date) -> int:
    return sum(end < date for end in Calendar.for_scenario(scenario).month_ends())


def test_every_changeable_key_has_a_sample_here():
    assert set(SAMPLES) == set(PATTERNS)
    for pattern, settings in SAMPLES.items():
        assert all(mechanisms_for(key) for key in settings), pattern


@pytest.mark.parametrize("pattern", list(SAMPLES))
def test_a_run_is_identical_before_a_change_and_differs_after_it(pattern, base, base_runs):
    changed = with_changes(base, (CHANGE_DATE, SAMPLES[pattern]))
    before = months_before(base, CHANGE_DATE)
    for replication, unchanged in enumerate(base_runs):
        values = CountyModel(changed, replication).run()
        assert np.array_equal(values[:before], unchanged[:before]), pattern
        assert not np.array_equal(values[before:], unchanged[before:]), pattern


@pytest.mark.parametrize("pattern", list(SAMPLES))
def test_a_change_to_what_is_already_in_force_changes_nothing(pattern, base, base_runs):
    """No new draws and no rescheduling from a change that leaves a setting as it was."""
    raw = base.model_dump(mode="json")
    same = {key: _at(raw, key) for key in SAMPLES[pattern]}
    values = CountyModel(with_changes(base, (CHANGE_DATE, same)), 0).run()
    assert np.array_equal(values, base_runs[0]), pattern


def test_changes_dated_after_the_horizon_change_nothing_at_all(base, base_runs):
    every_kind = {key: value for settings in SAMPLES.values() for key, value in settings.items()}
    changed = with_changes(base, (dt.date(2025, 4, 1), every_kind), (dt.date(2031, 1, 1), every_kind))
    for replication, unchanged in enumerate(base_runs):
        assert np.array_equal(CountyModel(changed, replication).run(), unchanged)


def test_more_childrens_home_beds_from_april_2023_fill_after_that_date(base, base_runs):
    changed = with_changes(base, (CHANGE_DATE, {"placements.in_house_childrens_home.capacity": 40}))
    column = metric_names(base.placements).index("placed:in_house_childrens_home")
    before = months_before(base, CHANGE_DATE)
    for replication, unchanged in enumerate(base_runs):
        values = CountyModel(changed, replication).run()
        assert np.array_equal(values[:before], unchanged[:before])
        assert unchanged[before:, column].max() <= 28
        assert values[-12:, column].mean() > 36


def test_a_capacity_that_falls_moves_nobody_and_places_nobody_above_it(base):
    changed = with_changes(base, (CHANGE_DATE, {"placements.in_house_childrens_home.capacity": 10}))
    model = CountyModel(changed, 0)
    model.start()
    day = model.calendar.day_of(CHANGE_DATE)
    model.env.run(until=day + 0.25)
    home = model.placements.options["in_house_childrens_home"]
    assert home.capacity == 10 and home.occupied > 10  # nobody moved
    occupied = [home.occupied]
    while model.env.peek() < model.horizon:
        model.env.step()
        assert home.occupied <= max(10, occupied[-1])  # never a placement above the new capacity
        occupied.append(home.occupied)
    assert occupied[-1] <= 10


def test_a_rate_change_reschedules_each_clock_on_the_budget_it_already_drew():
    """Households alone, leaving at 0.2 a year and at 0.5 a year from April 2023: each leaves when its one
    Exp(1) budget is spent at the rate in force, computed here from the same stream."""
    raw = {"name": "leaving", "start_date": "2021-04-01", "horizon_years": 6, "replications": 1, "seed": 8,
           "demand": {"entries_per_year": 0, "age_mix": {"0-4": 1.0}, "duration_in_care": {"mean_years": 1.0}},
           "placements": {"in_house_fostering": {"location": "in_county", "weekly_cost": 0},
                          "elsewhere": {"location": "out_of_county", "capacity": "unlimited", "weekly_cost": 0}},
           "matching": {"family": ["in_house_fostering", "elsewhere"]},
           "carers": {"initial_households": 300, "places_per_household": {1: 1.0},
                      "deregistration_rate_per_year": 0.2},
           "changes": [{"date": "2023-04-01", "set": {"carers.deregistration_rate_per_year": 0.5}}]}
    scenario = validate_raw(raw, "leaving")
    calendar = Calendar.for_scenario(scenario)
    values = CountyModel(scenario, 0).run()
    recorded = values[:, metric_names(scenario.placements).index("deregistrations")]
    budgets = generator(8, 0, "deregistration").standard_exponential(1024)[:300]
    change_day, before, after = calendar.day_of(dt.date(2023, 4, 1)), 0.2 / 365.25, 0.5 / 365.25
    leaving = np.where(budgets <= before * change_day, budgets / before,
                       change_day + (budgets - before * change_day) / after)
    expected = np.histogram(leaving, bins=[0.0, *calendar.month_end_days()])[0]
    assert recorded.tolist() == expected.tolist()


def test_entries_follow_each_change_of_rate_and_trend():
    """From 1 April 2023 the rate is 300 a year (an edge-of-care service), then grows 10% a year from April 2025;
    before 2023 the entry days are exactly those of the unchanged scenario."""
    scenario = central(load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=8", "demand.trend_per_year=0"]))
    calendar = Calendar.for_scenario(scenario)
    changed = with_changes(scenario, (dt.date(2023, 4, 1), {"demand.entries_per_year": 300}),
                           (dt.date(2025, 4, 1), {"demand.trend_per_year": 0.1}))
    schedule = CountyModel(changed, 0).changes.keys_by_day()
    d1, d2 = calendar.day_of(dt.date(2023, 4, 1)), calendar.day_of(dt.date(2025, 4, 1))
    counts = []
    for r in range(300):
        own = scenario_entry_days(scenario, calendar, generator(9, r, "entries"))
        days = scenario_entry_days(scenario, calendar, generator(9, r, "entries"), schedule, generator(9, r, "above"))
        assert np.array_equal(days[days < d1], own[own < d1])
        counts.append(np.histogram(days, bins=[d1, d1 + 365.25, d2, d2 + 365.25, d2 + 2 * 365.25])[0])
    counts = np.array(counts)
    growth = 0.1 / np.log(1.1)  # mean of 1.1 ** t over a year
    expected = [300, 300 * (d2 - d1 - 365.25) / 365.25, 300 * growth, 300 * 1.1 * growth]
    half_widths = 3 * counts.std(axis=0, ddof=1) / np.sqrt(len(counts))
    assert np.all(np.abs(counts.mean(axis=0) - expected) < half_widths)


def test_entries_above_the_scenarios_own_peak_come_from_the_extra_candidates():
    scenario = central(load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=4", "demand.trend_per_year=0"]))
    rate = scenario.demand.entries_per_year
    calendar = Calendar.for_scenario(scenario)
    raised = with_changes(scenario, (dt.date(2022, 4, 1), {"demand.entries_per_year": 700}))
    schedule = CountyModel(raised, 0).changes.keys_by_day()
    day = calendar.day_of(dt.date(2022, 4, 1))
    counts = np.array([np.histogram(
        scenario_entry_days(scenario, calendar, generator(4, r, "entries"), schedule, generator(4, r, "above")),
        bins=[0, 365.25, day, day + 365.25, day + 2 * 365.25])[0] for r in range(300)])
    half_widths = 3 * counts.std(axis=0, ddof=1) / np.sqrt(len(counts))
    assert np.all(np.abs(counts.mean(axis=0) - [rate, rate, 700, 700]) < half_widths)


def _at(raw: dict, key: str):
    node = raw
    for part in key.split("."):
        node = node[part]
    return node


def test_an_option_that_gains_a_breakdown_rate_starts_each_clock_on_its_placements_own_budget():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=5", "breakdowns.rate_per_year={}"])
    changed = with_changes(scenario, (CHANGE_DATE, {"breakdowns.rate_per_year.kinship": 0.5}))
    model = CountyModel(changed, 0)
    model.start()
    model.env.run(until=model.calendar.day_of(CHANGE_DATE) + 0.25)
    kinship = list(model.placements.options["kinship"].children)
    assert kinship and all(child.breakdown_clock is not None for child in kinship)
    assert all(child.breakdown_clock.budget == child.breakdown_budgets[child.placements_started - 1]
               for child in kinship)
    assert model.placements.options["ifa_in_county"].children and all(
        child.breakdown_clock is None for child in model.placements.options["ifa_in_county"].children)
