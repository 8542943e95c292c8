"""Every magnitude a scenario gives has a stated upper bound, so that the largest scenario accepted runs in
bounded time and memory; the bound is in the message; what compounds (trends, campaigns) is bounded too;
and a key whose default would change a scenario beyond recognition is required."""

import types
import typing

import pytest
from pydantic import BaseModel

from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from sim.scenario.schema import Range, Scenario
from sim.scenario.sweep_file import SweepFile
from tests.conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


def numeric_fields(annotation, path="", metadata=()):
    """(key path, constraints) of every number or whole number reachable from `annotation`."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        yield from numeric_fields(args[0], path, (*metadata, *args[1:]))
    elif annotation in (int, float):
        yield path, metadata
    elif origin in (typing.Union, types.UnionType):
        for member in args:
            yield from numeric_fields(member, path, metadata)
    elif origin is dict:
        yield from numeric_fields(args[1], f"{path}.*", metadata)
    elif origin is tuple:
        for member in args:
            if member is not Ellipsis:
                yield from numeric_fields(member, f"{path}.*", metadata)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not Range:
        for name, field in annotation.model_fields.items():  # a range's ends are checked against its field's type
            yield from numeric_fields(field.annotation, f"{path}.{name}".lstrip("."), tuple(field.metadata))


def upper_bound(constraints) -> bool:
    flat = [inner for constraint in constraints for inner in [constraint, *getattr(constraint, "metadata", ())]]
    return any(getattr(constraint, "le", None) is not None or getattr(constraint, "lt", None) is not None
               for constraint in flat)


@pytest.mark.parametrize("model", [Scenario, SweepFile])
def test_every_number_has_an_upper_bound(model):
    found = list(numeric_fields(model))
    assert len(found) > 20 if model is Scenario else len(found) >= 3
    unbounded = [path for path, constraints in found if not upper_bound(constraints)]
    assert unbounded == ([] if model is Scenario else ["sample.ranges.*.*"] * 2)  # its ends are set on the scenario


@pytest.mark.parametrize("override, message", [
    ("horizon_years=51", "horizon_years: expected at most 50 (got 51)"),
    ("replications=100001", "replications: expected at most 100,000 (got 100001)"),
    ("demand.entries_per_year=1e308", "demand.entries_per_year: expected at most 50,000 (got 1e+308)"),
    ("breakdowns.rate_per_year.kinship=1e6", "breakdowns.rate_per_year.kinship: every age band: expected at most 52"),
    ("carers.initial_households=10000000", "carers.initial_households: expected at most 100,000"),
    ("seed=18446744073709551616", "seed: expected at most 18,446,744,073,709,551,615"),
])
def test_a_magnitude_beyond_its_bound_is_refused_with_the_bound(override, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        load_scenario(BASELINE, [override])


def test_a_trend_compounding_beyond_the_bound_is_refused():
    load_scenario(BASELINE, ["demand.trend_per_year=0.1"])
    with pytest.raises(InputError, match=rf"demand.trend_per_year: entries would reach {420 * 1.4 ** 30:,.0f} a year"):
        load_scenario(BASELINE, ["demand.entries_per_year=420", "demand.trend_per_year=0.4", "horizon_years=30"])


def test_campaigns_running_together_multiply():
    apart = "[{start_date: 2021-01-01, months: 2, enquiry_multiplier: 50}, " \
            "{start_date: 2021-06-01, months: 2, enquiry_multiplier: 50}]"
    load_scenario(BASELINE, [f"carers.recruitment.campaigns={apart}"])
    together = apart.replace("2021-06-01", "2021-02-01")
    with pytest.raises(InputError, match=r"enquiries would reach 150,000 in a month"):
        load_scenario(BASELINE, [f"carers.recruitment.campaigns={together}"])


def test_a_capacity_left_out_is_required_not_unlimited(tmp_path):
    text = "".join(line for line in BASELINE.read_text().splitlines(keepends=True)
                   if not line.startswith(("    capacity: 47 ", "    capacity: 28 ")))
    path = tmp_path / "no_capacity.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    assert str(raised.value).endswith(
        "no_capacity.yaml: placements.ifa_in_county.capacity: required: a number of places, or unlimited; "
        "placements.in_house_childrens_home.capacity: required: a number of places, or unlimited")


def test_every_problem_is_listed_in_plain_words():
    with pytest.raises(InputError) as raised:
        load_scenario(BASELINE, ["demand.entries_per_year=lots", "carers.initial_households=yes", "seed=-1",
                                 "demand.kinship_shares=0.1"])
    message = str(raised.value)
    assert message.endswith(
        "demand.kinship_shares: unknown key; did you mean 'kinship_share'?; "
        "seed: expected at least 0 (got -1); "
        "demand.entries_per_year: expected a number (got 'lots'); "
        "carers.initial_households: expected a whole number (got true)")
    assert "Input should" not in message and "more problem" not in message


def test_more_than_ten_problems_are_counted():
    overrides = [f"x{number}=1" for number in range(14)]
    with pytest.raises(InputError, match=r"; and 4 more problems$"):
        load_scenario(BASELINE, overrides)
