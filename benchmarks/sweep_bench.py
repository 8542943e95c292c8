"""Benchmark (make bench-sweep): sweep throughput on each executor, and how a sweep's time grows with its work.

Throughput: one grid sweep (journal and results directory included) on one
process, two local processes and a Dask LocalCluster of two workers, in
replications a second (the best of --repeats runs); parallel efficiency is throughput over (workers x the
one-process throughput). Starting the Dask cluster is timed on its own.
Scaling: one-variant sweeps on one process, each factor of children (entries a
year), years and replications varied alone around a reference; the last column,
time per child passing through care in one replication (census included),
should stay roughly flat if time grows in proportion to the work.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.run.executors import open_executor  # noqa: E402
from sim.run.sweep import run_sweep  # noqa: E402
from sim.scenario.sweep_file import load_sweep  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
REFERENCE = {"entries": 420, "years": 5, "replications": 8}
SCALED = {"entries": (210, 840), "years": (2.5, 10), "replications": (4, 16)}


def grid_sweep(directory: Path, name: str, entries: list, years: float, replications: int):
    path = directory / f"{name}.yaml"
    path.write_text(f"base: {BASELINE}\nreplications: {replications}\nseed: 1\n"
                    f"grid:\n  demand.entries_per_year: {entries}\n  horizon_years: [{years}]\n")
    return load_sweep(path)


def timed_sweep(sweep, directory: Path, executor, repeats: int) -> float:
    """The best of `repeats` runs, each into a fresh directory (no journal to resume from)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run_sweep(sweep, directory / f"out_{time.perf_counter_ns()}", executor)
        times.append(time.perf_counter() - started)
    return min(times)


def throughput(directory: Path, variants: int, replications: int, years: float, repeats: int) -> None:
    sweep = grid_sweep(directory, "throughput", [380 + 20 * i for i in range(variants)], years, replications)
    units = variants * replications
    print(f"Throughput: baseline, {variants} variants x {replications} replications = {units} units, "
          f"{years:g} years each")
    print(f"{'executor':<28}{'seconds':>9}{'reps/s':>9}{'efficiency':>12}")
    one = None
    for label, kind, jobs in (("1 process", "processes", 1), ("2 local processes", "processes", 2),
                              ("Dask LocalCluster, 2 workers", "dask", 2)):
        started = time.perf_counter()
        with open_executor(kind, jobs) as executor:
            opened = time.perf_counter() - started
            seconds = timed_sweep(sweep, directory, executor, repeats)
        rate = units / seconds
        one = one or rate
        print(f"{label:<28}{seconds:>9.2f}{rate:>9.2f}{rate / (jobs * one):>12.0%}"
              + (f"   (cluster start {opened:.1f} s, not included)" if kind == "dask" else ""))


def scaling(directory: Path, repeats: int) -> None:
    entries, years, replications = REFERENCE.values()
    print(f"\nScaling on one process: each factor varied alone around {entries} entries a year, {years} years, "
          f"{replications} replications")
    print(f"{'entries/yr':>10}{'years':>7}{'reps':>6}{'children x reps':>17}{'seconds':>9}{'us/child':>10}")
    settings = [REFERENCE] + [{**REFERENCE, factor: value} for factor, values in SCALED.items() for value in values]
    for setting in settings:
        sweep = grid_sweep(directory, "scaling", [setting["entries"]], setting["years"], setting["replications"])
        census = sum(sum(by_band.values()) for by_band in sweep.variants[0].scenario.initial_state.counts().values())
        children = (census + setting["entries"] * setting["years"]) * setting["replications"]
        with open_executor("processes", 1) as executor:
            seconds = timed_sweep(sweep, directory, executor, repeats)
        print(f"{setting['entries']:>10}{setting['years']:>7g}{setting['replications']:>6}{children:>17,.0f}"
              f"{seconds:>9.2f}{1e6 * seconds / children:>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--replications", type=int, default=12)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--repeats", type=int, default=3, help="report the best of this many runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        throughput(Path(directory), args.variants, args.replications, args.years, args.repeats)
        scaling(Path(directory), args.repeats)


if __name__ == "__main__":
    main()
