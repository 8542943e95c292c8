"""The carer supply of a calibrated scenario (its `carers`): the in-house pool, carers leaving and the
recruitment funnel, and the balance they imply.

From the council's own yearly figures where the figures file gives them (calibration/figures.py YEARLY):
the pool is the households at the 31 March on or before the census; the leaving rate is the households
deregistered over the years given, over the households there on average; enquiries, applications and
approvals are the averages a year over the years given. Where they are not given, national rates are used,
and the enquiries a month are set so that approvals a year equal the households the pool loses a year:
the pool the census implies then stays in balance (its equilibrium, approvals / leaving rate, is its start).

A published leaving rate counts every household that left, those leaving soon after a breakdown too; the
model raises a household's hazard for a while after a breakdown (carers.after_breakdown), so its base rate
is the published rate divided by that raise averaged over households. Assessors and panel cases are raised
where the assumed numbers would hold approvals below what the figures, or the balance, ask for.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from calibration.commented_yaml import Commented
from calibration.disclosure import shown
from calibration.written import central, estimate_range, relative_range, scaled, summing_to_one
from sim.model.ages import AGE_BANDS, DAYS_PER_YEAR
from sim.run import steady_state
from sim.scenario import uncertainty

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
# England's leaving rate stands for a council's own, which differ: the range a replication draws from.
NATIONAL_LEAVING_RANGE = (0.09, 0.17)  # docs/assumptions.md C1
CAPACITY_HEADROOM = 1.5  # assessors and panel cases for half as many applicants again: queues stay short
MIN_MEAN_PLACES, MAX_MEAN_PLACES = 1.0, 3.0
HOUSEHOLDS, APPROVED, DEREGISTERED = "mainstream_households", "mainstream_households_approved", \
    "mainstream_households_deregistered"
ENQUIRIES, APPLICATIONS = "mainstream_initial_enquiries", "mainstream_applications"


@dataclass(frozen=True)
class Balance:
    """The pool's path implied by the scenario's own rates: H(t) = H* + (H0 - H*) exp(-t / tau), with
    equilibrium H* = approvals a year / leaving rate and time constant tau = 1 / leaving rate."""

    households: int  # at the start
    approvals_per_year: float
    leaving_rate: float  # households leaving a year, every reason counted, per household
    basis: str  # where approvals and the leaving rate come from

    @property
    def equilibrium(self) -> float:
        return self.approvals_per_year / self.leaving_rate if self.leaving_rate else math.inf

    @property
    def time_constant_years(self) -> float:
        return 1 / self.leaving_rate if self.leaving_rate else math.inf

    def households_at(self, years):
        if not self.leaving_rate:
            return self.households + self.approvals_per_year * np.asarray(years)
        return self.equilibrium + (self.households - self.equilibrium) * np.exp(-np.asarray(years) * self.leaving_rate)


@dataclass(frozen=True)
class _Own:
    """The council's own yearly figures (those known at the census): counts by collection year."""

    figures: object

    def by_year(self, name: str) -> dict:
        return {end: f.value for end, f in self.figures.series(name).items()}

    def mean_a_year(self, name: str):
        values = self.by_year(name)
        return sum(values.values()) / len(values) if values else None

    def total(self, name: str) -> float:
        return sum(self.by_year(name).values())

    def cited(self, *names: str) -> str:
        parts = []
        for name in names:
            series = self.figures.series(name)
            if series:
                first, last = next(iter(series.values())), list(series.values())[-1]
                parts.append(f"figures: {first.area}, {name}, {first.period} to {last.period}")
        return "; ".join(parts)


def carers(children: dict, census_date, figures, occupancy, in_house_breakdowns: dict) -> tuple[dict, float, str]:
    """The scenario's `carers` as a commented mapping, the households leaving a year per household (every
    reason counted) and where its approvals come from. `children`: in-house foster children at the census by
    age band; `occupancy`: the free parameter (calibration/scenario_writer.py Free); `in_house_breakdowns`: the
    scenario's breakdown rate per age band in in-house foster care."""
    own = _Own(figures)
    pool, households = _pool(children, census_date, figures, occupancy)
    rate, rate_comment = _leaving_rate(own, households, figures)
    raise_factor, raise_comment = _after_breakdown_raise(children, households, in_house_breakdowns)
    recruitment, basis = _recruitment(own, households, central(rate), figures)
    deregistration = Commented(scaled(rate, 1 / raise_factor), f"{rate_comment}; {raise_comment}")
    tree = {
        **pool,
        "age_range_mix": _assumed("age_range_mix"),
        "deregistration_rate_per_year": deregistration,
        "after_breakdown": _assumed("after_breakdown"),
        "recruitment": recruitment,
    }
    return tree, central(rate), basis


