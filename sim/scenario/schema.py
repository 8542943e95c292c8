"""The scenario a commissioner writes: an immutable, validated description of one policy option.

Field names are the contract of DESIGN.md section 4. Every model is frozen and
refuses unknown keys; loading, `extends:` and `--set` live in files.py, checks
that span several sections in consistency.py.

Numbers are numbers: a boolean or a string where a number goes is refused, and
so are infinity and NaN. A figure the scenario is unsure of may be given as a
range `{low, central, high}` (`uncertain(...)` fields); each replication draws
its own value (sim/scenario/uncertainty.py, sim/model/parameters.py).
"""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    TypeAdapter,
    ValidationError,
    field_serializer,
    model_validator,
)

AGE_BANDS = ("0-4", "5-10", "11-15", "16-17")  # the bands scenario files name; sim.model.ages does their arithmetic
AgeBand = Literal["0-4", "5-10", "11-15", "16-17"]


def number(**bounds):
    """A finite number (an integer is accepted) within `bounds` (pydantic's ge, gt, le, lt); never a bool or text."""
    return Annotated[float, Strict(), Field(allow_inf_nan=False, **bounds)]


def whole(**bounds):
    """A whole number within `bounds`; never a bool, a fraction or text."""
    return Annotated[int, Strict(), Field(**bounds)]


def _iso_date(value):
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date such as 2021-04-01, not a date and time")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a date such as 2021-04-01, got '{value}'") from None
    return value


Share = number(ge=0.0, le=1.0)
NonNegative = number(ge=0.0)
Positive = number(gt=0.0)
Count = whole(ge=0)
Date = Annotated[dt.date, BeforeValidator(_iso_date), Strict()]
Text = Annotated[str, Strict()]
Flag = Annotated[bool, Strict()]
Name = Annotated[str, Strict(), Field(pattern=r"^[A-Za-z0-9_.-]+$")]  # also a file and directory name
Identifier = Annotated[str, Strict(), Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]  # option names: metric names hold them
SHARE_TOLERANCE = 1e-6
RANGE_KEYS = frozenset({"low", "central", "high"})


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class Range(Frozen):
    """A figure the scenario is unsure of: each replication draws a value between low and high, most often
    near central (a PERT distribution; docs/uncertainty.md)."""

    low: number()
    central: number()
    high: number()

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low <= self.central <= self.high:
            raise ValueError(f"expected low <= central <= high, got {self.low:g}, {self.central:g}, {self.high:g}")
        return self


def _is_range(value) -> bool:
    return isinstance(value, Range) or (isinstance(value, dict) and bool(value) and set(value) <= RANGE_KEYS)


def uncertain(number_type):
    """`number_type`, or a range {low, central, high} whose three values are each a valid `number_type`."""
    adapter = TypeAdapter(number_type)

    def ends_valid(value: Range) -> Range:
        for end in ("low", "central", "high"):
            try:
                adapter.validate_python(getattr(value, end))
            except ValidationError as error:
                raise ValueError(f"{end}: {error.errors()[0]['msg']} (got {getattr(value, end):g})") from None
        return value

    return Annotated[
        Annotated[number_type, Tag("number")] | Annotated[Range, AfterValidator(ends_valid), Tag("range")],
        Discriminator(lambda value: "range" if isinstance(value, (dict, Range)) else "number"),
    ]


def _one_value_for_every_band(value):
    if isinstance(value, dict) and not _is_range(value):
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


def _zero_not_false(value):
    if isinstance(value, bool):
        raise ValueError("expected 0 (an empty start) or the census by placement option and age band")
    return value


def _not_bool(value):
    if isinstance(value, bool):
        raise ValueError("expected a number of places (1, 2 or 3)")
    return value


def _unlimited_as_none(value):
    return None if value == "unlimited" else value


AgeMix = Annotated[dict[AgeBand, Share], AfterValidator(_sums_to_one)]
BandCounts = Annotated[dict[AgeBand, Count], BeforeValidator(_one_value_for_every_band)]
AgeRange = Annotated[str, AfterValidator(_age_range)]
PlacesKey = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=3)]  # a mapping key: "1" from JSON is 1


class DurationInCare(Frozen):
    distribution: Literal["exponential", "lognormal", "gamma"] = "lognormal"
    mean_years: per_band(uncertain(Positive))
    cv: uncertain(Positive) = 1.0


class Seasonality(Frozen):
    amplitude: number(ge=0.0, lt=1.0) = 0.0
    peak_month: whole(ge=1, le=12) = 1


class Demand(Frozen):
    entries_per_year: uncertain(NonNegative)
    trend_per_year: uncertain(number(gt=-1.0)) = 0.0
    seasonality: Seasonality = Seasonality()
    age_mix: AgeMix
    duration_in_care: DurationInCare
    residential_share: per_band(uncertain(Share)) = 0.0
    kinship_share: uncertain(Share) = 0.0


class InitialState(Frozen):
    children_in_care: Annotated[Literal[0], BeforeValidator(_zero_not_false)] | dict[Identifier, BandCounts] = 0

    def counts(self) -> dict[str, dict[str, int]]:
        return {} if self.children_in_care == 0 else self.children_in_care


Inflation = uncertain(number(gt=-1.0))  # a yearly rise in prices: 0.03 is 3% a year


