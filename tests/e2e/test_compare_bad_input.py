"""Mistakes with `compare` and `charts`: exit code 2, one line naming what is wrong, nothing written or changed."""

import json

import pytest

from sim.cli import main
from tests.conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


def one_line_error(capsys, argv) -> str:
    assert main(argv) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1, message
    return message


def scenario(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(f"extends: {BASELINE}\n{text}")
    return path


def compare_fails(capsys, tmp_path, *argv) -> str:
    out = tmp_path / "out"
    message = one_line_error(capsys, ["compare", *map(str, argv), "--replications", "1", "--out", str(out)])
    assert not out.exists() and not list(tmp_path.glob(".out*"))
    return message


def test_compare_needs_another_scenario(capsys, tmp_path):
    assert "OTHER.yaml" in compare_fails(capsys, tmp_path, BASELINE)


def test_compare_refuses_two_scenarios_with_one_name(capsys, tmp_path):
    same = scenario(tmp_path, "same.yaml", "description: another option\n")
    message = compare_fails(capsys, tmp_path, BASELINE, same)
    assert "same.yaml: name:" in message and "own name" in message


def test_compare_refuses_another_horizon(capsys, tmp_path):
    shorter = scenario(tmp_path, "short.yaml", "name: short\nhorizon_years: 3\n")
    assert "short.yaml: horizon_years: must equal the base's" in compare_fails(capsys, tmp_path, BASELINE, shorter)


def test_compare_refuses_zero_replications(capsys, tmp_path):
    other = scenario(tmp_path, "other.yaml", "name: other\n")
    out = tmp_path / "out"
    message = one_line_error(capsys, ["compare", str(BASELINE), str(other), "--replications", "0", "--out", str(out)])
    assert "replications" in message and not out.exists()


def test_charts_of_a_missing_directory(capsys, tmp_path):
    assert "results directory not found" in one_line_error(capsys, ["charts", str(tmp_path / "nowhere")])


def test_charts_of_a_directory_that_holds_no_results(capsys, tmp_path):
    assert "not a results directory" in one_line_error(capsys, ["charts", str(tmp_path)])
    assert list(tmp_path.iterdir()) == []


def test_charts_of_an_incomplete_results_directory(capsys, tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"replications": 3}))
    assert "scenario.yaml is missing" in one_line_error(capsys, ["charts", str(tmp_path)])
    (tmp_path / "manifest.json").write_text("{not json")
    assert "manifest.json: not valid JSON" in one_line_error(capsys, ["charts", str(tmp_path)])


@pytest.mark.parametrize("text, expected", [
    ("titles: [unclosed\n", "YAML syntax error"),
    ("colour: ['#12436D']\n", "style.yaml: colour: unknown key; did you mean 'colours'?"),
    ("titles: {out_of_countie: Fewer}\n", "style.yaml: titles: no chart is called 'out_of_countie'; "
                                           "did you mean 'out_of_county'?"),
    ("colours: ['#12436D', 'blue', '#801650', '#F46A25']\n", "style.yaml: colours.1: expected a colour such as #12436D"),
    ("colours: ['#12436D']\n", "style.yaml: colours: expected at least 5 items"),
    ("- just a list\n", "expected a mapping of style keys"),
])
def test_a_malformed_style_file(capsys, tmp_path, text, expected):
    # the style file is read first, so these results need not be complete
    results = tmp_path / "results"
    results.mkdir()
    (results / "manifest.json").write_text(json.dumps({"replications": 3}))
    style = tmp_path / "style.yaml"
    style.write_text(text)
    message = one_line_error(capsys, ["charts", str(results), "--style", str(style)])
    assert expected in message
    assert sorted(p.name for p in results.iterdir()) == ["manifest.json"]
