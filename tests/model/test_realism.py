"""Placement realism, one mechanism at a time, on small models whose answer is known exactly."""


import numpy as np
import pytest

from sim.model.children import Child
from sim.model.county import CountyModel
from sim.scenario.consistency import IN_HOUSE, census_gaps, option_kinds
from sim.scenario.files import load_scenario
from tests.conftest import SCENARIOS, built, run_values

BASE = {
    "name": "realism", "start_date": "2020-01-01", "horizon_years": 2, "replications": 1, "seed": 5,
    "demand": {"entries_per_year": 0, "age_mix": {"0-4": 1.0},
               "duration_in_care": {"distribution": "exponential", "mean_years": 5.0}},
    "placements": {
        "in_house_fostering": {"location": "in_county", "weekly_cost": 600},
        "ifa_in_county": {"location": "in_county", "capacity": 0, "weekly_cost": 800},
        "ifa_out_of_county": {"location": "out_of_county", "capacity": "unlimited", "weekly_cost": 900},
        "home_in_county": {"location": "in_county", "capacity": 5, "weekly_cost": 4000},
        "home_out_of_county": {"location": "out_of_county", "capacity": "unlimited", "weekly_cost": 4000},
        "supported_in_county": {"location": "in_county", "capacity": 5, "weekly_cost": 1200},
    },
    "matching": {
        "family": {"0-4": ["in_house_fostering", "ifa_in_county", "ifa_out_of_county"],
                   "5-10": ["in_house_fostering", "ifa_in_county", "ifa_out_of_county"],
                   "11-15": ["in_house_fostering", "ifa_in_county", "ifa_out_of_county"],
                   "16-17": ["supported_in_county", "in_house_fostering", "ifa_out_of_county"]},
        "residential": ["home_in_county", "home_out_of_county"],
    },
    "carers": {"initial_households": 0, "places_per_household": {1: 1.0}},
}


def scenario(**sections):
    return built(BASE, **sections)


def started(**sections):
    model = CountyModel(scenario(**sections), 0)
    model.start()
    return model


def admitted(model, age, option=None, need="family", years=10.0):
    child = Child(model.env.now, age, need)
    if option is None or not model.placements.try_place(child, option, model.env.now):
        model.placements.match(child, model.env.now)
    model._admit(child, years * 365.25)
    return child


# the census start

CENSUS = {"in_house_fostering": {"0-4": 30, "5-10": 25, "11-15": 20}, "ifa_out_of_county": {"0-4": 10}}


@pytest.mark.parametrize("vacancies, households", [(0, 50), (12, 50), (None, 40), (None, 90), (5, 90)])
def test_census_children_are_placed_as_given_and_households_hold_exactly_the_stated_vacancies(vacancies, households):
    model = started(initial_state={"children_in_care": CENSUS, "in_house_vacancies": vacancies},
                    carers={"initial_households": households, "places_per_household": {1: 0.3, 2: 0.5, 3: 0.2},
                            "age_range_mix": {"0-4": 0.4, "5-10": 0.3, "11-17": 0.3}})
    stated = max(vacancies or 0, households - 75)  # one free place in each household beyond the stated places
    places, free, _ = model.carers.census(0.0)
    assert model.placements.options[IN_HOUSE].occupied == 75 and model.placements.out_of_county == 10
    assert (places, free) == (75 + stated, stated)
    for household in model.carers.households.values():
        assert 1 <= household.places <= 3 and len(household.children) <= household.places
        assert all(household.suits(child.age_at(0.0)) for child in household.children)


def test_an_empty_start_draws_households_places_as_before():
    model = started(carers={"initial_households": 30, "places_per_household": {3: 1.0}})
    assert model.carers.census(0.0)[:2] == (90, 90)


def test_census_gaps_list_capped_in_county_options_the_census_leaves_room_in(baseline):
    assert census_gaps(baseline) == []  # the baseline's capped in-county options start full, as its census has them
    roomy = load_scenario(SCENARIOS / "baseline.yaml", ["placements.ifa_in_county.capacity=100",
                                                        "placements.supported_accommodation_in_county.capacity=70"])
    gaps = {name: (capacity, placed) for name, capacity, placed in census_gaps(roomy)}
    assert gaps == {"ifa_in_county": (100, 47), "supported_accommodation_in_county": (70, 40)}


