"""The core model's mechanisms, each against what it should do in expectation."""

import numpy as np
import pytest

from sim.model.calendar import Calendar
from sim.model.children import Child, entry_days, entry_rates, yearly_factors
from sim.model.county import CountyModel
from sim.model.streams import generator
from sim.scenario.files import load_scenario, validate_raw
from sim.scenario.uncertainty import central
from tests.conftest import SCENARIOS, run_values


def steady_state_scenario(distribution, cv, replications=40):
    """One unlimited option, entries 300 a year staying 2 years: the census of 600 is the steady state."""
    raw = {
        "name": "steady", "start_date": "2020-04-01", "horizon_years": 3, "replications": replications, "seed": 3,
        "demand": {"entries_per_year": 300, "age_mix": {"0-4": 1.0},
                   "duration_in_care": {"distribution": distribution, "mean_years": 2.0, "cv": cv}},
        "initial_state": {"children_in_care": {"anywhere": {"0-4": 600}}},
        "placements": {"anywhere": {"location": "in_county", "capacity": "unlimited", "weekly_cost": 7}},
        "matching": {"family": ["anywhere"]},
        "carers": {"initial_households": 0, "places_per_household": {1: 1.0}},
    }
    return validate_raw(raw, "steady")


@pytest.mark.parametrize("distribution, cv", [("exponential", 1.0), ("lognormal", 2.0), ("gamma", 0.4)])
def test_a_steady_state_census_neither_collapses_nor_jumps(distribution, cv):
    in_care = run_values(steady_state_scenario(distribution, cv))["children_in_care"]
    for month in (2, 11, 23, 35):
        mean = in_care[:, month].mean()
        half_width = 2.7 * in_care[:, month].std(ddof=1) / np.sqrt(len(in_care))
        assert abs(mean - 600) <= max(half_width, 6), (month, mean)


def test_placement_cost_is_occupancy_days_times_daily_cost():
    values = run_values(steady_state_scenario("exponential", 1.0, replications=2))
    # weekly cost 7 = 1 a day: a month's cost lies between the fewest and most children in care that month times its days
    days = np.diff([0.0, *Calendar.for_scenario(steady_state_scenario("exponential", 1.0)).month_end_days()])
    cost, in_care = values["placement_cost"], values["children_in_care"]
    assert np.all(np.abs(cost / days - in_care) < 0.15 * in_care)


def scenario_entry_days(scenario, calendar, rng, changes=(), above_rng=None):
    """Entry days of the scenario's own rate, then of each (day, keys, scenario after) change."""
    demand = scenario.demand
    return entry_days(entry_rates(demand, changes), demand.seasonality, calendar, rng, above_rng)


def test_entries_follow_the_rate_and_trend():
    scenario = central(load_scenario(SCENARIOS / "baseline.yaml", ["demand.trend_per_year=0.1", "horizon_years=10"]))
    rate = scenario.demand.entries_per_year
    calendar = Calendar.for_scenario(scenario)
    counts = np.array([np.histogram(scenario_entry_days(scenario, calendar, generator(1, r, "entries")),
                                    bins=[0, 365.25, 9 * 365.25, 10 * 365.25])[0] for r in range(200)])
    assert counts[:, 0].mean() == pytest.approx(rate * 0.1 / np.log(1.1), rel=0.02)
    assert counts[:, 2].mean() == pytest.approx(rate * 1.1 ** 9 * 0.1 / np.log(1.1), rel=0.02)


def test_a_years_rate_varies_about_its_trend_as_a_mixed_poisson_process():
    """Counts a year with a lognormal factor of mean 1 and CV c: mean m, variance m + (c m)^2 (Poisson's is m)."""
    scenario = central(load_scenario(SCENARIOS / "baseline.yaml", ["demand.trend_per_year=0", "horizon_years=10",
                                                                   "demand.seasonality.amplitude=0"]))
    rate, variation = scenario.demand.entries_per_year, 0.05
    calendar = Calendar.for_scenario(scenario)
    bins = np.arange(11) * 365.25
    counts = np.concatenate([
        np.histogram(entry_days(entry_rates(scenario.demand, ()), scenario.demand.seasonality, calendar,
                                generator(5, r, "entries"), None,
                                yearly_factors(variation, calendar.horizon_days, generator(5, r, "by_year"))),
                     bins=bins)[0] for r in range(400)])
    assert counts.mean() == pytest.approx(rate, rel=0.01)
    assert counts.var(ddof=1) == pytest.approx(rate + (variation * rate) ** 2, rel=0.1)  # 4,000 years: SE 2%
    none = yearly_factors(0.0, calendar.horizon_days, None)  # nothing drawn
    assert np.all(none == 1.0) and none.size * 365.25 > calendar.horizon_days


