"""`changes:` in scenario files: only keys that can change during a run, each value checked against the type
of its key, ranges drawn per replication on a stream keyed by the change's own path."""

import textwrap

import numpy as np
import pytest

from sim.cli import main
from sim.model.county import CountyModel
from sim.model.parameters import drawn
from sim.scenario.changes import PATTERNS, mechanisms_for
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario, scenario_yaml
from sim.scenario.uncertainty import central, ranges
from tests.conftest import SCENARIOS

COST = "placements.ifa_out_of_county.weekly_cost"
COST_RANGE = f"changes=[{{date: 2023-04-01, set: {{{COST}: {{low: 800, central: 900, high: 1100}}}}}}]"


def change(settings: str, date: str = "2023-04-01") -> str:
    return f"changes=[{{date: {date}, set: {{{settings}}}}}]"


def refused(override: str) -> InputError:
    with pytest.raises(InputError) as error:
        load_scenario(SCENARIOS / "baseline.yaml", [override])
    return error.value


@pytest.mark.parametrize("settings, key, message", [
    ("carers.initial_households: 200", "changes.0.set.carers.initial_households", "cannot change during a run"),
    ("placements.in_house_childrens_home.capacity: true", "changes.0.set.placements.in_house_childrens_home.capacity",
     "valid integer"),
    (f"{COST}: .inf", f"changes.0.set.{COST}", "finite number"),
    (f"{COST}: .nan", f"changes.0.set.{COST}", "finite number"),
    (f"{COST}: yes", f"changes.0.set.{COST}", "valid number"),
    (f"{COST}: -5", f"changes.0.set.{COST}", "greater than or equal to 0"),
    ("carers.deregistration_rate_per_year: .inf", "changes.0.set.carers.deregistration_rate_per_year", "finite"),
    ("step_down.enabled: 1", "changes.0.set.step_down.enabled", "valid boolean"),
    ("placements.ifa_in_coutny.capacity: 5", "changes.0.set.placements.ifa_in_coutny.capacity",
     "did you mean 'ifa_in_county'"),
    ("placements.in_house_childrens_home.capacity: {low: 1, central: 2, high: 3}",
     "changes.0.set.placements.in_house_childrens_home.capacity", "valid integer"),
    ("breakdowns.rate_per_year.ifa_in_county.0-4: -1", "changes.0.set.breakdowns.rate_per_year.ifa_in_county.0-4",
     "greater than or equal to 0"),
    ("placements.home_out_of_county.capacity: 5", "changes.0.set.placements.home_out_of_county.capacity",
     "must have unlimited capacity"),
    ("breakdowns.rate_per_year.nowhere: 0.1", "changes.0.set.breakdowns.rate_per_year.nowhere",
     "unknown placement option"),
])
def test_a_bad_change_names_its_key_and_what_was_expected(settings, key, message):
    error = refused(change(settings))
    assert error.key.startswith(key) and message in error.expected, (error.key, error.expected)


def test_a_key_that_cannot_change_is_refused_with_those_that_can():
    error = refused(change("placements.ifa_in_county.weekly_costs: 900"))
    assert "did you mean 'placements.ifa_in_county.weekly_cost'" in error.expected
    assert all(pattern.replace("[.BAND]", "") in error.expected for pattern in PATTERNS)


def test_a_change_before_the_start_or_doing_nothing_is_refused():
    assert refused("changes=[{date: 2019-04-01, cost: 10}]").key == "changes.0.date"
    assert "set" in refused("changes=[{date: 2022-04-01}]").expected


def test_changes_apply_in_date_order_whatever_the_order_of_the_file():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [
        "changes=[{date: 2024-04-01, set: {placements.in_house_childrens_home.capacity: 20}},"
        " {date: 2022-04-01, set: {placements.in_house_childrens_home.capacity: 0}}]"])
    model = CountyModel(scenario, 0)
    capacities = [after.placements["in_house_childrens_home"].capacity for _, _, after in model.changes.schedule]
    assert capacities == [0, 20]


def test_keys_given_per_band_may_name_one_band():
    assert mechanisms_for("breakdowns.rate_per_year.kinship.11-15") == ("breakdowns",)
    assert mechanisms_for("matching.residential.16-17") == ("placements", "step_down")
    assert mechanisms_for("breakdowns.rate_per_year.kinship.12-15") == ()
    assert mechanisms_for("placements.kinship") == ()


def test_a_range_in_a_change_is_drawn_per_replication_on_its_own_key():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [COST_RANGE])
    path = ("changes", 0, "set", COST)
    assert path in ranges(scenario)
    values = [drawn(scenario, 4, r).changes[0].set[COST] for r in range(50)]
    assert min(values) >= 800 and max(values) <= 1100 and len(set(values)) == 50
    assert central(scenario).changes[0].set[COST] == 900
    plain = load_scenario(SCENARIOS / "baseline.yaml")
    for r in range(5):  # the change's range leaves the baseline's own draws alone
        assert drawn(scenario, 4, r).mockingbird == drawn(plain, 4, r).mockingbird
    model = CountyModel(scenario, 3)
    (_, _, after), = model.changes.schedule
    assert after.placements["ifa_out_of_county"].weekly_cost == drawn(scenario, scenario.seed, 3).changes[0].set[COST]


def test_a_range_on_a_changes_one_off_cost_is_drawn_too():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", ["changes=[{date: 2022-04-01, cost: {low: 1, central: 2, high: 4}}]"])
    assert ("changes", 0, "cost") in ranges(scenario)
    assert len({drawn(scenario, 1, r).changes[0].cost for r in range(10)}) == 10


def test_the_resolved_yaml_of_a_scenario_with_changes_loads_back_the_same(tmp_path):
    scenario = load_scenario(SCENARIOS / "baseline.yaml", [COST_RANGE])
    path = tmp_path / "resolved.yaml"
    path.write_text(scenario_yaml(scenario))
    assert load_scenario(path) == scenario


def test_a_child_scenario_adds_changes_to_its_parent(tmp_path):
    (tmp_path / "child.yaml").write_text(textwrap.dedent(f"""\
        extends: {SCENARIOS / 'baseline.yaml'}
        name: child
        changes:
          - date: 2023-04-01
            set: {{placements.in_house_childrens_home.capacity: 40}}
            note: two new four-bed homes
    """))
    scenario = load_scenario(tmp_path / "child.yaml")
    assert scenario.changes[0].note == "two new four-bed homes"


@pytest.mark.parametrize("settings", [f"{COST}: .inf", "placements.in_house_childrens_home.capacity: yes",
                                      "carers.initial_households: 3"])
def test_bad_changes_exit_2_on_one_line_writing_nothing(settings, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(SCENARIOS / "baseline.yaml"), "--set", change(settings), "--replications", "1",
                 "--jobs", "1", "--out", str(out)])
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_runs_with_changes_are_reproducible():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", ["horizon_years=4", COST_RANGE])
    assert np.array_equal(CountyModel(scenario, 1).run(), CountyModel(scenario, 1).run())
