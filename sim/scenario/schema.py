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


def _adult_age_range(key: str) -> str:
    low, sep, high = str(key).partition("-")
    if not (sep and low.isdigit() and high.isdigit() and 18 <= int(low) <= int(high) <= 99):
        raise ValueError(f"carer age range '{key}' must look like 'A-B' with ages 18 <= A <= B <= 99")
    return str(key)


def _ranges_do_not_overlap(mix: dict) -> dict:
    spans = sorted(tuple(map(int, key.split("-"))) for key in mix)
    for (_, high), (low, _) in zip(spans, spans[1:]):
        if low <= high:
            raise ValueError(f"age ranges overlap at {low}")
    return mix


AgeMix = Annotated[dict[AgeBand, Share], AfterValidator(_sums_to_one)]
Need = Literal["family", "residential", "kinship"]
BandCounts = Annotated[dict[AgeBand, Count], BeforeValidator(_one_value_for_every_band)]
AgeRange = Annotated[str, AfterValidator(_age_range)]
PlacesKey = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=3)]  # a mapping key: "1" from JSON is 1
GroupSize = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=6)]
CarerAgeRange = Annotated[str, AfterValidator(_adult_age_range)]
CarerAgeMix = Annotated[dict[CarerAgeRange, Share], AfterValidator(_sums_to_one), AfterValidator(_ranges_do_not_overlap)]


class DurationInCare(Frozen):
    distribution: Literal["exponential", "lognormal", "gamma"] = "lognormal"
    mean_years: per_band(uncertain(Positive))
    cv: uncertain(Positive) = 1.0
    need_multiplier: dict[Need, uncertain(Positive)] = {}  # mean time in care of children of a need, relative (1 if absent)


class Seasonality(Frozen):
    amplitude: number(ge=0.0, lt=1.0) = 0.0
    peak_month: whole(ge=1, le=12) = 1


PreferenceList = Annotated[tuple[Identifier, ...], Field(min_length=1)]


class Uasc(Frozen):
    """Unaccompanied asylum-seeking children: an entry stream of their own, with their own placements."""

    entries_per_year: uncertain(NonNegative)
    age_mix: AgeMix
    duration_in_care: DurationInCare
    matching: per_band(PreferenceList)


class Demand(Frozen):
    entries_per_year: uncertain(NonNegative)
    trend_per_year: uncertain(number(gt=-1.0)) = 0.0
    seasonality: Seasonality = Seasonality()
    age_mix: AgeMix
    duration_in_care: DurationInCare
    residential_share: per_band(uncertain(Share)) = 0.0
    kinship_share: uncertain(Share) = 0.0
    sibling_groups: Annotated[dict[GroupSize, Share], AfterValidator(_sums_to_one)] = {1: 1.0}  # entry groups by size
    uasc: Uasc | None = None


class InitialState(Frozen):
    children_in_care: Annotated[Literal[0], BeforeValidator(_zero_not_false)] | dict[Identifier, BandCounts] = 0
    uasc_in_care: dict[Identifier, BandCounts] = {}  # UASC in the census, by placement and band (not in children_in_care)
    in_house_vacancies: Count | None = None  # free in-house places at the start; default: none beyond what must be

    def counts(self) -> dict[str, dict[str, int]]:
        return {} if self.children_in_care == 0 else self.children_in_care


Inflation = uncertain(number(gt=-1.0))  # a yearly rise in prices: 0.03 is 3% a year


class PlacementOption(Frozen):
    label: Text | None = None  # the words people read; default: the option's name in plain English
    kind: Literal["family", "residential", "supported"] | None = None  # default: from the matching lists
    location: Literal["in_county", "out_of_county"]
    capacity: Annotated[Count | None, BeforeValidator(_unlimited_as_none)] = None
    weekly_cost: uncertain(NonNegative)  # at start-date prices
    weekly_cost_inflation_per_year: Inflation | None = None  # None: the scenario's weekly_cost_inflation_per_year

    @field_serializer("capacity")
    def _capacity_as_written(self, capacity):
        return "unlimited" if capacity is None else capacity


class Emergency(Frozen):
    """Where a child goes the same day its placement ends unplanned (a breakdown, or its carers leaving)."""

    in_house_probability: uncertain(Share) = 1.0  # the chance an in-house carer can take a child that day
    family: per_band(PreferenceList) | None = None  # default: the need's usual list
    residential: per_band(PreferenceList) | None = None
    kinship: per_band(PreferenceList) | None = None
    uasc: per_band(PreferenceList) | None = None