def test_seasonality_peaks_in_the_peak_month():
    scenario = central(load_scenario(SCENARIOS / "baseline.yaml", ["demand.seasonality.amplitude=0.5",
                                                                   "demand.seasonality.peak_month=10", "horizon_years=10"]))
    days = np.concatenate([scenario_entry_days(scenario, Calendar.for_scenario(scenario), generator(2, r, "entries"))
                           for r in range(20)])
    months = (np.datetime64("2020-04-01") + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12 + 1
    by_month = np.bincount(months, minlength=13)[1:]
    assert np.argmax(by_month) + 1 in (9, 10, 11)
    assert by_month.max() / by_month.min() > 2.0


def test_children_age_across_bands():
    child = Child(entry_day=0.0, entry_age=4.5, need="family")
    assert child.band_at(0.0) == "0-4"
    assert child.band_at(365.25) == "5-10"
    assert child.band_at(12 * 365.25) == "16-17"


def test_matching_takes_the_first_option_with_a_vacancy_that_suits_the_age():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", ["initial_state.children_in_care=0", "initial_state.in_house_vacancies=null",
                                                           "carers.initial_households=2", "carers.fit_probability=1",
                                                           "carers.places_per_household={1: 1.0}",
                                                           "carers.age_range_mix={'0-4': 1.0}",
                                                           "placements.other_in_county.capacity=0"])
    model = CountyModel(scenario, 0)
    model.start()
    placed = [model.placements.match(Child(0.0, age, "family"), 0.0).name for age in (2.0, 12.0, 3.0, 1.0)]
    assert placed == ["in_house_fostering", "ifa_in_county", "in_house_fostering", "ifa_in_county"]


def test_the_model_leaves_the_scenario_unchanged(baseline):
    before = baseline.model_dump()
    CountyModel(load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=1"]), 0).run()
    CountyModel(baseline, 0).run()
    assert baseline.model_dump() == before


def erlang_model(households=1, extra=()):
    scenario = load_scenario(SCENARIOS / "validation" / "erlang_loss.yaml",
                             [f"carers.initial_households={households}", "demand.entries_per_year=0", *extra])
    model = CountyModel(scenario, 0)
    model.start()
    return model


def test_a_broken_down_in_county_placement_can_become_out_of_county():
    model = erlang_model()
    child = Child(0.0, 2.0, "family")
    model.placements.match(child, 0.0)
    model._admit(child, 365.0)
    assert child.option.name == "in_house_fostering" and model.placements.in_county == 1
    model.placement_broke_down(child)
    assert child.option.name == "ifa_out_of_county"
    assert (model.placements.in_county, model.placements.out_of_county) == (0, 1)
    assert model.recorder.flows["breakdowns"] == model.recorder.flows["moves:breakdown"] == 1


def test_a_deregistering_household_sends_its_children_to_be_rematched():
    model = erlang_model(households=2)
    children = [Child(0.0, 2.0, "family") for _ in range(2)]
    for child in children:
        model.placements.match(child, 0.0)
        model._admit(child, 365.0)
    model.household_deregistered(children[0].household)
    assert children[0].option.name == "ifa_out_of_county" and children[0].household is None
    assert len(model.carers.households) == 1
    assert model.recorder.flows["moves:carer_left"] == 1 and model.recorder.flows["deregistrations"] == 1


def test_a_mockingbird_hub_stops_taking_placements():
    model = erlang_model(households=10, extra=["mockingbird.constellations=[{start_date: 2020-01-01, count: 1}]",
                                              "mockingbird.satellites_per_hub=3"])
    vacancies_before = model.carers.census(0.0)[1]
    model.env.run(until=1.0)
    hubs = [h for h in model.carers.households.values() if h.role == "hub"]
    assert len(hubs) == 1 and model.mockingbird.households == 4
    assert model.carers.census(1.0)[1] == vacancies_before - hubs[0].free_places
    for _ in range(9):
        model.placements.match(Child(1.0, 2.0, "family"), 1.0)
    assert hubs[0].children == [] and model.placements.out_of_county == 0


def test_step_down_waits_for_the_settling_period_and_keeps_to_the_monthly_limit():
    model = erlang_model(households=0, extra=["step_down.enabled=true", "step_down.min_months_in_placement=6",
                                             "step_down.max_moves_per_month=2"])
    children = [Child(0.0, 2.0, "family") for _ in range(4)]
    for child in children:
        model.placements.match(child, 0.0)
        model._admit(child, 3650.0)
    for _ in range(3):
        model.household_approved()
    model.env.run(until=150.0)
    model.step_down.review()
    assert model.placements.out_of_county == 4
    model.env.run(until=190.0)
    model.step_down.review()
    assert model.placements.out_of_county == 2 and model.recorder.flows["moves:step_down"] == 2
    model.step_down.review()
    assert model.placements.out_of_county == 1


def test_a_childs_breakdown_budgets_are_its_own_whatever_others_do():
    """The n-th entrant's budgets come from its row of the stream, however many rows were asked for first."""
    from sim.model.breakdowns import BudgetRows

    late = BudgetRows(generator(4, 0, "breakdown_budgets:entrants"))
    late.row(2500)
    early = BudgetRows(generator(4, 0, "breakdown_budgets:entrants"))
    assert early.row(7) == late.row(7) and len(early.row(7)) == 6
    assert early.row(7) != early.row(8)
