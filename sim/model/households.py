"""In-house foster households: places, an age range, an approval, whether they take sibling groups and the
main carer's age; the children they hold; breaks and settling gaps; and the search for a vacancy.

A vacancy suits a child when the household is taking placements (not a hub, not on a break, not in its
settling gap after a child left), has the places, its age range suits the child's age and its approval the
kind of placement (long-term carers take no same-day placement; emergency carers always do; short-term
carers when the day's in-house offer allows it). Of the vacancies that suit, each is a match with the fit
probability: the search skips a geometric number of suitable households, drawn once per search, which is
the same as a draw per household and much cheaper. Open households are also filed by approval and age range,
so a search skips whole files of suitable households at a time; with a fit below 1 the suitable households
are considered file by file (approval, then age range), each in the order its households became free.
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
        self.draws = Buffered(lambda size: model.streams["households"].random((size, 2)).tolist())
        self.profiles = Buffered(lambda size: model.streams["household_profiles"].random((size, 4)).tolist())
        self.households = {}
        self.open_households = {}
        self.open_by_range = {approval: {} for approval in APPROVALS}  # (min age, max age) -> {number: household}
        self.paused = {}  # hubs and households on a break: their free places are no vacancies
        self.places_total = self.children_total = self.without_children = 0
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
        self.places_total += household.places
        self.without_children += 1
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
        self.places_total = places
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
        self.paused.pop(household.number, None)
        del self.households[household.number]
        self.places_total -= household.places
        self.children_total -= len(household.children)
        self.without_children -= not household.children

    # finding a vacancy

    def find_vacancy(self, age: float, excluded=(), approvals=PLANNED, purpose: str = "arrival"):
        """The household whose vacancy is this child's match (never one of `excluded`), or None."""
        if self.fit >= 1.0:
            for household in self.open_households.values():
                if household.approval in approvals and household.suits(age) and household not in excluded:
                    return household
            return None
        skip, year = self._declines(purpose), int(age)
        for approval in approvals:
            for (low, high), filed in self.open_by_range[approval].items():
                if not low <= year <= high:
                    continue
                suitable = len(filed)
                for household in excluded:
                    suitable -= household.number in filed
                if skip >= suitable:
                    skip -= suitable
                    continue
                for household in filed.values():
                    if household not in excluded:
                        if not skip:
                            return household
                        skip -= 1
        return None

    def find_group_vacancy(self, ages: list, approvals=PLANNED):
        """A household taking sibling groups with a place for each of them that suits every age, or None."""
        skip = self._declines("arrival")
        if skip >= len(self.open_households):
            return None
        size = len(ages)
        for household in self.open_households.values():
            if (household.takes_siblings and household.places - len(household.children) >= size
                    and household.approval in approvals and all(household.suits(age) for age in ages)):
                if not skip:
                    return household
                skip -= 1
        return None

    def _declines(self, purpose: str) -> float:
        """How many suitable vacancies this search passes over before its match (geometric, from the fit)."""
        if self._log_decline is None:
            return 0 if self.fit > 0 else math.inf
        return math.floor(math.log(1.0 - self.fit_draws[purpose].next()) / self._log_decline)

    # children coming and going

    def place(self, child, household: Household, day: float) -> None:
        household.children.append(child)
        child.household = household
        self.children_total += 1
        self.refresh(household, day)
        if len(household.children) == 1:
            self.without_children -= 1
            self.model.deregistration.occupancy_changed(household)

    def remove(self, child, day: float) -> None:
        household = child.household
        household.children.remove(child)
        child.household = None
        if household.number not in self.households:
            return
        self.children_total -= 1
        self.without_children += not household.children
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
        if household.role == "hub" or day < household.break_until:
            self.paused[household.number] = household
        else:
            self.paused.pop(household.number, None)
        if household.taking_placements(day) and household.places > len(household.children):
            if household.number not in self.open_households:
                self.open_households[household.number] = household
                self._file(household, True)
        else:
            self._close(household)

    def _close(self, household: Household) -> None:
        if self.open_households.pop(household.number, None) is not None:
            self._file(household, False)

    def _file(self, household: Household, opening: bool) -> None:
        filed = self.open_by_range[household.approval].setdefault((household.min_age, household.max_age), {})
        if opening:
            filed[household.number] = household
        else:
            del filed[household.number]

    # what the month end reports

    def census(self, day: float) -> tuple[int, int, int]:
        """(places, vacancies, households without children): vacancies are the free places of households
        taking placements or in their settling gap (not hubs, not on a break)."""
        paused = sum(h.free_places for h in self.paused.values() if h.role == "hub" or day < h.break_until)
        return self.places_total, self.places_total - self.children_total - paused, self.without_children

    # drawing a household

    def _draw_places_and_ages(self):
        u_places, u_ages = self.draws.next()
        places = pick(self.carers.places_per_household, u_places)
        return int(places), _age_range(pick(self.carers.age_range_mix, u_ages))

    def _draw_profile(self, household: Household, day: float, joining: str) -> None:
        u_approval, u_siblings, u_age_range, u_age = self.profiles.next()
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
