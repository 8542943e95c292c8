"""Children entering care: when they enter, and who they are (drawn at entry, so scenarios share them)."""

import bisect
import math
from dataclasses import dataclass

import numpy as np

from sim.model.ages import (
    AGE_BANDS,
    BAND_LOWER_AGE,
    BAND_UPPER_AGE,
    DAYS_PER_YEAR,
    LEAVING_AGE,
)
from sim.model.durations import duration_years, residual_years

NEEDS = ("residential", "kinship", "family")
MAX_YEARLY_FACTOR = 3.0  # a year's entry rate at most three times its trend, however large the variation
# The last band never ends while in care (children leave by 18), hence infinity.
BAND_ENDS_AFTER_BIRTH = (*(BAND_UPPER_AGE[band] * DAYS_PER_YEAR for band in AGE_BANDS[:-1]), math.inf)


class Child:
    __slots__ = ("entry_day", "entry_age", "need", "option", "household", "placed_day", "exit_day",
                 "breakdown_clock", "band_ends", "breakdown_budgets", "placements_started", "siblings",
                 "ready_for_family_day")

    def __init__(self, entry_day: float, entry_age: float, need: str):
        self.entry_day, self.entry_age, self.need = entry_day, entry_age, need
        self.band_ends = tuple(map((entry_day - entry_age * DAYS_PER_YEAR).__add__, BAND_ENDS_AFTER_BIRTH))
        self.option = None
        self.household = None
        self.placed_day = entry_day
        self.exit_day = None
        self.breakdown_clock = None
        self.breakdown_budgets = ()  # Exp(1) budgets of its first placements (sim.model.breakdowns)
        self.placements_started = 0
        self.siblings = ()  # the other children of its sibling group
        self.ready_for_family_day = math.inf  # in residential care: when it may step down to a family

    def age_at(self, day: float) -> float:
        return self.entry_age + (day - self.entry_day) / DAYS_PER_YEAR

    def band_at(self, day: float) -> str:
        return AGE_BANDS[bisect.bisect_right(self.band_ends, day)]


@dataclass(frozen=True)
class EntryRate:
    """The entry rate from `day` on: `per_year` on that day, growing at `trend_per_year`."""

    day: float
    per_year: float
    trend_per_year: float

    def per_year_at(self, day: float) -> float:
        return self.per_year * (1.0 + self.trend_per_year) ** ((day - self.day) / DAYS_PER_YEAR)


def entry_rates(demand, changes) -> list[EntryRate]:
    """The pieces of the entry rate: the scenario's own from the start, then one from each change of
    `demand.entries_per_year` (the rate on its date) or `demand.trend_per_year` (the rate carries on from
    where it was). `changes` are (day, keys set, scenario after the change) in date order."""
    pieces = [EntryRate(0.0, demand.entries_per_year, demand.trend_per_year)]
    for day, keys, after in changes:
        if not keys & {"demand.entries_per_year", "demand.trend_per_year"}:
            continue
        level = after.demand.entries_per_year if "demand.entries_per_year" in keys else pieces[-1].per_year_at(day)
        pieces.append(EntryRate(day, level, after.demand.trend_per_year))
    return pieces


