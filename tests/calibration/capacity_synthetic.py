"""A synthetic SSDA903 return in which children are placed out of county because the county's own places run
out: entries rise every year while in-county places stay fixed, so out-of-county placements grow.

Written for the back-test, by a process of its own rather than the model's code: one event queue over
every child and household from long before the data window (so the window opens on a county already
full), children placed in the first option of their need's list with a free place (the council's own
foster households, then agency carers in county, then agency carers out of county; likewise for
children's homes), re-placed the same way after a breakdown, a planned move, or their carers leaving.
The county's own places are fixed: foster households leave at a constant rate and each is replaced the
same day by a newly approved household with as many places, so the council's own Ofsted figures
(households at 31 March, approvals and deregistrations by year) are also known and returned. Episodes, location codes and the per-year files are as
synthetic.py writes them.
"""

import datetime as dt
import heapq
import itertools
import random
from dataclasses import dataclass, field

from synthetic import (
    BREAKDOWN_REASONS,
    PLANNED_REASONS,
    Placement,
    add_short_breaks,
    birthday,
    child_ids,
    close_episode,
    episode_row,
    first_day,
    header_row,
    lognormal_years,
    write_tables,
)

from sim.model.ages import AGE_BANDS, BAND_LOWER_AGE, BAND_UPPER_AGE, DAYS_PER_YEAR

CARER_LEFT_REASON = "CLOSE"  # resignation or closure of provision: not a breakdown


def _band_dict(values):
    return field(default_factory=lambda: dict(zip(AGE_BANDS, values)))


@dataclass(frozen=True)
class CapacityTruth:
    # Surrey's scale: about 1,000 in care and 480 placed out of county (figures: surrey, children_looked_after,
    # 2021; placed_outside_surrey_foi, 2022-23), reached by 2018 and 2021 here.
    entries_per_year: float = 440.0  # on the first day of the data window
    trend_per_year: float = 0.05
    age_mix: dict = _band_dict([0.30, 0.20, 0.33, 0.17])
    mean_years: dict = _band_dict([2.5, 2.5, 2.0, 0.9])
    cv: float = 1.0
    residential_share: dict = _band_dict([0.0, 0.05, 0.15, 0.20])
    kinship_share: float = 0.2
    households: int = 150  # fixed: each household that leaves is replaced at once
    places_per_household: dict = field(default_factory=lambda: {1: 0.3, 2: 0.5, 3: 0.2})
    leaving_rate_per_year: float = 0.13
    ifa_in_county_places: int = 60
    in_house_home_places: int = 12
    private_home_in_county_places: int = 18
    breakdowns_per_year: dict = field(
        default_factory=lambda: {
            "kinship": 0.10,
            "in_house_fostering": 0.15,
            "ifa_in_county": 0.20,
            "ifa_out_of_county": 0.30,
            "in_house_childrens_home": 0.40,
            "private_childrens_home_in_county": 0.40,
            "childrens_home_out_of_county": 0.50,
        }
    )
    planned_moves_per_year: float = 0.2
    legal_changes_per_year: float = 0.3
    short_break_children_per_year: float = 40.0
    first_year: int = 2013
    years: int = 8
    burn_in_years: int = 25

    @property
    def window_start(self) -> dt.date:
        return dt.date(self.first_year, 4, 1)

    @property
    def window_end(self) -> dt.date:
        return dt.date(self.first_year + self.years, 3, 31)


@dataclass(eq=False)
class _Household:
    places: int
    children: set = field(default_factory=set)


@dataclass(eq=False)
class _Child:
    id: str
    dob: dt.date
    residential: bool
    kinship: bool
    exit_day: dt.date
    placement: Placement = None
    household: _Household = None
    episode: dict = None  # the episode open now
    next_kind: str = ""  # what the scheduled move will be: breakdown, planned or legal
    token: int = 0  # which placement a scheduled event belongs to: a move makes older events stale


@dataclass(frozen=True)
class SupplyYear:
    """The council's own Ofsted figures for one collection year."""

    period: str  # 2017-18
    households_31_march: int  # at the 31 March ending the year
    approved: int
    deregistered: int