class PlacementOption(Frozen):
    label: Text | None = None  # the words people read; default: the option's name in plain English
    location: Literal["in_county", "out_of_county"]
    capacity: Annotated[Count | None, BeforeValidator(_unlimited_as_none)] = None
    weekly_cost: uncertain(NonNegative)  # at start-date prices
    weekly_cost_inflation_per_year: Inflation | None = None  # None: the scenario's weekly_cost_inflation_per_year

    @field_serializer("capacity")
    def _capacity_as_written(self, capacity):
        return "unlimited" if capacity is None else capacity


PreferenceList = Annotated[tuple[Identifier, ...], Field(min_length=1)]


class Matching(Frozen):
    family: per_band(PreferenceList)
    residential: per_band(PreferenceList) | None = None
    kinship: per_band(PreferenceList) | None = None

    def lists(self) -> dict[str, dict[str, tuple[str, ...]]]:
        needs = {"family": self.family, "residential": self.residential, "kinship": self.kinship}
        return {need: by_band for need, by_band in needs.items() if by_band is not None}


class Campaign(Frozen):
    start_date: Date
    months: whole(ge=1)
    enquiry_multiplier: uncertain(NonNegative)
    cost: NonNegative = 0.0


class Assessment(Frozen):
    mean_months: uncertain(Positive) = 8.0
    cv: uncertain(Positive) = 0.35
    assessors: Count = 8
    caseload_per_assessor: Count = 6
    withdrawal_probability: uncertain(Share) = 0.0
    cost_per_assessor_per_year: uncertain(NonNegative) = 0.0  # the team's running cost, in programme_cost


class ExtraSittings(Frozen):
    start_date: Date
    months: whole(ge=1)
    sittings_per_month: whole(ge=1)


class Panel(Frozen):
    sittings_per_month: Count = 1
    cases_per_sitting: Count = 6
    approval_probability: uncertain(Share) = 1.0
    decision_delay_days: NonNegative = 0.0
    extra_sittings: tuple[ExtraSittings, ...] = ()
    cost_per_extra_sitting: NonNegative = 0.0


class Recruitment(Frozen):
    enquiries_per_month: uncertain(NonNegative) = 0.0
    enquiry_to_application: uncertain(Share) = 0.0
    campaigns: tuple[Campaign, ...] = ()
    assessment: Assessment = Assessment()
    panel: Panel = Panel()


class AfterBreakdown(Frozen):
    deregistration_multiplier: uncertain(NonNegative) = 1.0
    months: NonNegative = 0.0
    break_probability: uncertain(Share) = 0.0
    break_months: NonNegative = 0.0


class Carers(Frozen):
    initial_households: Count
    places_per_household: Annotated[dict[PlacesKey, Share], AfterValidator(_sums_to_one)]
    age_range_mix: Annotated[dict[AgeRange, Share], AfterValidator(_sums_to_one)] = {"0-17": 1.0}
    deregistration_rate_per_year: uncertain(NonNegative) = 0.0
    after_breakdown: AfterBreakdown = AfterBreakdown()
    recruitment: Recruitment = Recruitment()


class Breakdowns(Frozen):
    rate_per_year: dict[Identifier, per_band(uncertain(NonNegative))] = {}


class Constellations(Frozen):
    start_date: Date
    count: whole(ge=1)


class Mockingbird(Frozen):
    constellations: tuple[Constellations, ...] = ()
    satellites_per_hub: whole(ge=1, le=12) = 8
    hub_sleepover_beds: Count = 2
    breakdown_multiplier: uncertain(NonNegative) = 1.0
    deregistration_multiplier: uncertain(NonNegative) = 1.0
    annual_cost_per_constellation: uncertain(NonNegative) = 0.0


class StepDown(Frozen):
    enabled: Flag = False
    min_months_in_placement: NonNegative = 6.0
    max_moves_per_month: Count = 0


class Change(Frozen):
    """Settings that change on a date, from the start of that day until a later change sets them again.

    `set` maps KEY.PATH to the value it takes; which keys can change, and the check of each value against
    the type of its key, are in sim/scenario/changes.py."""

    date: Date
    set: dict[Text, Any] = {}
    cost: uncertain(NonNegative) = 0.0  # one-off (capital, set-up), charged on the date in programme_cost
    note: Text = ""

    @model_validator(mode="after")
    def _does_something(self):
        if not self.set and not self.cost:
            raise ValueError("a change needs settings to `set`, a one-off `cost`, or both")
        return self


class Targets(Frozen):
    in_county_share: Share | None = None  # drawn on charts and reported in the pack


class Disclosure(Frozen):
    real_data: Flag = False  # calibrated on a council's own records: packs and workbooks suppress counts of 1 to 4


class Scenario(Frozen):
    name: Name
    title: Text | None = None  # plain English, for charts and the pack; default: the name in plain English
    description: Text = ""
    area: Text = "the county"
    start_date: Date
    horizon_years: number(gt=0.0, le=50.0)
    replications: whole(ge=1) = 100
    seed: whole(ge=0)
    demand: Demand
    initial_state: InitialState = InitialState()
    placements: dict[Identifier, PlacementOption]
    matching: Matching
    carers: Carers
    breakdowns: Breakdowns = Breakdowns()
    mockingbird: Mockingbird = Mockingbird()
    step_down: StepDown = StepDown()
    targets: Targets = Targets()
    weekly_cost_inflation_per_year: Inflation = 0.0  # every option's, unless it gives its own
    changes: tuple[Change, ...] = ()
    disclosure: Disclosure = Disclosure()
