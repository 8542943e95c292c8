"""`sufficiency calibrate` and `sufficiency backtest` on both public samples and a synthetic return
(see conftest.command_runs), and their one-line refusals of bad input."""

import pandas as pd
import pytest
from command_runs import RUN_NAMES
from ssda903_samples import D2I_SAMPLE

from calibration.observed import OBSERVED_METRICS
from sim.cli import main
from sim.model.calendar import Calendar
from sim.scenario.files import load_scenario
from sim.scenario.uncertainty import central
from tests.conftest import run_values


@pytest.fixture(params=RUN_NAMES)
def run(request, command_runs):
    return command_runs(request.param)


def test_both_commands_exit_0_and_say_what_they_wrote(run):
    assert run.exit_codes == (0, 0)
    assert f"wrote {run.out / 'baseline.yaml'} and {run.out / 'baseline_calibration'}" in run.printed
    assert f"wrote {run.out / 'backtest'}" in run.printed


def test_the_calibrated_scenario_validates_and_runs(run, tmp_path):
    scenario = load_scenario(run.out / "baseline.yaml", ["horizon_years=1", "replications=2"])
    assert scenario.initial_state.counts() and central(scenario).demand.entries_per_year > 0
    in_care = run_values(scenario)["children_in_care"]
    assert in_care.shape == (2, 12) and (in_care > 0).all()


def test_the_calibration_report_lists_the_figures_and_draws_the_charts(run):
    report_dir = run.out / "baseline_calibration"
    report = (report_dir / "report.md").read_text()
    for heading in ("Figures in the scenario", "Fitted parameters", "Figures from outside the return", "Data quality"):
        assert f"## {heading}" in report
    for chart in ("durations", "entries", "placement_mix"):
        assert all((report_dir / "charts" / f"{chart}.{ext}").is_file() for ext in ("png", "svg", "csv", "txt"))


def test_the_backtest_compares_what_the_data_can_show(run):
    backtest = run.out / "backtest"
    scores = pd.read_csv(backtest / "scores.csv")
    compared = OBSERVED_METRICS if run.name == "synthetic" else ("children_in_care",)
    assert list(scores.columns) == ["metric", "months", "coverage", "mape"]
    assert tuple(scores["metric"]) == compared and (scores["months"] == 24).all()
    assert scores["coverage"].between(0, 1).all() and (scores["mape"] >= 0).all()
    for name in ("comparison.csv", "report.md", "scenario_calibration/report.md",
                 *(f"charts/backtest_{metric}.png" for metric in compared)):
        assert (backtest / name).is_file(), name


def test_the_backtest_starts_at_the_as_of_date_and_blanks_small_observed_counts(run):
    backtest = run.out / "backtest"
    scenario = load_scenario(backtest / "scenario.yaml")
    comparison = pd.read_csv(backtest / "comparison.csv", dtype={"note": str}, keep_default_na=False)
    assert comparison["date"].iloc[0] == Calendar.for_scenario(scenario).month_ends()[0].isoformat()
    observed = pd.to_numeric(comparison["observed"], errors="coerce")
    assert not observed.between(1, 4).any()
    assert (comparison["note"] != "").eq(comparison["observed"] == "").all()


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["backtest", "--as-of", "2020-05-01"], "--as-of: expected a 1 April"),
        (["backtest", "--as-of", "2017-04-01"], "--as-of: expected a 1 April after 2017-04-01"),
        (["calibrate", "--census-date", "2016-03-31"], "--census-date: expected a date in the data window"),
        (["calibrate", "--fit-replications", "0"], "--fit-replications: expected a whole number of at least 1"),
        (["calibrate", "--figures", "FIGURES"], "line 2: PARAMETER: unknown figure 'weekly_cost_ifa'; did you mean"),
        (["backtest", "--as-of", "2020-04-01", "--figures", "FIGURES"],
         "line 3: PERIOD: mainstream_households: expected a collection year such as 2021-22"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, extra, expected):
    figures = tmp_path / "figures.csv"
    rows = ("Surrey,weekly_cost_ifa,900,,,,\n" if extra[0] == "calibrate" else
            "Surrey,mainstream_households,210,,2019-20,,\nSurrey,mainstream_households,212,,2020,,\n")
    figures.write_text("area,parameter,value,unit,period,source,strength\n" + rows)
    command, *options = extra
    out = tmp_path / "out" / ("baseline.yaml" if command == "calibrate" else "backtest")
    argv = [command, "--ssda903", str(D2I_SAMPLE), "--out", str(out), "--jobs", "1",
            *(str(figures) if option == "FIGURES" else option for option in options)]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert expected in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()
