"""A run's output directory: written under a temporary name and renamed only when complete (destination.py)."""

import contextlib
import datetime as dt
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from sim.run.compare import ScenarioValues, differences_table, headline_table
from sim.run.destination import safe_component, staged_directory
from sim.run.results import DERIVED_METRICS, check_finite, summarise, with_derived_metrics, write_summary
from sim.run.runner import RunShape, replications
from sim.run.saved_results import COMPARISON, RUN
from sim.run.steady_state import steady_state
from sim.run.timeseries import TimeseriesWriter, export_csv
from sim.scenario.files import scenario_hash, scenario_yaml
from sim.scenario.prices import prices_manifest
from sim.scenario.uncertainty import BAND_WORDING, bands, described_ranges, for_mode

MAX_COMPARISON_NAME = 150  # five scenario names of 25 characters; file systems allow 255


def default_out_dir(scenario) -> Path:
    return Path("outputs") / safe_component(scenario.name)


def default_comparison_dir(scenarios: list) -> Path:
    """outputs/compare_<base>_vs_<option>_vs_..., naming every scenario compared (one safe path component)."""
    return Path("outputs") / safe_component("compare_" + "_vs_".join(scenario.name for scenario in scenarios),
                                            limit=MAX_COMPARISON_NAME)


def write_run(scenario, out_dir: Path, jobs: int, progress=None, executor=None, present=None,
              uncertainty: str = "all", csv: bool = False, invocation: dict | None = None,
              force: bool = False) -> Path:
    """Run every replication of `scenario` (on `executor` if given) and write its results directory;
    `present(directory)`, if given, adds the charts and the pack before the directory takes its final name.
    `uncertainty` "chance" runs every range at its central value (sim.scenario.uncertainty); `csv` adds
    timeseries.csv; `invocation` (the command line and its --set overrides) goes into the manifest; `force`
    replaces earlier results there (sim.run.destination)."""
    started = utc_now()
    scenario = for_mode(scenario, uncertainty)
    with staged_directory(out_dir, force) as staging:
        (staging / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        with _timeseries(staging, compared=False, csv=csv) as timeseries:
            values = _simulate(scenario, jobs, timeseries, progress, executor=executor)
        write_summary(summarise(values.values, values).assign(uncertainty=bands(scenario)), staging / "summary.csv")
        write_summary(headline_table({scenario.name: values}, scenario.name), staging / "headline.csv")
        write_manifest(staging, {"kind": RUN, **run_manifest(scenario, started), **_uncertainty(scenario, uncertainty),
                                 "steady_state": steady_state_findings(scenario), **(invocation or {})})
        if present:
            present(staging)
    return Path(out_dir)


def write_comparison(paired: list, as_written: list, out_dir: Path, jobs: int, progress=None,
                     executor=None, present=None, uncertainty: str = "all", csv: bool = False,
                     invocation: dict | None = None, force: bool = False) -> Path:
    """Run each scenario (the base first) and write the comparison directory.

    `paired` share one seed and replication count (compare.common_random_numbers);
    `as_written` are the same scenarios as their files give them, for the manifest; `present`,
    `uncertainty`, `csv`, `invocation` and `force` as for write_run.
    """
    started = utc_now()
    paired = [for_mode(scenario, uncertainty) for scenario in paired]
    base = paired[0]
    with staged_directory(out_dir, force) as staging:
        (staging / "scenarios").mkdir()
        results = {}
        with _timeseries(staging, compared=True, csv=csv) as timeseries:
            for scenario in paired:
                (staging / "scenarios" / f"{scenario.name}.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
                named = (lambda done, total, name=scenario.name: progress(done, total, name)) if progress else None
                results[scenario.name] = _simulate(scenario, jobs, timeseries, named, scenario.name, executor)
        summary = pd.concat(summarise(values.values, values).assign(uncertainty=bands(scenario)).assign(
            scenario=scenario.name) for scenario, values in zip(paired, results.values()))
        write_summary(summary[["scenario", *summary.columns[:-1]]], staging / "summary.csv")
        write_summary(differences_table(results, base.name), staging / "differences.csv")
        write_summary(headline_table(results, base.name), staging / "headline.csv")
        write_manifest(staging, {**_comparison_manifest(paired, as_written, started),
                                 **_uncertainty(base, uncertainty), "steady_state": steady_state_findings(base),
                                 **(invocation or {})})
        if present:
            present(staging)
    return Path(out_dir)


def across_scenarios(progress, names: list):
    """A comparison's progress (done, total, scenario name) as progress through all its replications, or None."""
    if progress is None:
        return None
    return lambda done, total, name: progress(names.index(name) * total + done, len(names) * total, name)


@contextlib.contextmanager
def _timeseries(staging: Path, compared: bool, csv: bool):
    """timeseries.parquet, and timeseries.csv from it if `csv`."""
    timeseries = TimeseriesWriter(staging, compared)
    try:
        yield timeseries
    finally:
        timeseries.close()
    if csv:
        export_csv(staging)


def _simulate(scenario, jobs: int, timeseries, progress, name: str | None = None, executor=None) -> ScenarioValues:
    """Every replication of `scenario` with its derived metrics, appended to `timeseries` as they finish."""
    shape = RunShape.of(scenario)
    metrics = [*shape.metrics, *DERIVED_METRICS]
    count = scenario.replications
    values = np.empty((count, len(shape.dates), len(metrics)))
    for replication, result in replications(scenario, count, jobs, executor):
        check_finite(result, shape, f"replication {replication} of {scenario.name}")
        values[replication] = with_derived_metrics(shape.metrics, result)
        timeseries.add(replication, shape.dates, metrics, values[replication], name)
        if progress:
            progress(replication + 1, count)
    timeseries.flush()
    return ScenarioValues(metrics, shape.dates, values)


def _comparison_manifest(paired: list, as_written: list, started: str) -> dict:
    base = paired[0]
    manifest = run_manifest(base, started)
    del manifest["scenario_name"], manifest["scenario_hash"], manifest["prices"]
    manifest["real_data"] = any(scenario.disclosure.real_data for scenario in paired)
    return {
        "kind": COMPARISON,
        "base": base.name,
        **manifest,
        "common_random_numbers": (
            f"Common random numbers: every scenario ran with seed {base.seed} and {base.replications} "
            "replications (the base's, or those given on the command line), whatever its own file says, "
            "so that replication r of each scenario draws the same children."),
        "scenarios": [
            {"name": scenario.name, "scenario_hash": scenario_hash(scenario),
             "seed_in_file": written.seed, "replications_in_file": written.replications,
             "prices": prices_manifest(scenario), "steady_state": steady_state_findings(scenario)}
            for scenario, written in zip(paired, as_written)
        ],
    }


def _uncertainty(scenario, mode: str) -> dict:
    """What the manifest says of the bands: the mode asked for, what the bands include, and the ranges drawn."""
    return {"uncertainty": mode, "bands_include": BAND_WORDING[bands(scenario)],
            "ranges": described_ranges(scenario)}


def steady_state_findings(scenario) -> list[dict]:
    """What the scenario's own rates imply in the long run (sim/run/steady_state.py), as the manifest holds it."""
    return [finding.as_dict() for finding in steady_state(scenario)]


def write_manifest(staging: Path, manifest: dict) -> None:
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def run_manifest(scenario, started: str) -> dict:
    return {
        "package_version": metadata.version("sufficiency"),
        "git_commit": _git_commit(),
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": scenario.seed,
        "replications": scenario.replications,
        "prices": prices_manifest(scenario),
        "real_data": scenario.disclosure.real_data,  # calibrated on a council's records: small counts suppressed
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "started": started,
        "finished": utc_now(),
    }


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _git_commit() -> str | None:
    try:
        found = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
                               capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() if found.returncode == 0 else None
