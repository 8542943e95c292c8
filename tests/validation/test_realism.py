"""Placement realism against known answers (closed forms, Little's law, published figures) with pinned seeds,
and issue 11's "done when" checks on the baseline."""


import numpy as np
import pytest

from sim.model.ages import AGE_BANDS, DAYS_PER_YEAR, band_of_age
from sim.model.calendar import Calendar
from sim.model.children import EntrantDraws
from sim.model.county import CountyModel
from sim.model.metrics import metric_names
from sim.model.streams import generator
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import central
from tests.conftest import SCENARIOS, built, run_values
from tests.validation.test_erlang_loss import confidence_interval

SIMPLE = {
    "name": "realism", "start_date": "2020-01-01", "horizon_years": 4, "replications": 30, "seed": 23,
    "demand": {"entries_per_year": 0, "age_mix": {"0-4": 1.0},
               "duration_in_care": {"distribution": "exponential", "mean_years": 1.0}},
    "placements": {
        "in_house_fostering": {"location": "in_county", "weekly_cost": 600},
        "ifa_in_county": {"location": "in_county", "capacity": 20, "weekly_cost": 800},
        "out_of_county": {"location": "out_of_county", "capacity": "unlimited", "weekly_cost": 900},
        "kin": {"location": "in_county", "capacity": "unlimited", "weekly_cost": 300},
    },
    "matching": {"family": ["in_house_fostering", "ifa_in_county", "out_of_county"], "kinship": ["kin"]},
    "carers": {"initial_households": 0, "places_per_household": {1: 1.0}},
}


def simple(**sections):
    return built(SIMPLE, **sections)


def years_of(scenario) -> np.ndarray:
    return np.array(Calendar.for_scenario(scenario).month_end_days()) / DAYS_PER_YEAR


def doubled_foster_breakdowns(scenario) -> list:
    rates = central(scenario).breakdowns.rate_per_year
    return [f"breakdowns.rate_per_year.{option}=" + str({band: 2 * rate for band, rate in rates[option].items()})
            for option in ("in_house_fostering", "ifa_in_county", "ifa_out_of_county", "kinship")]


# the census start (issue 10, item 2)



