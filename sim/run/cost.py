"""What a run will cost before it starts: time and memory, estimated from the scenario alone.

Time is the expected number of events of one replication (children entering or in the census, breakdowns,
applications) times a measured cost per event, times the replications, over the processes. Memory is what
the run holds: every replication's monthly results (with the copies percentiles make) and each process's
children in care. Both are rough (within a factor of two or so on the machine the constants were measured on,
a two-core development machine: `make bench`), which is enough to ask before a run of hours or to refuse one
that cannot fit in memory.
"""

import math
from dataclasses import dataclass
from pathlib import Path

from sim.run.runner import RunShape
from sim.scenario.errors import InputError
from sim.scenario.uncertainty import highest

SECONDS_PER_EVENT = 60e-6  # measured: 30-80 microseconds a child, most of a replication's events
BYTES_PER_VALUE = 8 * 4  # a float64 result, and the copies np.percentile makes while summarising
BYTES_PER_CHILD_IN_CARE = 4_000  # measured: resident size grows about 3 kB for each child in care at once
BYTES_PER_PROCESS = 100 * 2**20  # the interpreter, numpy, pandas and SimPy
ASK_ABOVE_SECONDS = 600
MEMINFO = Path("/proc/meminfo")


@dataclass(frozen=True)
class Cost:
    seconds: float
    bytes: float
    processes: int

    def describe(self) -> str:
        processes = f"{self.processes} process{'es' * (self.processes > 1)}"
        return f"about {duration(self.seconds)} on {processes} and about {size(self.bytes)} of memory"


def run_cost(scenarios: list, jobs: int) -> Cost:
    """Every replication of each of `scenarios` (run one after another, each on `jobs` processes), and all
    their results held at once (as a comparison holds them)."""
    seconds = held = largest = 0.0
    for scenario in scenarios:
        shape = RunShape.of(scenario)
        processes = max(1, min(jobs, scenario.replications))
        seconds += replication_events(scenario) * SECONDS_PER_EVENT * scenario.replications / processes
        held += scenario.replications * len(shape.dates) * len(shape.metrics) * BYTES_PER_VALUE
        largest = max(largest, processes * (BYTES_PER_PROCESS + children_in_care(scenario) * BYTES_PER_CHILD_IN_CARE))
    processes = max(1, min(jobs, max(scenario.replications for scenario in scenarios)))
    return Cost(seconds, held + largest, processes)


def sweep_cost(scenarios: list, replications: int, jobs: int) -> Cost:
    """A sweep's variants, whose results wait on disk and are read back one variant at a time."""
    processes = max(1, min(jobs, replications * len(scenarios)))
    seconds = sum(replication_events(scenario) for scenario in scenarios) * SECONDS_PER_EVENT * replications
    shapes = [RunShape.of(scenario) for scenario in scenarios]
    held = max(replications * len(shape.dates) * len(shape.metrics) for shape in shapes) * BYTES_PER_VALUE * 2
    in_care = max(children_in_care(scenario) for scenario in scenarios)
    return Cost(seconds / processes, held + processes * (BYTES_PER_PROCESS + in_care * BYTES_PER_CHILD_IN_CARE),
                processes)


def replication_events(scenario) -> float:
    demand, years = scenario.demand, scenario.horizon_years
    growth = max(1.0, (1.0 + highest(demand.trend_per_year)) ** years)
    entries = highest(demand.entries_per_year) * years * (1.0 + growth) / 2
    breakdown_rate = max((highest(rate) for by_band in scenario.breakdowns.rate_per_year.values()
                          for rate in by_band.values()), default=0.0)
    recruitment = scenario.carers.recruitment
    applications = highest(recruitment.enquiries_per_month) * highest(recruitment.enquiry_to_application) * 12 * years
    return _census(scenario) + entries + children_in_care(scenario) * years * breakdown_rate + applications


def children_in_care(scenario) -> float:
    """The most children in care at once: the census, or entries a year (at their highest) times the longest
    mean time in care (Little's law)."""
    demand = scenario.demand
    growth = max(1.0, (1.0 + highest(demand.trend_per_year)) ** scenario.horizon_years)
    longest = max(highest(mean) for mean in demand.duration_in_care.mean_years.values())
    return max(_census(scenario), highest(demand.entries_per_year) * growth * longest)


def check_memory(cost: Cost, source, available: float | None = None) -> None:
    """Refuse, before anything is allocated, a run that needs more memory than the machine has free."""
    available = available_memory() if available is None else available
    if available is not None and cost.bytes > available:
        raise InputError(source, "", (
            f"would need about {size(cost.bytes)} of memory and about {size(available)} is free: fewer "
            "replications, a shorter horizon or fewer processes (--jobs)"))


def available_memory() -> float | None:
    """Memory the system can give without swapping (Linux's MemAvailable), or None where unknown."""
    try:
        for line in MEMINFO.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def duration(seconds: float) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{max(1, minutes)} minute{'s' * (minutes > 1)}"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.0f} hours" if hours >= 10 else f"{hours:.1f} hours"
    return f"{hours / 24:,.0f} days"


def size(count: float) -> str:
    for unit, scale in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count / 2**10:,.0f} kB"


def _census(scenario) -> int:
    return sum(sum(by_band.values()) for by_band in scenario.initial_state.counts().values())
