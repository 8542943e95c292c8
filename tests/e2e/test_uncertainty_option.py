"""`--uncertainty all|chance` on the command line, and what the bands of a paired comparison include."""

import json
import textwrap

import pandas as pd
import pytest

from sim.cli import main
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import ranges
from tests.conftest import SCENARIOS

SHORT = ["--replications", "6", "--jobs", "1"]


def scenario_file(tmp_path, name, body):
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: {name}\nhorizon_years: 2\n"
                    + textwrap.dedent(body), encoding="utf-8")
    return path


def test_chance_equals_the_scenario_with_every_range_at_its_central_value(tmp_path):
    ranged = scenario_file(tmp_path, "ranged", """
        demand:
          entries_per_year: {low: 380, central: 420, high: 480}
        """)
    fixed = scenario_file(tmp_path, "fixed", "demand:\n  entries_per_year: 420\n")
    at_central = [f"--set={'.'.join(map(str, path))}={span.central!r}"
                  for path, span in ranges(load_scenario(fixed)).items()]  # the baseline's own ranges
    assert main(["run", str(ranged), *SHORT, "--uncertainty", "chance", "--out", str(tmp_path / "a")]) == 0
    assert main(["run", str(fixed), *SHORT, *at_central, "--out", str(tmp_path / "b")]) == 0
    for name in ("timeseries.parquet", "summary.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["uncertainty"] == "chance" and manifest["ranges"] == {}
    assert set(pd.read_csv(tmp_path / "a" / "summary.csv")["uncertainty"]) == {"chance"}


def test_all_draws_the_ranges_and_says_so(tmp_path):
    ranged = scenario_file(tmp_path, "ranged", "demand:\n  entries_per_year: {low: 380, central: 420, high: 480}\n")
    assert main(["run", str(ranged), *SHORT, "--out", str(tmp_path / "all")]) == 0
    manifest = json.loads((tmp_path / "all" / "manifest.json").read_text())
    assert manifest["uncertainty"] == "all"
    assert manifest["ranges"]["demand.entries_per_year"] == [380, 420, 480]
    assert set(pd.read_csv(tmp_path / "all" / "summary.csv")["uncertainty"]) == {"chance+ranges"}


def test_a_range_on_a_figure_the_model_ignores_gives_no_spread_in_any_paired_difference(tmp_path):
    """Without constellations, Mockingbird's multipliers change nothing, whatever their draw."""
    base = scenario_file(tmp_path, "base", "mockingbird:\n  constellations: []\n")
    other = scenario_file(tmp_path, "other", """
        mockingbird:
          constellations: []
          breakdown_multiplier: {low: 0.2, central: 0.5, high: 0.9}
          deregistration_multiplier: {low: 0.1, central: 0.3, high: 0.9}
        """)
    out = tmp_path / "compared"
    assert main(["compare", str(base), str(other), *SHORT, "--out", str(out)]) == 0
    differences = pd.read_csv(out / "differences.csv")
    spread = differences[["mean_diff", "diff_ci_low", "diff_ci_high", "diff_p10", "diff_p50", "diff_p90"]]
    assert len(differences) > 0 and (spread == 0).all().all()


@pytest.mark.parametrize("value", ["maybe", "1"])
def test_an_unknown_uncertainty_mode_is_refused(tmp_path, capsys, value):
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--uncertainty", value,
                 "--out", str(tmp_path / "x")]) == 2
    assert "--uncertainty" in capsys.readouterr().err and not (tmp_path / "x").exists()