def test_month_one_out_of_county_is_within_two_percent_of_the_census_when_rates_are_in_balance(baseline):
    """The baseline's capped options start full at the census, its pool's approvals equal its leavers, and its
    census vacancies (20%) are at the level the vacancy friction keeps: the first month end matches the census."""
    census = sum(sum(baseline.initial_state.counts()[option].values()) for option, spec in baseline.placements.items()
                 if spec.location == "out_of_county" and option in baseline.initial_state.counts())
    values = run_values(central(load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=0.25", "replications=40"])),
                        jobs=2)
    month_one = values["placed_out_of_county"][:, 0].mean()
    assert abs(month_one / census - 1) <= 0.02, (month_one, census)


# vacancies not every child can use

def test_at_baseline_rates_in_house_vacancies_are_10_to_30_percent_of_places_from_year_3():
    values = run_values(load_scenario(SCENARIOS / "baseline.yaml", ["replications=8"]), jobs=2)
    share = values["in_house_vacancies"][:, 24:] / values["in_house_places"][:, 24:]
    assert ((share.mean(axis=0) >= 0.10) & (share.mean(axis=0) <= 0.30)).all()
    assert 0.15 <= share.mean() <= 0.25  # the national 17,150 of 87,120 (figures: england, la_vacant_places)


def test_a_settling_gap_leaves_the_renewal_share_of_places_vacant():
    """One-place households, children arriving far faster than places free: each place cycles through a
    stay (exponential, mean 1 year) and a gap of G days, so G / (365.25 + G) of places are vacant."""
    gap = 73.0
    test = simple(demand__entries_per_year=3000, carers__initial_households=60,
                  carers__gap_between_placements_days=gap, horizon_years=3, replications=10)
    values = run_values(test, jobs=2)
    share = (values["in_house_vacancies"][:, 12:] / values["in_house_places"][:, 12:]).mean(axis=1)
    waiting = 1 / (3000 / DAYS_PER_YEAR)  # days until the next arrival once a gap ends (at most this)
    low, high = confidence_interval(share)
    assert low <= gap / (DAYS_PER_YEAR + gap) <= high + waiting / DAYS_PER_YEAR


# a breakdown needs a place the same day

@pytest.mark.slow
def test_doubling_foster_breakdown_rates_raises_out_of_county_at_three_years(baseline):
    extra = ["replications=40", "horizon_years=3"]
    base = run_values(load_scenario(SCENARIOS / "baseline.yaml", extra), jobs=2)
    doubled = run_values(load_scenario(SCENARIOS / "baseline.yaml", [*extra, *doubled_foster_breakdowns(baseline)]),
                         jobs=2)
    difference = doubled["placed_out_of_county"][:, 35] - base["placed_out_of_county"][:, 35]
    assert confidence_interval(difference, level=0.95)[0] > 0


# sibling groups

class Observed(CountyModel):
    """Records, at entry, whether each child was placed out of county, by the size of its group."""

    def __init__(self, scenario, replication):
        super().__init__(scenario, replication)
        self.out_of_county = {"alone": [], "group": []}

    def enter_alone(self, child, days_in_care):
        super().enter_alone(child, days_in_care)
        self.out_of_county["alone"].append(not child.option.in_county)

    def enter(self, children, days_in_care):
        super().enter(children, days_in_care)
        self.out_of_county["group"].extend(not child.option.in_county for child in children)


def test_with_one_place_households_and_siblings_kept_together_groups_go_out_of_county_more_often():
    test = simple(demand__entries_per_year=60, carers__initial_households=40,
                  demand__sibling_groups={1: 0.5, 2: 0.3, 3: 0.2}, matching__siblings="together_only")
    alone, group = [], []
    for replication in range(10):
        model = Observed(test, replication)
        model.run()
        alone.append(np.mean(model.out_of_county["alone"]))
        group.append(np.mean(model.out_of_county["group"]))
    assert confidence_interval(np.array(group) - np.array(alone))[0] > 0


def test_siblings_ages_follow_the_age_mix_and_children_enter_at_the_stated_rate(baseline):
    model = CountyModel(baseline, 0)
    groups, entrants = model.siblings, EntrantDraws(model.scenario.demand, generator(1, 0, "first children"))
    first_ages = [entrants.next()[0] for _ in range(6000)]
    ages = [age for first in first_ages for age, _, _ in groups.siblings_of(first, "family", 1)]
    shares = np.array([np.mean([band_of_age(age) == band for age in ages]) for band in AGE_BANDS])
    expected = np.array([baseline.demand.age_mix[band] for band in AGE_BANDS])
    assert np.all(np.abs(shares - expected) <= 3 * np.sqrt(expected * (1 - expected) / len(ages)))
    gaps = np.abs(np.array(ages) - np.array(first_ages))
    assert np.median(gaps) < 3.0  # siblings are close in age
    at_central = central(load_scenario(SCENARIOS / "baseline.yaml", ["replications=20", "horizon_years=2"]))
    values = run_values(at_central, jobs=2)
    low, high = confidence_interval(values["entries"].sum(axis=1) / 2)
    assert low <= at_central.demand.entries_per_year <= high


# carers who leave as carers do

def test_the_leaving_hazard_by_occupancy_integrates_to_the_stated_rates():
    """Ten occupied households whose children stay and ten empty ones, nothing else happening: each group
    decays at the rate times its multiplier."""
    rate, with_children, without_children = 0.3, 0.5, 2.0
    test = simple(horizon_years=3, replications=400, carers__initial_households=20,
                  carers__deregistration_rate_per_year=rate,
                  carers__leaving={"with_children_multiplier": with_children,
                                   "without_children_multiplier": without_children},
                  demand__duration_in_care={"distribution": "exponential", "mean_years": 1000.0},
                  initial_state={"children_in_care": {"in_house_fostering": {"0-4": 10}}},
                  matching__emergency={"family": ["out_of_county"]})
    values = run_values(test, jobs=2)
    years = years_of(test)
    for month in (5, 17, 35):
        expected_empty = 10 * np.exp(-rate * without_children * years[month])
        expected_all = 10 * np.exp(-rate * with_children * years[month]) + expected_empty
        for metric, expected in (("in_house_households", expected_all),
                                 ("in_house_households_without_children", expected_empty)):
            low, high = confidence_interval(values[metric][:, month])
            assert low <= expected <= high, (metric, month)


def test_the_baselines_leaving_rates_give_the_published_overall_rate(baseline):
    at_central = central(load_scenario(SCENARIOS / "baseline.yaml", ["replications=16", "horizon_years=3"]))
    values = run_values(at_central, jobs=2)
    household_years = values["in_house_households"].sum(axis=1) / 12
    low, high = confidence_interval(values["deregistrations"].sum(axis=1) / household_years, level=0.95)
    published = at_central.carers.deregistration_rate_per_year  # figures: england, mainstream_deregistration_rate
    assert low - 0.01 <= published <= high + 0.01


def test_carers_leave_faster_as_they_reach_retirement_ages():
    """Carers aged 60 to 65 at the start leave at twice the rate until 65, then at the rate: the expected
    survivors are the mean over the starting age of exp(-integrated hazard)."""
    rate = 0.2
    test = simple(horizon_years=6, replications=30, carers__initial_households=100,
                  carers__deregistration_rate_per_year=rate,
                  carers__leaving={"by_carer_age": {"60-64": 2.0}},
                  carers__ages={"at_start": {"60-64": 1.0}, "at_approval": {"30-39": 1.0}})
    values = run_values(test, jobs=2)
    starting_ages = np.linspace(60, 65, 2001)[:-1] + 1 / 800
    for month in (11, 35, 71):
        t = years_of(test)[month]
        at_double = np.clip(65 - starting_ages, 0, t)
        expected = 100 * np.mean(np.exp(-rate * (2 * at_double + (t - at_double))))
        low, high = confidence_interval(values["in_house_households"][:, month])
        assert low <= expected <= high, month


# UASC and times in care by need

def test_uasc_enter_at_their_rate_and_count_in_every_stock():
    uasc = {"entries_per_year": 40, "age_mix": {"0-4": 1.0},
            "duration_in_care": {"distribution": "exponential", "mean_years": 0.5},
            "matching": ["ifa_in_county", "out_of_county"]}
    steady = {"children_in_care": {"out_of_county": {"0-4": 50}}, "uasc_in_care": {"ifa_in_county": {"0-4": 20}}}
    test = simple(demand__uasc=uasc, demand__entries_per_year=50, horizon_years=4, initial_state=steady)
    values = run_values(test, jobs=2)
    low, high = confidence_interval(values["uasc_entries"].sum(axis=1) / 4)
    assert low <= 40 <= high
    assert (values["uasc_entries"] <= values["entries"]).all()
    low, high = confidence_interval(values["uasc_in_care"].mean(axis=1))
    assert low <= 40 * 0.5 <= high  # Little's law, from a census at the steady state
    low, high = confidence_interval(values["children_in_care"].mean(axis=1))
    assert low <= 40 * 0.5 + 50 * 1.0 <= high


def test_kinship_stays_longer_by_its_multiplier():
    steady = {"children_in_care": {"kin": {"0-4": 200}, "out_of_county": {"0-4": 100}}}
    test = simple(demand__entries_per_year=200, demand__kinship_share=0.5, horizon_years=3, initial_state=steady,
                  demand__duration_in_care={"distribution": "exponential", "mean_years": 1.0,
                                            "need_multiplier": {"kinship": 2.0}})
    values = run_values(test, jobs=2)
    for month in (5, 17, 35):  # the census at its steady state stays there: entries and census both stay longer
        low, high = confidence_interval(values["placed:kin"][:, month])
        assert low <= 100 * 2.0 <= high, month
        low, high = confidence_interval(values["children_in_care"][:, month])
        assert low <= 100 * 2.0 + 100 * 1.0 <= high, month


# month ends

def test_no_month_has_zero_approvals_while_the_panel_sits_monthly():
    """A full panel queue, every case approved, a decision 14 days after a mid-month sitting: every month
    approves exactly the cases of its sitting, February included (its decision falls on the month end)."""
    recruitment = {"enquiries_per_month": 100, "enquiry_to_application": 0.5,
                   "assessment": {"mean_months": 1, "cv": 0.2, "assessors": 50, "caseload_per_assessor": 5},
                   "panel": {"sittings_per_month": 1, "cases_per_sitting": 4, "approval_probability": 1.0,
                             "decision_delay_days": 14}}
    values = run_values(simple(horizon_years=5, replications=2, carers__recruitment=recruitment))
    assert (values["approvals"][:, 1:] == 4).all()


# return to county and the shipped step-down scenario

class PlannedMoves(CountyModel):
    def __init__(self, scenario, replication):
        super().__init__(scenario, replication)
        self.kinds = []

    def move_child(self, child, reason, target=None, exclude_household=None, emergency=False):
        before = child.option.kind
        super().move_child(child, reason, target, exclude_household, emergency)
        if reason == "step_down":
            self.kinds.append((before, child.option.kind))


def test_return_to_county_never_moves_a_child_from_a_family_placement_to_a_non_family_one():
    scenario = load_scenario(SCENARIOS / "return_to_county.yaml", ["horizon_years=4"])
    kinds = []
    for replication in range(3):
        model = PlannedMoves(scenario, replication)
        model.run()
        kinds += model.kinds
    assert len(kinds) > 50
    assert not [move for move in kinds if move[0] == "family" and move[1] != "family"]


def test_surreys_step_down_scenario_moves_about_22_children_from_homes_to_families_by_january_2024():
    scenario = load_scenario(SCENARIOS / "surrey_step_down.yaml", ["replications=6"])
    values = run_values(scenario, jobs=2)
    dates = Calendar.for_scenario(scenario).month_ends()
    by_january = [i for i, date in enumerate(dates) if date.year * 12 + date.month <= 2024 * 12 + 1]
    moved = values["moves:residential_to_family"][:, by_january].sum(axis=1)
    assert 15 <= moved.mean() <= 24  # figures: surrey, children_home_to_foster_step_down_target, 2022-02..2024-01


@pytest.mark.slow
def test_the_hubs_short_breaks_lower_satellites_breakdowns():
    extra = ["replications=12", "horizon_years=4", "mockingbird.short_break_multiplier=0.5",
             "mockingbird.breakdown_multiplier=1.0", "mockingbird.constellations=[{start_date: 2020-05-01, count: 6}]"]
    beds = run_values(load_scenario(SCENARIOS / "baseline.yaml", [*extra, "mockingbird.hub_sleepover_beds=2"]), jobs=2)
    none = run_values(load_scenario(SCENARIOS / "baseline.yaml", [*extra, "mockingbird.hub_sleepover_beds=0"]), jobs=2)
    difference = beds["breakdowns"].sum(axis=1) - none["breakdowns"].sum(axis=1)
    assert confidence_interval(difference)[1] < 0


def test_every_new_metric_is_reported(baseline):
    names = metric_names(baseline.placements)
    for metric in ("sibling_groups_entered", "sibling_groups_split", "children_placed_with_siblings", "uasc_in_care",
                   "uasc_entries", "step_ups", "moves:residential_to_family", "in_house_households_without_children"):
        assert metric in names
