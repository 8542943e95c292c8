import copy
from pathlib import Path

import pytest

from sim.run.runner import RunShape, replications
from sim.scenario.files import load_scenario, validate_raw

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def run_values(scenario, jobs: int = 1) -> dict:
    """metric name -> array (replications x months) for every replication of `scenario`."""
    import numpy as np

    shape = RunShape.of(scenario)
    values = np.array([result for _, result in replications(scenario, scenario.replications, jobs)])
    return {metric: values[:, :, index] for index, metric in enumerate(shape.metrics)}


@pytest.fixture
def baseline():
    return load_scenario(SCENARIOS / "baseline.yaml")


def built(base: dict, **sections):
    """`base` (a raw scenario) with each `section__key=value` set, validated."""
    raw = copy.deepcopy(base)
    for path, value in sections.items():
        *parents, leaf = path.split("__")
        node = raw
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return validate_raw(raw, "test")
