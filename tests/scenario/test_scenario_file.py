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
    assert scenario.placements["ifa_in_county"].capacity == 47
    assert scenario.demand.entries_per_year == load_scenario(SCENARIOS / "baseline.yaml").demand.entries_per_year


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
    ("placements.ifa_in_county.capacity=10", "initial_state.children_in_care.ifa_in_county: 47 children exceed the capacity of 10"),
    ("demand.kinship_share=1.5", "demand.kinship_share: expected at most 1"),
    ("carers.age_range_mix={'9-3': 1.0}", "age range '9-3' must look like 'A-B'"),
    ("demand.duration_in_care.distribution=weibull", "demand.duration_in_care.distribution: expected one of: exponential, lognormal, gamma"),
    ("name=has space", "name: expected a name of at most 80 letters"),
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
    ("carers.deregistration_rate_per_year=-0.1", "carers.deregistration_rate_per_year: expected at least 0"),
    ("carers.after_breakdown.break_probability=2", "carers.after_breakdown.break_probability: expected at most 1"),
    ("carers.after_breakdown.months_off=3", "carers.after_breakdown.months_off: unknown key; did you mean 'months'?"),
    ("carers.recruitment.enquiries_per_month=many", "carers.recruitment.enquiries_per_month: expected a number"),
    ("carers.recruitment.enquiry_to_application=1.2", "carers.recruitment.enquiry_to_application: expected at most 1"),
    ("carers.recruitment.campaigns=[{start_date: 2021-01-01, months: 0, enquiry_multiplier: 2}]",
     "carers.recruitment.campaigns.0.months: expected at least 1"),
    ("carers.recruitment.campaigns=[{start_date: 2019-01-01, months: 2, enquiry_multiplier: 2}]",
     "carers.recruitment.campaigns.0.start_date: 2019-01-01 is before the scenario's start_date 2020-04-01"),
    ("carers.recruitment.campaigns=[{start_date: 2021-01-01, months: 2, multiplier: 2}]",
     "carers.recruitment.campaigns.0.multiplier: unknown key"),
    ("carers.recruitment.assessment.assessors=0", "carers.recruitment.assessment: assessors and caseload_per_assessor must both be at least 1"),
    ("carers.recruitment.assessment.withdrawl_probability=0.1", "did you mean 'withdrawal_probability'?"),
    ("carers.recruitment.panel.cases_per_sitting=-1", "carers.recruitment.panel.cases_per_sitting: expected at least 0"),
    ("carers.recruitment.panel.extra_sittings=[{start_date: 2020-01-01, months: 3, sittings_per_month: 1}]",
     "carers.recruitment.panel.extra_sittings.0.start_date: 2020-01-01 is before"),
    ("breakdowns.rate_per_year.ifa_in_county=-0.2", "breakdowns.rate_per_year.ifa_in_county"),
    ("breakdowns.rate_per_year.ifa_in_countyy=0.2", "breakdowns.rate_per_year.ifa_in_countyy: unknown placement option 'ifa_in_countyy'; did you mean 'ifa_in_county'?"),
    ("mockingbird.satellites_per_hub=20", "mockingbird.satellites_per_hub: expected at most 12"),
    ("mockingbird.breakdown_multiplier={low: 0.9, central: 0.5, high: 1.0}",
     "mockingbird.breakdown_multiplier: expected low <= central <= high, got 0.9, 0.5, 1"),
    ("mockingbird.constellations=[{start_date: 2021-01-01, count: 0}]", "mockingbird.constellations.0.count: expected at least 1"),
    ("mockingbird.annual_cost=5", "mockingbird.annual_cost: unknown key; did you mean 'annual_cost_per_constellation'?"),
    ("step_down.enabled=maybe", "step_down.enabled: expected true or false"),
    ("step_down.max_moves_per_month=-2", "step_down.max_moves_per_month: expected at least 0"),
])
def test_carer_supply_keys_are_checked(override, message):
    with pytest.raises(InputError) as raised:
        load_scenario(SCENARIOS / "baseline.yaml", [override])
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("override, message", [
    ("demand.entries_per_year=true", "demand.entries_per_year: expected a number (got true)"),
    ("demand.entries_per_year=.inf", "demand.entries_per_year: expected a finite number"),
    ("breakdowns.rate_per_year.kinship=.nan", "breakdowns.rate_per_year.kinship: every age band: expected a finite number"),
    ('demand.entries_per_year="420"', "demand.entries_per_year: expected a number (got '420')"),
    ("carers.initial_households=140.0", "carers.initial_households: expected a whole number"),
    ("step_down.enabled=1", "step_down.enabled: expected true or false"),
    ("start_date=20200401", "start_date: expected a date such as 2021-04-01"),
    ("start_date=2020-13-01", "start_date: expected a date such as 2021-04-01, got '2020-13-01'"),
    ("demand.entries_per_year={low: 500, central: 420, high: 480}", "expected low <= central <= high"),
    ("demand.entries_per_year={low: -5, central: 420, high: 480}", "low: expected at least 0"),
    ("demand.kinship_share={low: 0.1, central: 0.2, high: 1.5}", "high: expected at most 1"),
    ("demand.entries_per_year={low: 400, centre: 420, high: 480}", "unknown key; did you mean 'central'?"),
    ("demand.age_mix={low: 0.1, central: 0.2, high: 0.3}", "demand.age_mix.low"),
    ("title=12", "title: expected text"),
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
    assert "placements.a,b" in str(raised.value) and "expected a name of at most 80 letters, digits or '_'" in str(raised.value)


def test_a_range_is_allowed_wherever_a_figure_may_be_uncertain():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [
        "demand.entries_per_year={low: 400, central: 420, high: 480}",
        "demand.duration_in_care.mean_years={low: 2, central: 2.5, high: 3}",
        "placements.ifa_out_of_county.weekly_cost={low: 800, central: 820, high: 900}",
        "carers.recruitment.panel.approval_probability={low: 0.9, central: 0.955, high: 1}",
    ])
    assert scenario.demand.duration_in_care.mean_years["11-15"].high == 3


UASC = "{entries_per_year: 30, age_mix: {'16-17': 1.0}, duration_in_care: {mean_years: 1}, matching: [supported_accommodation_out_of_county]}"


@pytest.mark.parametrize("override, message", [
    ("demand.sibling_groups={1: 0.5, 2: 0.4}", "demand.sibling_groups: shares must sum to 1"),
    ("demand.sibling_groups={1: 0.5, 7: 0.5}", "demand.sibling_groups.7"),
    ("demand.sibling_groups={1: 0.5, true: 0.5}", "demand.sibling_groups"),
    ("demand.duration_in_care.need_multiplier={kinship: 0}", "demand.duration_in_care.need_multiplier.kinship: expected more than 0"),
    ("demand.duration_in_care.need_multiplier={kin: 1.2}", "demand.duration_in_care.need_multiplier.kin"),
    ("demand.uasc={entries_per_year: 30}", "demand.uasc.age_mix: required"),
    ("demand.uasc={entries_per_year: -3, age_mix: {'16-17': 1.0}, duration_in_care: {mean_years: 1}, matching: [kinship]}",
     "demand.uasc.entries_per_year: expected at least 0"),
    ("demand.uasc={entries_per_year: 3, age_mix: {'16-17': 1.0}, duration_in_care: {mean_years: 1}, matching: [hotel]}",
     "demand.uasc.matching.0-4: unknown placement option 'hotel'"),
    ("demand.uasc={entries_per_year: 3, age_mix: {'16-17': 1.0}, duration_in_care: {mean_years: 1}, matching: [ifa_in_county]}",
     "demand.uasc.matching.0-4: the last option ('ifa_in_county') must have unlimited capacity"),
    ("initial_state.uasc_in_care={ifa_out_of_county: {'16-17': 5}}", "initial_state.uasc_in_care: demand.uasc is needed"),
    ("initial_state.in_house_vacancies=-1", "initial_state.in_house_vacancies: expected at least 0"),
    ("initial_state.in_house_vacancies=700", "initial_state.in_house_vacancies: 308 in-house children and 700 vacancies make 1008 places, which 310 households (carers.initial_households) of 1 to 3 places cannot hold: give at most 622 vacancies"),
    ("initial_state.in_house_vacancies=many", "initial_state.in_house_vacancies: expected a whole number"),
    ("placements.kinship.kind=foster", "placements.kinship.kind: expected one of: family, residential, supported"),
    ("matching.siblings=together", "matching.siblings: expected one of: together_first, together_only, separate"),
    ("matching.emergency.in_house_probability=1.5", "matching.emergency.in_house_probability: expected at most 1"),
    ("matching.emergency.family=[in_house_fostering]", "matching.emergency.family.0-4: the last option ('in_house_fostering') must have unlimited capacity"),
    ("matching.emergency.family=[ifa_out_of_countyy]", "matching.emergency.family.0-4: unknown placement option 'ifa_out_of_countyy'"),
    ("matching.emergency.uasc=[ifa_out_of_county]", "matching.emergency.uasc: the scenario has no uasc children to place"),
    ("matching.emergency.in_house_chance=0.2", "matching.emergency.in_house_chance: unknown key; did you mean 'in_house_probability'?"),
    ("carers.approval_mix={short_term: 0.5, respite: 0.5}", "carers.approval_mix.respite"),
    ("carers.approval_mix={short_term: 0.5, long_term: 0.4}", "carers.approval_mix: shares must sum to 1"),
    ("carers.sibling_carers_share=2", "carers.sibling_carers_share: expected at most 1"),
    ("carers.recruitment.sibling_carers_share=-0.1", "carers.recruitment.sibling_carers_share: expected at least 0"),
    ("carers.fit_probability={low: 0.1, central: 0.05, high: 0.2}", "carers.fit_probability: expected low <= central <= high"),
    ("carers.fit_probability=yes", "carers.fit_probability: expected a number"),
    ("carers.gap_between_placements_days=-7", "carers.gap_between_placements_days: expected at least 0"),
    ("carers.leaving.without_children_multiplier=-1", "carers.leaving.without_children_multiplier: expected at least 0"),
    ("carers.leaving.with_children=0.5", "carers.leaving.with_children: unknown key; did you mean 'with_children_multiplier'?"),
    ("carers.leaving.by_carer_age={'60-64': 2, '62-70': 3}", "carers.leaving.by_carer_age: age ranges overlap at 62"),
    ("carers.leaving.by_carer_age={'12-64': 2}", "carer age range '12-64' must look like 'A-B' with ages 18 <= A <= B <= 99"),
    ("carers.ages=null", "carers.ages: required when carers.leaving.by_carer_age is given"),
    ("carers.ages.at_start={'40-49': 0.5}", "carers.ages.at_start: shares must sum to 1"),
    ("carers.ages.at_approval={'30-39': 0.5, '35-44': 0.5}", "carers.ages.at_approval: age ranges overlap at 35"),
    ("breakdowns.step_up_probability.11-15=1.2", "breakdowns.step_up_probability.11-15: expected at most 1"),
    ("mockingbird.short_break_multiplier=-0.5", "mockingbird.short_break_multiplier: expected at least 0"),
    ("step_down.residential_to_family={months: 6, share: 0.3}", "step_down.residential_to_family.monthly_limit: required"),
    ("step_down.residential_to_family={months: 6, share: 1.3, monthly_limit: 1}", "step_down.residential_to_family.share: expected at most 1"),
    ("step_down.residential_to_family={months: 6, share: 0.3, monthly_limit: 1, start_date: 2019-01-01}",
     "step_down.residential_to_family.start_date: 2019-01-01 is before the scenario's start_date 2020-04-01"),
])
def test_placement_realism_keys_are_checked(override, message):
    with pytest.raises(InputError) as raised:
        load_scenario(SCENARIOS / "baseline.yaml", [override])
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_uasc_census_must_be_in_the_uasc_lists():
    with pytest.raises(InputError, match="initial_state.uasc_in_care.kinship.16-17: 'kinship' is not in demand.uasc.matching"):
        load_scenario(SCENARIOS / "baseline.yaml", [f"demand.uasc={UASC}", "initial_state.uasc_in_care={kinship: {'16-17': 3}}"])


def test_step_up_needs_a_residential_list(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text((SCENARIOS / "validation" / "erlang_loss.yaml").read_text())
    with pytest.raises(InputError, match="matching.residential: required when breakdowns.step_up_probability"):
        load_scenario(path, ["breakdowns.step_up_probability=0.1"])


def test_a_child_with_its_own_name_is_not_called_by_its_parents_title(tmp_path):
    named, titled = tmp_path / "named.yaml", tmp_path / "titled.yaml"
    named.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: more_carers\n", encoding="utf-8")
    titled.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\ndemand: {{entries_per_year: 400}}\n", encoding="utf-8")
    assert load_scenario(named).title is None
    assert load_scenario(titled).title == load_scenario(SCENARIOS / "baseline.yaml").title
