"""The command line as an analyst uses it: --version, describe, export, help text, directory names."""

import subprocess
import sys
from importlib import metadata

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from sim.cli import _parser, main
from sim.run.outputs import default_comparison_dir
from sim.scenario.files import load_scenario, validate_raw
from tests.conftest import ROOT, SCENARIOS


def test_version_prints_the_package_version():
    done = subprocess.run([sys.executable, "-m", "sim", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == f"sufficiency {metadata.version('sufficiency')}"


def test_describe_prints_the_levers_and_with_resolved_the_scenario(capsys):
    assert main(["describe", str(SCENARIOS / "combined.yaml"), "--set", "carers.initial_households=150",
                 "--resolved"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Campaigns, extra panel and assessors, Mockingbird and return to county together: ")
    assert "- 150 in-house foster households at the start." in printed
    assert "- Six Mockingbird constellations launched: one in October 2020" in printed
    resolved = yaml.safe_load(printed.split("after extends and --set:\n", 1)[1])
    expected = load_scenario(SCENARIOS / "combined.yaml", ["carers.initial_households=150"])
    assert validate_raw(resolved, "printed") == expected


def test_every_subcommand_option_and_positional_has_help():
    parser = _parser()
    (commands,) = [action for action in parser._actions if action.dest == "==SUPPRESS==" or action.choices]
    for name, subparser in commands.choices.items():
        for action in subparser._actions:
            assert action.help, f"{name} {action.dest}"


def test_a_run_with_csv_writes_both_and_export_gives_the_same_csv(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--replications", "3", "--set", "horizon_years=1",
                 "--jobs", "2", "--out", str(out), "--csv", "--quiet"]) == 0
    written = (out / "timeseries.csv").read_bytes()
    (out / "timeseries.csv").unlink()
    assert main(["export", str(out), "--csv"]) == 0
    assert (out / "timeseries.csv").read_bytes() == written
    stored = pd.read_parquet(out / "timeseries.parquet")
    text = pd.read_csv(out / "timeseries.csv", dtype={"date": str})
    assert list(text.columns) == list(stored.columns) == ["replication", "date", "metric", "value"]
    assert text["date"].tolist() == [str(date) for date in stored["date"]]
    assert text["metric"].tolist() == stored["metric"].astype(str).tolist()
    assert text["value"].tolist() == [float(f"{value:.10g}") for value in stored["value"]]
    assert pq.ParquetFile(out / "timeseries.parquet").schema_arrow.field("date").type == "date32[day]"


def test_export_without_a_format_or_a_results_directory_is_a_one_line_error(tmp_path, capsys):
    assert main(["export", str(tmp_path)]) == 2
    assert main(["export", str(tmp_path), "--csv"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and "--csv writes timeseries.csv" in errors[0] and "no timeseries.parquet" in errors[1]


def test_a_comparisons_default_directory_names_every_scenario(baseline):
    others = [baseline.model_copy(update={"name": name}) for name in ("campaigns", "panel")]
    assert default_comparison_dir([baseline, *others]).name == "compare_baseline_vs_campaigns_vs_panel"


@pytest.mark.parametrize("flag", ["--quiet"])
def test_quiet_prints_nothing(tmp_path, capsys, flag):
    assert main(["run", str(SCENARIOS / "baseline.yaml"), "--replications", "1", "--set", "horizon_years=1",
                 "--jobs", "1", "--out", str(tmp_path / "run"), flag]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
