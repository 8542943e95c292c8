import pydantic
import pytest

from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario, scenario_hash, scenario_yaml
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


@pytest.mark.parametrize("override, message", [
    ("carers.deregistration_rate_per_year=-0.1", "carers.deregistration_rate_per_year: Input should be greater than or equal to 0"),
    ("carers.after_breakdown.break_probability=2", "carers.after_breakdown.break_probability: Input should be less than or equal to 1"),
    ("carers.after_breakdown.months_off=3", "carers.after_breakdown.months_off: unknown key; did you mean 'months'?"),
    ("carers.recruitment.enquiries_per_month=many", "carers.recruitment.enquiries_per_month: Input should be a valid number"),
    ("carers.recruitment.enquiry_to_application=1.2", "carers.recruitment.enquiry_to_application: Input should be less than or equal to 1"),
    ("carers.recruitment.campaigns=[{start_date: 2021-01-01, months: 0, enquiry_multiplier: 2}]",
     "carers.recruitment.campaigns.0.months: Input should be greater than or equal to 1"),
    ("carers.recruitment.campaigns=[{start_date: 2019-01-01, months: 2, enquiry_multiplier: 2}]",
     "carers.recruitment.campaigns.0.start_date: 2019-01-01 is before the scenario's start_date 2020-04-01"),
    ("carers.recruitment.campaigns=[{start_date: 2021-01-01, months: 2, multiplier: 2}]",
     "carers.recruitment.campaigns.0.multiplier: unknown key"),
    ("carers.recruitment.assessment.assessors=0", "carers.recruitment.assessment: assessors and caseload_per_assessor must both be at least 1"),
    ("carers.recruitment.assessment.withdrawl_probability=0.1", "did you mean 'withdrawal_probability'?"),
    ("carers.recruitment.panel.cases_per_sitting=-1", "carers.recruitment.panel.cases_per_sitting: Input should be greater than or equal to 0"),
    ("carers.recruitment.panel.extra_sittings=[{start_date: 2020-01-01, months: 3, sittings_per_month: 1}]",
     "carers.recruitment.panel.extra_sittings.0.start_date: 2020-01-01 is before"),
    ("breakdowns.rate_per_year.ifa_in_county=-0.2", "breakdowns.rate_per_year.ifa_in_county"),
    ("breakdowns.rate_per_year.ifa_in_countyy=0.2", "breakdowns.rate_per_year.ifa_in_countyy: unknown placement option 'ifa_in_countyy'; did you mean 'ifa_in_county'?"),
    ("mockingbird.satellites_per_hub=20", "mockingbird.satellites_per_hub: Input should be less than or equal to 12"),
    ("mockingbird.breakdown_multiplier={low: 0.9, central: 0.5, high: 1.0}",
     "mockingbird.breakdown_multiplier: expected low <= central <= high, got 0.9, 0.5, 1"),
    ("mockingbird.constellations=[{start_date: 2021-01-01, count: 0}]", "mockingbird.constellations.0.count: Input should be greater than or equal to 1"),
    ("mockingbird.annual_cost=5", "mockingbird.annual_cost: unknown key; did you mean 'annual_cost_per_constellation'?"),
    ("step_down.enabled=maybe", "step_down.enabled: Input should be a valid boolean"),
    ("step_down.max_moves_per_month=-2", "step_down.max_moves_per_month: Input should be greater than or equal to 0"),
])
def test_carer_supply_keys_are_checked(override, message):
    with pytest.raises(InputError) as raised:
        load_scenario(SCENARIOS / "baseline.yaml", [override])
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("override, message", [
    ("demand.entries_per_year=true", "demand.entries_per_year: Input should be a valid number (got True)"),
    ("demand.entries_per_year=.inf", "demand.entries_per_year: Input should be a finite number"),
    ("breakdowns.rate_per_year.kinship=.nan", "breakdowns.rate_per_year.kinship.0-4: Input should be a finite number"),
    ('demand.entries_per_year="420"', "demand.entries_per_year: Input should be a valid number (got '420')"),
    ("carers.initial_households=140.0", "carers.initial_households: Input should be a valid integer"),
    ("step_down.enabled=1", "step_down.enabled: Input should be a valid boolean"),
    ("start_date=20200401", "start_date: Input should be a valid date"),
    ("start_date=2020-13-01", "start_date: expected a date such as 2021-04-01, got '2020-13-01'"),
    ("demand.entries_per_year={low: 500, central: 420, high: 480}", "expected low <= central <= high"),
    ("demand.entries_per_year={low: -5, central: 420, high: 480}", "low: Input should be greater than or equal to 0"),
    ("demand.kinship_share={low: 0.1, central: 0.2, high: 1.5}", "high: Input should be less than or equal to 1"),
    ("demand.entries_per_year={low: 400, centre: 420, high: 480}", "unknown key; did you mean 'central'?"),
    ("demand.age_mix={low: 0.1, central: 0.2, high: 0.3}", "demand.age_mix.low"),
    ("title=12", "title: Input should be a valid string"),
])
def test_numbers_are_numbers_and_ranges_are_ordered(override, message):
    with pytest.raises(InputError) as raised:
        load_scenario(SCENARIOS / "baseline.yaml", [override])
    assert message in str(raised.value)


def test_option_names_are_identifiers(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nplacements:\n  'a,b': "
                    "{location: in_county, weekly_cost: 1}\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_scenario(path)
    assert "placements.a,b" in str(raised.value) and "pattern" in str(raised.value)


def test_a_range_is_allowed_wherever_a_figure_may_be_uncertain():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [
        "demand.entries_per_year={low: 400, central: 420, high: 480}",
        "demand.duration_in_care.mean_years={low: 2, central: 2.5, high: 3}",
        "placements.ifa_out_of_county.weekly_cost={low: 800, central: 820, high: 900}",
        "carers.recruitment.panel.approval_probability={low: 0.9, central: 0.955, high: 1}",
    ])
    assert scenario.demand.duration_in_care.mean_years["11-15"].high == 3


def test_a_child_with_its_own_name_is_not_called_by_its_parents_title(tmp_path):
    named, titled = tmp_path / "named.yaml", tmp_path / "titled.yaml"
    named.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: more_carers\n", encoding="utf-8")
    titled.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\ndemand: {{entries_per_year: 400}}\n", encoding="utf-8")
    assert load_scenario(named).title is None
    assert load_scenario(titled).title == load_scenario(SCENARIOS / "baseline.yaml").title
