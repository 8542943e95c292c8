"""Placement options and matching: a child goes to the first option in its preference list with a suitable vacancy.

A child whose placement ended unplanned that day (a breakdown, its carers leaving) is matched from its need's
emergency list (matching.emergency; by default the usual list), and in-house carers can take it that day only
with `matching.emergency.in_house_probability` (carers approved for emergencies always can; long-term carers
never do). Sibling groups are placed by sim/model/siblings.py through `try_place_group`; a household that
takes no sibling groups is never given a child whose sibling it holds.

Placement cost accrues per child-day at the option's price: its weekly cost (at start-date prices) times a
price index that rises on each anniversary of the start by the option's inflation rate (cash terms).
"""

from sim.model.calendar import ANNIVERSARY, late_event
from sim.model.households import PLANNED, SAME_DAY, SAME_DAY_OFFERED
from sim.model.streams import Buffered
from sim.scenario.consistency import IN_HOUSE, emergency_lists, option_kinds, preference_lists
from sim.scenario.prices import inflation

DAYS_PER_WEEK = 7.0


class Option:
    __slots__ = ("name", "capacity", "in_county", "kind", "weekly_cost", "inflation", "price_index", "cost_per_day",
                 "children", "child_days", "cost", "since")

    def __init__(self, name: str, spec, kind: str, inflation_per_year: float):
        self.name = name
        self.in_county = spec.location == "in_county"
        self.kind = kind
        self.price_index = 1.0
        self.cost_per_day = 0.0
        self.children = {}
        self.child_days = 0.0  # since the price last changed
        self.cost = 0.0  # accrued at earlier prices, not yet taken
        self.since = 0.0
        self.reconfigure(spec, inflation_per_year, 0.0)

    def reconfigure(self, spec, inflation_per_year: float, day: float) -> None:
        """New settings from `day`: a capacity that falls moves nobody, it only stops new placements above it."""
        self.capacity = spec.capacity
        self.weekly_cost = spec.weekly_cost
        self.inflation = inflation_per_year
        self._set_price(day)

    def uplift(self, day: float) -> None:
        """An anniversary of the start: prices rise by the inflation rate in force."""
        self.price_index *= 1.0 + self.inflation
        self._set_price(day)

    def _set_price(self, day: float) -> None:
        cost_per_day = self.weekly_cost * self.price_index / DAYS_PER_WEEK
        if cost_per_day != self.cost_per_day:
            self.accrue(day)
            self.cost += self.child_days * self.cost_per_day
            self.child_days = 0.0
            self.cost_per_day = cost_per_day

    def accrue(self, day: float) -> None:
        """Add the days children have spent here since the last change."""
        self.child_days += len(self.children) * (day - self.since)
        self.since = day

    def take_cost(self, day: float) -> float:
        """The cost accrued since the last call."""
        self.accrue(day)
        cost = self.cost + self.child_days * self.cost_per_day
        self.cost = self.child_days = 0.0
        return cost

    @property
    def occupied(self) -> int:
        return len(self.children)

    def has_vacancy(self, places: int = 1) -> bool:
        return self.capacity is None or len(self.children) + places <= self.capacity