def test_option_kinds_come_from_the_lists_unless_given(baseline):
    kinds = option_kinds(baseline)
    assert kinds["ifa_out_of_county"] == kinds["kinship"] == kinds[IN_HOUSE] == "family"
    assert kinds["home_out_of_county"] == "residential" and kinds["supported_accommodation_in_county"] == "supported"
    given = load_scenario(SCENARIOS / "baseline.yaml", ["placements.ifa_out_of_county.kind=supported"])
    assert option_kinds(given)["ifa_out_of_county"] == "supported"


# vacancies not every child can use

def test_a_fit_probability_of_zero_keeps_every_new_child_out_of_in_house_care():
    model = started(carers={"initial_households": 10, "places_per_household": {1: 1.0}, "fit_probability": 0.0})
    assert [admitted(model, 2.0).option.name for _ in range(3)] == ["ifa_out_of_county"] * 3


def test_the_fit_draw_takes_suitable_households_with_the_fit_probability():
    model = started(carers={"initial_households": 2000, "places_per_household": {1: 1.0}, "fit_probability": 0.01})
    in_house = sum(admitted(model, 2.0).option.name == IN_HOUSE for _ in range(400))
    # the first 400 children each face about 2000 - k vacancies: almost all find a match
    assert in_house >= 390
    sparse = started(carers={"initial_households": 20, "places_per_household": {1: 1.0}, "fit_probability": 0.01})
    matched = [admitted(sparse, 2.0).option.name == IN_HOUSE for _ in range(200)]
    expected = 1 - 0.99 ** 20
    assert abs(np.mean(matched[:5]) - expected) < 0.5 and sum(matched) <= 20


def test_a_household_takes_no_child_during_its_settling_gap():
    model = started(carers={"initial_households": 1, "places_per_household": {1: 1.0},
                            "gap_between_placements_days": 30})
    first = admitted(model, 2.0)
    model.env.run(until=5.0)
    model._leave_care(type("Event", (), {"value": first})())
    assert admitted(model, 2.0).option.name == "ifa_out_of_county"
    assert model.carers.census(5.0)[1] == 1  # a settling place is a vacancy
    model.env.run(until=36.0)
    assert admitted(model, 2.0).option.name == IN_HOUSE


@pytest.mark.parametrize("approval, offered, in_house", [
    ("long_term", 1.0, False), ("emergency", 0.0, True), ("short_term", 0.0, False), ("short_term", 1.0, True)])
def test_a_same_day_move_goes_in_house_only_where_the_approval_and_the_offer_allow(approval, offered, in_house):
    model = started(carers={"initial_households": 3, "places_per_household": {1: 1.0}, "approval_mix": {approval: 1.0}},
                    matching__emergency={"in_house_probability": offered},
                    placements__ifa_in_county={"location": "in_county", "capacity": 1, "weekly_cost": 800})
    model.carers.households[0].places = 0  # keep in-house full until the breakdown below
    model.carers.refresh(model.carers.households[0], 0.0)
    child = admitted(model, 2.0, option="ifa_in_county")
    assert child.option.name == "ifa_in_county"
    planned = admitted(model, 2.0)
    assert planned.option.name == IN_HOUSE  # every approval takes a planned placement
    model.placement_broke_down(child)
    assert (child.option.name == IN_HOUSE) == in_house


def test_an_emergency_list_replaces_the_usual_list_for_same_day_moves():
    model = started(carers={"initial_households": 5, "places_per_household": {1: 1.0}},
                    matching__emergency={"family": ["ifa_out_of_county"]})
    child = admitted(model, 2.0)
    assert child.option.name == IN_HOUSE
    model.placement_broke_down(child)
    assert child.option.name == "ifa_out_of_county"


# sibling groups

def group_of(model, ages):
    children = [Child(model.env.now, age, "family") for age in ages]
    for child in children:
        child.siblings = tuple(other for other in children if other is not child)
    model.enter(children, [3650.0] * len(children))
    return children


