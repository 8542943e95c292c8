"""The calibrated scenario, as a commented mapping in the scenario schema (scenarios/baseline.yaml's layout).

Every figure estimated from the return carries its basis (how many, over which
period); every other figure cites the published figure or assumption it comes
from (calibration/figures.py). Two figures are free parameters, set by the fit
(calibration/fit.py) or left at their defaults: a scale on the times in care,
and the occupancy of in-house places that sizes the carer pool.
"""

import datetime as dt
import math
from dataclasses import dataclass, replace

import yaml

from calibration import options
from calibration.commented_yaml import Commented, render
from calibration.disclosure import shown, shown_table
from calibration.estimate import BreakdownHazard, Estimates, PlacementMix
from calibration.options import LOCATION_UNKNOWN, OPTIONS
from sim.model.ages import AGE_BANDS, DAYS_PER_YEAR
from sim.scenario.errors import InputError
from sim.scenario.files import validate_raw
from sim.scenario.schema import MAX_TREND, Scenario

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the fit reads a scenario per candidate: C is faster
SEED = 20200128
MIN_CV = 0.05
MIN_EXPOSURE_YEARS = 5.0  # below this a band's breakdown rate is too noisy: the option's pooled rate is used
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
ASSUMED = {  # structural judgements no published figure gives, by their entry in docs/assumptions.md
    "places_per_household": ({1: 0.55, 2: 0.35, 3: 0.10}, "A14: places a household will actually use"),
    "age_range_mix": ({"0-17": 0.5, "0-10": 0.25, "5-17": 0.25}, "A15"),
    "after_breakdown": (
        {"deregistration_multiplier": 2.0, "months": 6, "break_probability": 0.25, "break_months": 3},
        "A17: a breakdown unsettles the household",
    ),
    "cv": (0.35, "A19"),
    "assessors": (8, "A20"),
    "caseload_per_assessor": (6, "A20"),
}


@dataclass(frozen=True)
class Free:
    value: float
    note: str  # how it was set: the fit's result, or why it was not fitted


@dataclass(frozen=True)
class FreeParameters:
    duration_scale: Free  # multiplies every band's estimated mean time in care
    occupancy: Free  # share of in-house places in use: initial_households = in-house children / (places x occupancy)


@dataclass(frozen=True)
class Run:
    name: str
    area: str
    description: str
    horizon_months: int
    replications: int
    seed: int


def unfitted(figures) -> FreeParameters:
    occupancy = figures["in_house_occupancy"]
    return FreeParameters(Free(1.0, "not fitted"), Free(occupancy.value, occupancy.cite()))


def scenario_tree(estimates: Estimates, census: PlacementMix, figures, free: FreeParameters, run: Run) -> dict:
    """The scenario starting the day after the census, as a mapping with a comment on each figure."""
    counts, census_comment = _census(census, figures)
    listed = {*options.FAMILY_16_17, *options.RESIDENTIAL, *options.KINSHIP, *counts}
    placed = [name for name in OPTIONS if name in listed]
    start = census.census_date + dt.timedelta(days=1)
    demand = _demand(estimates, free.duration_scale, start)
    if estimates.uasc is not None:
        demand["uasc"] = _uasc(estimates.uasc, _family_lists(counts))
    children, households, vacancies = _in_house(counts, free.occupancy)
    return {
        "name": run.name,
        "description": run.description,
        "area": run.area,
        "start_date": start,
        "horizon_years": run.horizon_months / 12,
        "replications": run.replications,
        "seed": run.seed,
        "demand": demand,
        "initial_state": {
            "in_house_vacancies": Commented(vacancies, (
                f"{households} households x {_mean_places():g} places less the {shown(children)} in-house children "
                "(see carers.initial_households)")),
            "children_in_care": Commented(counts, census_comment, counts=True),
        },
        "placements": {name: _placement(name, counts, census, figures) for name in placed},
        "matching": _matching(counts),
        "carers": _carers(counts, census, figures, free.occupancy),
        "breakdowns": {"rate_per_year": _breakdowns(estimates.breakdowns, placed)},
        "mockingbird": Commented({"constellations": []}, "none: SSDA903 does not record them; add the council's own"),
        "step_down": Commented({"enabled": False}, "current policy assumed: no planned returns to county"),
        "disclosure": Commented({"real_data": True}, "calibrated on the council's own records: packs and workbooks "
                                                     "of its results suppress counts of 1 to 4 children"),
    }


