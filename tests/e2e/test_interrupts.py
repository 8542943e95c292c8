"""Real signals on real processes: Ctrl-C (SIGINT to the whole process group, as a terminal sends it), SIGTERM
to the command, and SIGKILL; and two runs racing for one --out. One line, exit 130 or 143, no worker
tracebacks, nothing half-written; after SIGKILL only staging that the next run clears."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"
STARTUP_SECONDS = 120  # importing pandas, scipy and matplotlib on a busy two-core machine


def start(*argv):
    """The command line in a process group of its own (so that SIGINT reaches it and its workers alone)."""
    return subprocess.Popen([sys.executable, "-m", "sim", *map(str, argv)], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def staging(out):
    return sorted(path.name for path in out.parent.iterdir() if path.name.startswith(f".{out.name}."))


def wait_for(condition, process, seconds=STARTUP_SECONDS):
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def long_run(out, *extra):
    return start("run", BASELINE, "--replications", "60", "--jobs", "2", "--out", out, *extra)


def group_alive(pgid) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("executor, sent, code", [
    ("processes", signal.SIGINT, 130), ("processes", signal.SIGTERM, 143), ("dask", signal.SIGINT, 130),
])
def test_a_signal_stops_the_run_with_one_line_and_nothing_written(tmp_path, executor, sent, code):
    if executor == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "out"
    process = long_run(out, "--executor", executor)
    wait_for(lambda: any(name.endswith(".partial") for name in staging(out)), process)
    time.sleep(2)  # replications under way in the workers
    if sent == signal.SIGINT:
        os.killpg(process.pid, sent)
    else:
        process.send_signal(sent)
    _, err = process.communicate(timeout=120)
    assert process.returncode == code
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("interrupted" if sent == signal.SIGINT else "stopped by SIGTERM")
    assert not out.exists() and staging(out) == []
    deadline = time.monotonic() + 30
    while group_alive(process.pid) and time.monotonic() < deadline:  # the workers go with it
        time.sleep(0.1)
    assert not group_alive(process.pid)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue
    return found


def test_a_worker_killed_from_outside_ends_the_run_with_one_line_not_a_wait_forever(tmp_path):
    out = tmp_path / "out"
    process = long_run(out)
    wait_for(lambda: any(name.endswith(".partial") for name in staging(out)) and len(children(process.pid)) >= 2,
             process)
    time.sleep(1)  # replications under way in the workers
    os.kill(children(process.pid)[0], signal.SIGKILL)  # as the system's out-of-memory killer would
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.count("\n") == 1 and "a worker process died" in err and "Traceback" not in err, err
    assert not out.exists() and staging(out) == []


def test_after_sigkill_only_staging_is_left_and_the_next_run_clears_it(tmp_path):
    out = tmp_path / "out"
    process = long_run(out)
    wait_for(lambda: any(name.endswith(".partial") for name in staging(out)), process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    left = staging(out)
    assert not out.exists() and any(name.endswith(".partial") for name in left)
    assert all(name.endswith((".partial", ".lock")) for name in left)
    again = start("run", BASELINE, "--replications", "1", "--set", "horizon_years=1", "--jobs", "1", "--out", out)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert (out / "manifest.json").is_file() and staging(out) == []


def test_of_two_runs_into_one_place_one_writes_and_the_other_stops_naming_it(tmp_path):
    out = tmp_path / "out"
    first = long_run(out, "--set", "horizon_years=2")
    wait_for(lambda: any(name.endswith(".partial") for name in staging(out)), first)
    second = start("run", BASELINE, "--replications", "1", "--set", "horizon_years=1", "--jobs", "1", "--out", out)
    _, err = second.communicate(timeout=300)
    assert second.returncode == 2 and err.count("\n") == 1
    assert f"{out}: another run is writing there now" in err
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert '"replications": 60' in (out / "manifest.json").read_text() and staging(out) == []
