"""What a scenario's own rates imply in the long run, and how far its start is from it (DESIGN.md section 11).

A "current policy" scenario whose carer pool or children in care drift by themselves contains a hidden change
of policy, and every option compared with it is measured against that drift. So `sufficiency check` and every
run report, from the scenario's central values:

- the in-house carer pool's equilibrium: approvals a year (the least of what the enquiries, the assessors and
  the panel allow) over the leaving rate, reached with a time constant of one over the leaving rate;
- children in care in the long run by Little's law, each child staying its time in care or until its 18th
  birthday, at the start's entry rate; and at the horizon with the trend;
- each capped option's occupancy, and children placed out of county, in the steady state of a fluid
  approximation: the long-run stock of children by need and age band flows down its preference list, each
  option taking what its capacity allows (the in-house capacity being the pool's equilibrium places, as full as
  the census's stated vacancies leave them). It ignores
  chance (an option near its capacity is a little less full in the model) and carers' age ranges.

A start more than 15% from its steady state is a warning in plain words. docs/steady_state.md gives the method.
"""

import math
from collections import defaultdict
from dataclasses import asdict, dataclass

import numpy as np

from sim.model.ages import AGE_BANDS, BAND_LOWER_AGE, BAND_UPPER_AGE, LEAVING_AGE
from sim.model.durations import survival
from sim.scenario.consistency import IN_HOUSE
from sim.scenario.uncertainty import central
from sim.scenario.wording import option_label

TOLERANCE = 0.15
STEP_YEARS = 1 / 120
AGES_PER_BAND = 48
FLUID_ROUNDS = 500


