"""Where results go, without ever losing a user's files.

A results directory (or a calibrated scenario file) is written under a staging name unique to the run and
renamed into place only when complete, while the run holds a lock on the final name: of two runs into one
place, one writes and the other stops at once, naming it. What is already there is replaced only if it is
results of ours (a directory with our manifest.json) and the user said --force; a folder of anything else, or
a file, is never replaced. Staging left by a run that was killed outright is cleared by the next run into the
same place. A name (a scenario's, an authority's) becomes a directory name only as one safe path component.
"""

import contextlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from sim.scenario.errors import InputError
from sim.scenario.reading import read_text

try:
    import fcntl
except ImportError:  # not POSIX: runs into one place are not kept apart
    fcntl = None

MANIFEST = "manifest.json"
MAX_COMPONENT = 80
MAX_FINAL_NAME = 200  # the staging name adds about 20 characters; file systems allow 255
_held = {}  # final path -> (lock descriptor, depth): a run may claim the place it holds again


def safe_component(name: str, limit: int = MAX_COMPONENT) -> str:
    """`name` as one path component of letters, digits, '_', '.' and '-', at most `limit` long: never empty,
    '.', '..' or hidden."""
    text = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._-")[:limit].strip("._-")
    return text or "unnamed"


def is_our_results(directory: Path) -> bool:
    """Whether `directory` holds a manifest.json written by this program."""
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(read_text(path, 2**20))
    except (InputError, ValueError):
        return False
    return isinstance(manifest, dict) and "package_version" in manifest


def target(final, force: bool = False, flag: str = "--out") -> Path:
    """The absolute path results will take, if writing there loses nothing; otherwise an InputError naming it
    and what to do. `flag` is the option that names the place."""
    given = final
    final = Path(os.path.abspath(final))
    if final.parent == final or not final.name:
        raise InputError(given, "", f"cannot hold results (the root of a file system); choose another {flag}")
    if len(final.name.encode()) > MAX_FINAL_NAME:
        raise InputError(given, "", f"the name is too long (at most {MAX_FINAL_NAME} bytes); choose another {flag}")
    if final.is_symlink() or final.exists():
        _check_replaceable(final, given, force, flag)
    return final


def file_target(final, force: bool = False, flag: str = "--out") -> Path:
    """The absolute path of a file to write, if writing there loses nothing (see `target`)."""
    given, final = final, Path(os.path.abspath(final))
    if final.is_dir():
        raise InputError(given, "", f"is a directory; choose a file name for {flag}")
    if final.exists() and not force:
        raise InputError(given, "", "exists; add --force to replace it")
    if len(final.name.encode()) > MAX_FINAL_NAME:
        raise InputError(given, "", f"the name is too long (at most {MAX_FINAL_NAME} bytes); choose another {flag}")
    return final


def _check_replaceable(final: Path, given, force: bool, flag: str) -> None:
    if not final.is_dir() or final.is_symlink():
        raise InputError(given, "", f"exists and is not a results directory; nothing was replaced: choose another "
                                    f"{flag}")
    if not any(final.iterdir()):
        return
    if not is_our_results(final):
        raise InputError(given, "", f"exists and holds other files (no {MANIFEST} of this program's); nothing was "
                                    f"replaced: choose another {flag}")
    if not force:
        raise InputError(given, "", "already holds results; add --force to replace them")


@contextlib.contextmanager
def claimed(final: Path, given=None):
    """Hold the lock on `final` (a hidden file beside it, removed on release); another run holding it is an
    InputError naming `given`. Staging that a killed run left behind is cleared."""
    final = Path(os.path.abspath(final))
    if final in _held:
        descriptor, depth = _held[final]
        _held[final] = descriptor, depth + 1
        try:
            yield final
        finally:
            _held[final] = descriptor, depth
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    lock = final.parent / f".{final.name}.lock"
    descriptor = _lock(lock, given if given is not None else final)
    _held[final] = descriptor, 0
    try:
        _clear_leftovers(final)
        yield final
    finally:
        del _held[final]
        _unlock(lock, descriptor)


@contextlib.contextmanager
def staged_directory(final, force: bool = False, flag: str = "--out"):
    """Yield a new staging directory beside `final`; on success it takes `final`'s place (see the module's
    docstring), on any failure or interrupt it is removed and `final` is left as it was."""
    given = final
    final = target(final, force, flag)
    with claimed(final, given):
        staging = _readable(Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)),
                            0o777)
        try:
            yield staging
            target(final, force, flag)  # another program may have made it meanwhile
            _swap_in(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


@contextlib.contextmanager
def staged_file(final, force: bool = False, flag: str = "--out"):
    """Yield a staging path for the file `final`, renamed over it on success: an existing file is replaced only
    with --force, and never a directory."""
    given, final = final, file_target(final, force, flag)
    with claimed(final, given):
        descriptor, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=final.parent)
        os.close(descriptor)
        _readable(Path(name), 0o666)
        try:
            yield Path(name)
            file_target(final, force, flag)  # another program may have made it meanwhile
            os.replace(name, final)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def _swap_in(staging: Path, final: Path) -> None:
    retired = None
    if final.is_symlink() or final.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
        os.replace(final, retired / final.name)
    os.rename(staging, final)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def _clear_leftovers(final: Path) -> None:
    """A run killed outright (SIGKILL, a power cut) leaves its staging: the lock says no run owns it now."""
    leftover = re.compile(rf"\.{re.escape(final.name)}(\.[a-z0-9_]{{8}})?\.(partial|old)")
    for left in final.parent.iterdir():
        if leftover.fullmatch(left.name):
            if left.is_dir() and not left.is_symlink():
                shutil.rmtree(left, ignore_errors=True)
            else:
                left.unlink(missing_ok=True)


def _readable(path: Path, mode: int) -> Path:
    """Staging is made private to this user; results get the permissions any new file would."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, mode & ~umask)
    return path


def _lock(path: Path, given) -> int:
    while True:
        descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
        if fcntl is None:
            return descriptor
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise InputError(given, "", "another run is writing there now; wait for it to finish or choose another "
                                        "place") from None
        try:
            if os.stat(path).st_ino == os.fstat(descriptor).st_ino:
                return descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)  # its holder removed it as we opened it: take the new one


def _unlock(path: Path, descriptor: int) -> None:
    path.unlink(missing_ok=True)
    os.close(descriptor)
