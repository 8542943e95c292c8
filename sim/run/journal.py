"""A sweep's completed work units on disk, so that an interrupted sweep resumes where it stopped.

Each (variant, replication) result is a file of its own, written under a
temporary name and renamed, so a file is either whole or absent; a unit is
done exactly when its file exists, so a rerun skips it and never counts it
twice. When every replication of a variant is in, they are joined into one
file per variant. The journal records the identity of its sweep and refuses
to serve another. A file that cannot be read whole (a disk that filled, a
file cut short by hand) is set aside: its units run again.
"""

import io
import os
import re
import shutil
from pathlib import Path

import numpy as np

from sim.scenario.errors import InputError

IDENTITY = "identity"
UNIT_FILE = re.compile(r"(\d+)(?:-(\d+))?\.npy")  # a variant's joined file, or one replication's


class Journal:
    def __init__(self, directory: Path, replications: int):
        self.directory, self.replications = Path(directory), replications
        self._complete = set()  # variants with every replication joined
        self._units = {}  # variant -> replications done but not yet joined

    @classmethod
    def open(cls, directory, identity: str, replications: int) -> "Journal":
        """The journal in `directory`, created if absent; InputError if it holds another sweep's work."""
        journal = cls(directory, replications)
        marker = journal.directory / IDENTITY
        if journal.directory.exists() and not journal.directory.is_dir():
            raise InputError(journal.directory, "", "is in the way of the sweep's journal and is not one; move it")
        if marker.is_file() and marker.read_text(errors="replace") != identity:
            raise InputError(journal.directory, "", "holds an interrupted run of a different sweep (its file or a "
                                                    "scenario changed since); delete it to start afresh")
        journal.directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(marker, identity.encode())
        journal._scan()
        return journal

    def done(self, variant: int, replication: int) -> bool:
        return variant in self._complete or replication in self._units.get(variant, ())

    def count(self) -> int:
        return len(self._complete) * self.replications + sum(map(len, self._units.values()))

    def record(self, variant: int, replication: int, values: np.ndarray) -> None:
        _write_atomically(self._unit_path(variant, replication), _npy(values))
        self._units.setdefault(variant, set()).add(replication)
        if len(self._units[variant]) == self.replications:
            self._join(variant)

    def values(self, variant: int) -> np.ndarray:
        """replications x months x metrics of a complete variant."""
        path = self._variant_path(variant)
        try:
            return np.load(path)
        except (OSError, ValueError, EOFError):
            raise InputError(path, "", "cannot be read whole (cut short?); run the same command again to run "
                                       "its replications again") from None

    def remove(self) -> None:
        shutil.rmtree(self.directory)

    def _join(self, variant: int) -> None:
        paths = [self._unit_path(variant, replication) for replication in range(self.replications)]
        _write_atomically(self._variant_path(variant), _npy(np.stack([np.load(path) for path in paths])))
        self._complete.add(variant)
        del self._units[variant]
        for path in paths:
            path.unlink()

    def _scan(self) -> None:
        for path in self.directory.glob("*.npy.tmp"):  # written when the run was killed: never renamed
            path.unlink()
        for path in self.directory.glob("*.npy"):
            named = UNIT_FILE.fullmatch(path.name)
            if not named:
                continue  # not the journal's
            if not _whole(path):
                path.unlink()
                continue
            variant, replication = named.groups()
            if replication:
                self._units.setdefault(int(variant), set()).add(int(replication))
            else:
                self._complete.add(int(variant))
        for variant in self._complete & set(self._units):  # stopped between joining and tidying up
            for replication in self._units.pop(variant):
                self._unit_path(variant, replication).unlink()

    def _unit_path(self, variant: int, replication: int) -> Path:
        return self.directory / f"{variant}-{replication}.npy"

    def _variant_path(self, variant: int) -> Path:
        return self.directory / f"{variant}.npy"


def _whole(path: Path) -> bool:
    """Whether a journal file holds a whole array: its header reads and its data is all there."""
    try:
        np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError):
        return False
    return True


def _npy(values: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, values)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
