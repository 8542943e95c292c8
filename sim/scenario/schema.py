"""The scenario a commissioner writes: an immutable, validated description of one policy option.

Field names are the contract of DESIGN.md section 4. Every model is frozen and
refuses unknown keys; loading, `extends:` and `--set` live in scenario_file.py,
checks that span several sections in consistency.py.
"""

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_serializer,
    model_validator,
)

AGE_BANDS = ("0-4", "5-10", "11-15", "16-17")  # the bands scenario files name; sim.model.ages does their arithmetic
AgeBand = Literal["0-4", "5-10", "11-15", "16-17"]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Count = Annotated[int, Field(ge=0)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")]  # also a file and directory name
SHARE_TOLERANCE = 1e-6


def _one_value_for_every_band(value):
    if isinstance(value, dict):
        return value
    return {band: value for band in AGE_BANDS}


def _every_band_given(value: dict) -> dict:
    missing = [band for band in AGE_BANDS if band not in value]
    if missing:
        raise ValueError(f"give every age band ({', '.join(AGE_BANDS)}) or one value for all; missing {', '.join(missing)}")
    return value


def per_band(value_type):
    """A value per age band; one value alone means the same for every band."""
    return Annotated[
        dict[AgeBand, value_type],
        BeforeValidator(_one_value_for_every_band),
        AfterValidator(_every_band_given),
    ]


def _sums_to_one(mix: dict) -> dict:
    total = sum(mix.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"shares must sum to 1, got {total:.6g}")
    return mix


def _age_range(key: str) -> str:
    low, sep, high = str(key).partition("-")
    if not (sep and low.isdigit() and high.isdigit() and 0 <= int(low) <= int(high) <= 17):
        raise ValueError(f"age range '{key}' must look like 'A-B' with ages 0 <= A <= B <= 17")
    return str(key)


def _unlimited_as_none(value):
    return None if value == "unlimited" else value


AgeMix = Annotated[dict[AgeBand, Share], AfterValidator(_sums_to_one)]
BandCounts = Annotated[dict[AgeBand, Count], BeforeValidator(_one_value_for_every_band)]
AgeRange = Annotated[str, AfterValidator(_age_range)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class DurationInCare(Frozen):
    distribution: Literal["exponential", "lognormal", "gamma"] = "lognormal"
    mean_years: per_band(Positive)
    cv: Positive = 1.0


class Seasonality(Frozen):
    amplitude: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    peak_month: Annotated[int, Field(ge=1, le=12)] = 1


class Demand(Frozen):
    entries_per_year: NonNegative
    trend_per_year: Annotated[float, Field(gt=-1.0)] = 0.0
    seasonality: Seasonality = Seasonality()
    age_mix: AgeMix
    duration_in_care: DurationInCare
    residential_share: per_band(Share) = 0.0
    kinship_share: Share = 0.0


class InitialState(Frozen):
    children_in_care: Literal[0] | dict[str, BandCounts] = 0

    def counts(self) -> dict[str, dict[str, int]]:
        return {} if self.children_in_care == 0 else self.children_in_care


class PlacementOption(Frozen):
    location: Literal["in_county", "out_of_county"]
    capacity: Annotated[Count | None, BeforeValidator(_unlimited_as_none)] = None
    weekly_cost: NonNegative

    @field_serializer("capacity")
    def _capacity_as_written(self, capacity):
        return "unlimited" if capacity is None else capacity


PreferenceList = Annotated[tuple[str, ...], Field(min_length=1)]


class Matching(Frozen):
    family: per_band(PreferenceList)
    residential: per_band(PreferenceList) | None = None
    kinship: per_band(PreferenceList) | None = None

    def lists(self) -> dict[str, dict[str, tuple[str, ...]]]:
        needs = {"family": self.family, "residential": self.residential, "kinship": self.kinship}
        return {need: by_band for need, by_band in needs.items() if by_band is not None}


class Campaign(Frozen):
    start_date: dt.date
    months: Annotated[int, Field(ge=1)]
    enquiry_multiplier: NonNegative
    cost: NonNegative = 0.0


class Assessment(Frozen):
    mean_months: Positive = 8.0
    cv: Positive = 0.35
    assessors: Count = 8
    caseload_per_assessor: Count = 6
    withdrawal_probability: Share = 0.0


class ExtraSittings(Frozen):
    start_date: dt.date
    months: Annotated[int, Field(ge=1)]
    sittings_per_month: Annotated[int, Field(ge=1)]


class Panel(Frozen):
    sittings_per_month: Count = 1
    cases_per_sitting: Count = 6
    approval_probability: Share = 1.0
    decision_delay_days: NonNegative = 0.0
    extra_sittings: tuple[ExtraSittings, ...] = ()
    cost_per_extra_sitting: NonNegative = 0.0


class Recruitment(Frozen):
    enquiries_per_month: NonNegative = 0.0
    enquiry_to_application: Share = 0.0
    campaigns: tuple[Campaign, ...] = ()
    assessment: Assessment = Assessment()
    panel: Panel = Panel()


class AfterBreakdown(Frozen):
    deregistration_multiplier: NonNegative = 1.0
    months: NonNegative = 0.0
    break_probability: Share = 0.0
    break_months: NonNegative = 0.0


class Carers(Frozen):
    initial_households: Count
    places_per_household: Annotated[dict[Annotated[int, Field(ge=1, le=3)], Share], AfterValidator(_sums_to_one)]
    age_range_mix: Annotated[dict[AgeRange, Share], AfterValidator(_sums_to_one)] = {"0-17": 1.0}
    deregistration_rate_per_year: NonNegative = 0.0
    after_breakdown: AfterBreakdown = AfterBreakdown()
    recruitment: Recruitment = Recruitment()


class Breakdowns(Frozen):
    rate_per_year: dict[str, per_band(NonNegative)] = {}


class EffectRange(Frozen):
    """A weakly evidenced effect: the central value is used; low and high bound sensitivity work."""

    low: NonNegative
    central: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low <= self.central <= self.high:
            raise ValueError(f"expected low <= central <= high, got {self.low}, {self.central}, {self.high}")
        return self


class Constellations(Frozen):
    start_date: dt.date
    count: Annotated[int, Field(ge=1)]


NO_EFFECT = EffectRange(low=1.0, central=1.0, high=1.0)


class Mockingbird(Frozen):
    constellations: tuple[Constellations, ...] = ()
    satellites_per_hub: Annotated[int, Field(ge=1, le=12)] = 8
    hub_sleepover_beds: Count = 2
    breakdown_multiplier: EffectRange = NO_EFFECT
    deregistration_multiplier: EffectRange = NO_EFFECT
    annual_cost_per_constellation: NonNegative = 0.0


class StepDown(Frozen):
    enabled: bool = False
    min_months_in_placement: NonNegative = 6.0
    max_moves_per_month: Count = 0


class Scenario(Frozen):
    name: Name
    description: str = ""
    area: str = "the county"
    start_date: dt.date
    horizon_years: Annotated[float, Field(gt=0.0, le=50.0)]
    replications: Annotated[int, Field(ge=1)] = 100
    seed: Annotated[int, Field(ge=0)]
    demand: Demand
    initial_state: InitialState = InitialState()
    placements: dict[str, PlacementOption]
    matching: Matching
    carers: Carers
    breakdowns: Breakdowns = Breakdowns()
    mockingbird: Mockingbird = Mockingbird()
    step_down: StepDown = StepDown()
