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
import re
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

from sim.scenario.problems import plain_problems, shown

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


CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_control_characters(value: str) -> str:
    """Charts and workbooks cannot show them (and a workbook refuses them): tabs and line breaks are fine."""
    found = CONTROL_CHARACTER.search(value)
    if found:
        raise ValueError(f"holds a control character ({found.group()!r}); remove it")
    return value


def named(pattern: str, wanted: str):
    """A validator of text matching `pattern` whole; otherwise 'expected `wanted`'."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"expected {wanted}, got {shown(value)}")
        return value
    return check


# Bounds on magnitudes: generous for any English authority or region (England has about 83,000 children in
# care, 32,000 entries and 40,000 fostering households a year), and small enough that the largest scenario
# accepted runs in bounded time and memory (the run estimates both and asks before a long one: sim/run/cost.py).
MAX_REPLICATIONS = 100_000
MAX_HORIZON_YEARS = 50
MAX_SEED = 2**64 - 1
MAX_ENTRIES_PER_YEAR = 50_000  # also the most entries a year any trend or season may reach (consistency.py)
MAX_TREND = 0.5  # entries growing or shrinking by half a year: far beyond any authority's history
MAX_YEARLY_VARIATION = 1.0  # a year's entry rate varying by its own size: far beyond any authority's history
MAX_INFLATION = 0.5  # prices rising or falling by half a year
MAX_CHILDREN = 100_000  # children in one census cell (an option and an age band), places in one option
MAX_HOUSEHOLDS = 100_000
MAX_OPTIONS = 100
MAX_ENQUIRIES_PER_MONTH = 100_000  # also with every campaign running (consistency.py)
MAX_RATE_PER_YEAR = 52.0  # breakdowns or carers leaving: once a week on average
MAX_MULTIPLIER = 100.0
MAX_WEEKLY_COST = 100_000.0  # pounds; the most expensive bespoke placements cost about a fifth of it
MAX_COST = 1e9  # pounds, a programme's single or annual cost
MAX_MONTHS = 12 * MAX_HORIZON_YEARS
MAX_DAYS = 365 * 10
MAX_LISTED = 1_000  # campaigns, extra sittings, constellations
MAX_STAFF = 10_000  # assessors, cases an assessor or a panel sitting holds, moves a month
MAX_SITTINGS_PER_MONTH = 100
MAX_CV = 10.0
MAX_MEAN_YEARS = 1e6  # a stay ends by the 18th birthday: a longer mean says "until 18" (tests use it so)

Share = number(ge=0.0, le=1.0)
Rate = number(ge=0.0, le=MAX_RATE_PER_YEAR)
Multiplier = number(ge=0.0, le=MAX_MULTIPLIER)
Cost = number(ge=0.0, le=MAX_COST)
Months = number(ge=0.0, le=MAX_MONTHS)
Date = Annotated[dt.date, BeforeValidator(_iso_date), Strict()]
Text = Annotated[str, Strict(), AfterValidator(_no_control_characters)]
Flag = Annotated[bool, Strict()]
# A scenario's name is also a file and directory name: one path component, never '.' or '..'.
Name = Annotated[str, Strict(), AfterValidator(named(
    r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", "a name of at most 80 letters, digits, '_', '.' or '-', starting with a "
    "letter or digit"))]
Identifier = Annotated[str, Strict(), AfterValidator(named(  # option names: metric names hold them
    r"[A-Za-z][A-Za-z0-9_]{0,79}", "a name of at most 80 letters, digits or '_', starting with a letter"))]
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
                raise ValueError(f"{end}: {plain_problems(error)[0][1]}") from None
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
BandCounts = Annotated[dict[AgeBand, whole(ge=0, le=MAX_CHILDREN)], BeforeValidator(_one_value_for_every_band)]
AgeRange = Annotated[str, AfterValidator(_age_range)]
PlacesKey = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=3)]  # a mapping key: "1" from JSON is 1
GroupSize = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=6)]
CarerAgeRange = Annotated[str, AfterValidator(_adult_age_range)]
CarerAgeMix = Annotated[dict[CarerAgeRange, Share], AfterValidator(_sums_to_one), AfterValidator(_ranges_do_not_overlap)]


class DurationInCare(Frozen):
    distribution: Literal["exponential", "lognormal", "gamma"] = "lognormal"
    mean_years: per_band(uncertain(number(gt=0.0, le=MAX_MEAN_YEARS)))
    cv: uncertain(number(gt=0.0, le=MAX_CV)) = 1.0
    need_multiplier: dict[Need, uncertain(number(gt=0.0, le=MAX_MULTIPLIER))] = {}  # mean time in care of children of a need, relative (1 if absent)


class Seasonality(Frozen):
    amplitude: number(ge=0.0, lt=1.0) = 0.0
    peak_month: whole(ge=1, le=12) = 1


PreferenceList = Annotated[tuple[Identifier, ...], Field(min_length=1, max_length=MAX_OPTIONS)]


class Uasc(Frozen):
    """Unaccompanied asylum-seeking children: an entry stream of their own, with their own placements."""

    entries_per_year: uncertain(number(ge=0.0, le=MAX_ENTRIES_PER_YEAR))
    age_mix: AgeMix
    duration_in_care: DurationInCare
    matching: per_band(PreferenceList)


class Demand(Frozen):
    entries_per_year: uncertain(number(ge=0.0, le=MAX_ENTRIES_PER_YEAR))
    trend_per_year: uncertain(number(ge=-MAX_TREND, le=MAX_TREND)) = 0.0
    # how much a year's entry rate varies about its trend, as a coefficient of variation (0: not at all)
    entries_yearly_variation: uncertain(number(ge=0.0, le=MAX_YEARLY_VARIATION)) = 0.0
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
    in_house_vacancies: whole(ge=0, le=MAX_CHILDREN) | None = None  # free in-house places at the start; default: none beyond what must be

    def counts(self) -> dict[str, dict[str, int]]:
        return {} if self.children_in_care == 0 else self.children_in_care


Inflation = uncertain(number(ge=-MAX_INFLATION, le=MAX_INFLATION))  # a yearly rise in prices: 0.03 is 3% a year


class PlacementOption(Frozen):
    label: Text | None = None  # the words people read; default: the option's name in plain English
    kind: Literal["family", "residential", "supported"] | None = None  # default: from the matching lists
    location: Literal["in_county", "out_of_county"]
    capacity: Annotated[whole(ge=0, le=MAX_CHILDREN) | None, BeforeValidator(_unlimited_as_none)] = None
    weekly_cost: uncertain(number(ge=0.0, le=MAX_WEEKLY_COST))  # at start-date prices
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
    months: whole(ge=1, le=MAX_MONTHS)
    enquiry_multiplier: uncertain(Multiplier)
    cost: Cost = 0.0


class Assessment(Frozen):
    mean_months: uncertain(number(gt=0.0, le=120.0)) = 8.0
    cv: uncertain(number(gt=0.0, le=MAX_CV)) = 0.35
    assessors: whole(ge=0, le=MAX_STAFF) = 8
    caseload_per_assessor: whole(ge=0, le=MAX_STAFF) = 6
    withdrawal_probability: uncertain(Share) = 0.0
    cost_per_assessor_per_year: uncertain(Cost) = 0.0  # the team's running cost, in programme_cost


class ExtraSittings(Frozen):
    start_date: Date
    months: whole(ge=1, le=MAX_MONTHS)
    sittings_per_month: whole(ge=1, le=MAX_SITTINGS_PER_MONTH)


class Panel(Frozen):
    sittings_per_month: whole(ge=0, le=MAX_SITTINGS_PER_MONTH) = 1
    cases_per_sitting: whole(ge=0, le=MAX_STAFF) = 6
    approval_probability: uncertain(Share) = 1.0
    decision_delay_days: number(ge=0.0, le=MAX_DAYS) = 0.0
    extra_sittings: Annotated[tuple[ExtraSittings, ...], Field(max_length=MAX_LISTED)] = ()
    cost_per_extra_sitting: Cost = 0.0


class Recruitment(Frozen):
    enquiries_per_month: uncertain(number(ge=0.0, le=MAX_ENQUIRIES_PER_MONTH)) = 0.0
    enquiry_to_application: uncertain(Share) = 0.0
    campaigns: Annotated[tuple[Campaign, ...], Field(max_length=MAX_LISTED)] = ()
    assessment: Assessment = Assessment()
    panel: Panel = Panel()
    sibling_carers_share: Share | None = None  # of approvals, taking sibling groups; default: carers.sibling_carers_share


class AfterBreakdown(Frozen):
    deregistration_multiplier: uncertain(Multiplier) = 1.0
    months: Months = 0.0
    break_probability: uncertain(Share) = 0.0
    break_months: Months = 0.0


class Leaving(Frozen):
    """How the deregistration hazard depends on a household's circumstances, relative to the overall rate."""

    with_children_multiplier: uncertain(Multiplier) = 1.0
    without_children_multiplier: uncertain(Multiplier) = 1.0
    by_carer_age: Annotated[dict[CarerAgeRange, uncertain(Multiplier)],
                            AfterValidator(_ranges_do_not_overlap)] = {}  # 1 at ages not listed


