"""Each class of user mistake: exit code 2, one line naming the file and the key, nothing written."""

import textwrap

import pytest

from sim.cli import main
from tests.conftest import SCENARIOS

BASELINE = (SCENARIOS / "baseline.yaml").read_text()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def run_and_capture(capsys, tmp_path, scenario_path, *extra):
    out_dir = tmp_path / "out"
    code = main(["run", str(scenario_path), "--replications", "1", "--jobs", "1", "--out", str(out_dir), *extra])
    message = capsys.readouterr().err
    assert code == 2
    assert message.count("\n") == 1, message
    assert not out_dir.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    return message


def baseline_with(tmp_path, old, new):
    assert old in BASELINE
    return write(tmp_path, "scenario.yaml", BASELINE.replace(old, new))


def test_yaml_syntax_error(tmp_path, capsys):
    path = write(tmp_path, "broken.yaml", "name: x\ndemand: [unclosed\n")
    message = run_and_capture(capsys, tmp_path, path)
    assert "broken.yaml" in message and "YAML syntax error" in message and "line" in message


def test_wrong_type(tmp_path, capsys):
    path = baseline_with(tmp_path, "entries_per_year: {low: 390, central: 440, high: 490}", "entries_per_year: lots")
    message = run_and_capture(capsys, tmp_path, path)
    assert "scenario.yaml: demand.entries_per_year:" in message and "'lots'" in message


def test_negative_rate(tmp_path, capsys):
    path = baseline_with(tmp_path, "entries_per_year: {low: 390, central: 440, high: 490}", "entries_per_year: -5")
    message = run_and_capture(capsys, tmp_path, path)
    assert "demand.entries_per_year" in message and "expected at least 0" in message


def test_shares_not_summing_to_one(tmp_path, capsys):
    path = baseline_with(tmp_path, '"16-17": 0.27', '"16-17": 0.37')
    message = run_and_capture(capsys, tmp_path, path)
    assert "demand.age_mix" in message and "sum to 1" in message


def test_unknown_key_suggests_nearest(tmp_path, capsys):
    path = baseline_with(tmp_path, "  kinship_share:", "  kinship_shares:")
    message = run_and_capture(capsys, tmp_path, path)
    assert "demand.kinship_shares" in message and "did you mean 'kinship_share'" in message


def test_unknown_key_inside_an_option(tmp_path, capsys):
    path = baseline_with(tmp_path, "    capacity: 47 ", "    capacty: 47 ")
    message = run_and_capture(capsys, tmp_path, path)
    assert "placements.ifa_in_county.capacty" in message and "did you mean 'capacity'" in message


def test_unknown_option_in_matching_list(tmp_path, capsys):
    path = baseline_with(tmp_path, "residential: [in_house_childrens_home,", "residential: [in_house_childrens_homes,")
    message = run_and_capture(capsys, tmp_path, path)
    assert "matching.residential." in message and "did you mean 'in_house_childrens_home'" in message


def test_extends_cycle(tmp_path, capsys):
    write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    path = write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    message = run_and_capture(capsys, tmp_path, path)
    assert "extends" in message and "cycle" in message


def test_missing_file(tmp_path, capsys):
    message = run_and_capture(capsys, tmp_path, tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in message and "not found" in message


def test_missing_extends_parent(tmp_path, capsys):
    path = write(tmp_path, "child.yaml", "extends: parent.yaml\nname: child\n")
    message = run_and_capture(capsys, tmp_path, path)
    assert "child.yaml: extends" in message and "parent.yaml: file not found" in message


def test_bad_set_value_is_reported_with_its_key(tmp_path, capsys):
    message = run_and_capture(capsys, tmp_path, SCENARIOS / "baseline.yaml", "--set", "carers.initial_households=-3")
    assert "baseline.yaml (with --set): carers.initial_households" in message


def test_set_without_equals(tmp_path, capsys):
    message = run_and_capture(capsys, tmp_path, SCENARIOS / "baseline.yaml", "--set", "carers.initial_households")
    assert "--set" in message and "KEY.PATH=VALUE" in message


@pytest.mark.parametrize("argv", [["run"], ["fly", "x.yaml"], ["run", "x.yaml", "--jobs", "two"]])
def test_command_line_mistakes_are_one_line(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_validate_reports_each_file(tmp_path, capsys):
    bad = baseline_with(tmp_path, "seed: 20200128", "seed: -1")
    assert main(["validate", str(SCENARIOS / "baseline.yaml"), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "baseline.yaml: ok" in captured.out and "scenario.yaml: seed" in captured.err