class Placements:
    """Who is placed where, and what it costs."""

    def __init__(self, model):
        scenario = model.scenario
        kinds = option_kinds(scenario)
        self.options = {name: Option(name, spec, kinds[name], inflation(scenario, name))
                        for name, spec in scenario.placements.items()}
        self._set_matching(scenario)
        self.carers = model.carers
        self.in_house_offers = Buffered(model.streams["emergency"].random)
        self.in_county = 0
        self.out_of_county = 0
        self.placements_made = 0
        self.with_siblings = 0  # children placed with at least one of their siblings
        self.env = None

    def start(self, env, anniversary_days) -> None:
        """Prices rise on each anniversary of the start."""
        self.env = env
        for day in anniversary_days:
            late_event(env, day, ANNIVERSARY).callbacks.append(self._uplift)

    def reconfigure(self, scenario) -> None:
        """Capacities, prices and inflation from now; matching lists for placements made from now."""
        day = self.env.now
        self._set_matching(scenario)
        for name, option in self.options.items():
            option.reconfigure(scenario.placements[name], inflation(scenario, name), day)

    def _set_matching(self, scenario) -> None:
        self.preferences = preference_lists(scenario)
        self.emergency_preferences = emergency_lists(scenario)
        self.in_house_probability = scenario.matching.emergency.in_house_probability

    def _uplift(self, event) -> None:
        for option in self.options.values():
            option.uplift(self.env.now)

    def match(self, child, day: float, exclude_household=None, emergency: bool = False) -> Option:
        """Place `child` in the first suitable option of its list for its current age (its emergency list
        the day its placement ended unplanned)."""
        band = child.band_at(day)
        if emergency:
            names, approvals = self.emergency_preferences[child.need][band], self._same_day_approvals()
        else:
            names, approvals = self.preferences[child.need][band], PLANNED
        for name in names:
            if self.try_place(child, name, day, exclude_household, approvals):
                return self.options[name]
        raise AssertionError("matching lists end in an unlimited option, so a child is always placed")

    def _same_day_approvals(self) -> tuple:
        if self.in_house_probability >= 1.0 or self.in_house_offers.next() < self.in_house_probability:
            return SAME_DAY_OFFERED
        return SAME_DAY

    def try_place(self, child, name: str, day: float, exclude_household=None, approvals=PLANNED,
                  household=None) -> bool:
        """Place `child` in option `name` if it has a suitable vacancy (in `household`, if given)."""
        option = self.options[name]
        if name == IN_HOUSE:
            if household is None:
                household = self.carers.find_vacancy(child.age_at(day), _excluded(child, exclude_household),
                                                     approvals)
            if household is None:
                return False
        elif not option.has_vacancy():
            return False
        self.settle(child, option, day, household)
        return True

    def planned_vacancy(self, child, name: str, day: float):
        """(name, household or None) if option `name` has a vacancy that suits a planned move of `child`."""
        if name == IN_HOUSE:
            household = self.carers.find_vacancy(child.age_at(day), _excluded(child), PLANNED, "planned")
            return None if household is None else (name, household)
        return (name, None) if self.options[name].has_vacancy() else None

    def try_place_group(self, children: list, name: str, day: float) -> bool:
        """Place every child of a sibling group together in option `name`, if it has room for them all."""
        option = self.options[name]
        household = None
        if name == IN_HOUSE:
            household = self.carers.find_group_vacancy([child.age_at(day) for child in children])
            if household is None:
                return False
        elif not option.has_vacancy(len(children)):
            return False
        for child in children:
            self.settle(child, option, day, household)
        return True

    def settle(self, child, option: Option, day: float, household=None) -> None:
        if child.siblings:
            self.with_siblings += _joining(child, option, household)
        if household is not None:
            self.carers.place(child, household, day)
        option.accrue(day)
        option.children[child] = None
        child.option = option
        child.placed_day = day
        self.placements_made += 1
        self._count(option, +1)

    def vacate(self, child, day: float) -> None:
        option = child.option
        if child.siblings:
            self.with_siblings -= _joining(child, option, child.household)
        if child.household is not None:
            self.carers.remove(child, day)
        option.accrue(day)
        del option.children[child]
        child.option = None
        self._count(option, -1)

    def _count(self, option: Option, change: int) -> None:
        if option.in_county:
            self.in_county += change
        else:
            self.out_of_county += change


def _excluded(child, household=None) -> tuple:
    """Households `child` may not go to: `household`, and those holding a sibling that take no sibling groups."""
    excluded = () if household is None else (household,)
    if child.siblings:
        excluded += tuple(sibling.household for sibling in child.siblings
                          if sibling.household is not None and not sibling.household.takes_siblings)
    return excluded


def _joining(child, option: Option, household) -> int:
    """How many more children are placed with a sibling once `child` is placed here: none if no sibling is
    here, else the child and, if one sibling is here, that sibling too."""
    here = sum(1 for sibling in child.siblings if sibling.option is option and sibling.household is household)
    return 0 if not here else 2 if here == 1 else 1
