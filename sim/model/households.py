"""In-house foster households: places, an age range, an approval, whether they take sibling groups and the
main carer's age; the children they hold; breaks and settling gaps; and the search for a vacancy.

A vacancy suits a child when the household is taking placements (not a hub, not on a break, not in its
settling gap after a child left), has the places, its age range suits the child's age and its approval the
kind of placement (long-term carers take no same-day placement; emergency carers always do; short-term
carers when the day's in-house offer allows it). Of the vacancies that suit, each is a match with the fit
probability: the search skips a geometric number of suitable households, drawn once per search, which is
the same as a draw per household and much cheaper. Open households are counted by approval and age range,
so a search that would skip every suitable one ends at once.
"""

import math

import numpy as np

from sim.model.ages import DAYS_PER_YEAR
from sim.model.streams import Buffered

APPROVALS = ("short_term", "long_term", "emergency")
PLANNED = ("short_term", "long_term", "emergency")  # approvals that take a planned placement
SAME_DAY = ("emergency",)  # ... a same-day placement when in-house carers cannot be asked
SAME_DAY_OFFERED = ("short_term", "emergency")  # ... when they can


class Household:
    __slots__ = ("number", "places", "min_age", "max_age", "approval", "takes_siblings", "birth_day",
                 "children", "joined_day", "break_until", "settling_until", "role", "leaving_clock",
                 "leaving_by_age", "after_breakdown_until")

    def __init__(self, number: int, places: int, min_age: int, max_age: int, joined_day: float):
        self.number, self.places = number, places
        self.min_age, self.max_age = min_age, max_age
        self.approval, self.takes_siblings, self.birth_day = "short_term", True, -math.inf
        self.children = []
        self.joined_day = joined_day
        self.break_until = -1.0
        self.settling_until = -1.0
        self.role = None  # "hub" or "satellite" of a Mockingbird constellation
        self.leaving_clock = None
        self.leaving_by_age = None
        self.after_breakdown_until = -1.0

    def suits(self, age: float) -> bool:
        return self.min_age <= age < self.max_age + 1

    @property
    def free_places(self) -> int:
        return self.places - len(self.children)

    def taking_placements(self, day: float) -> bool:
        return self.role != "hub" and day >= self.break_until and day >= self.settling_until

    def carer_age_at(self, day: float) -> float:
        return (day - self.birth_day) / DAYS_PER_YEAR


