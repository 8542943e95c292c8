"""Scenario parameters estimated from a care history, each with its basis so every figure can be commented.

Entries are periods of care that start inside the data window. Every result
is an aggregate: counts, shares, rates and fitted parameters.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from calibration import codes
from calibration.disclosure import shown
from calibration.episodes import age_band_at, birthday
from calibration.errors import DataError
from calibration.history import CareHistory, open_on
from calibration.survival import DurationFit, Durations, fit_all_families
from sim.model.ages import (
    AGE_BANDS,
    BAND_LOWER_AGE,
    BAND_UPPER_AGE,
    DAYS_PER_YEAR,
    LEAVING_AGE,
)


@dataclass(frozen=True)
class Basis:
    n: int
    unit: str
    start: dt.date
    end: dt.date
    note: str = ""

    def describe(self) -> str:
        text = f"{shown(self.n)} {self.unit}, {self.start} to {self.end}"
        return f"{text}; {self.note}" if self.note else text


@dataclass(frozen=True)
class EntryRate:
    per_year: float
    trend_per_year: float  # fitted annual growth rate: 0.05 means 5% more entries each year
    counts_by_year: dict[str, int]
    basis: Basis
    # Covariance of the fit's log level (at the window's middle) and log growth, allowing for more spread
    # between years than Poisson chance gives (quasi-Poisson); zero with fewer than three years.
    covariance: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 0.0), (0.0, 0.0))

    @property
    def trend_se(self) -> float:
        """Standard error of the annual growth rate (delta method)."""
        return float((1 + self.trend_per_year) * np.sqrt(self.covariance[1][1]))

    def log_se_at(self, years: float) -> float:
        """Standard error of the log of `per_year_at(years)`."""
        (var_level, cov), (_, var_growth) = self.covariance
        from_middle = years - len(self.counts_by_year) / 2
        return float(np.sqrt(max(var_level + 2 * from_middle * cov + from_middle**2 * var_growth, 0.0)))

    def trend_se_drawn_alone(self, years: float, horizon_years: float) -> float:
        """The trend's standard error for drawing it independently of the rate at `years`: the fit's rate and
        trend there are correlated (a steeper trend has a higher rate after the window's middle), so drawn
        apart the rate's spread `horizon_years` later falls short; widened so that it matches there (and
        falls short less before)."""
        (_, cov), (_, var_growth) = self.covariance
        if not var_growth or horizon_years <= 0:
            return self.trend_se
        from_middle = years - len(self.counts_by_year) / 2
        widening = 1 + 2 * (from_middle * var_growth + cov) / (horizon_years * var_growth)
        return self.trend_se * float(np.sqrt(max(widening, 1.0)))

    def per_year_at(self, years: float) -> float:
        """The fitted rate `years` after the window starts: the rate whose exponential trend gives the
        fitted count of every collection year (on average per_year; its trend makes it differ at a time)."""
        log_growth = np.log1p(self.trend_per_year)
        centred = np.arange(len(self.counts_by_year)) - (len(self.counts_by_year) - 1) / 2
        centre_count = self.basis.n / np.exp(log_growth * centred).sum()
        # A year's count is the rate integrated over the year: (e^b - 1) / b times the rate at its start.
        per_year_of_count = log_growth / np.expm1(log_growth) if log_growth else 1.0
        first_year_start = -(len(self.counts_by_year) - 1) / 2
        return float(centre_count * per_year_of_count * np.exp(log_growth * (years + first_year_start)))


@dataclass(frozen=True)
class BandShares:
    shares: dict[str, float]
    basis: Basis


@dataclass(frozen=True)
class Share:
    value: float
    basis: Basis


@dataclass(frozen=True)
class TimeInCare:
    family: str  # the family with the lowest AIC
    mean_years: dict[str, float]
    cv: float
    fits: dict[str, DurationFit]
    basis: Basis

    @property
    def log_mean_se(self) -> dict[str, float]:
        return self.fits[self.family].log_mean_se


@dataclass(frozen=True)
class PlacementMix:
    census_date: dt.date
    counts: dict[str, dict[str, int]]  # option -> age band at the census date -> children
    basis: Basis


@dataclass(frozen=True)
class BreakdownHazard:
    rates_per_year: dict[str, dict[str, float]]  # option -> current age band -> breakdowns per placement-year
    breakdowns: dict[str, dict[str, int]]
    exposure_years: dict[str, dict[str, float]]
    basis: Basis


@dataclass(frozen=True)
class UascEntries:
    per_year: float
    age_mix: dict[str, float]
    mean_years: float  # exponential, allowing for stays still open, reaching 18, or begun before the data
    basis: Basis


@dataclass(frozen=True)
class Estimates:
    """Everything a scenario takes from a history but its census, which depends on the census date."""

    entries: EntryRate
    age_mix: BandShares
    time_in_care: TimeInCare
    residential_share: BandShares
    kinship_share: Share
    breakdowns: BreakdownHazard
    kinship_duration: Share | None  # kinship's mean time in care relative to others of its age band
    uasc: UascEntries | None  # None: the return lists no UASC entry


def estimate_all(history: CareHistory) -> Estimates:
    estimators = (entry_rate, age_mix, time_in_care, residential_share, kinship_share, breakdown_hazard,
                  kinship_duration, uasc_entries)
    return Estimates(*(estimator(history) for estimator in estimators))


def entry_rate(history: CareHistory) -> EntryRate:
    entries = _entries(history)
    years = _collection_years(history)
    year_of_entry = entries["start"].dt.year - (entries["start"].dt.month < 4)
    counts = year_of_entry.value_counts().reindex(years, fill_value=0)
    trend, covariance = _log_linear_trend(counts.to_numpy())
    return EntryRate(
        per_year=len(entries) / len(years),
        trend_per_year=trend,
        counts_by_year={f"{year}-{(year + 1) % 100:02d}": int(count) for year, count in counts.items()},
        basis=_basis(history, len(entries), "entries", "trend from a Poisson log-linear fit to annual counts"),
        covariance=covariance,
    )


def age_mix(history: CareHistory) -> BandShares:
    entries = _entries(history)
    shares = entries["band"].value_counts(normalize=True).reindex(AGE_BANDS, fill_value=0.0)
    return BandShares(_as_floats(shares), _basis(history, len(entries), "entries", "age band at entry"))


def residential_share(history: CareHistory) -> BandShares:
    entries = _entries(history)
    residential = entries["first_place"].isin(codes.RESIDENTIAL_PLACES)
    shares = residential.groupby(entries["band"]).mean().reindex(AGE_BANDS).dropna()
    places = ", ".join(sorted(codes.RESIDENTIAL_PLACES))
    note = f"first placement {places}; age band at entry; bands without entries omitted"
    return BandShares(_as_floats(shares), _basis(history, len(entries), "entries", note))


def kinship_share(history: CareHistory) -> Share:
    entries = _entries(history)
    family = entries[entries["first_place"].isin(codes.FOSTER_PLACES)]
    if family.empty:
        raise DataError(history.source, "PLACE", "no entry starts in a foster placement (U1-U6)")
    kinship = family["first_place"].isin(codes.KINSHIP_PLACES).mean()
    note = "share of entries first placed in foster care (U1-U6) who were placed with family or friends (U1-U3)"
    return Share(float(kinship), _basis(history, len(family), "entries", note))


def time_in_care(history: CareHistory) -> TimeInCare:
    periods = _periods_with_known_start(history)
    durations, groups = _durations(periods, history.window_start)
    if not groups:
        raise DataError(history.source, "DECOM", "no period of care with a known start to fit times in care to")
    fits = fit_all_families(durations, groups)
    best = min(fits.values(), key=lambda fit: fit.aic)
    note = (
        f"periods by age band at entry; {shown(int((~durations.exited).sum()))} right-censored (open at the data "
        f"end or reaching 18), {shown(int((durations.entry_years > 0).sum()))} left-truncated (begun before the "
        f"window), {shown(len(_not_uasc(history.periods)) - len(periods))} begun before the window at an unknown "
        "date left out; bands without an exit omitted; one cv shared by all bands; best family by AIC"
        + ("; UASC's periods fitted on their own" if uasc_entries(history) is not None else "")
    )
    basis = _basis(history, len(durations.years), "periods", note)
    return TimeInCare(best.family, best.mean_years, best.cv, fits, basis)


def kinship_duration(history: CareHistory) -> Share | None:
    """How much longer (or shorter) periods that begin with kinship carers (U1-U3) last than others of the same
    age band at entry: the others' exit rate per band applied to kinship's time observed gives the exits
    expected; expected over observed is the multiplier of the mean (indirect standardisation, exponential
    within a band). None when no kinship period ends inside the window."""
    periods = _periods_with_known_start(history)
    kinship = periods["first_place"].isin(codes.KINSHIP_PLACES)
    kin, kin_bands = _durations(periods[kinship], history.window_start)
    others, other_bands = _durations(periods[~kinship], history.window_start)
    if not kin.exited.any():
        return None
    expected = 0.0
    for band in set(kin_bands) & set(other_bands):
        kin_band, other_band = kin.group == kin_bands.index(band), others.group == other_bands.index(band)
        rate = others.exited[other_band].sum() / (others.years - others.entry_years)[other_band].sum()
        expected += rate * (kin.years - kin.entry_years)[kin_band].sum()
    exits = int(kin.exited.sum())
    note = ("periods first placed with family or friends (U1-U3) against others of their age band at entry: "
            f"{expected:.1f} exits expected at the others' rates, {shown(exits)} seen")
    return Share(round(expected / exits, 3), _basis(history, len(kin.years), "kinship periods", note))


def uasc_entries(history: CareHistory) -> UascEntries | None:
    """Entries of unaccompanied asylum-seeking children (the return's UASC table) and their time in care:
    exponential, a stay still open at the data end or at the 18th birthday counting as time in care."""
    periods = history.periods
    if "uasc" not in periods or not periods["uasc"].any():
        return None
    uasc = periods[periods["uasc"]]
    entries = uasc[uasc["start"].between(history.window_start, history.window_end)]
    if entries.empty:
        return None
    known = uasc[(uasc["start"] >= history.window_start) | (uasc["first_rne"] == "S")]
    durations, _ = _durations(known.assign(band=AGE_BANDS[-1]), history.window_start)
    exits = int(durations.exited.sum())
    exposure = float((durations.years - durations.entry_years).sum())
    mean_years = exposure / exits if exits else LEAVING_AGE - BAND_LOWER_AGE[AGE_BANDS[-1]]
    shares = entries["band"].value_counts(normalize=True).reindex(AGE_BANDS, fill_value=0.0)
    note = ("periods of children in the UASC table begun before their status ceased (DUC); one exponential "
            "time in care for every band" + ("" if exits else "; no exit seen: two years, the 16-17 band's span"))
    return UascEntries(len(entries) / len(_collection_years(history)), _as_floats(shares), round(mean_years, 3),
                       _basis(history, len(entries), "UASC entries", note))


def duration_observations(history: CareHistory) -> tuple[Durations, tuple[str, ...]]:
    """The times in care the fits take (periods with a known start), and the age bands with an exit."""
    return _durations(_periods_with_known_start(history), history.window_start)


def placement_mix(history: CareHistory, census_date=None) -> PlacementMix:
    """Children in care on the census date (default: the data's last day) by placement option and age band."""
    date = pd.Timestamp(census_date if census_date is not None else history.window_end)
    current = history.placements[open_on(history.placements, date)]
    bands = age_band_at(current["dob"], date)
    table = pd.crosstab(current["option"], bands).reindex(columns=list(AGE_BANDS), fill_value=0)
    counts = {option: {band: int(n) for band, n in row.items()} for option, row in table.iterrows()}
    note = "age band on the census date"
    return PlacementMix(date.date(), counts, _basis(history, len(current), "children in care", note))


def breakdown_hazard(history: CareHistory) -> BreakdownHazard:
    placements = history.placements
    exposure = _exposure_years_by_band(placements, history.window_start, history.window_end)
    exposure_table = exposure.groupby(placements["option"]).sum()
    counted = placements["breakdown"] & placements["end"].between(history.window_start, history.window_end)
    breakdowns = placements[counted]
    event_table = pd.crosstab(breakdowns["option"], age_band_at(breakdowns["dob"], breakdowns["end"]))
    event_table = event_table.reindex(index=exposure_table.index, columns=list(AGE_BANDS), fill_value=0)
    rates = (event_table / exposure_table.where(exposure_table > 0)).round(6)
    note = (
        f"changes with REASON_PLACE_CHANGE {', '.join(sorted(codes.BREAKDOWN_REASONS))} per placement-year "
        "inside the window; age band at the time (exposure split at birthdays)"
    )
    return BreakdownHazard(
        rates_per_year=_nested(rates, float),
        breakdowns=_nested(event_table, int),
        exposure_years=_nested(exposure_table.round(3), float),
        basis=_basis(history, int(counted.sum()), "breakdowns", note),
    )


def _entries(history):
    """Entries other than UASC's (demand.uasc is their own stream)."""
    periods = _not_uasc(history.periods)
    entries = periods[periods["start"].between(history.window_start, history.window_end)]
    if entries.empty:
        raise DataError(history.source, "DECOM", "no period of care starts inside the data window")
    return entries


def _not_uasc(periods):
    return periods[~periods["uasc"]] if "uasc" in periods else periods


def _collection_years(history):
    return list(range(history.window_start.year, history.window_end.year))


def _log_linear_trend(counts):
    """Annual growth rate exp(b) - 1 of the Poisson model E[count in year t] = exp(a + b t), t centred, and
    the covariance of (a, b): the inverse Fisher information, times the Pearson dispersion when the counts
    spread more than Poisson chance (estimable from three years)."""
    no_spread = ((0.0, 0.0), (0.0, 0.0))
    if len(counts) < 2:
        return 0.0, no_spread
    t = np.arange(len(counts)) - (len(counts) - 1) / 2

    def negative_log_likelihood(params):
        log_rate = params[0] + params[1] * t
        return np.exp(log_rate).sum() - (counts * log_rate).sum()

    start = [np.log(max(counts.mean(), 0.5)), 0.0]
    fitted = optimize.minimize(negative_log_likelihood, start, method="BFGS")
    expected = np.exp(fitted.x[0] + fitted.x[1] * t)
    information = np.array([[expected.sum(), (expected * t).sum()], [(expected * t).sum(), (expected * t**2).sum()]])
    if len(counts) < 3 or not np.all(np.isfinite(information)) or np.linalg.det(information) <= 0:
        return float(np.expm1(fitted.x[1])), no_spread
    dispersion = max(1.0, float(((counts - expected) ** 2 / expected).sum() / (len(counts) - 2)))
    covariance = np.linalg.inv(information) * dispersion
    return float(np.expm1(fitted.x[1])), tuple(tuple(float(v) for v in row) for row in covariance)


def _periods_with_known_start(history):
    """A period begun before the window is in the returns only from the episode open at the window start;
    its start is known only if that episode began the period (RNE S). UASC's periods are left to uasc_entries."""
    periods = _not_uasc(history.periods)
    return periods[(periods["start"] >= history.window_start) | (periods["first_rne"] == "S")]


def _durations(periods, window_start):
    """Years from start to exit, or to censoring at the data end or the 18th birthday, for periods in care
    inside the window; and the age bands that have any exit."""
    leaves_care = birthday(periods["dob"], LEAVING_AGE)
    stop = periods["end"].fillna(periods["observed_until"]).clip(upper=leaves_care)
    exited = periods["end"].notna() & (periods["end"] < leaves_care)
    # A period ending the day it starts counts as one day, so that every duration is positive.
    days = (stop - periods["start"]).dt.days.clip(lower=1)
    elapsed = (window_start - periods["start"]).dt.days.clip(lower=0)
    seen = days > elapsed
    # With no exit at all a band's mean has no finite maximum-likelihood estimate.
    groups = tuple(band for band in AGE_BANDS if band in set(periods["band"][seen & exited]))
    used = seen & periods["band"].isin(groups)
    durations = Durations(
        years=(days[used] / DAYS_PER_YEAR).to_numpy(),
        exited=exited[used].to_numpy(),
        entry_years=(elapsed[used] / DAYS_PER_YEAR).to_numpy(),
        group=periods["band"][used].map({band: i for i, band in enumerate(groups)}).to_numpy(),
    )
    return durations, groups


def _exposure_years_by_band(placements, window_start, window_end):
    start = placements["start"].clip(lower=window_start)
    stop = placements["end"].fillna(placements["observed_until"]).clip(upper=window_end)
    exposure = {}
    for band in AGE_BANDS:
        band_start = birthday(placements["dob"], BAND_LOWER_AGE[band]).where(lambda s: s > start, start)
        band_stop = birthday(placements["dob"], BAND_UPPER_AGE[band]).where(lambda s: s < stop, stop)
        exposure[band] = (band_stop - band_start).dt.days.clip(lower=0) / DAYS_PER_YEAR
    return pd.DataFrame(exposure)


def _basis(history, n, unit, note):
    return Basis(n, unit, history.window_start.date(), history.window_end.date(), note)


def _as_floats(series):
    return {str(key): float(value) for key, value in series.items()}


def _nested(table, kind):
    return {
        str(option): {band: kind(value) for band, value in row.items() if pd.notna(value)}
        for option, row in table.iterrows()
    }