class InvalidCalibration(RuntimeError):
    """The scenario calibration wrote fails its own validation: a bug (the data-quality rules should have kept
    out what caused it), so nothing is written."""


def rendered(tree: dict, header: str, source: str) -> tuple[str, Scenario]:
    """The YAML text and the scenario it gives when read back: what is written is what was checked."""
    text = render(tree, header)
    try:
        return text, validate_raw(yaml.load(text, Loader=SAFE_LOADER), source)
    except InputError as error:
        raise InvalidCalibration(f"{error} (a bug: the calibrated scenario fails its own validation; nothing was "
                                 "written)") from None


def _census(census: PlacementMix, figures) -> tuple[dict, str]:
    """Census counts by scenario option and age band (bands with children only), and their comment."""
    share = figures["share_placed_outside_la_boundary"]
    counts = {}
    for option, by_band in census.counts.items():
        for band, count in by_band.items():
            inside, outside = LOCATION_UNKNOWN.get(option, (option, None))
            out = round(count * share.value) if outside else 0
            for name, n in ((inside, count - out), (outside, out)):
                if n:
                    by_band = counts.setdefault(name, {})
                    by_band[band] = by_band.get(band, 0) + n
    comment = f"children in care on {census.census_date} by placement and age band that day: {census.basis.describe()}"
    if any(option in LOCATION_UNKNOWN for option in census.counts):
        comment += (f". Where the return gives no location, IFA and private children's home placements are split "
                    f"{share.value:.0%} out of county ({share.cite()}): replace with the council's own split")
    return {name: counts[name] for name in OPTIONS if name in counts}, comment


def _demand(estimates: Estimates, scale: Free, start: dt.date) -> dict:
    fitted = estimates.entries
    entries = replace(fitted, trend_per_year=min(max(fitted.trend_per_year, -MAX_TREND), MAX_TREND))
    trend = entries.trend_per_year
    years = (start - entries.basis.start).days / DAYS_PER_YEAR
    by_year = ", ".join(f"{year} {text}" for year, text in shown_table(entries.counts_by_year).items())
    trend_note = "" if trend == fitted.trend_per_year else \
        f"; fitted {fitted.trend_per_year:.3f}, held to the schema's bound of {MAX_TREND:g} either way"
    care = estimates.time_in_care
    return {
        "entries_per_year": Commented(round(entries.per_year_at(years), 2), (
            f"fitted rate on {start}: {entries.basis.describe()} (by collection year: {by_year})")),
        "trend_per_year": Commented(round(trend, 4), f"fitted annual growth of entries{trend_note}"),
        "age_mix": Commented(_summing_to_one(estimates.age_mix.shares), estimates.age_mix.basis.describe()),
        "duration_in_care": {
            "distribution": Commented(care.family, "lowest AIC of " + ", ".join(
                f"{family} {fit.aic:.1f}" for family, fit in care.fits.items())),
            "mean_years": Commented(*_mean_years(care.mean_years, scale)),
            "cv": _cv(care.cv),
            **_need_multiplier(estimates.kinship_duration),
        },
        "residential_share": Commented(*_residential(estimates.residential_share)),
        "kinship_share": Commented(round(estimates.kinship_share.value, 4), estimates.kinship_share.basis.describe()),
    }


def _cv(fitted: float) -> Commented:
    """A fit on very few exits can put the spread of times in care at zero, which no distribution has."""
    if round(fitted, 3) >= MIN_CV:
        return Commented(round(fitted, 3), "fitted with the means; the exponential's is 1")
    return Commented(MIN_CV, f"fitted {fitted:.3g} (too few exits to fit a spread), held to {MIN_CV:g} at least")
def _need_multiplier(kinship) -> dict:
    if kinship is None:
        return {}
    return {"need_multiplier": {"kinship": Commented(kinship.value, kinship.basis.describe())}}


def _uasc(uasc, family: dict) -> dict:
    return {
        "entries_per_year": Commented(round(uasc.per_year, 2), uasc.basis.describe()),
        "age_mix": Commented(_summing_to_one(uasc.age_mix), "age band at entry"),
        "duration_in_care": {"distribution": "exponential", "mean_years": Commented(uasc.mean_years, (
            "time in care observed over exits seen, stays reaching 18 counted as time in care"))},
        "matching": Commented(family, "assumption: the family placement lists (docs/assumptions.md A12)"),
    }


