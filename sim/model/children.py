"""Children entering care: when they enter, and who they are (drawn at entry, so scenarios share them)."""

import bisect
import math

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
# The last band never ends while in care (children leave by 18), hence infinity.
BAND_ENDS_AFTER_BIRTH = (*(BAND_UPPER_AGE[band] * DAYS_PER_YEAR for band in AGE_BANDS[:-1]), math.inf)


class Child:
    __slots__ = ("entry_day", "entry_age", "need", "option", "household", "placed_day", "exit_day",
                 "breakdown_clock", "band_ends", "breakdown_budgets", "placements_started")

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

    def age_at(self, day: float) -> float:
        return self.entry_age + (day - self.entry_day) / DAYS_PER_YEAR

    def band_at(self, day: float) -> str:
        return AGE_BANDS[bisect.bisect_right(self.band_ends, day)]


def entry_days(demand, calendar, rng: np.random.Generator) -> np.ndarray:
    """Entry times of a Poisson process with trend and seasonality, by thinning a homogeneous one."""
    horizon = calendar.horizon_days
    growth_over_horizon = (1.0 + demand.trend_per_year) ** (horizon / DAYS_PER_YEAR)
    peak_rate = demand.entries_per_year / DAYS_PER_YEAR * max(1.0, growth_over_horizon) * (1.0 + demand.seasonality.amplitude)
    candidates = np.sort(rng.random(rng.poisson(peak_rate * horizon)) * horizon)
    keep = rng.random(candidates.size) * peak_rate < _entry_rate(demand, calendar, candidates)
    return candidates[keep]


def _entry_rate(demand, calendar, days: np.ndarray) -> np.ndarray:
    trend = (1.0 + demand.trend_per_year) ** (days / DAYS_PER_YEAR)
    season = demand.seasonality
    peak_phase = (season.peak_month - 0.5) / 12.0
    phase = np.array([calendar.year_fraction_of_day(day) for day in days]) if season.amplitude else 0.0
    seasonal = 1.0 + season.amplitude * np.cos(2.0 * math.pi * (phase - peak_phase))
    return demand.entries_per_year / DAYS_PER_YEAR * trend * seasonal


class EntrantDraws:
    """Attributes of entering children, in blocks: the k-th entrant always uses the k-th row of uniforms."""

    BLOCK = 1024

    def __init__(self, demand, rng: np.random.Generator):
        self.demand, self.rng = demand, rng
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
        residential = np.array([demand.residential_share[b] for b in AGE_BANDS])[bands]
        need_index = np.where(u[:, 2] < residential, 0,
                              np.where(u[:, 2] < residential + (1 - residential) * demand.kinship_share, 1, 2))
        years = np.empty(self.BLOCK)
        care = demand.duration_in_care
        for index, band in enumerate(AGE_BANDS):
            mask = bands == index
            years[mask] = duration_years(care.distribution, care.mean_years[band], care.cv, u[mask, 3])
        days = np.minimum(years, LEAVING_AGE - ages) * DAYS_PER_YEAR
        return list(zip(ages.tolist(), [NEEDS[i] for i in need_index], days.tolist()))


def census_children(scenario, need_for, rng: np.random.Generator) -> list[tuple]:
    """(option, age, need, remaining days) for each child in care at the start, in a fixed order."""
    care = scenario.demand.duration_in_care
    found = []
    for option, by_band in scenario.initial_state.counts().items():
        for band in AGE_BANDS:
            count = by_band.get(band, 0)
            if not count:
                continue
            u = rng.random((count, 3))
            ages = BAND_LOWER_AGE[band] + u[:, 0] * (BAND_UPPER_AGE[band] - BAND_LOWER_AGE[band])
            years = residual_years(care.distribution, care.mean_years[band], care.cv, u[:, 1], u[:, 2])
            days = np.minimum(years, LEAVING_AGE - ages) * DAYS_PER_YEAR
            need = need_for(option, band)
            found.extend((option, age, need, day) for age, day in zip(ages.tolist(), days.tolist()))
    return found
