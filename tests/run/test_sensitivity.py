"""Sensitivity: a parameter the model ignores gets indices and swings of zero; an influential one dominates."""

import textwrap

import pandas as pd
import pytest

from sim.report.sweep_charts import write_sweep_charts
from sim.run.executors import Serial
from sim.run.sensitivity import OUTCOMES, swings
from sim.run.sweep import run_sweep
from sim.scenario.sweep_file import load_sweep
from tests.conftest import SCENARIOS

INERT = "mockingbird.breakdown_multiplier.low"  # only the central value is used
INFLUENTIAL = "demand.entries_per_year"


def sampled(tmp_path, method: str, n: int):
    (tmp_path / "county.yaml").write_text(textwrap.dedent(f"""\
        extends: {SCENARIOS / 'validation' / 'erlang_loss.yaml'}
        horizon_years: 2
        placements:
          ifa_out_of_county: {{weekly_cost: 800}}
        mockingbird:
          breakdown_multiplier: {{low: 1.0, central: 1.0, high: 1.0}}
        """))
    path = tmp_path / f"{method}.yaml"
    path.write_text(textwrap.dedent(f"""\
        base: county.yaml
        replications: 3
        seed: 4
        sample:
          method: {method}
          n: {n}
          ranges:
            {INERT}: [0.2, 0.9]
            {INFLUENTIAL}: [10, 30]
        """))
    out = tmp_path / f"out_{method}"
    run_sweep(load_sweep(path), out, Serial(), present=write_sweep_charts)
    return out


@pytest.mark.parametrize("method, n, index, large", [("sobol", 8, "ST", 0.5), ("morris", 6, "mu_star", 1)])
def test_an_ignored_parameter_has_indices_near_zero(tmp_path, method, n, index, large):
    table = pd.read_csv(sampled(tmp_path, method, n) / "sensitivity.csv")
    for outcome in (o.key for o in OUTCOMES):
        rows = table[(table["outcome"] == outcome)].set_index(["parameter", "index"])["value"]
        assert all(abs(rows[INERT, name]) < 1e-9 for name in rows[INERT].index)
        assert rows[INFLUENTIAL, index] > large


def test_the_tornado_names_the_assumption_that_matters_most(tmp_path):
    charts = sampled(tmp_path, "morris", 2) / "charts"
    plotted = pd.read_csv(charts / "tornado_out_of_county_at_horizon.csv")
    assert plotted["parameter"].tolist() == [INFLUENTIAL, INERT]
    assert (plotted.loc[1, ["change_at_low", "change_at_high"]] == 0).all()
    assert plotted.loc[0, "change_at_high"] > 0 > plotted.loc[0, "change_at_low"]
    title = (charts / "tornado_out_of_county_at_horizon.txt").read_text()
    assert title.startswith("Horizontal bar chart. Demand: entries per year matters most for children placed out "
                            "of county in December 2021.")
    for ext in ("png", "svg"):
        assert (charts / f"tornado_total_cost.{ext}").stat().st_size > 0


def test_swings_put_the_largest_span_first():
    ranges = {"a": (0, 1), "b": (0, 1), "c": (0, 1)}
    at_ends = {("a", "low"): 9, ("a", "high"): 11, ("b", "low"): 0, ("b", "high"): 30, ("c", "low"): 14,
               ("c", "high"): 15}
    frame = swings(ranges, 10, at_ends)
    assert frame["parameter"].tolist() == ["b", "c", "a"]
    assert frame.loc[0, ["change_at_low", "change_at_high"]].tolist() == [-10, 20]
