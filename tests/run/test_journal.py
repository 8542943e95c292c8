"""The sweep journal: units done exactly once, joined per variant, and refused to another sweep."""

import numpy as np
import pytest

from sim.run.journal import Journal
from sim.scenario.errors import InputError


def test_units_are_joined_per_variant_and_survive_reopening(tmp_path):
    journal = Journal.open(tmp_path / "j", "sweep-a", replications=2)
    journal.record(0, 1, np.full((3, 2), 1.0))
    journal.record(0, 0, np.full((3, 2), 0.0))
    journal.record(1, 0, np.full((3, 2), 5.0))
    assert sorted(p.name for p in (tmp_path / "j").glob("*.npy")) == ["0.npy", "1-0.npy"]
    reopened = Journal.open(tmp_path / "j", "sweep-a", replications=2)
    assert reopened.count() == 3 and reopened.done(0, 1) and reopened.done(1, 0) and not reopened.done(1, 1)
    assert reopened.values(0)[:, 0, 0].tolist() == [0.0, 1.0]


def test_units_left_over_after_a_join_are_tidied_not_counted_twice(tmp_path):
    journal = Journal.open(tmp_path / "j", "sweep-a", replications=2)
    journal.record(0, 0, np.zeros((1, 1)))
    journal.record(0, 1, np.ones((1, 1)))
    np.save(tmp_path / "j" / "0-1.npy", np.ones((1, 1)))  # as if stopped between joining and tidying up
    assert Journal.open(tmp_path / "j", "sweep-a", replications=2).count() == 2
    assert not (tmp_path / "j" / "0-1.npy").exists()


def test_another_sweeps_journal_is_refused(tmp_path):
    Journal.open(tmp_path / "j", "sweep-a", replications=2)
    with pytest.raises(InputError, match="different sweep"):
        Journal.open(tmp_path / "j", "sweep-b", replications=2)


def test_a_file_cut_short_is_run_again_not_a_traceback(tmp_path):
    journal = Journal.open(tmp_path / "j", "sweep-a", replications=3)
    journal.record(0, 0, np.zeros((4, 2)))
    journal.record(0, 1, np.ones((4, 2)))
    unit = tmp_path / "j" / "0-1.npy"
    unit.write_bytes(unit.read_bytes()[:-5])
    (tmp_path / "j" / "0-2.npy.tmp").write_bytes(b"\x93NUMPY")  # killed while writing
    (tmp_path / "j" / "notes.npy").write_bytes(b"")  # not the journal's
    reopened = Journal.open(tmp_path / "j", "sweep-a", replications=3)
    assert reopened.count() == 1 and reopened.done(0, 0) and not reopened.done(0, 1)
    assert sorted(p.name for p in (tmp_path / "j").iterdir()) == ["0-0.npy", "identity", "notes.npy"]


def test_a_joined_file_cut_short_reruns_its_variant(tmp_path):
    journal = Journal.open(tmp_path / "j", "sweep-a", replications=1)
    journal.record(0, 0, np.zeros((4, 2)))
    joined = tmp_path / "j" / "0.npy"
    joined.write_bytes(joined.read_bytes()[:60])
    assert Journal.open(tmp_path / "j", "sweep-a", replications=1).count() == 0