def yearly_factors(variation: float, horizon_days: float, rng: np.random.Generator) -> np.ndarray:
    """Each run year's multiplier of the entry rate: lognormal with mean 1 and coefficient of variation
    `variation`, independent from year to year (all 1, and nothing drawn, when `variation` is 0)."""
    years = int(horizon_days // DAYS_PER_YEAR) + 1
    if variation <= 0:
        return np.ones(years)
    sigma = math.sqrt(math.log1p(variation * variation))
    return np.minimum(np.exp(sigma * rng.standard_normal(years) - sigma * sigma / 2), MAX_YEARLY_FACTOR)


def entry_days(pieces: list[EntryRate], seasonality, calendar, rng: np.random.Generator,
               above_rng: np.random.Generator, factors: np.ndarray | None = None) -> np.ndarray:
    """Entry times of a Poisson process with trend, seasonality and a multiplier for each run year
    (`factors`, default 1), by thinning a homogeneous one.

    The candidates are those of the scenario's own rate (`rng`): before the first change of rate nothing
    differs from a run without it. Where a change takes the rate above their peak, candidates at the
    excess (`above_rng`, only after the change) make up the difference."""
    horizon = calendar.horizon_days
    factors = np.ones(1) if factors is None else factors  # the last factor holds for every later year
    ends = [piece.day for piece in pieces[1:]] + [horizon]
    peak = _peak_rate(pieces[0], horizon, seasonality) * factors.max()
    candidates = np.sort(rng.random(rng.poisson(peak * horizon)) * horizon)
    keep = rng.random(candidates.size) * peak < _entry_rate(pieces, seasonality, calendar, candidates, factors)
    days = candidates[keep]
    above = max(_peak_rate(piece, end, seasonality) for piece, end in zip(pieces, ends)) * factors.max() - peak
    if len(pieces) > 1 and above > 0:
        first = pieces[1].day
        extra = np.sort(first + above_rng.random(above_rng.poisson(above * (horizon - first))) * (horizon - first))
        excess = _entry_rate(pieces, seasonality, calendar, extra, factors) - peak
        days = np.sort(np.concatenate([days, extra[above_rng.random(extra.size) * above < excess]]))
    return days


def _peak_rate(piece: EntryRate, until: float, seasonality) -> float:
    """The highest rate per day of `piece` before `until`, before the yearly factors."""
    growth = (1.0 + piece.trend_per_year) ** ((until - piece.day) / DAYS_PER_YEAR)
    return piece.per_year / DAYS_PER_YEAR * max(1.0, growth) * (1.0 + seasonality.amplitude)


def _entry_rate(pieces: list[EntryRate], season, calendar, days: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """The entry rate per day on each of `days`."""
    which = np.searchsorted([piece.day for piece in pieces], days, side="right") - 1
    rate = np.empty(days.size)
    for index, piece in enumerate(pieces):
        mask = which == index
        trend = (1.0 + piece.trend_per_year) ** ((days[mask] - piece.day) / DAYS_PER_YEAR)
        rate[mask] = piece.per_year / DAYS_PER_YEAR * trend
    peak_phase = (season.peak_month - 0.5) / 12.0
    phase = np.array([calendar.year_fraction_of_day(day) for day in days]) if season.amplitude else 0.0
    year = np.minimum((days // DAYS_PER_YEAR).astype(int), factors.size - 1)
    return rate * factors[year] * (1.0 + season.amplitude * np.cos(2.0 * math.pi * (phase - peak_phase)))


def need_multipliers(duration_in_care) -> np.ndarray:
    """The multiplier of each need's time in care, in the order of NEEDS."""
    return np.array([duration_in_care.need_multiplier.get(need, 1.0) for need in NEEDS])


class EntrantDraws:
    """Attributes of entering children, in blocks: the k-th entrant always uses the k-th row of uniforms.
    `demand` is the scenario's demand, or UASC's (whose children all have the need `need`)."""

    BLOCK = 1024

    def __init__(self, demand, rng: np.random.Generator, need: str | None = None):
        self.demand, self.rng, self.need = demand, rng, need
        self._rows = iter(())

    def next(self) -> tuple:
        """(entry age in years, need, days in care) of the next child to enter."""
        row = next(self._rows, None)
        if row is None:
            self._rows = iter(self._block())
            row = next(self._rows)
        return row

    def _block(self) -> list:
        demand = self.demand
        u = self.rng.random((self.BLOCK, 4))
        cumulative = np.cumsum([demand.age_mix.get(band, 0.0) for band in AGE_BANDS])
        bands = np.minimum(np.searchsorted(cumulative, u[:, 0] * cumulative[-1], side="right"), len(AGE_BANDS) - 1)
        lower = np.array([BAND_LOWER_AGE[b] for b in AGE_BANDS])[bands]
        upper = np.array([BAND_UPPER_AGE[b] for b in AGE_BANDS])[bands]
        ages = lower + u[:, 1] * (upper - lower)
        years = np.empty(self.BLOCK)
        care = demand.duration_in_care
        for index, band in enumerate(AGE_BANDS):
            mask = bands == index
            years[mask] = duration_years(care.distribution, care.mean_years[band], care.cv, u[mask, 3])
        if self.need is not None:
            needs = [self.need] * self.BLOCK
        else:
            need_index = needs_drawn(demand, bands, u[:, 2])
            years *= need_multipliers(care)[need_index]
            needs = [NEEDS[i] for i in need_index]
        days = np.minimum(years, LEAVING_AGE - ages) * DAYS_PER_YEAR
        return list(zip(ages.tolist(), needs, days.tolist()))


def needs_drawn(demand, bands: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index in NEEDS of each child's need: residential at its band's share, else kinship, else family."""
    residential = np.array([demand.residential_share[b] for b in AGE_BANDS])[bands]
    return np.where(u < residential, 0, np.where(u < residential + (1 - residential) * demand.kinship_share, 1, 2))


def census_children(counts: dict, care, need_for, rng: np.random.Generator) -> list[tuple]:
    """(option, age, need, remaining days) for each child in care at the start, in a fixed order:
    `counts` by option and band, `care` their duration_in_care, `need_for(option, band)` their need."""
    multipliers = dict(zip(NEEDS, need_multipliers(care).tolist()))
    found = []
    for option, by_band in counts.items():
        for band in AGE_BANDS:
            count = by_band.get(band, 0)
            if not count:
                continue
            u = rng.random((count, 3))
            ages = BAND_LOWER_AGE[band] + u[:, 0] * (BAND_UPPER_AGE[band] - BAND_LOWER_AGE[band])
            need = need_for(option, band)
            years = residual_years(care.distribution, care.mean_years[band], care.cv, u[:, 1], u[:, 2])
            days = np.minimum(years * multipliers.get(need, 1.0), LEAVING_AGE - ages) * DAYS_PER_YEAR
            found.extend((option, age, need, day) for age, day in zip(ages.tolist(), days.tolist()))
    return found