class CarerAges(Frozen):
    """The main carer's age: of the households at the start, and of those approved during the run."""

    at_start: CarerAgeMix
    at_approval: CarerAgeMix


class Carers(Frozen):
    initial_households: whole(ge=0, le=MAX_HOUSEHOLDS)
    places_per_household: Annotated[dict[PlacesKey, Share], AfterValidator(_sums_to_one)]
    age_range_mix: Annotated[dict[AgeRange, Share], AfterValidator(_sums_to_one)] = {"0-17": 1.0}
    approval_mix: Annotated[dict[Literal["short_term", "long_term", "emergency"], Share],
                            AfterValidator(_sums_to_one)] = {"short_term": 1.0}
    sibling_carers_share: Share = 1.0  # of households with two places or more, those that take sibling groups
    fit_probability: uncertain(Share) = 1.0  # that a vacancy suiting a child by age and approval is a match
    gap_between_placements_days: uncertain(number(ge=0.0, le=MAX_DAYS)) = 0.0  # a household takes no child this long after one leaves
    deregistration_rate_per_year: uncertain(Rate) = 0.0
    leaving: Leaving = Leaving()
    ages: CarerAges | None = None
    after_breakdown: AfterBreakdown = AfterBreakdown()
    recruitment: Recruitment = Recruitment()


