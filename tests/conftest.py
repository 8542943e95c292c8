from pathlib import Path

import pytest

from sim.run.runner import RunShape, replications
from sim.scenario.files import load_scenario

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