class InHouseCarers:
    """The council's own foster households; `open_households` holds those able to take a child now."""

    def __init__(self, model):
        scenario = model.scenario
        self.model = model
        self.carers = carers = scenario.carers
        self.rng = model.streams["households"]
        self.profiles = model.streams["household_profiles"]
        self.households = {}
        self.open_households = {}
        self.open_by_range = {approval: {} for approval in APPROVALS}  # (min age, max age) -> open households
        self._next_number = 0
        self.gap_days = carers.gap_between_placements_days
        self.fit = carers.fit_probability
        self._log_decline = math.log1p(-self.fit) if 0.0 < self.fit < 1.0 else None
        self.fit_draws = {purpose: Buffered(model.streams[f"fit:{purpose}"].random) for purpose in ("arrival", "planned")}
        approvals = carers.recruitment.sibling_carers_share
        self.sibling_share = {"start": carers.sibling_carers_share,
                              "approval": carers.sibling_carers_share if approvals is None else approvals}
        self.ages = carers.ages

    # the pool

    def add_household(self, day: float, joining: str = "approval") -> Household:
        household = self._new_household(day, joining)
        self.refresh(household, day)
        return household

    def _new_household(self, day: float, joining: str) -> Household:
        places, (min_age, max_age) = self._draw_places_and_ages()
        household = Household(self._next_number, places, min_age, max_age, day)
        self._draw_profile(household, day, joining)
        self._next_number += 1
        self.households[household.number] = household
        return household

    def start_pool(self, census: list, places: int | None) -> list:
        """The households at the start, built around the in-house census children so that they hold exactly
        `places` places (None: as drawn); returns (child, household) for each census child."""
        households = [self._new_household(0.0, "start") for _ in range(self.carers.initial_households)]
        if places is None or not households:
            for household in households:
                self.refresh(household, 0.0)
            return []
        rng = self.model.streams["census_households"]
        _spread_places(households, places, rng)
        filled = _filled_places(households, places - len(census), rng)
        by_range_middle = sorted(range(len(households)), key=lambda i: households[i].min_age + households[i].max_age)
        children = iter(sorted(census, key=lambda child: child.entry_age))
        placed = []
        for index in by_range_middle:
            household = households[index]
            own = [next(children) for _ in range(filled[index])]
            if own:
                self._fit_age_range(household, [child.entry_age for child in own])
            placed.extend((child, household) for child in own)
        for household in households:
            self.refresh(household, 0.0)
        return placed

    def remove_household(self, household: Household) -> None:
        self._close(household)
        del self.households[household.number]

    # finding a vacancy

    def find_vacancy(self, age: float, excluded=(), approvals=PLANNED, purpose: str = "arrival"):
        """The household whose vacancy is this child's match (never one of `excluded`), or None."""
        skip = self._declines(purpose)
        if skip >= self._suitable_count(age, excluded, approvals):
            return None
        for household in self.open_households.values():
            if household.approval in approvals and household.suits(age) and household not in excluded:
                if not skip:
                    return household
                skip -= 1
        return None

    def find_group_vacancy(self, ages: list, approvals=PLANNED):
        """A household taking sibling groups with a place for each of them that suits every age, or None."""
        skip = self._declines("arrival")
        for household in self.open_households.values():
            if (household.takes_siblings and household.free_places >= len(ages) and household.approval in approvals
                    and all(household.suits(age) for age in ages)):
                if not skip:
                    return household
                skip -= 1
        return None

    def _declines(self, purpose: str) -> float:
        """How many suitable vacancies this search passes over before its match (geometric, from the fit)."""
        if self._log_decline is None:
            return 0 if self.fit > 0 else math.inf
        return math.floor(math.log(1.0 - self.fit_draws[purpose].next()) / self._log_decline)

    def _suitable_count(self, age: float, excluded, approvals) -> int:
        year = int(age)
        count = 0
        for approval in approvals:
            for (low, high), households in self.open_by_range[approval].items():
                if low <= year <= high:
                    count += households
        for household in set(excluded):
            if household.number in self.open_households and household.approval in approvals and household.suits(age):
                count -= 1
        return count

    # children coming and going

    def place(self, child, household: Household, day: float) -> None:
        household.children.append(child)
        child.household = household
        self.refresh(household, day)
        if len(household.children) == 1:
            self.model.deregistration.occupancy_changed(household)

    def remove(self, child, day: float) -> None:
        household = child.household
        household.children.remove(child)
        child.household = None
        if household.number not in self.households:
            return
        if self.gap_days > 0:
            household.settling_until = day + self.gap_days
            self.model.env.timeout(self.gap_days, value=household).callbacks.append(self._settled)
        self.refresh(household, day)
        if not household.children:
            self.model.deregistration.occupancy_changed(household)

    def _settled(self, event) -> None:
        household = event.value
        if household.number in self.households:
            self.refresh(household, self.model.env.now)

    def refresh(self, household: Household, day: float) -> None:
        """Keep `open_households` (and its counts by age) true after a change in the household's children,
        role, break or settling gap."""
        if household.taking_placements(day) and household.free_places > 0:
            if household.number not in self.open_households:
                self.open_households[household.number] = household
                self._count(household, +1)
        else:
            self._close(household)

    def _close(self, household: Household) -> None:
        if self.open_households.pop(household.number, None) is not None:
            self._count(household, -1)

    def _count(self, household: Household, change: int) -> None:
        counts = self.open_by_range[household.approval]
        ages = household.min_age, household.max_age
        counts[ages] = counts.get(ages, 0) + change

    # what the month end reports

    def census(self, day: float) -> tuple[int, int, int]:
        """(places, vacancies, households without children): vacancies are the free places of households
        taking placements or in their settling gap (not hubs, not on a break)."""
        places = vacancies = empty = 0
        for household in self.households.values():
            children = len(household.children)
            places += household.places
            empty += not children
            if household.role != "hub" and day >= household.break_until:
                vacancies += household.places - children
        return places, vacancies, empty

    # drawing a household

    def _draw_places_and_ages(self):
        u_places, u_ages = self.rng.random(2)
        places = pick(self.carers.places_per_household, u_places)
        return int(places), _age_range(pick(self.carers.age_range_mix, u_ages))

    def _draw_profile(self, household: Household, day: float, joining: str) -> None:
        u_approval, u_siblings, u_age_range, u_age = self.profiles.random(4)
        household.approval = pick(self.carers.approval_mix, u_approval)
        household.takes_siblings = household.places > 1 and u_siblings < self.sibling_share[joining]
        if self.ages is not None:
            low, high = _age_range(pick(self.ages.at_start if joining == "start" else self.ages.at_approval,
                                         u_age_range))
            household.birth_day = day - (low + u_age * (high + 1 - low)) * DAYS_PER_YEAR

    def _fit_age_range(self, household: Household, ages: list) -> None:
        """An age range from the mix that suits every census child placed here (the mix's share among those
        that do), else the drawn range widened to suit them."""
        youngest, eldest = int(min(ages)), int(max(ages))
        if household.min_age <= youngest and eldest <= household.max_age:
            return
        suiting = {key: share for key, share in self.carers.age_range_mix.items()
                   if _age_range(key)[0] <= youngest and eldest <= _age_range(key)[1] and share > 0}
        if suiting:
            total = sum(suiting.values())
            low, high = _age_range(pick({key: share / total for key, share in suiting.items()},
                                         self.model.streams["census_households"].random()))
        else:
            low, high = min(household.min_age, youngest), max(household.max_age, eldest)
        household.min_age, household.max_age = low, high


def _spread_places(households: list, places: int, rng: np.random.Generator) -> None:
    """Change households' drawn places one at a time, in a random order, until they total `places`."""
    order = rng.permutation(len(households)).tolist()
    while True:
        missing = places - sum(h.places for h in households)
        if not missing:
            return
        step = 1 if missing > 0 else -1
        for index in order:
            household = households[index]
            if 1 <= household.places + step <= 3:
                household.places += step
                missing -= step
                if not missing:
                    return


def _filled_places(households: list, vacancies: int, rng: np.random.Generator) -> list:
    """Children for each household when `vacancies` of all the places, chosen at random, are left free."""
    owner = np.repeat(np.arange(len(households)), [h.places for h in households])
    free = rng.permutation(owner.size)[:vacancies]
    filled = np.bincount(owner, minlength=len(households)) - np.bincount(owner[free], minlength=len(households))
    return filled.tolist()


def _age_range(key: str) -> tuple[int, int]:
    low, _, high = key.partition("-")
    return int(low), int(high)


def pick(mix: dict, u: float):
    """The key of `mix` that uniform `u` falls on, in the mix's own order."""
    cumulative = 0.0
    for key, share in mix.items():
        cumulative += share
        if u < cumulative:
            return key
    return key
