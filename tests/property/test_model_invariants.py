"""Properties that hold for every scenario: children are conserved, never over capacity, never in two
places (siblings included), every placement change is counted under a reason, and a planned return to
county never takes a child from a family placement to a non-family one."""

import numpy as np
from hypothesis import HealthCheck, given, settings

from sim.model.county import CountyModel
from sim.model.metrics import MOVE_REASONS
from sim.run.runner import RunShape
from sim.scenario.consistency import IN_HOUSE
from tests.property.strategies import scenarios

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def assert_invariants(model):
    placed = [child for option in model.placements.options.values() for child in option.children]
    assert len(placed) == len(set(placed)) == model.children_in_care
    for option in model.placements.options.values():
        assert option.capacity is None or option.occupied <= option.capacity
        assert all(child.option is option for child in option.children)
    in_house = model.placements.options[IN_HOUSE].children
    in_households = [child for household in model.carers.households.values() for child in household.children]
    assert len(in_households) == len(set(in_households)) == len(in_house)
    assert set(in_households) == set(in_house)
    for household in model.carers.households.values():
        assert len(household.children) <= household.places
        assert all(child.household is household for child in household.children)
        if household.role == "hub":
            assert household.number not in model.carers.open_households
    state = model.scenario.initial_state
    census = sum(sum(by_band.values()) for counts in (state.counts(), state.uasc_in_care) for by_band in counts.values())
    moves = sum(total_so_far(model, f"moves:{reason}") for reason in MOVE_REASONS)
    assert model.placements.placements_made == census + total_so_far(model, "entries") + moves
    groups = {id(min(group, key=id)): group for group in ((child, *child.siblings) for child in placed if child.siblings)}
    assert model.placements.with_siblings == sum(placed_with_siblings(group[0]) for group in groups.values())
    assert model.uasc_in_care == sum(child.need == "uasc" for child in placed)
    day, households = model.env.now, model.carers.households.values()
    assert model.carers.census(day) == (
        sum(h.places for h in households),
        sum(h.free_places for h in households if h.role != "hub" and day >= h.break_until),
        sum(not h.children for h in households))
    for household in model.carers.households.values():
        siblings_here = [child for child in household.children if set(child.siblings) & set(household.children)]
        assert household.takes_siblings or not siblings_here


def placed_with_siblings(child) -> int:
    """How many of `child`'s sibling group share a placement (option and household) with another of them."""
    places = [(member.option, member.household) for member in (child, *child.siblings)]
    return sum(1 for place in places if place[0] is not None and places.count(place) > 1)


class PlannedMoves(CountyModel):
    def move_child(self, child, reason, target=None, exclude_household=None, emergency=False):
        before = child.option
        super().move_child(child, reason, target, exclude_household, emergency)
        assert reason in MOVE_REASONS
        if reason == "step_down":
            assert child.option.in_county and not before.in_county
            assert before.kind != "family" or child.option.kind == "family"


def total_so_far(model, flow: str) -> float:
    recorder = model.recorder
    return recorder.values[:, recorder.names.index(flow)].sum() + recorder.flows[flow]


@SETTINGS
@given(scenarios())
def test_invariants_hold_throughout_the_run(scenario):
    model = PlannedMoves(scenario, replication=0)
    model.start()
    for day in np.linspace(0, model.calendar.horizon_days, 25)[1:]:
        model.env.run(until=day)
        assert_invariants(model)


@SETTINGS
@given(scenarios())
def test_children_are_conserved_month_by_month(scenario):
    values = CountyModel(scenario, replication=0).run()
    column = {metric: values[:, index] for index, metric in enumerate(RunShape.of(scenario).metrics)}
    census = sum(sum(by_band.values()) for by_band in scenario.initial_state.counts().values())
    before = np.concatenate([[census], column["children_in_care"][:-1]])
    assert np.array_equal(before + column["entries"] - column["exits"], column["children_in_care"])
    assert np.array_equal(column["placed_in_county"] + column["placed_out_of_county"], column["children_in_care"])
    placed = sum(values for metric, values in column.items() if metric.startswith("placed:"))
    assert np.array_equal(placed, column["children_in_care"])
