"""A run's output directory: written under a temporary name and renamed only when complete."""

import contextlib
import datetime as dt
import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

from sim.charts import out_of_county_chart, write_chart
from sim.results import summarise, timeseries_lines, write_summary
from sim.runner import RunShape, replications
from sim.scenario_file import scenario_hash, scenario_yaml


def default_out_dir(scenario) -> Path:
    return Path("outputs") / scenario.name


@contextlib.contextmanager
def staged_directory(final: Path):
    """Yield a temporary sibling of `final`; on success it replaces `final`, on failure it is removed."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.parent / f".{final.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = final.parent / f".{final.name}.old"
    if final.exists():
        shutil.rmtree(retired, ignore_errors=True)
        final.rename(retired)
    staging.rename(final)
    shutil.rmtree(retired, ignore_errors=True)


def write_run(scenario, out_dir: Path, jobs: int, progress=None) -> Path:
    """Run every replication of `scenario` and write its results directory."""
    shape = RunShape.of(scenario)
    count = scenario.replications
    started = _now()
    with staged_directory(out_dir) as staging:
        (staging / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
        values = np.empty((count, len(shape.dates), len(shape.metrics)))
        with open(staging / "timeseries.csv", "w", encoding="utf-8", newline="") as timeseries:
            timeseries.write("replication,date,metric,value\n")
            for replication, result in replications(scenario, count, jobs):
                values[replication] = result
                timeseries.writelines(timeseries_lines(replication, shape, result))
                if progress:
                    progress(replication + 1, count)
        summary = summarise(values, shape)
        write_summary(summary, staging / "summary.csv")
        write_chart(out_of_county_chart(summary, scenario.name, scenario.area, count), staging / "charts")
        manifest = _manifest(scenario, started)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return Path(out_dir)


def _manifest(scenario, started: str) -> dict:
    return {
        "package_version": metadata.version("sufficiency"),
        "git_commit": _git_commit(),
        "scenario_name": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": scenario.seed,
        "replications": scenario.replications,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "started": started,
        "finished": _now(),
    }


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _git_commit() -> str | None:
    try:
        found = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
                               capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() if found.returncode == 0 else None