def balance(scenario, leaving_rate: float, basis: str) -> Balance:
    """The balance of a calibrated scenario's pool: approvals a year as `sufficiency check` counts them (the
    least that enquiries, assessors and panel allow), at the central values, against the published rate."""
    approvals = steady_state.carer_supply(uncertainty.central(scenario)).approvals
    return Balance(scenario.carers.initial_households, approvals, leaving_rate, basis)


def _pool(children: dict, census_date, figures, occupancy) -> tuple[dict, int]:
    """initial_households and places_per_household: the council's households at 31 March if given, their
    places sized by the occupancy; otherwise the census's in-house children at the assumed places and the
    occupancy."""
    places, note = ASSUMED["places_per_household"]
    in_house = sum(children.values())
    counted = {end: f for end, f in figures.series(HOUSEHOLDS).items() if end <= census_date}
    if not counted:
        mean_places = sum(size * share for size, share in places.items())
        households = math.ceil(round(in_house / (mean_places * occupancy.value), 6))
        return {
            "initial_households": Commented(households, (
                f"{shown(in_house)} children in in-house foster care on {census_date} / ({mean_places:g} places a "
                f"household x {occupancy.value:g} occupancy, {occupancy.note}), rounded up")),
            "places_per_household": _assumed("places_per_household"),
        }, households
    end, figure = max(counted.items())
    households = round(figure.value)
    wanted = in_house / (households * occupancy.value) if households else MIN_MEAN_PLACES
    mean_places = min(max(wanted, MIN_MEAN_PLACES), MAX_MEAN_PLACES)
    limited = "" if mean_places == wanted else f" (limited to {mean_places:g})"
    return {
        "initial_households": Commented(households, f"households at {end:%d %B %Y} ({figure.cite()})"),
        "places_per_household": Commented(_places_with_mean(places, mean_places), (
            f"the shares nearest the assumed mix (docs/assumptions.md {note}) with {wanted:.3g} places a household"
            f"{limited}: {shown(in_house)} children in in-house foster care on {census_date} / ({households} "
            f"households x {occupancy.value:g} occupancy, {occupancy.note})")),
    }, households


def _places_with_mean(places: dict, mean: float) -> dict:
    """The mix closest to `places` (least relative entropy) with this mean: shares times exp(theta x size)."""
    sizes, shares = np.array(list(places), dtype=float), np.array(list(places.values()))

    def tilted(theta):
        weights = shares * np.exp(theta * (sizes - sizes.mean()))
        return weights / weights.sum()

    if mean <= sizes.min() or mean >= sizes.max():
        return {int(size): float(size == mean) for size in sizes}
    theta = optimize.brentq(lambda theta: tilted(theta) @ sizes - mean, -50.0, 50.0)
    return summing_to_one(dict(zip(places, tilted(theta).tolist())), digits=3)


def _leaving_rate(own: _Own, households: int, figures) -> tuple:
    """The households leaving a year per household, every reason counted, as a range, and its comment."""
    deregistered = own.by_year(DEREGISTERED)
    if not deregistered:
        national = figures["mainstream_deregistration_rate"]
        low, high = NATIONAL_LEAVING_RANGE
        rate = {"low": low, "central": national.value, "high": high}
        return rate, (f"{national.cite()}; England's rate for the council's own, which differ "
                      f"(docs/assumptions.md C1: {low:g} to {high:g})")
    counts = own.by_year(HOUSEHOLDS)
    exposure = sum(_households_in_year(counts, end, households) for end in deregistered)
    total = sum(deregistered.values())
    value = total / exposure
    comment = (f"{total:g} households deregistered in {len(deregistered)} years over {exposure:.0f} household-years "
               f"({own.cited(DEREGISTERED, HOUSEHOLDS)}); range: Poisson standard error")
    return estimate_range(value, value / math.sqrt(total) if total else 0.0), comment