@pytest.mark.parametrize("size", [2, 3, 4])
def test_a_group_with_only_one_place_households_is_always_split_when_kept_together_first(size):
    model = started(carers={"initial_households": 40, "places_per_household": {1: 1.0}})
    for _ in range(5):
        children = group_of(model, [1.0 + k * 0.5 for k in range(size)])
        assert {child.option.name for child in children} == {IN_HOUSE}
        assert len({child.household.number for child in children}) == size
    assert model.recorder.flows["sibling_groups_split"] == model.recorder.flows["sibling_groups_entered"] == 5
    assert model.placements.with_siblings == 0


def test_together_only_with_no_room_sends_the_group_out_of_county_whole():
    model = started(carers={"initial_households": 40, "places_per_household": {1: 1.0}},
                    matching__siblings="together_only")
    children = group_of(model, [1.0, 2.0, 4.0])
    assert {child.option.name for child in children} == {"ifa_out_of_county"}
    assert model.recorder.flows["sibling_groups_split"] == 0 and model.placements.with_siblings == 3
    assert admitted(model, 2.0).option.name == IN_HOUSE  # a child alone still finds a place


def test_a_sibling_household_takes_the_group_together_and_others_do_not():
    takes = started(carers={"initial_households": 3, "places_per_household": {3: 1.0}})
    children = group_of(takes, [1.0, 3.0])
    assert len({child.household.number for child in children}) == 1 and takes.placements.with_siblings == 2
    refuses = started(carers={"initial_households": 3, "places_per_household": {3: 1.0}, "sibling_carers_share": 0.0})
    children = group_of(refuses, [1.0, 3.0])
    assert len({child.household.number for child in children}) == 2 and refuses.placements.with_siblings == 0


def test_children_placed_with_siblings_follows_moves_and_leaving():
    model = started(carers={"initial_households": 3, "places_per_household": {3: 1.0}})
    first, second, third = group_of(model, [1.0, 2.0, 3.0])
    assert model.placements.with_siblings == 3
    model.move_child(first, "breakdown", target=("ifa_out_of_county", None))
    assert model.placements.with_siblings == 2
    model._leave_care(type("Event", (), {"value": second})())
    assert model.placements.with_siblings == 0


# needs that change

def test_a_teenager_whose_foster_placement_breaks_down_may_need_residential_care():
    model = started(carers={"initial_households": 5, "places_per_household": {1: 1.0}},
                    breakdowns={"step_up_probability": {"0-4": 0.0, "5-10": 0.0, "11-15": 1.0, "16-17": 1.0}})
    teenager, toddler = admitted(model, 13.0), admitted(model, 2.0)
    model.placement_broke_down(teenager)
    model.placement_broke_down(toddler)
    assert (teenager.need, teenager.option.name) == ("residential", "home_in_county")
    assert (toddler.need, toddler.option.name) == ("family", IN_HOUSE)
    assert model.recorder.flows["step_ups"] == 1


def test_a_child_ready_for_a_family_steps_down_only_when_a_family_placement_in_county_is_free():
    model = started(carers={"initial_households": 1, "places_per_household": {1: 1.0}},
                    step_down={"residential_to_family": {"months": 3, "share": 1.0, "monthly_limit": 1,
                                                         "start_date": "2020-03-01"}})
    occupant = admitted(model, 2.0)
    waiting = [admitted(model, 12.0, need="residential") for _ in range(2)]
    model.env.run(until=200.0)
    model.needs.review(200.0)
    assert all(child.need == "residential" for child in waiting)  # in-house is full
    model.move_child(occupant, "breakdown", target=("ifa_out_of_county", None))
    model.needs.review(200.0)
    moved = [child for child in waiting if child.need == "family"]
    assert len(moved) == 1 and moved[0].option.name == IN_HOUSE
    assert model.recorder.flows["moves:residential_to_family"] == 1


