"""`sufficiency calibrate` then `sufficiency backtest` on a return, as the command-line and privacy tests run them."""

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from ssda903_samples import D2I_SAMPLE, SF_SAMPLE

from sim.cli import main

# Few replications: these runs check that the commands work and what they write, not the fit's quality.
QUICK = ["--fit-replications", "1", "--replications", "4", "--jobs", "1"]


@dataclass(frozen=True)
class CommandRun:
    """`sufficiency calibrate` then `sufficiency backtest` on one return: exit codes, what they printed, and
    the directory holding everything they wrote (baseline.yaml, baseline_calibration/, backtest/)."""

    name: str
    data: Path
    la: str | None
    out: Path
    exit_codes: tuple[int, int]
    printed: str


RETURNS = {  # directory (None: a small synthetic return), authority, back-test date
    "d2i": (D2I_SAMPLE, None, "2020-04-01"),
    "sf-Southwark": (SF_SAMPLE, "Southwark", "2020-04-01"),
    "synthetic": (None, None, "2019-04-01"),
}
RUN_NAMES = list(RETURNS)  # each run takes five to ten seconds, most of it drawing charts


def run_commands(name: str, out: Path, data: Path, la, as_of) -> CommandRun:
    source = ["--ssda903", str(data), *(["--la", la] if la else [])]
    printed = io.StringIO()
    with redirect_stdout(printed), redirect_stderr(printed):
        codes = (
            main(["calibrate", *source, "--out", str(out / "baseline.yaml"), *QUICK]),
            main(["backtest", *source, "--as-of", as_of, "--out", str(out / "backtest"), *QUICK]),
        )
    return CommandRun(name, data, la, out, codes, printed.getvalue())
