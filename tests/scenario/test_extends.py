"""`extends:` merging: key by key, `!replace` replaces a mapping whole, `null` goes back to the default."""

import pytest

from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario
from tests.conftest import SCENARIOS

PARENT = SCENARIOS / "baseline.yaml"


def child(tmp_path, text: str):
    path = tmp_path / "child.yaml"
    path.write_text(f"extends: {PARENT}\nname: child\n{text}", encoding="utf-8")
    return load_scenario(path)


def test_a_mapping_merges_key_by_key(tmp_path, baseline):
    scenario = child(tmp_path, "initial_state:\n  children_in_care:\n    kinship: {'0-4': 10}\n")
    census, parents = scenario.initial_state.counts(), baseline.initial_state.counts()
    assert census["kinship"] == {**parents["kinship"], "0-4": 10}
    assert census["ifa_out_of_county"] == parents["ifa_out_of_county"]


def test_replace_takes_the_childs_mapping_whole(tmp_path):
    scenario = child(tmp_path, "initial_state:\n  children_in_care: !replace\n    kinship: {'0-4': 10}\n")
    census = scenario.initial_state.counts()
    assert list(census) == ["kinship"] and sum(census["kinship"].values()) == 10


def test_replace_of_an_empty_mapping_empties_it(tmp_path, baseline):
    assert baseline.breakdowns.rate_per_year
    scenario = child(tmp_path, "breakdowns: {rate_per_year: !replace {}}\n")
    assert scenario.breakdowns.rate_per_year == {}


def test_an_empty_mapping_without_replace_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"child.yaml: breakdowns.rate_per_year: an empty mapping merged into the "
                                         r"extended file's changes nothing; write !replace \{\}"):
        child(tmp_path, "breakdowns: {rate_per_year: {}}\n")


def test_null_goes_back_to_the_default(tmp_path, baseline):
    assert baseline.carers.recruitment.panel.decision_delay_days == 14
    scenario = child(tmp_path, "carers:\n  recruitment:\n    panel:\n      decision_delay_days: null\n"
                               "breakdowns: null\n")
    assert scenario.carers.recruitment.panel.decision_delay_days == 0.0
    assert scenario.breakdowns.rate_per_year == {}
    assert scenario.carers.recruitment.panel.cases_per_sitting == baseline.carers.recruitment.panel.cases_per_sitting


def test_null_on_a_required_key_says_it_is_required(tmp_path):
    with pytest.raises(InputError, match=r"child.yaml: carers.initial_households: required"):
        child(tmp_path, "carers: {initial_households: null}\n")


def test_replace_on_a_list_or_a_value_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"!replace goes on a mapping"):
        child(tmp_path, "mockingbird: {constellations: !replace []}\n")


def test_a_long_extends_chain_is_refused(tmp_path):
    previous = PARENT
    for number in range(25):
        path = tmp_path / f"s{number}.yaml"
        path.write_text(f"extends: {previous}\nname: s{number}\n")
        previous = path
    with pytest.raises(InputError, match="more than 20 files extend one another"):
        load_scenario(previous)


def test_a_parent_that_is_not_a_file_is_named_through_the_chain(tmp_path):
    (tmp_path / "parent.yaml").mkdir()
    path = tmp_path / "child.yaml"
    path.write_text("extends: parent.yaml\nname: child\n")
    with pytest.raises(InputError, match=r"child.yaml: extends: .*parent.yaml: is a directory, not a file"):
        load_scenario(path)
