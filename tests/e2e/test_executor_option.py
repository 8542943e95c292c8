"""`--executor dask` on the command line: the same files as local processes, and one-line errors."""

import sys

import pytest

from sim.cli import main
from tests.conftest import SCENARIOS

REPRODUCIBLE = ["scenario.yaml", "timeseries.parquet", "summary.csv", "charts/out_of_county.csv"]


def run(out_dir, *extra):
    return main(["run", str(SCENARIOS / "baseline.yaml"), "--replications", "3", "--set", "horizon_years=1",
                 "--jobs", "2", "--out", str(out_dir), *extra])


@pytest.fixture(scope="module")
def on_processes(tmp_path_factory):
    out = tmp_path_factory.mktemp("processes") / "run"
    assert run(out) == 0
    return out


def same_files(one, other):
    for name in REPRODUCIBLE:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_run_on_a_dask_local_cluster_gives_the_files_of_local_processes(on_processes, tmp_path):
    pytest.importorskip("distributed")
    assert run(tmp_path / "dask", "--executor", "dask") == 0
    same_files(on_processes, tmp_path / "dask")


def test_run_on_a_running_scheduler_gives_the_files_of_local_processes(on_processes, tmp_path):
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None)
    with cluster:
        assert run(tmp_path / "remote", "--executor", "dask", "--scheduler", cluster.scheduler_address) == 0
    same_files(on_processes, tmp_path / "remote")


@pytest.mark.parametrize("extra, expected", [
    (["--executor", "dask"], "--executor dask: needs the distributed extra: pip install 'sufficiency[distributed]'"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler: is the address of a Dask scheduler; add --executor dask"),
    (["--executor", "spark"], "invalid choice: 'spark'"),
])
def test_executor_mistakes_exit_2_with_one_line(tmp_path, capsys, monkeypatch, extra, expected):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert run(tmp_path / "out", *extra) == 2
    message = capsys.readouterr().err
    assert expected in message and message.count("\n") == 1, message
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_compare_on_dask_gives_the_files_of_local_processes(tmp_path):
    pytest.importorskip("distributed")
    for name, households in (("base", 140), ("more_carers", 180)):
        (tmp_path / f"{name}.yaml").write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: {name}\n"
                                               f"horizon_years: 1\ncarers: {{initial_households: {households}}}\n")
    for executor in ("processes", "dask"):
        argv = ["compare", str(tmp_path / "base.yaml"), str(tmp_path / "more_carers.yaml"), "--replications", "2",
                "--jobs", "2", "--executor", executor, "--out", str(tmp_path / executor)]
        assert main(argv) == 0
    for name in ("timeseries.parquet", "summary.csv", "differences.csv", "headline.csv"):
        assert (tmp_path / "processes" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
