"""A synthetic SSDA903 return with known parameters, written in the per-year layout.

Children enter as a Poisson process from long before the data window, so the
window opens on a population in steady state: periods already under way at
its start are left-truncated, and those still open at its end are
right-censored. Each period is a chain of episodes: breakdowns and planned
moves start new placements (RNE P), legal-status changes split a placement
(RNE L). An episode open across 31 March is repeated in each year's file, with
DEC, REC and REASON_PLACE_CHANGE filled only in the file of the year it ended.
Short-break children (LS V3) are added; the estimators must leave them out.
"""

import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field

import pandas as pd

from sim.model.ages import (
    AGE_BANDS,
    BAND_LOWER_AGE,
    BAND_UPPER_AGE,
    DAYS_PER_YEAR,
    band_of_age,
)

EPISODE_COLUMNS = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN", "PL_LOCATION",
]
HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
BREAKDOWN_REASONS = ["CREQB", "CREQO", "CHILD", "ALLEG", "STAND"]
PLANNED_REASONS = ["CARPL", "APPRR", "LAREQ", "PLACE", "CLOSE", "OTHER"]
IN_COUNTY_DISTRICTS = [f"ZA{i}" for i in range(1, 10)]
OUT_OF_COUNTY_DISTRICTS = [f"ZB{i}" for i in range(1, 10)]


def _band_dict(values):
    return field(default_factory=lambda: dict(zip(AGE_BANDS, values)))


@dataclass(frozen=True)
class Truth:
    entries_per_year: float = 600.0
    age_mix: dict = _band_dict([0.30, 0.20, 0.33, 0.17])
    mean_years: dict = _band_dict([3.0, 2.5, 2.0, 0.8])
    cv: float = 1.0
    residential_share: dict = _band_dict([0.0, 0.05, 0.15, 0.20])
    kinship_share: float = 0.2
    in_house_share: float = 0.5  # of stranger foster placements; the rest are IFA
    in_house_home_share: float = 0.3  # of children's-home placements
    out_of_county_share: float = 0.4  # of IFA and private children's-home placements
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
    first_year: int = 2016  # collection years first_year-(first_year+1) ...
    years: int = 5
    burn_in_years: int = 20

    @property
    def window_start(self) -> dt.date:
        return dt.date(self.first_year, 4, 1)

    @property
    def window_end(self) -> dt.date:
        return dt.date(self.first_year + self.years, 3, 31)


@dataclass
class Placement:
    option: str
    place: str
    provider: str
    location: str


def write_return(directory, truth: Truth, seed: int, with_location: bool = True) -> dict:
    """Write YYYY-episodes.csv and YYYY-header.csv; return the true census of children in care on the last day."""
    rng = random.Random(seed)
    return write_tables(directory, truth, *_simulate(truth, rng), with_location)


def write_tables(directory, truth, episodes: list, header: list, with_location: bool = True) -> dict:
    """Write the episode and header rows as one file pair per collection year of `truth`'s window; return the
    true census of children in care on its last day."""
    episodes = pd.DataFrame(episodes)
    header = pd.DataFrame(header).set_index("CHILD")
    if not with_location:
        episodes = episodes.drop(columns="PL_LOCATION")
    for year in range(truth.first_year, truth.first_year + truth.years):
        write_year(directory, year, episodes, header)
    return true_census(episodes, header, truth.window_end)


def first_day(truth) -> dt.date:
    return truth.window_start - dt.timedelta(days=round(truth.burn_in_years * DAYS_PER_YEAR))


def child_ids():
    return (str(number) for number in itertools.count(123_456_789, 7))


def _simulate(truth, rng):
    episodes, header = [], []
    ids = child_ids()
    for entry in _poisson_days(first_day(truth), truth.window_end, truth.entries_per_year, rng):
        child = next(ids)
        dob = _child_chain(truth, rng, child, entry, episodes)
        header.append(header_row(child, dob, rng))
    add_short_breaks(truth, rng, ids, episodes, header)
    return episodes, header


def add_short_breaks(truth, rng, ids, episodes: list, header: list) -> None:
    """Short-break children (LS V3), whom the estimators must leave out."""
    for entry in _poisson_days(first_day(truth), truth.window_end, truth.short_break_children_per_year, rng):
        child = next(ids)
        dob = entry - dt.timedelta(days=rng.randrange(5 * 365, 17 * 365))
        episodes.append(episode_row(child, entry, "S", Placement("other", "U4", "PR1", "IN"), rng, ls="V3"))
        close_episode(episodes[-1], entry + dt.timedelta(days=2), "E8", None)
        header.append(header_row(child, dob, rng))


def _poisson_days(first_day, last_day, per_year, rng):
    span_days = (last_day - first_day).days
    days, day = [], rng.expovariate(per_year / DAYS_PER_YEAR)
    while day <= span_days:
        days.append(first_day + dt.timedelta(days=int(day)))
        day += rng.expovariate(per_year / DAYS_PER_YEAR)
    return days