class Breakdowns(Frozen):
    rate_per_year: dict[Identifier, per_band(uncertain(Rate))] = {}
    step_up_probability: per_band(uncertain(Share)) = 0.0  # a broken-down family placement's child then needs residential


class Constellations(Frozen):
    start_date: Date
    count: whole(ge=1, le=MAX_LISTED)


class Mockingbird(Frozen):
    constellations: Annotated[tuple[Constellations, ...], Field(max_length=MAX_LISTED)] = ()
    satellites_per_hub: whole(ge=1, le=12) = 8
    hub_sleepover_beds: whole(ge=0, le=12) = 2
    short_break_multiplier: uncertain(Multiplier) = 1.0  # satellites' breakdowns and breaks, with the hub's beds
    breakdown_multiplier: uncertain(Multiplier) = 1.0
    deregistration_multiplier: uncertain(Multiplier) = 1.0
    annual_cost_per_constellation: uncertain(Cost) = 0.0


class ResidentialToFamily(Frozen):
    """Children in residential care who become ready for a family placement."""

    months: number(ge=0.0, le=216.0)  # in residential care before a child may be ready
    share: uncertain(Share)  # of children in residential care who become ready
    monthly_limit: whole(ge=0, le=MAX_STAFF)
    start_date: Date | None = None  # default: the scenario's start


class StepDown(Frozen):
    enabled: Flag = False  # return to county
    min_months_in_placement: number(ge=0.0, le=216.0) = 6.0
    max_moves_per_month: whole(ge=0, le=MAX_STAFF) = 0
    residential_to_family: ResidentialToFamily | None = None


class Change(Frozen):
    """Settings that change on a date, from the start of that day until a later change sets them again.

    `set` maps KEY.PATH to the value it takes; which keys can change, and the check of each value against
    the type of its key, are in sim/scenario/changes.py."""

    date: Date
    set: dict[Text, Any] = {}
    cost: uncertain(Cost) = 0.0  # one-off (capital, set-up), charged on the date in programme_cost
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
    horizon_years: number(gt=0.0, le=MAX_HORIZON_YEARS)
    replications: whole(ge=1, le=MAX_REPLICATIONS) = 100
    seed: whole(ge=0, le=MAX_SEED)
    demand: Demand
    initial_state: InitialState = InitialState()
    placements: Annotated[dict[Identifier, PlacementOption], Field(min_length=1, max_length=MAX_OPTIONS)]
    matching: Matching
    carers: Carers
    breakdowns: Breakdowns = Breakdowns()
    mockingbird: Mockingbird = Mockingbird()
    step_down: StepDown = StepDown()
    targets: Targets = Targets()
    weekly_cost_inflation_per_year: Inflation = 0.0  # every option's, unless it gives its own
    changes: Annotated[tuple[Change, ...], Field(max_length=MAX_LISTED)] = ()
    disclosure: Disclosure = Disclosure()
