"""Benchmark (make bench): the model's time per child beside a bare SimPy loop, and memory as replications grow.

The unit of cost is one child passing through care in one replication. The bare
loop only schedules one arrival and one departure per child; the ratio of the
two times, measured in the same run, is the figure to watch (aim: <= 10). The
two are measured alternately and each figure is the best of five, as a shared
machine's speed drifts from minute to minute.
Memory: peak resident size of a fresh process running N replications serially,
for growing N; it should stay flat.
"""

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parent.parent
MEAN_DAYS_IN_CARE = 365.25 * 2.4  # the baseline's stock over its entries: about 1,000 / 420 a year
sys.path.insert(0, str(ROOT))

from sim.run.runner import RunShape, replications  # noqa: E402
from sim.scenario.files import load_scenario  # noqa: E402
from sim.scenario.uncertainty import central  # noqa: E402


def bare_simpy_seconds_per_child(children: int, rate_per_day: float, mean_days: float) -> float:
    rng = np.random.default_rng(0)
    gaps = rng.exponential(1 / rate_per_day, children).tolist()
    stays = rng.exponential(mean_days, children).tolist()
    env = simpy.Environment()

    def depart(event):
        pass

    def arrivals():
        for gap, stay in zip(gaps, stays):
            yield env.timeout(gap)
            env.timeout(stay).callbacks.append(depart)

    env.process(arrivals())
    started = time.perf_counter()
    env.run()
    return (time.perf_counter() - started) / children


def model_seconds_per_child(scenario) -> tuple[float, int]:
    shape = RunShape.of(scenario)
    entries, started = 0, time.perf_counter()
    for _, values in replications(scenario, scenario.replications, jobs=1):
        entries += values[:, shape.metrics.index("entries")].sum()
    seconds = time.perf_counter() - started
    census = sum(sum(by_band.values()) for by_band in scenario.initial_state.counts().values())
    children = int(entries) + census * scenario.replications
    return seconds / children, children


def peak_memory_mb(scenario_path: str, replications_count: int) -> float:
    code = (f"import resource, sys; sys.path.insert(0, {str(ROOT)!r});"
            "from sim.run.outputs import write_run; from sim.scenario.files import load_scenario;"
            "from sim.report.publish import present;"
            "import tempfile, pathlib;"
            f"s = load_scenario({scenario_path!r}, ['replications={replications_count}']);"
            "write_run(s, pathlib.Path(tempfile.mkdtemp()) / 'out', jobs=1, present=present);"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.yaml"))
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    scenario = load_scenario(args.scenario, [f"replications={args.replications}"])
    model_times, bare_times = [], []
    for _ in range(args.repeats):
        model_time, children = model_seconds_per_child(scenario)
        model_times.append(model_time)
        bare_times.append(bare_simpy_seconds_per_child(children, central(scenario).demand.entries_per_year / 365.25,
                                                       MEAN_DAYS_IN_CARE))
    model_time, bare_time = min(model_times), min(bare_times)
    print(f"scenario: {args.scenario} ({args.replications} replications, one process, best of {args.repeats})")
    print(f"children passing through care: {children}")
    print(f"model:          {model_time * 1e6:8.2f} microseconds per child")
    print(f"bare SimPy loop:{bare_time * 1e6:8.2f} microseconds per child")
    print(f"ratio:          {model_time / bare_time:8.2f}  (aim <= 10)")
    for count in (10, 40, 160):
        print(f"peak memory, {count:4d} replications written: {peak_memory_mb(args.scenario, count):7.1f} MB")
    print(f"this process peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
