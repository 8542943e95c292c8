"""`sufficiency sweep` end to end: grids, regions, resuming after a kill, and mistakes in sweep files."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.scenario.errors import InputError
from sim.scenario.sweep_file import authority_seed, load_sweep
from tests.conftest import ROOT, SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"
RESULTS = ["sweep.yaml", "variants.csv", "summary.csv", "outcomes.csv"]


def write(directory, name, text):
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def grid_sweep(directory, replications=2, horizon=1):
    return write(directory, "demand.yaml", f"""\
        base: {BASELINE}
        replications: {replications}
        seed: 11
        grid:
          demand.entries_per_year: [380, 460]
          horizon_years: [{horizon}]
          carers.initial_households: [140, 165]
        """)


def sweep(path, out_dir, *extra):
    return main(["sweep", str(path), "--jobs", "1", "--out", str(out_dir), *extra])


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    directory = tmp_path_factory.mktemp("grid")
    assert sweep(grid_sweep(directory), directory / "out") == 0
    return directory


def test_a_grid_sweep_writes_every_variant(grid_run):
    out = grid_run / "out"
    variants = pd.read_csv(out / "variants.csv")
    assert variants["variant"].tolist() == ["v1", "v2", "v3", "v4"]
    assert variants[["demand.entries_per_year", "carers.initial_households"]].values.tolist() == [
        [380, 140], [380, 165], [460, 140], [460, 165]]
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["variant", "date", "metric", "mean", "p10", "p50", "p90", "uncertainty"]
    assert summary["variant"].unique().tolist() == ["v1", "v2", "v3", "v4"]
    outcomes = pd.read_csv(out / "outcomes.csv").set_index("variant")
    assert outcomes.loc["v3", "out_of_county_at_horizon"] > outcomes.loc["v2", "out_of_county_at_horizon"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["variants"] == 4 and manifest["replications"] == 2
    assert not (grid_run / ".out.journal").exists()


def test_a_variant_equals_the_run_of_its_overrides(grid_run, tmp_path):
    argv = ["run", str(BASELINE), "--replications", "2", "--seed", "11", "--jobs", "1", "--out", str(tmp_path / "run"),
            "--set", "demand.entries_per_year=460", "--set", "horizon_years=1",
            "--set", "carers.initial_households=165"]
    assert main(argv) == 0
    summary = pd.read_csv(grid_run / "out" / "summary.csv", dtype=str)
    variant = summary[summary["variant"] == "v4"].drop(columns="variant").reset_index(drop=True)
    pd.testing.assert_frame_equal(variant, pd.read_csv(tmp_path / "run" / "summary.csv", dtype=str))


def test_dask_gives_the_files_of_local_processes(grid_run, tmp_path):
    pytest.importorskip("distributed")
    assert sweep(grid_run / "demand.yaml", tmp_path / "dask", "--executor", "dask", "--jobs", "2") == 0
    for name in RESULTS:
        assert (grid_run / "out" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


@pytest.mark.parametrize("sent, code", [pytest.param(signal.SIGKILL, -9, marks=pytest.mark.slow),
                                        pytest.param(signal.SIGINT, 130, marks=pytest.mark.slow),
                                        (signal.SIGTERM, 143)])
def test_a_stopped_sweep_resumes_to_the_result_of_an_uninterrupted_one(grid_run, tmp_path, sent, code):
    path = grid_sweep(tmp_path, replications=6, horizon=2)
    assert sweep(path, tmp_path / "whole") == 0
    journal = tmp_path / ".resumed.journal"
    command = [sys.executable, "-m", "sim", "sweep", str(path), "--jobs", "2", "--out", str(tmp_path / "resumed")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while not (journal / "1-0.npy").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # until variant 0 is complete and variant 1 has begun
    os.killpg(process.pid, sent)  # the whole group, as a terminal's Ctrl-C
    _, err = process.communicate(timeout=120)
    assert process.returncode == code
    if sent != signal.SIGKILL:
        assert err.count("\n") == 1 and "the same command resumes from them" in err, err
    assert not (tmp_path / "resumed").exists(), "the sweep finished before it could be stopped"
    done_before = len(list(journal.glob("*.npy")))
    assert sweep(path, tmp_path / "resumed") == 0
    for name in RESULTS:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "resumed" / name).read_bytes(), name
    manifest = json.loads((tmp_path / "resumed" / "manifest.json").read_text())
    assert manifest["units_carried_over"] >= 6 and done_before >= 2
    assert not journal.exists()


def test_a_changed_sweep_refuses_to_resume_into_the_old_journal(tmp_path, capsys):
    (tmp_path / ".out.journal").mkdir()
    (tmp_path / ".out.journal" / "identity").write_text("another sweep")
    assert sweep(grid_sweep(tmp_path), tmp_path / "out") == 2
    message = capsys.readouterr().err
    assert ".out.journal: holds an interrupted run of a different sweep" in message and "delete it" in message


def test_a_region_adds_up_its_authorities(tmp_path):
    for name, entries in (("north", 300), ("south", 200)):
        write(tmp_path, f"{name}.yaml", f"""\
            extends: {BASELINE}
            name: {name}
            horizon_years: 1
            demand: {{entries_per_year: {entries}}}
            """)
    path = write(tmp_path, "region.yaml", """\
        replications: 3
        seed: 5
        authorities:
          - {name: north, scenario: north.yaml}
          - {name: south, scenario: south.yaml}
        """)
    assert sweep(path, tmp_path / "out") == 0
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert summary["variant"].unique().tolist() == ["north", "south", "regional_total"]
    counted = summary[summary["metric"] != "share_in_county"]  # a share is derived from the totals, not added
    means = counted.pivot_table(index=["date", "metric"], columns="variant", values="mean")
    np.testing.assert_allclose(means["regional_total"], means["north"] + means["south"], rtol=1e-9)
    variants = pd.read_csv(tmp_path / "out" / "variants.csv")
    assert variants["seed"].tolist() == [authority_seed(5, "north"), authority_seed(5, "south")]
    assert (tmp_path / "out" / "charts" / "regional_out_of_county.png").is_file()


@pytest.mark.parametrize("text, expected", [
    ("replications: 2\nseed: 1\ngrid: {horizon_years: [1]}\nbase: BASE\nsamples: {}\n",
     "sweep.yaml: samples: unknown key; did you mean 'sample'?"),
    ("replications: 2\nseed: 1\nbase: BASE\n", "give exactly one of grid, sample, authorities; got none"),
    ("replications: 2\nseed: 1\nbase: BASE\ngrid: {horizon_years: [1]}\nauthorities: [{name: a, scenario: BASE}]\n",
     "give exactly one of grid, sample, authorities; got grid, authorities"),
    ("replications: 2\nseed: 1\nbase: BASE\nauthorities: [{name: a, scenario: BASE}]\n", "no base with authorities"),
    ("replications: 2\nseed: 1\nbase: BASE\nsample: {method: sobol, n: 10, ranges: {horizon_years: [1, 2]}}\n",
     "sweep.yaml: sample: n must be a power of 2 for sobol"),
    ("replications: 2\nseed: 1\nbase: BASE\nsample: {method: morris, n: 4, ranges: {horizon_years: [2, 1]}}\n",
     "sweep.yaml: sample.ranges.horizon_years: expected [low, high] with low < high"),
    ("replications: 2\nseed: 1\nbase: BASE\ngrid: {demand.entries_per_yer: [1]}\n",
     "sweep.yaml: grid: " + str(BASELINE) + " (with --set): demand.entries_per_yer: unknown key; did you mean "
                                            "'entries_per_year'?"),
    ("replications: 2\nseed: 1\nbase: BASE\ngrid: {demand.entries_per_year: [-5]}\n",
     "demand.entries_per_year: expected at least 0"),
    ("replications: 2\nseed: 1\nbase: missing.yaml\ngrid: {horizon_years: [1]}\n", "sweep.yaml: base: "),
])
def test_sweep_file_mistakes_exit_2_with_one_line(tmp_path, capsys, text, expected):
    path = write(tmp_path, "sweep.yaml", text.replace("BASE", str(BASELINE)))
    assert sweep(path, tmp_path / "out") == 2
    message = capsys.readouterr().err
    assert expected in message and message.count("\n") == 1, message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.yaml"]


@pytest.mark.parametrize("name, variants", [("demand_grid", 9), ("carer_assumptions", 83)])
def test_shipped_sweeps_are_valid(name, variants):
    assert len(load_sweep(SCENARIOS / "sweeps" / f"{name}.yaml").variants) == variants


def test_a_sample_can_read_the_base_scenarios_own_ranges(tmp_path):
    base = tmp_path / "base.yaml"  # the baseline with its figures ranged by age band given as single numbers
    base.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: base\ntitle: Base\n"
                    "demand: {duration_in_care: {mean_years: {0-4: 2.8, 5-10: 3.6, 11-15: 2.8, 16-17: 1.5}},\n"
                    "         residential_share: {0-4: 0, 5-10: 0.05, 11-15: 0.3, 16-17: 0.15}}\n"
                    "breakdowns: {rate_per_year: {in_house_fostering: 0.1}}\n", encoding="utf-8")
    path = tmp_path / "own.yaml"
    path.write_text(f"base: {base}\nreplications: 2\nseed: 1\n"
                    "sample: {method: morris, n: 2, ranges: scenario}\n", encoding="utf-8")
    sweep = load_sweep(path)
    sampled = sweep.spec.sample.ranges
    assert sampled["demand.entries_per_year"] == (390, 490) and sampled["mockingbird.breakdown_multiplier"] == (0.6, 1.0)
    assert sampled["breakdowns.step_up_probability"] == (0.03, 0.15)  # bands of one range: one parameter
    assert not any(key.startswith(("demand.duration_in_care.mean_years", "demand.residential_share",
                                   "breakdowns.rate_per_year")) for key in sampled)
    values = {variant.overrides["mockingbird.breakdown_multiplier"] for variant in sweep.of_design("sample")}
    assert all(0.6 <= value <= 1.0 for value in values)


def test_a_sample_of_a_scenario_whose_bands_have_different_ranges_says_to_list_them(tmp_path):
    path = tmp_path / "own.yaml"
    path.write_text(f"base: {SCENARIOS / 'baseline.yaml'}\nreplications: 2\nseed: 1\n"
                    "sample: {method: morris, n: 2, ranges: scenario}\n", encoding="utf-8")
    with pytest.raises(InputError, match="different ranges by age band; list the ranges"):
        load_sweep(path)
