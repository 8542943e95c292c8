"""Placement options and matching: a child goes to the first option in its preference list with a suitable vacancy."""

from sim.scenario.consistency import IN_HOUSE

DAYS_PER_WEEK = 7.0


class Option:
    __slots__ = ("name", "capacity", "in_county", "cost_per_day", "children", "child_days", "since")

    def __init__(self, name: str, spec):
        self.name = name
        self.capacity = spec.capacity
        self.in_county = spec.location == "in_county"
        self.cost_per_day = spec.weekly_cost / DAYS_PER_WEEK
        self.children = {}
        self.child_days = 0.0
        self.since = 0.0

    def accrue(self, day: float) -> None:
        """Add the days children have spent here since the last change."""
        self.child_days += len(self.children) * (day - self.since)
        self.since = day

    def take_cost(self, day: float) -> float:
        """The cost accrued since the last call."""
        self.accrue(day)
        cost, self.child_days = self.child_days * self.cost_per_day, 0.0
        return cost

    @property
    def occupied(self) -> int:
        return len(self.children)

    def has_vacancy(self) -> bool:
        return self.capacity is None or len(self.children) < self.capacity


class Placements:
    """Who is placed where, and what it costs."""

    def __init__(self, scenario, carers):
        self.options = {name: Option(name, spec) for name, spec in scenario.placements.items()}
        self.preferences = scenario.matching.lists()
        self.carers = carers
        self.in_county = 0
        self.out_of_county = 0
        self.placements_made = 0

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