@dataclass(frozen=True)
class Finding:
    """One measure at the start and in the steady state (manifest.json's "steady_state" holds these)."""

    measure: str
    start: float
    steady_state: float
    ratio: float  # start over steady state; inf when the steady state is zero and the start is not
    warning: bool
    text: str

    def as_dict(self) -> dict:
        return {key: _jsonable(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class CarerSupply:
    """Approvals a year each stage of recruitment allows, and the rate at which households leave."""

    funnel: float
    assessment: float
    panel: float
    leaving_rate: float

    @property
    def approvals(self) -> float:
        return min(self.funnel, self.assessment, self.panel)

    @property
    def limited_by(self) -> str:
        stages = {"the enquiries": self.funnel, "assessment capacity": self.assessment, "the panel": self.panel}
        return min(stages, key=stages.get)

    def equilibrium(self, start: float) -> float:
        if self.leaving_rate > 0:
            return self.approvals / self.leaving_rate
        return start if self.approvals == 0 else math.inf

    @property
    def time_constant_years(self) -> float:
        return 1 / self.leaving_rate if self.leaving_rate > 0 else math.inf


def steady_state(scenario) -> list[Finding]:
    """Every finding for `scenario` (its ranges at their central values), the carer pool first."""
    scenario = central(scenario)
    supply = carer_supply(scenario)
    stock = long_run_stock(scenario)
    occupancy = fluid_occupancy(scenario, stock, supply)
    census = {option: sum(by_band.values()) for option, by_band in scenario.initial_state.counts().items()}
    return [
        _pool_finding(scenario, supply),
        _children_finding(scenario, stock),
        _out_of_county_finding(scenario, occupancy, census),
        *(_option_finding(scenario, option, occupancy[option], census.get(option, 0))
          for option in _capped_options(scenario)),
    ]


def carer_supply(scenario) -> CarerSupply:
    recruitment = scenario.carers.recruitment
    assessment, panel = recruitment.assessment, recruitment.panel
    kept = (1 - assessment.withdrawal_probability) * panel.approval_probability
    funnel = recruitment.enquiries_per_month * 12 * recruitment.enquiry_to_application * kept
    # a withdrawal leaves at a uniform point of its assessment: on average half way
    years_per_applicant = assessment.mean_months / 12 * (1 - assessment.withdrawal_probability / 2)
    slots = assessment.assessors * assessment.caseload_per_assessor
    return CarerSupply(
        funnel=funnel,
        assessment=slots / years_per_applicant * kept,
        panel=panel.sittings_per_month * panel.cases_per_sitting * 12 * panel.approval_probability,
        leaving_rate=scenario.carers.deregistration_rate_per_year,
    )


def long_run_stock(scenario, years_after_start: float | None = None) -> dict[tuple[str, str], float]:
    """(need, current age band) -> children in care in the long run at the start's entry rate; or, given
    `years_after_start`, then, with entries following the trend (every earlier entry at the trend's rate)."""
    demand = scenario.demand
    growth = 1.0 if years_after_start is None else 1 + demand.trend_per_year
    scale = 1.0 if years_after_start is None else growth ** years_after_start
    stock = defaultdict(float)
    for entry_band in AGE_BANDS:
        entries = demand.entries_per_year * demand.age_mix.get(entry_band, 0.0)
        if entries == 0:
            continue
        years_in_band = _years_in_each_band(scenario, entry_band, growth)
        for need, share in _need_shares(demand, entry_band).items():
            if share == 0:
                continue
            for band, years in years_in_band.items():
                stock[need, band] += entries * share * years * scale
    return dict(stock)


def fluid_occupancy(scenario, stock: dict, supply: CarerSupply) -> dict[str, float]:
    """Option -> children placed there when each (need, band) stock flows down its list and options fill."""
    capacity = _capacities(scenario, supply)
    lists = scenario.matching.lists()
    accepted = dict.fromkeys(scenario.placements, 1.0)
    offered = {}
    for _ in range(FLUID_ROUNDS):
        offered = _offered(stock, lists, accepted)
        wanted = {option: 1.0 if capacity[option] is None or offered[option] <= capacity[option]
                  else capacity[option] / offered[option] for option in accepted}
        if max(abs(wanted[option] - accepted[option]) for option in accepted) < 1e-10:
            break
        accepted = {option: (accepted[option] + wanted[option]) / 2 for option in accepted}
    return {option: offered[option] * accepted[option] for option in accepted}


def _offered(stock: dict, lists: dict, accepted: dict) -> dict[str, float]:
    offered = dict.fromkeys(accepted, 0.0)
    for (need, band), children in stock.items():
        reaching = children
        for option in lists[need][band]:
            offered[option] += reaching
            reaching *= 1 - accepted[option]
    return offered


def _capacities(scenario, supply: CarerSupply) -> dict[str, float | None]:
    carers = scenario.carers
    mean_places = sum(int(places) * share for places, share in carers.places_per_household.items())
    hubs = sum(launch.count for launch in scenario.mockingbird.constellations)
    households = supply.equilibrium(carers.initial_households)
    capacity = {name: option.capacity for name, option in scenario.placements.items()}
    if IN_HOUSE in capacity:
        capacity[IN_HOUSE] = max(0.0, households - hubs) * mean_places * _in_house_occupancy(scenario)
    return capacity


def _in_house_occupancy(scenario) -> float:
    """The share of in-house places filled at the start where the census states its vacancies: the level the
    vacancy friction (fit draws, settling gaps) is taken to hold; 1 where it states none."""
    state = scenario.initial_state
    children = sum(state.counts().get(IN_HOUSE, {}).values()) + sum(state.uasc_in_care.get(IN_HOUSE, {}).values())
    places = children + (state.in_house_vacancies or 0)
    return children / places if state.in_house_vacancies is not None and places else 1.0


def _years_in_each_band(scenario, entry_band: str, growth: float) -> dict[str, float]:
    """Expected years an entrant of `entry_band` spends in care in each age band (its age uniform within the
    band, its time in care from the band's distribution, leaving at 18); past entries weighted by the trend."""
    care = scenario.demand.duration_in_care
    low, high = BAND_LOWER_AGE[entry_band], BAND_UPPER_AGE[entry_band]
    ages = low + (np.arange(AGES_PER_BAND) + 0.5) * (high - low) / AGES_PER_BAND
    elapsed = np.arange(0.0, LEAVING_AGE, STEP_YEARS) + STEP_YEARS / 2
    staying = survival(care.distribution, care.mean_years[entry_band], care.cv, elapsed) * growth ** -elapsed
    age_then = ages[:, None] + elapsed[None, :]
    in_care = np.where(age_then < LEAVING_AGE, staying[None, :], 0.0) * STEP_YEARS
    return {band: float((in_care * ((age_then >= BAND_LOWER_AGE[band]) & (age_then < BAND_UPPER_AGE[band])))
                        .sum(axis=1).mean()) for band in AGE_BANDS}


def _need_shares(demand, band: str) -> dict[str, float]:
    residential = demand.residential_share[band]
    kinship = (1 - residential) * demand.kinship_share
    return {"residential": residential, "kinship": kinship, "family": 1 - residential - kinship}


def _capped_options(scenario) -> list[str]:
    return [name for name, option in scenario.placements.items() if option.capacity is not None or name == IN_HOUSE]


def _pool_finding(scenario, supply: CarerSupply) -> Finding:
    start = scenario.carers.initial_households
    equilibrium = supply.equilibrium(start)
    ratio, warning = _compare(start, equilibrium)
    balance = (f"It approves {supply.approvals:,.0f} households a year (limited by {supply.limited_by}) while "
               f"{supply.leaving_rate:.1%} of its households leave each year ({supply.leaving_rate * start:,.0f} "
               f"of {start:,} at the start).")
    if not warning:
        text = f"The in-house carer pool is in balance, its equilibrium {_count(equilibrium)} households."
    elif math.isinf(equilibrium):
        text = "This scenario's own rates grow the in-house carer pool without limit."
    else:
        by = scenario.start_date.year + round(2 * supply.time_constant_years)
        direction, change = ("grow", "growth") if equilibrium > start else ("shrink", "fall")
        text = (f"This scenario's own rates {direction} the in-house carer pool from {start:,} to "
                f"{_count(equilibrium)} households, most of it by {by}: the projection includes that {change}.")
    return Finding("in_house_households", start, equilibrium, ratio, warning, f"{text} {balance}")


def _children_finding(scenario, stock: dict) -> Finding:
    start = sum(sum(by_band.values()) for by_band in scenario.initial_state.counts().values())
    long_run = sum(stock.values())
    ratio, warning = _compare(start, long_run)
    text = (f"Entries and times in care imply {_count(long_run)} children in care in the long run at the start's "
            f"entry rate (Little's law, leaving at 18), against {start:,} at the start")
    trend = scenario.demand.trend_per_year
    if trend:
        years = scenario.horizon_years
        at_horizon = sum(long_run_stock(scenario, years).values())
        text += f"; with the trend of {trend:+.1%} a year, about {_count(at_horizon)} after {years:g} years"
    if warning:
        text += ": the projection moves towards it by itself"
    return Finding("children_in_care", start, long_run, ratio, warning, text + ".")


def _out_of_county_finding(scenario, occupancy: dict, census: dict) -> Finding:
    away = [name for name, option in scenario.placements.items() if option.location == "out_of_county"]
    start = sum(census.get(name, 0) for name in away)
    long_run = sum(occupancy[name] for name in away)
    ratio, warning = _compare(start, long_run)
    text = (f"Children placed out of county: {start:,} at the start, about {_count(long_run)} in the steady state "
            "of this scenario's own rates")
    return Finding("placed_out_of_county", start, long_run, ratio, warning,
                   text + (": the projection moves towards it by itself." if warning else "."))


def _option_finding(scenario, option: str, long_run: float, start: int) -> Finding:
    ratio, warning = _compare(start, long_run)
    text = f"{option_label(scenario, option)}: {start:,} children at the start, about {_count(long_run)} in the steady state"
    capacity = scenario.placements[option].capacity
    if capacity is not None and start < capacity:
        text += f" ({capacity - start:,} of its {capacity:,} places free at the start)"
    return Finding(f"placed:{option}", start, long_run, ratio, warning, text + ".")


def _compare(start: float, long_run: float) -> tuple[float, bool]:
    if long_run == 0:
        return (1.0, False) if start == 0 else (math.inf, True)
    ratio = start / long_run
    return ratio, abs(ratio - 1) > TOLERANCE


def _count(value: float) -> str:
    return "an unlimited number of" if math.isinf(value) else f"{value:,.0f}"


def _jsonable(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value
