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

from calibration import options, supply
from calibration.commented_yaml import Commented, render
from calibration.disclosure import shown, shown_table
from calibration.estimate import BreakdownHazard, Estimates, PlacementMix
from calibration.options import LOCATION_UNKNOWN, OPTIONS
from calibration.trust import TREND_BOUND, bounded_trend
from calibration.written import central, estimate_range, relative_range, spanning_range, summing_to_one
from sim.model.ages import AGE_BANDS, DAYS_PER_YEAR
from sim.scenario.errors import InputError
from sim.scenario.files import validate_raw
from sim.scenario.schema import Scenario

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the fit reads a scenario per candidate: C is faster
SEED = 20200128
MIN_CV = 0.05
MIN_EXPOSURE_YEARS = 5.0  # below this a band's breakdown rate is too noisy: the option's pooled rate is used


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
    placed = _placed(counts)
    start = census.census_date + dt.timedelta(days=1)
    demand = _demand(estimates, free.duration_scale, start, run.horizon_months / 12)
    if estimates.uasc is not None:
        demand["uasc"] = _uasc(estimates.uasc, _family_lists(counts))
    carers = carer_supply(estimates, census, figures, free)[0]
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
            "in_house_vacancies": _in_house_vacancies(carers, counts),
            "children_in_care": Commented(counts, census_comment, counts=True),
        },
        "placements": {name: _placement(name, counts, census, figures) for name in placed},
        "matching": _matching(counts),
        "carers": carers,
        "breakdowns": {"rate_per_year": _breakdowns(estimates.breakdowns, placed)},
        "mockingbird": Commented({"constellations": []}, "none: SSDA903 does not record them; add the council's own"),
        "step_down": Commented({"enabled": False}, "current policy assumed: no planned returns to county"),
        "disclosure": Commented({"real_data": True}, "calibrated on the council's own records: packs and workbooks "
                                                     "of its results suppress counts of 1 to 4 children"),
    }


def _in_house_vacancies(carers: dict, counts: dict) -> Commented:
    """The places the census's in-house children leave free: the households' places (their mean places a
    household, rounded, at least one each and at least the children) less the children."""
    households = carers["initial_households"].value
    mix = carers["places_per_household"].value
    mean_places = sum(size * central(share) for size, share in mix.items())
    children = sum(counts.get("in_house_fostering", {}).values())
    places = min(max(round(households * mean_places), households, children), 3 * households)
    return Commented(max(places - children, 0), (
        f"{households} households x {mean_places:.3g} places less the {shown(children)} in-house children "
        "(see carers.initial_households)"))


class InvalidCalibration(RuntimeError):
    """The scenario calibration wrote fails its own validation: a bug (the data-quality rules should have kept
    out what caused it), so nothing is written."""


def carer_supply(estimates: Estimates, census: PlacementMix, figures, free: FreeParameters):
    """The scenario's `carers` (commented), its published leaving rate and the basis of its approvals
    (calibration/supply.py)."""
    counts = _census(census, figures)[0]
    rates = _breakdowns(estimates.breakdowns, _placed(counts)).value["in_house_fostering"].value
    by_band = rates if isinstance(rates, dict) else dict.fromkeys(AGE_BANDS, rates)
    return supply.carers(counts.get("in_house_fostering", {}), census.census_date, figures, free.occupancy, by_band)


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


def _placed(counts: dict) -> list:
    listed = {*options.FAMILY_16_17, *options.RESIDENTIAL, *options.KINSHIP, *counts}
    return [name for name in OPTIONS if name in listed]


def _demand(estimates: Estimates, scale: Free, start: dt.date, horizon_years: float) -> dict:
    fitted = estimates.entries
    entries = replace(fitted, trend_per_year=bounded_trend(fitted.trend_per_year))
    trend = entries.trend_per_year
    years = (start - entries.basis.start).days / DAYS_PER_YEAR
    by_year = ", ".join(f"{year} {text}" for year, text in shown_table(entries.counts_by_year).items())
    care = estimates.time_in_care
    spread = "; range: the fit's standard error, allowing for more spread between years than Poisson chance"
    if trend == fitted.trend_per_year:
        trend_se = fitted.trend_se_drawn_alone(years, horizon_years)
        trend_value = estimate_range(round(trend, 4), trend_se, -TREND_BOUND, TREND_BOUND)
        trend_note = (f"{spread}, widened x{trend_se / fitted.trend_se:.2f} as it is drawn apart from the entries "
                      f"(docs/uncertainty.md)" if fitted.trend_se else spread)
        level_se = fitted.log_se_at(years)
    else:  # the fit is not trusted: no range on the trend, and the level's only where the data pin it down
        trend_value, trend_note = round(trend, 4), f"; fitted {fitted.trend_per_year:.3f}, bounded (docs/assumptions.md C5)"
        level_se = math.sqrt(fitted.covariance[0][0])
    return {
        "entries_per_year": Commented(relative_range(round(entries.per_year_at(years), 2), level_se, 2), (
            f"fitted rate on {start}: {entries.basis.describe()} (by collection year: {by_year}){spread}")),
        "trend_per_year": Commented(trend_value, f"fitted annual growth of entries{trend_note}"),
        "age_mix": Commented(summing_to_one(estimates.age_mix.shares), estimates.age_mix.basis.describe()),
        "duration_in_care": {
            "distribution": Commented(care.family, "lowest AIC of " + ", ".join(
                f"{family} {fit.aic:.1f}" for family, fit in care.fits.items())),
            "mean_years": Commented(*_mean_years(care.mean_years, care.log_mean_se, scale)),
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
        "age_mix": Commented(summing_to_one(uasc.age_mix), "age band at entry"),
        "duration_in_care": {"distribution": "exponential", "mean_years": Commented(uasc.mean_years, (
            "time in care observed over exits seen, stays reaching 18 counted as time in care"))},
        "matching": Commented(family, "assumption: the family placement lists (docs/assumptions.md A12)"),
    }


def _mean_years(means: dict, log_se: dict, scale: Free) -> tuple[dict, str]:
    filled, spread = _every_band(means), _every_band(log_se)
    values = {band: spanning_range(round(mean * scale.value, 3), [mean, mean * scale.value], spread[band], 3)
              for band, mean in filled.items()}
    missing = [band for band in AGE_BANDS if band not in means]
    comment = (f"maximum-likelihood means x {scale.value:g} duration scale ({scale.note}); range: from the "
               "maximum-likelihood means to the scaled ones, and the means' standard errors beyond (observed "
               "information), every band drawn together")
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