def _households_in_year(counts: dict, end, households: int) -> float:
    """Households there on average in the year ending `end`: the mean of its two 31 Marches where given."""
    start = end.replace(year=end.year - 1)
    known = [counts[day] for day in (start, end) if day in counts]
    return sum(known) / len(known) if known else households


def _after_breakdown_raise(children: dict, households: int, rates: dict) -> tuple[float, str]:
    """The factor by which breakdowns raise the average household's hazard of leaving: 1 + (multiplier - 1) x
    the share of households within the raised months of a breakdown (Poisson breakdowns at the census's rate)."""
    settings = ASSUMED["after_breakdown"][0]
    in_house = sum(children.values())
    if not households or not in_house:
        return 1.0, "no in-house child at the census: no raise after breakdowns"
    per_child = sum(children[band] * rates.get(band, 0.0) for band in AGE_BANDS if band in children) / in_house
    per_household = per_child * in_house / households
    unsettled = 1 - math.exp(-per_household * settings["months"] / 12)
    factor = 1 + (settings["deregistration_multiplier"] - 1) * unsettled
    return factor, (f"divided by {factor:.3f} for the raise after breakdowns ({per_household:.2f} a household a year, "
                    f"{unsettled:.1%} of households within {settings['months']:g} months of one): the model's base "
                    "rate (docs/assumptions.md C3)")


def _recruitment(own: _Own, households: int, leaving_rate: float, figures) -> tuple[dict, str]:
    """The funnel, and where its approvals a year come from."""
    national = _national_funnel(figures)
    enquiries, conversion, withdrawal, applications, basis = _flows(own, households, leaving_rate, national)
    spread = _approvals_relative_se(own)
    if spread:
        enquiries = Commented(relative_range(enquiries.value, spread, digits=2),
                              f"{enquiries.comment}; range: Poisson standard error of the council's count")
    mean_months = national["mean_months"].value
    recruitment = {
        "enquiries_per_month": enquiries,
        "enquiry_to_application": conversion,
        "campaigns": [],
        "assessment": {
            "mean_months": national["mean_months"],
            "cv": _assumed("cv"),
            "assessors": _assessors(applications, mean_months, withdrawal.value),
            "caseload_per_assessor": _assumed("caseload_per_assessor"),
            "withdrawal_probability": withdrawal,
        },
        "panel": {
            "sittings_per_month": _figure(figures, "panel_sittings_per_month", whole=True),
            "cases_per_sitting": _cases_per_sitting(applications * (1 - withdrawal.value), figures),
            "approval_probability": national["approval_probability"],
            "decision_delay_days": _figure(figures, "panel_decision_delay_days"),
        },
    }
    return recruitment, basis


def _national_funnel(figures) -> dict[str, Commented]:
    approved, rejected = figures["la_applications_approved"], figures["la_rejected_after_panel"]
    withdrawn = [figures["la_withdrawn_by_applicant"], figures["la_withdrawn_by_service"]]
    decided = sum(f.value for f in [approved, rejected, *withdrawn])
    days = figures["days_application_to_approval"]
    return {
        "approval_probability": Commented(round(approved.value / (approved.value + rejected.value), 3), (
            f"approved of those to panel: {approved.cite()}; {rejected.cite()}")),
        "withdrawal_probability": Commented(round(sum(f.value for f in withdrawn) / decided, 3), (
            "withdrawn by applicant or service, of applications decided: "
            + "; ".join(f.cite() for f in [*withdrawn, approved, rejected]))),
        "enquiry_to_application": _figure(figures, "enquiry_to_application_rate_councils"),
        "mean_months": Commented(round(days.value / DAYS_PER_MONTH - 1, 1), (
            f"{days.cite()}: {days.value:g} days application to approval, less a month for panel and decision")),
    }


