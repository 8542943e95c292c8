import pytest
import synthetic
from command_runs import RETURNS, CommandRun, run_commands
from ssda903_samples import SYNTHETIC_SEED

from calibration.calibrate import Settings, calibrate, write_calibration
from calibration.figures import load_figures
from calibration.fit import FitSettings
from calibration.history import load_care_history
from sim.report.calibration import write_report


@pytest.fixture(scope="session")
def truth():
    return synthetic.Truth()


@pytest.fixture(scope="session")
def synthetic_return(tmp_path_factory, truth):
    """The per-year directory and the true census of children in care on its last day."""
    directory = tmp_path_factory.mktemp("synthetic")
    census = synthetic.write_return(directory, truth, SYNTHETIC_SEED)
    return directory, census


@pytest.fixture(scope="session")
def synthetic_history(synthetic_return):
    return load_care_history(synthetic_return[0])


@pytest.fixture(scope="session")
def command_runs(tmp_path_factory):
    """name -> CommandRun (see command_runs.py), each run once, when first asked for."""
    runs = {}

    def run(name: str) -> CommandRun:
        if name not in runs:
            data, la, as_of = RETURNS[name]
            if data is None:
                data = tmp_path_factory.mktemp("small_synthetic")
                synthetic.write_return(data, synthetic.Truth(entries_per_year=100.0), SYNTHETIC_SEED)
            runs[name] = run_commands(name, tmp_path_factory.mktemp(name), data, la, as_of)
        return runs[name]

    return run


@pytest.fixture(scope="session")
def synthetic_calibration(tmp_path_factory, synthetic_history):
    """The synthetic return calibrated (fit with one replication a candidate) and written: (calibration, path)."""
    settings = Settings(area="Testshire", fit=FitSettings(replications=1, jobs=1))
    calibration = calibrate(synthetic_history, load_figures(), settings)
    path = tmp_path_factory.mktemp("calibrated") / "testshire.yaml"
    write_calibration(calibration, path, write_report)
    return calibration, path