def _child_chain(truth, rng, child, entry, episodes):
    """One period of care as a chain of episodes; returns the child's date of birth."""
    band = rng.choices(AGE_BANDS, weights=[truth.age_mix[b] for b in AGE_BANDS])[0]
    age_years = rng.uniform(BAND_LOWER_AGE[band], BAND_UPPER_AGE[band])
    dob = entry - dt.timedelta(days=int(age_years * DAYS_PER_YEAR))
    residential = rng.random() < truth.residential_share[band]
    exit_day = min(entry + _days(lognormal_years(truth.mean_years[band], truth.cv, rng)), birthday(dob, 18))
    placement = _placement(truth, rng, residential)
    episodes.append(episode_row(child, entry, "S", placement, rng))
    while True:
        start = episodes[-1]["_start"]
        rates = [truth.breakdowns_per_year[placement.option], truth.planned_moves_per_year, truth.legal_changes_per_year]
        waits = [rng.expovariate(rate) for rate in rates]
        kind = waits.index(min(waits))
        event_day = start + max(_days(waits[kind]), dt.timedelta(days=1))
        if event_day >= exit_day:
            close_episode(episodes[-1], exit_day, "E8" if exit_day == birthday(dob, 18) else "E11", None)
            return dob
        if kind == 2:
            close_episode(episodes[-1], event_day, "X1", None)
            episodes.append(episode_row(child, event_day, "L", placement, rng))
        else:
            reasons = BREAKDOWN_REASONS if kind == 0 else PLANNED_REASONS
            close_episode(episodes[-1], event_day, "X1", rng.choice(reasons))
            placement = _placement(truth, rng, residential)
            episodes.append(episode_row(child, event_day, "P", placement, rng))


def _placement(truth, rng, residential):
    out = rng.random() < truth.out_of_county_share
    location = "OUT" if out else "IN"
    if residential:
        if rng.random() < truth.in_house_home_share:
            return Placement("in_house_childrens_home", "K2", "PR1", "IN")
        option = "childrens_home_out_of_county" if out else "private_childrens_home_in_county"
        return Placement(option, "K2", "PR4", location)
    if rng.random() < truth.kinship_share:
        return Placement("kinship", rng.choice(["U1", "U2", "U3"]), "PR1", "IN")
    if rng.random() < truth.in_house_share:
        return Placement("in_house_fostering", rng.choice(["U4", "U5", "U6"]), "PR1", "IN")
    return Placement("ifa_out_of_county" if out else "ifa_in_county", "U4", "PR4", location)


def episode_row(child, start, rne, placement, rng, ls="C2"):
    districts = IN_COUNTY_DISTRICTS if placement.location == "IN" else OUT_OF_COUNTY_DISTRICTS
    return {
        "CHILD": child,
        "_start": start,
        "_end": None,
        "_option": placement.option,
        "DECOM": start.strftime("%d/%m/%Y"),
        "RNE": rne,
        "LS": ls,
        "CIN": "N1",
        "PLACE": placement.place,
        "PLACE_PROVIDER": placement.provider,
        "DEC": "",
        "REC": "",
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": f"ZC{rng.randrange(1, 10)} {rng.randrange(1, 10)}XY",
        "PL_POST": f"{rng.choice(districts)} {rng.randrange(1, 10)}AB",
        "URN": "",
        "PL_LOCATION": placement.location,
    }


def close_episode(episode, end, rec, reason):
    episode.update(_end=end, DEC=end.strftime("%d/%m/%Y"), REC=rec, REASON_PLACE_CHANGE=reason or "")


def header_row(child, dob, rng):
    return {
        "CHILD": child,
        "_dob": dob,
        "SEX": str(rng.randrange(1, 3)),
        "DOB": dob.strftime("%d/%m/%Y"),
        "ETHNIC": "WBRI",
        "UPN": f"A{rng.randrange(10**11, 10**12)}",
        "MOTHER": "",
        "MC_DOB": "",
    }


def write_year(directory, year, episodes, header):
    year_start, year_end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    ended = episodes["_end"].map(lambda end: end is not None and end <= year_end)
    in_year = (episodes["_start"] <= year_end) & episodes["_end"].map(lambda end: end is None or end >= year_start)
    rows = episodes[in_year].copy()
    rows.loc[~ended[in_year], ["DEC", "REC", "REASON_PLACE_CHANGE"]] = ""
    rows[[c for c in EPISODE_COLUMNS if c in rows.columns]].to_csv(directory / f"{year}-episodes.csv", index=False)
    children = header.loc[rows["CHILD"].unique()].reset_index()
    children[HEADER_COLUMNS].to_csv(directory / f"{year}-header.csv", index=False)


def true_census(episodes, header, date):
    """Children in care on `date` (LS V3 aside) by option and age band on that date."""
    current = episodes[
        (episodes["LS"] != "V3")
        & (episodes["_start"] <= date)
        & episodes["_end"].map(lambda end: end is None or end > date)
    ]
    census = {}
    for child, option in zip(current["CHILD"], current["_option"]):
        band = band_of_age(_age(header.at[child, "_dob"], date))
        census.setdefault(option, dict.fromkeys(AGE_BANDS, 0))[band] += 1
    return census


def lognormal_years(mean, cv, rng):
    sigma2 = math.log(1 + cv**2)
    return rng.lognormvariate(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))


def _days(years):
    return dt.timedelta(days=round(years * DAYS_PER_YEAR))


def birthday(dob, age):
    """As pandas' DateOffset does it: a 29 February birthday falls on 28 February in other years."""
    day = 28 if (dob.month, dob.day) == (2, 29) else dob.day
    return dob.replace(year=dob.year + age, day=day)


def _age(dob, date):
    return date.year - dob.year - ((date.month, date.day) < (dob.month, dob.day))