class _County:
    def __init__(self, truth: CapacityTruth, rng: random.Random):
        self.truth, self.rng = truth, rng
        self.queue, self.order = [], itertools.count()
        self.episodes, self.header = [], []
        self.households = [self._new_household() for _ in range(truth.households)]
        self.occupied = {"ifa_in_county": 0, "in_house_childrens_home": 0, "private_childrens_home_in_county": 0}
        self.approved, self.deregistered = {}, {}  # collection year -> count
        self.households_at = {}  # 31 March -> households

    def run(self, ids) -> None:
        start, end = first_day(self.truth), self.truth.window_end
        for day in self._entry_days(start, end):
            self._schedule(day, "entry", next(ids))
        for household in self.households:
            self._schedule_leaving(start, household)
        for year in range(start.year + 1, end.year + 1):
            self._schedule(dt.date(year, 3, 31), "count", None)
        while self.queue:
            day, _, kind, subject, token = heapq.heappop(self.queue)
            if day > end:
                break
            getattr(self, f"_{kind}")(day, subject, token)

    def supply_years(self) -> list[SupplyYear]:
        truth = self.truth
        return [SupplyYear(f"{year}-{(year + 1) % 100:02d}", self.households_at[dt.date(year + 1, 3, 31)],
                           self.approved.get(year, 0), self.deregistered.get(year, 0))
                for year in range(truth.first_year, truth.first_year + truth.years)]

    # events

    def _entry(self, day, child_id, _token) -> None:
        truth, rng = self.truth, self.rng
        band = rng.choices(AGE_BANDS, weights=[truth.age_mix[b] for b in AGE_BANDS])[0]
        dob = day - dt.timedelta(days=int(rng.uniform(BAND_LOWER_AGE[band], BAND_UPPER_AGE[band]) * DAYS_PER_YEAR))
        residential = rng.random() < truth.residential_share[band]
        kinship = not residential and rng.random() < truth.kinship_share
        exit_day = min(day + _days(lognormal_years(truth.mean_years[band], truth.cv, rng)), birthday(dob, 18))
        child = _Child(child_id, dob, residential, kinship, exit_day)
        self.header.append(header_row(child_id, dob, rng))
        self._place(day, child, "S")

    def _exit(self, day, child, token) -> None:
        if token == child.token:
            close_episode(child.episode, day, "E8" if day == birthday(child.dob, 18) else "E11", None)
            self._vacate(child)

    def _move(self, day, child, token) -> None:
        if token != child.token:
            return
        kind = child.next_kind
        if kind == "legal":
            close_episode(child.episode, day, "X1", None)
            child.episode = episode_row(child.id, day, "L", child.placement, self.rng)
            self.episodes.append(child.episode)
            self._schedule_events(day, child)
            return
        reasons = BREAKDOWN_REASONS if kind == "breakdown" else PLANNED_REASONS
        self._replace(day, child, self.rng.choice(reasons))

    def _leave(self, day, household, _token) -> None:
        year = _collection_year(day)
        self.households.remove(household)
        self.deregistered[year] = self.deregistered.get(year, 0) + 1
        replacement = _Household(household.places)
        self.households.append(replacement)
        self.approved[year] = self.approved.get(year, 0) + 1
        self._schedule_leaving(day, replacement)
        for child in sorted(household.children, key=lambda c: c.id):
            self._replace(day, child, CARER_LEFT_REASON)

    def _count(self, day, _subject, _token) -> None:
        self.households_at[day] = len(self.households)

    # placing children

    def _replace(self, day, child, reason) -> None:
        close_episode(child.episode, day, "X1", reason)
        left = child.household
        self._vacate(child)
        self._place(day, child, "P", exclude=left)

    def _place(self, day, child, rne, exclude=None) -> None:
        child.placement = self._vacancy(child, exclude)
        child.episode = episode_row(child.id, day, rne, child.placement, self.rng)
        self.episodes.append(child.episode)
        child.token += 1
        self._schedule(child.exit_day, "exit", child, child.token)
        self._schedule_events(day, child)

    def _vacancy(self, child, exclude) -> Placement:
        if child.kinship:
            return Placement("kinship", self.rng.choice(["U1", "U2", "U3"]), "PR1", "IN")
        if child.residential:
            if self._take("in_house_childrens_home", self.truth.in_house_home_places):
                return Placement("in_house_childrens_home", "K2", "PR1", "IN")
            if self._take("private_childrens_home_in_county", self.truth.private_home_in_county_places):
                return Placement("private_childrens_home_in_county", "K2", "PR4", "IN")
            return Placement("childrens_home_out_of_county", "K2", "PR4", "OUT")
        household = next((h for h in self.households if h is not exclude and len(h.children) < h.places), None)
        if household is not None:
            household.children.add(child)
            child.household = household
            return Placement("in_house_fostering", self.rng.choice(["U4", "U5", "U6"]), "PR1", "IN")
        if self._take("ifa_in_county", self.truth.ifa_in_county_places):
            return Placement("ifa_in_county", "U4", "PR4", "IN")
        return Placement("ifa_out_of_county", "U4", "PR4", "OUT")

    def _take(self, option, places) -> bool:
        if self.occupied[option] < places:
            self.occupied[option] += 1
            return True
        return False

    def _vacate(self, child) -> None:
        if child.household is not None:
            child.household.children.discard(child)
            child.household = None
        elif child.placement.option in self.occupied:
            self.occupied[child.placement.option] -= 1

    # scheduling

    def _schedule(self, day, kind, subject, token=0) -> None:
        heapq.heappush(self.queue, (day, next(self.order), kind, subject, token))

    def _schedule_events(self, day, child) -> None:
        """The next breakdown, planned move or change of legal status, whichever comes first (a day at least)."""
        truth = self.truth
        rates = {"breakdown": truth.breakdowns_per_year[child.placement.option],
                 "planned": truth.planned_moves_per_year, "legal": truth.legal_changes_per_year}
        waits = {kind: self.rng.expovariate(rate) for kind, rate in rates.items()}
        child.next_kind = min(waits, key=waits.get)
        event_day = day + max(_days(waits[child.next_kind]), dt.timedelta(days=1))
        if event_day < child.exit_day:
            self._schedule(event_day, "move", child, child.token)

    def _schedule_leaving(self, day, household) -> None:
        self._schedule(day + _days(self.rng.expovariate(self.truth.leaving_rate_per_year)), "leave", household)

    def _new_household(self) -> _Household:
        places = self.truth.places_per_household
        return _Household(self.rng.choices(list(places), weights=list(places.values()))[0])

    def _entry_days(self, start, end):
        """A Poisson process whose rate grows by trend_per_year, by thinning one at the final rate."""
        truth, rng = self.truth, self.rng
        growth = 1.0 + truth.trend_per_year
        years_to_end = (end - truth.window_start).days / DAYS_PER_YEAR
        peak = truth.entries_per_year * growth**years_to_end / DAYS_PER_YEAR
        day = rng.expovariate(peak)
        span = (end - start).days
        while day <= span:
            date = start + dt.timedelta(days=int(day))
            rate = truth.entries_per_year * growth ** ((date - truth.window_start).days / DAYS_PER_YEAR)
            if rng.random() * peak < rate / DAYS_PER_YEAR:
                yield date
            day += rng.expovariate(peak)


def write_capacity_return(directory, truth: CapacityTruth, seed: int, with_location: bool = True) -> list[SupplyYear]:
    """Write the per-year files (with PL_LOCATION or not); return the council's own supply figures by year."""
    rng = random.Random(seed)
    ids = child_ids()
    county = _County(truth, rng)
    county.run(ids)
    add_short_breaks(truth, rng, ids, county.episodes, county.header)
    write_tables(directory, truth, county.episodes, county.header, with_location)
    return county.supply_years()


def _collection_year(day: dt.date) -> int:
    return day.year - (day.month < 4)


def _days(years):
    return dt.timedelta(days=round(years * DAYS_PER_YEAR))
