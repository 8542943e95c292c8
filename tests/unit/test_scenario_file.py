import dataclasses

import pydantic
import pytest

from sim.errors import InputError
from sim.scenario_file import load_scenario, scenario_hash, scenario_yaml
from tests.conftest import SCENARIOS


def test_one_number_means_every_band(baseline):
    scenario = load_scenario(SCENARIOS / "baseline.yaml", ["demand.duration_in_care.mean_years=2.5"])
    assert scenario.demand.duration_in_care.mean_years == {"0-4": 2.5, "5-10": 2.5, "11-15": 2.5, "16-17": 2.5}


def test_one_list_means_every_band(baseline):
    assert baseline.matching.residential["0-4"] == baseline.matching.residential["16-17"]


def test_a_partial_band_mapping_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"demand.duration_in_care.mean_years: give every age band .* missing 16-17"):
        load_scenario(SCENARIOS / "baseline.yaml",
                      ['demand.duration_in_care.mean_years={"0-4": 1, "5-10": 1, "11-15": 1}'])


def test_extends_merges_sections_and_resolves_relative_to_the_file(tmp_path):
    child = tmp_path / "more_homes.yaml"
    child.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: more_homes\n"
                     "placements:\n  in_house_childrens_home: {location: in_county, capacity: 40, weekly_cost: 3700}\n")
    scenario = load_scenario(child)
    assert scenario.name == "more_homes"
    assert scenario.placements["in_house_childrens_home"].capacity == 40
    assert scenario.placements["ifa_in_county"].capacity == 100
    assert scenario.demand.entries_per_year == 420


def test_set_values_are_yaml_scalars(baseline):
    scenario = load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=2", "placements.ifa_in_county.capacity=unlimited"])
    assert scenario.horizon_years == 2.0
    assert scenario.placements["ifa_in_county"].capacity is None


def test_the_resolved_yaml_loads_back_to_the_same_scenario(baseline, tmp_path):
    path = tmp_path / "resolved.yaml"
    path.write_text(scenario_yaml(baseline))
    assert load_scenario(path) == baseline
    assert scenario_hash(load_scenario(path)) == scenario_hash(baseline)


def test_the_scenario_is_immutable(baseline):
    with pytest.raises(pydantic.ValidationError):
        baseline.demand.entries_per_year = 1


@pytest.mark.parametrize("override, message", [
    ("placements.in_house_fostering.capacity=10", "in-house capacity comes from carers"),
    ("placements.home_out_of_county.capacity=500", "the last option ('home_out_of_county') must have unlimited capacity"),
    ("placements.ifa_in_county.capacity=10", "initial_state.children_in_care.ifa_in_county: 95 children exceed the capacity of 10"),
    ("demand.kinship_share=1.5", "demand.kinship_share: Input should be less than or equal to 1"),
    ("carers.age_range_mix={'9-3': 1.0}", "age range '9-3' must look like 'A-B'"),
    ("demand.duration_in_care.distribution=weibull", "demand.duration_in_care.distribution: Input should be 'exponential'"),
    ("name=has space", "name: String should match pattern"),
])
def test_cross_field_and_value_checks(override, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_scenario(SCENARIOS / "baseline.yaml", [override])


def test_residential_need_requires_a_residential_list(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text((SCENARIOS / "validation" / "erlang_loss.yaml").read_text())
    with pytest.raises(InputError, match="matching.residential: required when demand.residential_share"):
        load_scenario(path, ["demand.residential_share=0.1"])