def _flows(own: _Own, households: int, leaving_rate: float, national: dict) -> tuple:
    """(enquiries a month, conversion to applications, withdrawal probability, applications a year, basis):
    approvals a year are the council's own if given, else what its own enquiries or applications give at
    national rates, else the households the pool loses a year; the withdrawal probability turns the
    applications into those approvals when both are the council's own."""
    enquiries, applications, approvals = (own.mean_a_year(name) for name in (ENQUIRIES, APPLICATIONS, APPROVED))
    conversion = national["enquiry_to_application"]
    if enquiries and applications:
        conversion = Commented(round(own.total(APPLICATIONS) / own.total(ENQUIRIES), 4), (
            f"applications over enquiries, the years given ({own.cited(APPLICATIONS, ENQUIRIES)})"))
    if applications is None and enquiries is not None:
        applications = enquiries * conversion.value
    withdrawal, approval = national["withdrawal_probability"], national["approval_probability"].value
    if approvals is not None:
        basis = f"the council's own approvals ({own.cited(APPROVED)})"
    elif applications is not None:
        basis = "the council's own enquiries or applications, at national conversion rates"
        approvals = applications * (1 - withdrawal.value) * approval
    else:
        approvals = households * leaving_rate
        basis = (f"the balance: approvals a year equal to the households leaving a year, {households} x "
                 f"{leaving_rate:g} (national rates scaled so that the pool the census implies is in balance, "
                 "docs/assumptions.md C2)")
    if applications is None:
        applications = approvals / ((1 - withdrawal.value) * approval)
    elif own.mean_a_year(APPROVED) is not None:
        withdrawal = Commented(round(min(max(1 - approvals / (applications * approval), 0.0), 0.95), 3), (
            f"what turns {applications:.1f} applications a year into {approvals:.1f} approvals at the approval "
            f"probability ({own.cited(ENQUIRIES, APPLICATIONS, APPROVED)})"))
    if enquiries:
        enquiries = Commented(round(enquiries / 12, 2), f"the council's initial enquiries a year / 12 "
                                                       f"({own.cited(ENQUIRIES)})")
    else:
        enquiries = Commented(round(applications / conversion.value / 12, 2), (
            f"set so that {applications:.1f} applications a year follow, for {approvals:.1f} approvals a year: "
            f"{basis}"))
    return enquiries, conversion, withdrawal, applications, basis


def _approvals_relative_se(own: _Own) -> float:
    """The relative standard error of the council's own count that sets approvals, if one does."""
    for name in (APPROVED, APPLICATIONS, ENQUIRIES):
        total = own.total(name)
        if total:
            return 1 / math.sqrt(total)
    return 0.0


def _assessors(applications: float, mean_months: float, withdrawal: float) -> Commented:
    assumed, note = ASSUMED["assessors"]
    caseload = ASSUMED["caseload_per_assessor"][0]
    in_assessment = applications * mean_months / 12 * (1 - withdrawal / 2)
    needed = math.ceil(CAPACITY_HEADROOM * in_assessment / caseload)
    if needed <= assumed:
        return _assumed("assessors")
    return Commented(needed, (
        f"raised from {assumed} (docs/assumptions.md {note}) so that assessors hold {CAPACITY_HEADROOM:g} times "
        f"the {in_assessment:.0f} applicants in assessment at once (docs/assumptions.md C4)"))


def _cases_per_sitting(assessed: float, figures) -> Commented:
    assumed = _figure(figures, "panel_cases_per_sitting", whole=True)
    sittings = round(figures["panel_sittings_per_month"].value)
    needed = math.ceil(CAPACITY_HEADROOM * assessed / (12 * sittings)) if sittings else 0
    if needed <= assumed.value:
        return assumed
    return Commented(needed, (
        f"raised from {assumed.value} ({assumed.comment}) so that the panel can hear {CAPACITY_HEADROOM:g} times "
        f"the {assessed:.0f} cases a year (docs/assumptions.md C4)"))


def _figure(figures, name: str, whole: bool = False) -> Commented:
    figure = figures[name]
    return Commented(round(figure.value) if whole else figure.value, figure.cite())


def _assumed(name: str) -> Commented:
    value, note = ASSUMED[name]
    return Commented(value, f"assumption: docs/assumptions.md {note}")
