"""Every chart and table of a results directory, built from its saved files only.

`sufficiency run` and `sufficiency compare` call `present` on their staging
directory once the results are written; `sufficiency charts` calls `republish`,
so a rebuild gives the same files as the original run.
"""

import os
import shutil
from pathlib import Path

from sim.report.chart_set import write_charts
from sim.report.pack import write_pack
from sim.report.style import Style
from sim.run.destination import claimed
from sim.run.saved_results import load_results

PRESENTED = ("charts", "pack.html", "pack.xlsx")


def publish(saved, into: Path, style) -> None:
    """Write charts/ and the committee pack into `into` from `saved` results."""
    specs = write_charts(saved, Path(into) / "charts", style)
    write_pack(saved, specs, Path(into), style)


def present(directory: Path) -> None:
    """The charts and the pack of a results directory just written, in the default style."""
    publish(load_results(directory), directory, Style())


def republish(saved, style) -> None:
    """Rebuild in place: build beside the results, then swap each presented file in; on failure change nothing."""
    directory = saved.directory
    with claimed(directory):  # a run writing there, or another rebuild, stops this one at once
        staging = directory / ".presented.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            publish(saved, staging, style)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        for name in PRESENTED:
            if (staging / name).exists():
                _replace(staging / name, directory / name, staging / f"old-{name}")
        shutil.rmtree(staging)


def _replace(new: Path, old: Path, retired: Path) -> None:
    if old.is_dir():
        old.rename(retired)
    os.replace(new, old)