def _mean_years(means: dict, scale: Free) -> tuple[dict, str]:
    filled = _every_band(means)
    values = {band: round(mean * scale.value, 3) for band, mean in filled.items()}
    missing = [band for band in AGE_BANDS if band not in means]
    comment = f"maximum-likelihood means x {scale.value:g} duration scale ({scale.note})"
    if missing:
        comment += f"; no exit observed in band {', '.join(missing)}: the nearest band's mean"
    return values, comment


def _every_band(values: dict) -> dict:
    """A value for every band: a band without one takes the nearest band's (the younger on a tie)."""
    def nearest(index):
        return min((abs(index - i), i) for i, band in enumerate(AGE_BANDS) if band in values)[1]
    return {band: values[band] if band in values else values[AGE_BANDS[nearest(i)]] for i, band in enumerate(AGE_BANDS)}


def _residential(shares) -> tuple[dict, str]:
    comment = shares.basis.describe()
    return {band: round(shares.shares.get(band, 0.0), 4) for band in AGE_BANDS}, comment


def _summing_to_one(shares: dict, digits: int = 4) -> dict:
    """Rounded shares, the largest taking the rounding so that they still sum to one."""
    rounded = {band: round(share, digits) for band, share in shares.items()}
    largest = max(rounded, key=rounded.get)
    rounded[largest] = round(1.0 - sum(v for band, v in rounded.items() if band != largest), digits)
    return rounded


def _placement(name: str, counts: dict, census: PlacementMix, figures) -> dict:
    option = OPTIONS[name]
    cost = figures[option.cost_figure]
    placement = {"location": option.location}
    if option.capacity == options.CENSUS:
        in_census = sum(counts.get(name, {}).values())
        placement["capacity"] = Commented(in_census, (
            f"children there on {census.census_date}: assumed the places the council can use"), counts=True)
    elif option.capacity == options.UNLIMITED:
        placement["capacity"] = "unlimited"
    placement["weekly_cost"] = Commented(round(cost.value), cost.cite())
    return placement


def _matching(counts: dict) -> dict:
    """In county first, the council's own first (docs/assumptions.md A12). A census option in no list
    for its band goes after the list's unlimited last option, so that only its census children are ever
    there; one with a limited capacity goes just before it, as a list must end in an unlimited option."""
    family = _family_lists(counts)
    note = "assumption: docs/assumptions.md A12: in county first, in-house first"
    usual = {band: options.FAMILY_16_17 if band == "16-17" else options.FAMILY for band in AGE_BANDS}
    if any(tuple(family[band]) != usual[band] for band in AGE_BANDS):
        note += "; options outside the usual list for a band are there for census children"
    return {
        "family": Commented(family, note),
        "residential": list(options.RESIDENTIAL),
        "kinship": list(options.KINSHIP),
    }


def _family_lists(counts: dict) -> dict:
    """The family list of each band, with each census option the list lacks (see _matching)."""
    family = {band: list(options.FAMILY_16_17 if band == "16-17" else options.FAMILY) for band in AGE_BANDS}
    listed = set(options.RESIDENTIAL) | set(options.KINSHIP)
    for name, by_band in counts.items():
        for band in by_band:
            if name not in family[band] and name not in listed:
                at = len(family[band]) if OPTIONS[name].capacity == options.UNLIMITED else len(family[band]) - 1
                family[band].insert(at, name)
    return family


def _mean_places() -> float:
    return sum(size * share for size, share in ASSUMED["places_per_household"][0].items())


def _in_house(counts: dict, occupancy: Free) -> tuple[int, int, int]:
    """(in-house children, households, vacancies at the start): the households' places are the children over the
    occupancy, and those the children do not fill are the census's vacancies."""
    children = sum(counts.get("in_house_fostering", {}).values())
    households = math.ceil(round(children / (_mean_places() * occupancy.value), 6))
    places = min(max(round(households * _mean_places()), households, children), 3 * households)
    return children, households, places - children


def _carers(counts: dict, census: PlacementMix, figures, occupancy: Free) -> dict:
    children, households, _ = _in_house(counts, occupancy)
    return {
        "initial_households": Commented(households, (
            f"{shown(children)} children in in-house foster care on {census.census_date} / "
            f"({_mean_places():g} places a household x {occupancy.value:g} occupancy, {occupancy.note}), rounded up")),
        "places_per_household": _assumed("places_per_household"),
        "age_range_mix": _assumed("age_range_mix"),
        "deregistration_rate_per_year": _figure(figures, "mainstream_deregistration_rate"),
        "after_breakdown": _assumed("after_breakdown"),
        "recruitment": _recruitment(counts, figures),
    }


