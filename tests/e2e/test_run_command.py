"""`sufficiency run` end to end: the files it writes, and byte-identical results for the same seed."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli import main
from tests.conftest import ROOT, SCENARIOS

REPRODUCIBLE = ["scenario.yaml", "timeseries.parquet", "summary.csv", "headline.csv", "charts/out_of_county.csv",
                "charts/out_of_county.png", "charts/out_of_county.svg", "charts/out_of_county.txt"]


def run(out_dir, *extra):
    argv = ["run", str(SCENARIOS / "baseline.yaml"), "--replications", "4", "--set", "horizon_years=2",
            "--out", str(out_dir), *extra]
    assert main(argv) == 0
    return out_dir


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    return run(tmp_path_factory.mktemp("serial") / "run", "--jobs", "1")


def test_run_writes_the_contract_files(serial):
    for name in [*REPRODUCIBLE, "manifest.json"]:
        assert (serial / name).is_file(), name
    timeseries = pd.read_parquet(serial / "timeseries.parquet")
    assert list(timeseries.columns) == ["replication", "date", "metric", "value"]
    assert sorted(timeseries.replication.unique()) == [0, 1, 2, 3]
    assert timeseries.date.nunique() == 24 and str(timeseries.date.iloc[0]) == "2020-04-30"
    summary = pd.read_csv(serial / "summary.csv")
    assert list(summary.columns) == ["date", "metric", "mean", "p10", "p50", "p90", "uncertainty"]
    assert (summary.p10 <= summary.p50).all() and (summary.p50 <= summary.p90).all()
    manifest = json.loads((serial / "manifest.json").read_text())
    assert manifest["replications"] == 4 and manifest["seed"] == 20200128 and len(manifest["scenario_hash"]) == 64
    assert "horizon_years: 2" in (serial / "scenario.yaml").read_text()


def test_same_seed_gives_identical_files_serial_or_parallel(serial, tmp_path):
    again = run(tmp_path / "again", "--jobs", "1")
    parallel = run(tmp_path / "parallel", "--jobs", "2")
    for name in REPRODUCIBLE:
        assert (serial / name).read_bytes() == (again / name).read_bytes(), name
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name


def test_another_seed_gives_different_results(serial, tmp_path):
    other = run(tmp_path / "other", "--jobs", "1", "--seed", "5")
    assert (serial / "timeseries.parquet").read_bytes() != (other / "timeseries.parquet").read_bytes()


def test_a_rerun_replaces_the_previous_directory(serial, tmp_path):
    out = run(tmp_path / "twice", "--jobs", "1")
    (out / "stale.txt").write_text("from an earlier run")
    run(out, "--jobs", "1")
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twice"]


def test_python_dash_m_sim_is_the_same_program(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(SCENARIOS / "baseline.yaml")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and "ok (baseline)" in done.stdout


def test_charts_rebuilds_a_run_from_its_saved_files(serial, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(serial, copy)
    shutil.rmtree(copy / "charts")
    assert main(["charts", str(copy)]) == 0
    written = sorted(p.name for p in (serial / "charts").iterdir())
    assert "in_house_households.svg" in written and "annual_cost.csv" in written
    assert sorted(p.name for p in (copy / "charts").iterdir()) == written
    for name in [*(f"charts/{name}" for name in written), "pack.html"]:
        assert (copy / name).read_bytes() == (serial / name).read_bytes(), name
