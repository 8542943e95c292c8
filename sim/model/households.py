"""In-house foster households: each has places and an age range, holds children, and may be on a break."""

import numpy as np


class Household:
    __slots__ = ("number", "places", "min_age", "max_age", "children", "joined_day",
                 "break_until", "role", "leaving_clock", "after_breakdown_until")

    def __init__(self, number: int, places: int, min_age: int, max_age: int, joined_day: float):
        self.number, self.places = number, places
        self.min_age, self.max_age = min_age, max_age
        self.children = []
        self.joined_day = joined_day
        self.break_until = -1.0
        self.role = None  # "hub" or "satellite" of a Mockingbird constellation
        self.leaving_clock = None
        self.after_breakdown_until = -1.0

    def suits(self, age: float) -> bool:
        return self.min_age <= age < self.max_age + 1

    @property
    def free_places(self) -> int:
        return self.places - len(self.children)

    def taking_placements(self, day: float) -> bool:
        return self.role != "hub" and day >= self.break_until


class InHouseCarers:
    """The council's own foster households; `open_households` holds those able to take a child now."""

    def __init__(self, carers, rng: np.random.Generator):
        self.carers = carers
        self.rng = rng
        self.households = {}
        self.open_households = {}
        self._next_number = 0
        for _ in range(carers.initial_households):
            self.add_household(0.0)

    def add_household(self, day: float) -> Household:
        places, (min_age, max_age) = self._draw_places_and_ages()
        household = Household(self._next_number, places, min_age, max_age, day)
        self._next_number += 1
        self.households[household.number] = household
        self.refresh(household, day)
        return household

    def remove_household(self, household: Household) -> None:
        del self.households[household.number]
        self.open_households.pop(household.number, None)

    def find_vacancy(self, age: float, exclude=None):
        for household in self.open_households.values():
            if household is not exclude and household.suits(age):
                return household
        return None

    def place(self, child, household: Household, day: float) -> None:
        household.children.append(child)
        child.household = household
        self.refresh(household, day)

    def remove(self, child, day: float) -> None:
        household = child.household
        household.children.remove(child)
        child.household = None
        if household.number in self.households:
            self.refresh(household, day)

    def refresh(self, household: Household, day: float) -> None:
        """Keep `open_households` true after a change in the household's children, role or break."""
        if household.taking_placements(day) and household.free_places > 0:
            self.open_households[household.number] = household
        else:
            self.open_households.pop(household.number, None)

    @property
    def places(self) -> int:
        return sum(h.places for h in self.households.values())

    @property
    def vacancies(self) -> int:
        return sum(h.free_places for h in self.open_households.values())

    def _draw_places_and_ages(self):
        u_places, u_ages = self.rng.random(2)
        places = _pick(self.carers.places_per_household, u_places)
        low, _, high = _pick(self.carers.age_range_mix, u_ages).partition("-")
        return int(places), (int(low), int(high))


def _pick(mix: dict, u: float):
    """The key of `mix` that uniform `u` falls on, in the mix's own order."""
    cumulative = 0.0
    for key, share in mix.items():
        cumulative += share
        if u < cumulative:
            return key
    return key