def test_residential_to_family_waits_for_its_start_date():
    model = started(carers={"initial_households": 3, "places_per_household": {1: 1.0}},
                    step_down={"residential_to_family": {"months": 0, "share": 1.0, "monthly_limit": 5,
                                                         "start_date": "2021-01-01"}})
    child = admitted(model, 12.0, need="residential")
    model.env.run(until=300.0)
    model.needs.review(300.0)
    assert child.need == "residential"
    model.env.run(until=400.0)
    model.needs.review(400.0)
    assert child.need == "family"


# return to county

def test_return_to_county_never_moves_a_child_from_a_family_placement_to_a_non_family_one():
    model = started(carers={"initial_households": 0, "places_per_household": {1: 1.0}},
                    step_down={"enabled": True, "min_months_in_placement": 0, "max_moves_per_month": 5})
    fostered = admitted(model, 16.5, option="ifa_out_of_county")
    model.env.run(until=40.0)
    model.step_down.review()
    assert fostered.option.name == "ifa_out_of_county"  # supported_in_county is free but not a family placement
    model.household_approved()
    model.step_down.review()
    assert fostered.option.name == IN_HOUSE


def test_return_to_county_moves_only_to_an_option_ranked_above_the_current_one():
    model = started(step_down={"enabled": True, "min_months_in_placement": 0, "max_moves_per_month": 5})
    resident = admitted(model, 12.0, option="home_out_of_county", need="residential")
    model.env.run(until=20.0)
    model.step_down.review()
    assert resident.option.name == "home_in_county" and model.recorder.flows["moves:step_down"] == 1


# carers leaving

def test_leaving_with_children_placed_happens_only_at_the_with_children_rate():
    model = started(carers={"initial_households": 20, "places_per_household": {1: 1.0},
                            "deregistration_rate_per_year": 5.0,
                            "leaving": {"with_children_multiplier": 0.0, "without_children_multiplier": 1.0}},
                    initial_state={"children_in_care": {"in_house_fostering": {"0-4": 10}}},
                    demand__duration_in_care={"distribution": "exponential", "mean_years": 1000.0})
    model.env.run(until=365.0)
    assert model.recorder.flows["moves:carer_left"] == 0
    assert len(model.carers.households) == 10 and all(h.children for h in model.carers.households.values())


def test_a_carer_ages_through_the_leaving_multipliers():
    model = started(carers={"initial_households": 1, "places_per_household": {1: 1.0},
                            "deregistration_rate_per_year": 0.1,
                            "leaving": {"by_carer_age": {"60-64": 2.0, "70-99": 5.0}},
                            "ages": {"at_start": {"58-58": 1.0}, "at_approval": {"30-30": 1.0}}})
    household = model.carers.households[0]
    assert 58 <= household.carer_age_at(0.0) < 59
    pieces = model.deregistration.hazard(household, 0.0)
    assert [round(rate / (0.1 / 365.25), 9) for rate, _ in pieces] == [1.0, 2.0, 1.0, 5.0, 1.0]
    assert [household.carer_age_at(until) for _, until in pieces[:-1]] == pytest.approx([60, 65, 70, 100])


# the hub's sleepover beds

def test_short_breaks_scale_with_the_hubs_beds():
    from sim.model.mockingbird import short_break_factor
    with_beds = scenario(mockingbird={"short_break_multiplier": 0.6, "hub_sleepover_beds": 2}).mockingbird
    one_bed = scenario(mockingbird={"short_break_multiplier": 0.6, "hub_sleepover_beds": 1}).mockingbird
    no_beds = scenario(mockingbird={"short_break_multiplier": 0.6, "hub_sleepover_beds": 0}).mockingbird
    assert (short_break_factor(with_beds), short_break_factor(one_bed), short_break_factor(no_beds)) == \
        pytest.approx((0.6, 0.8, 1.0))


def test_the_hubs_beds_change_outcomes_when_short_breaks_work():
    extra = ["mockingbird.short_break_multiplier=0.3", "replications=3", "horizon_years=4"]
    beds = run_values(load_scenario(SCENARIOS / "baseline.yaml", [*extra, "mockingbird.hub_sleepover_beds=2"]))
    none = run_values(load_scenario(SCENARIOS / "baseline.yaml", [*extra, "mockingbird.hub_sleepover_beds=0"]))
    assert not np.array_equal(beds["breakdowns"], none["breakdowns"])
