"""A scenario library in a temporary folder: the shipped baseline cut to one year (so runs take a second), a
scenario whose description holds HTML, and an empty folder of the user's own."""

import time
from pathlib import Path

import pytest

from sim.run.executors import Serial
from sim.web.jobs import JobQueue
from sim.web.library import Library
from sim.web.results import Results

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<script>document.title="owned"</script><img src=x onerror="alert(1)">'


def short_library(folder: Path) -> tuple[Path, Path, Path]:
    """(shipped, yours, results) folders under `folder`; shipped holds a one-year baseline."""
    shipped, yours, results = folder / "shipped", folder / "yours", folder / "results"
    for made in (shipped, yours, results):
        made.mkdir()
    text = (ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    assert "\nhorizon_years: 10\n" in text
    (shipped / "baseline.yaml").write_text(text.replace("\nhorizon_years: 10\n", "\nhorizon_years: 1\n"),
                                           encoding="utf-8")
    return shipped, yours, results


def wait_for(queue: JobQueue, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not queue.idle():
        assert time.monotonic() < deadline, "jobs did not finish in time"
        time.sleep(0.1)


@pytest.fixture
def folders(tmp_path):
    shipped, yours, results = short_library(tmp_path)
    (shipped / "hostile.yaml").write_text(f"extends: baseline.yaml\nname: hostile\ndescription: '{HOSTILE}'\n",
                                          encoding="utf-8")
    return shipped, yours, results


@pytest.fixture
def served(folders):
    """(app, queue, folders) with jobs run in the test's process, one replication at a time."""
    from sim.web.app import create_app

    shipped, yours, results = folders
    queue = JobQueue(results, Serial(), 1)
    return create_app(Library(shipped, yours), Results(results), queue), queue, folders
