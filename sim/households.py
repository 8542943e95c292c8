"""In-house foster households: each has approved places and an age range, and holds children."""

import numpy as np


class Household:
    __slots__ = ("number", "places", "min_age", "max_age", "children", "taking_placements")

    def __init__(self, number: int, places: int, min_age: int, max_age: int):
        self.number, self.places = number, places
        self.min_age, self.max_age = min_age, max_age
        self.children = []
        self.taking_placements = True

    def suits(self, age: float) -> bool:
        return self.min_age <= age < self.max_age + 1

    @property
    def free_places(self) -> int:
        return self.places - len(self.children)


class InHouseCarers:
    """The council's own foster households; `open_households` holds those able to take a child now."""

    def __init__(self, carers, rng: np.random.Generator):
        self.carers = carers
        self.rng = rng
        self.households = {}
        self.open_households = {}
        self._next_number = 0
        for _ in range(carers.initial_households):
            self.add_household()

    def add_household(self) -> Household:
        places, (min_age, max_age) = self._draw_places_and_ages()
        household = Household(self._next_number, places, min_age, max_age)
        self._next_number += 1
        self.households[household.number] = household
        self._refresh(household)
        return household

    def find_vacancy(self, age: float):
        for household in self.open_households.values():
            if household.suits(age):
                return household
        return None

    def place(self, child, household: Household) -> None:
        household.children.append(child)
        child.household = household
        self._refresh(household)

    def remove(self, child) -> None:
        household = child.household
        household.children.remove(child)
        child.household = None
        self._refresh(household)

    def _refresh(self, household: Household) -> None:
        if household.taking_placements and household.free_places > 0:
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