class Matching(Frozen):
    family: per_band(PreferenceList)
    residential: per_band(PreferenceList) | None = None
    kinship: per_band(PreferenceList) | None = None
    siblings: Literal["together_first", "together_only", "separate"] = "together_first"
    emergency: Emergency = Emergency()

    def lists(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """The usual list of each need the scenario gives (UASC's list is demand.uasc.matching)."""
        needs = {"family": self.family, "residential": self.residential, "kinship": self.kinship}
        return {need: by_band for need, by_band in needs.items() if by_band is not None}

    def emergency_lists(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """The emergency lists the scenario gives, by need."""
        given = {need: getattr(self.emergency, need) for need in ("family", "residential", "kinship", "uasc")}
        return {need: by_band for need, by_band in given.items() if by_band is not None}


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
    sibling_carers_share: Share | None = None  # of approvals, taking sibling groups; default: carers.sibling_carers_share


class AfterBreakdown(Frozen):
    deregistration_multiplier: uncertain(NonNegative) = 1.0
    months: NonNegative = 0.0
    break_probability: uncertain(Share) = 0.0
    break_months: NonNegative = 0.0


class Leaving(Frozen):
    """How the deregistration hazard depends on a household's circumstances, relative to the overall rate."""

    with_children_multiplier: uncertain(NonNegative) = 1.0
    without_children_multiplier: uncertain(NonNegative) = 1.0
    by_carer_age: Annotated[dict[CarerAgeRange, uncertain(NonNegative)],
                            AfterValidator(_ranges_do_not_overlap)] = {}  # 1 at ages not listed


class CarerAges(Frozen):
    """The main carer's age: of the households at the start, and of those approved during the run."""

    at_start: CarerAgeMix
    at_approval: CarerAgeMix


class Carers(Frozen):
    initial_households: Count
    places_per_household: Annotated[dict[PlacesKey, Share], AfterValidator(_sums_to_one)]
    age_range_mix: Annotated[dict[AgeRange, Share], AfterValidator(_sums_to_one)] = {"0-17": 1.0}
    approval_mix: Annotated[dict[Literal["short_term", "long_term", "emergency"], Share],
                            AfterValidator(_sums_to_one)] = {"short_term": 1.0}
    sibling_carers_share: Share = 1.0  # of households with two places or more, those that take sibling groups
    fit_probability: uncertain(Share) = 1.0  # that a vacancy suiting a child by age and approval is a match
    gap_between_placements_days: uncertain(NonNegative) = 0.0  # a household takes no child this long after one leaves
    deregistration_rate_per_year: uncertain(NonNegative) = 0.0
    leaving: Leaving = Leaving()
    ages: CarerAges | None = None
    after_breakdown: AfterBreakdown = AfterBreakdown()
    recruitment: Recruitment = Recruitment()


class Breakdowns(Frozen):
    rate_per_year: dict[Identifier, per_band(uncertain(NonNegative))] = {}
    step_up_probability: per_band(uncertain(Share)) = 0.0  # a broken-down family placement's child then needs residential


class Constellations(Frozen):
    start_date: Date
    count: whole(ge=1)


class Mockingbird(Frozen):
    constellations: tuple[Constellations, ...] = ()
    satellites_per_hub: whole(ge=1, le=12) = 8
    hub_sleepover_beds: Count = 2
    short_break_multiplier: uncertain(NonNegative) = 1.0  # satellites' breakdowns and breaks, with the hub's beds
    breakdown_multiplier: uncertain(NonNegative) = 1.0
    deregistration_multiplier: uncertain(NonNegative) = 1.0
    annual_cost_per_constellation: uncertain(NonNegative) = 0.0


class ResidentialToFamily(Frozen):
    """Children in residential care who become ready for a family placement."""

    months: NonNegative  # in residential care before a child may be ready
    share: uncertain(Share)  # of children in residential care who become ready
    monthly_limit: Count
    start_date: Date | None = None  # default: the scenario's start


class StepDown(Frozen):
    enabled: Flag = False  # return to county
    min_months_in_placement: NonNegative = 6.0
    max_moves_per_month: Count = 0
    residential_to_family: ResidentialToFamily | None = None


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
