"""Placement options and matching: a child goes to the first option in its preference list with a suitable vacancy.

Placement cost accrues per child-day at the option's price: its weekly cost (at start-date prices) times a
price index that rises on each anniversary of the start by the option's inflation rate (cash terms).
"""

from sim.scenario.consistency import IN_HOUSE
from sim.scenario.prices import inflation

DAYS_PER_WEEK = 7.0


class Option:
    __slots__ = ("name", "capacity", "in_county", "weekly_cost", "inflation", "price_index", "cost_per_day",
                 "children", "child_days", "cost", "since")

    def __init__(self, name: str, spec, inflation_per_year: float):
        self.name = name
        self.in_county = spec.location == "in_county"
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

    def has_vacancy(self) -> bool:
        return self.capacity is None or len(self.children) < self.capacity


class Placements:
    """Who is placed where, and what it costs."""

    def __init__(self, scenario, carers):
        self.options = {name: Option(name, spec, inflation(scenario, name))
                        for name, spec in scenario.placements.items()}
        self.preferences = scenario.matching.lists()
        self.carers = carers
        self.in_county = 0
        self.out_of_county = 0
        self.placements_made = 0
        self.env = None

    def start(self, env, anniversary_days) -> None:
        """Prices rise on each anniversary of the start."""
        self.env = env
        for day in anniversary_days:
            env.timeout(day).callbacks.append(self._uplift)

    def reconfigure(self, scenario) -> None:
        """Capacities, prices and inflation from now; matching lists for placements made from now."""
        day = self.env.now
        self.preferences = scenario.matching.lists()
        for name, option in self.options.items():
            option.reconfigure(scenario.placements[name], inflation(scenario, name), day)

    def _uplift(self, event) -> None:
        for option in self.options.values():
            option.uplift(self.env.now)

    def match(self, child, day: float, exclude_household=None) -> Option:
        """Place `child` in the first suitable option of its list for its current age."""
        age = child.age_at(day)
        for name in self.preferences[child.need][child.band_at(day)]:
            if self.try_place(child, name, age, day, exclude_household):
                return self.options[name]
        raise AssertionError("matching lists end in an unlimited option, so a child is always placed")

    def try_place(self, child, name: str, age: float, day: float, exclude_household=None) -> bool:
        option = self.options[name]
        if name == IN_HOUSE:
            household = self.carers.find_vacancy(age, exclude_household)
            if household is None:
                return False
            self.carers.place(child, household, day)
        elif not option.has_vacancy():
            return False
        option.accrue(day)
        option.children[child] = None
        child.option = option
        child.placed_day = day
        self.placements_made += 1
        self._count(option, +1)
        return True

    def vacate(self, child, day: float) -> None:
        option = child.option
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
