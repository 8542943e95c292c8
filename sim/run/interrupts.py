"""Stopping cleanly: Ctrl-C (SIGINT) and SIGTERM end a command with one line and nothing half-written.

In the command's own process SIGINT raises KeyboardInterrupt (Python's default) and SIGTERM raises
`Terminated`, so that every staging directory is removed on the way out (sim.run.destination) and the command
line exits 130 or 143. Worker processes ignore SIGINT (the terminal sends it to every process of the job:
only the parent acts on it) and die quietly on SIGTERM, which is how the parent stops them. After SIGKILL
nothing can run: the next run into the same place clears what was left.
"""

import contextlib
import signal

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + the signal's number, as shells report it


class Terminated(BaseException):
    """SIGTERM arrived: like KeyboardInterrupt, not an Exception, so that no `except Exception` swallows it."""


def exit_code(stop: BaseException) -> int:
    return EXIT_CODES[signal.SIGTERM if isinstance(stop, Terminated) else signal.SIGINT]


def described(stop: BaseException) -> str:
    return "stopped by SIGTERM" if isinstance(stop, Terminated) else "interrupted"


@contextlib.contextmanager
def terminate_raises():
    """Within: SIGTERM raises Terminated in the main thread. The previous handler is put back after."""
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def interrupts_ignored():
    """Within: SIGINT is ignored, so that processes started here ignore it too (a started Python keeps an
    ignored SIGINT ignored), and SIGTERM is the default, so that they die quietly when stopped."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN), signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])


def quiet_worker() -> None:
    """A worker process's initializer: as `interrupts_ignored`, for processes forked before it applied."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _raise_terminated(signum, frame):
    raise Terminated()