def _recruitment(counts: dict, figures) -> dict:
    enquiries, in_england = figures["la_initial_enquiries"], figures["children_looked_after_31_march"]
    in_care = sum(n for by_band in counts.values() for n in by_band.values())
    approved, rejected = figures["la_applications_approved"], figures["la_rejected_after_panel"]
    withdrawn = [figures["la_withdrawn_by_applicant"], figures["la_withdrawn_by_service"]]
    applications = sum(f.value for f in [approved, rejected, *withdrawn])
    days = figures["days_application_to_approval"]
    return {
        "enquiries_per_month": Commented(round(enquiries.value / 12 * in_care / in_england.value, 2), (
            f"England councils' enquiries a month scaled by children in care, {shown(in_care)} of "
            f"{in_england.value:,.0f} ({enquiries.cite()}; {in_england.cite()})")),
        "enquiry_to_application": _figure(figures, "enquiry_to_application_rate_councils"),
        "campaigns": [],
        "assessment": {
            "mean_months": Commented(round(days.value / DAYS_PER_MONTH - 1, 1), (
                f"{days.cite()}: {days.value:g} days application to approval, less a month for panel and decision")),
            "cv": _assumed("cv"),
            "assessors": _assumed("assessors"),
            "caseload_per_assessor": _assumed("caseload_per_assessor"),
            "withdrawal_probability": Commented(round(sum(f.value for f in withdrawn) / applications, 3), (
                "withdrawn by applicant or service, of applications decided: "
                + "; ".join(f.cite() for f in [*withdrawn, approved, rejected]))),
        },
        "panel": {
            "sittings_per_month": _figure(figures, "panel_sittings_per_month", whole=True),
            "cases_per_sitting": _figure(figures, "panel_cases_per_sitting", whole=True),
            "approval_probability": Commented(round(approved.value / (approved.value + rejected.value), 3), (
                f"approved of those to panel: {approved.cite()}; {rejected.cite()}")),
            "decision_delay_days": _figure(figures, "panel_decision_delay_days"),
        },
    }


def _breakdowns(hazard: BreakdownHazard, placed: list) -> dict:
    everywhere = _rate(hazard.breakdowns.values(), hazard.exposure_years.values())
    events_shown = shown_table(breakdowns_by_source(hazard))  # they add up to the total the basis gives
    rates = {}
    for name in placed:
        source = breakdown_source(hazard, name)
        if source is None:
            rates[name] = Commented(round(everywhere, 4), "no placement of this kind in the data: all placements' rate")
            continue
        events, exposure = hazard.breakdowns[source], hazard.exposure_years[source]
        pooled = _rate([events], [exposure]) if sum(exposure.values()) >= MIN_EXPOSURE_YEARS else everywhere
        by_band = {band: round(events[band] / exposure[band] if exposure[band] >= MIN_EXPOSURE_YEARS else pooled, 4)
                   for band in AGE_BANDS}
        unknown = ", location unknown" if source in LOCATION_UNKNOWN else ""
        rates[name] = Commented(by_band, (
            f"{events_shown[source]} breakdowns in {sum(exposure.values()):.0f} placement-years "
            f"({source}{unknown})"))
    return Commented(rates, (
        f"{hazard.basis.describe()}. A band with under {MIN_EXPOSURE_YEARS:g} placement-years takes the "
        "option's rate over all bands, or all placements' rate if the option has under that in all"))


def breakdowns_by_source(hazard: BreakdownHazard) -> dict:
    """Breakdowns of each of the history's options over all bands."""
    return {source: sum(events.values()) for source, events in hazard.breakdowns.items()}


def breakdown_source(hazard: BreakdownHazard, name: str) -> str | None:
    """The history's option whose breakdowns give scenario option `name` its rates (None: all placements')."""
    return next((source for source in options.history_options(name) if source in hazard.exposure_years), None)


def _rate(events, exposures) -> float:
    total_exposure = sum(sum(by_band.values()) for by_band in exposures)
    return sum(sum(by_band.values()) for by_band in events) / total_exposure if total_exposure else 0.0


def _figure(figures, name: str, whole: bool = False) -> Commented:
    figure = figures[name]
    return Commented(round(figure.value) if whole else figure.value, figure.cite())


def _assumed(name: str) -> Commented:
    value, note = ASSUMED[name]
    return Commented(value, f"assumption: docs/assumptions.md {note}")
