"""The results folder: directories written by runs and comparisons, and the few files of each that are served.

A result is named by its directory's name, one safe path component directly inside the folder (a symlink out
is refused); only the files a results directory is known to hold are ever served from it."""

import re
from dataclasses import dataclass
from pathlib import Path

from sim.report.chart_set import CHART_STEMS, chart_sheet
from sim.run.destination import is_our_results
from sim.run.saved_results import load_results
from sim.run.timeseries import PARQUET
from sim.web.library import NotFound

RESULT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
DOWNLOADS = {  # file -> (what it is, media type)
    "pack.html": ("Committee pack (HTML)", "text/html; charset=utf-8"),
    "pack.xlsx": ("Workbook (Excel)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    PARQUET: ("Time series (Parquet)", "application/vnd.apache.parquet"),
    "timeseries.csv": ("Time series (CSV)", "text/csv; charset=utf-8"),
    "summary.csv": ("Summary (CSV)", "text/csv; charset=utf-8"),
    "headline.csv": ("Headline table (CSV)", "text/csv; charset=utf-8"),
    "differences.csv": ("Differences from the base (CSV)", "text/csv; charset=utf-8"),
}
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class Chart:
    stem: str
    title: str


class Results:
    def __init__(self, folder: Path):
        self.folder = Path(folder).resolve()

    def names(self) -> list[str]:
        """Results directories in the folder, newest first."""
        if not self.folder.is_dir():
            return []
        found = [path for path in self.folder.iterdir()
                 if RESULT.fullmatch(path.name) and path.is_dir() and not path.is_symlink() and is_our_results(path)]
        return [path.name for path in sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)]

    def directory(self, name: str) -> Path:
        if not RESULT.fullmatch(name or ""):
            raise NotFound(name)
        path = self.folder / name
        if path.is_symlink() or not path.is_dir() or path.resolve().parent != self.folder or not is_our_results(path):
            raise NotFound(name)
        return path

    def saved(self, name: str):
        return load_results(self.directory(name))

    def file(self, name: str, relative: str) -> tuple[Path, str]:
        """(path, media type) of a served file of result `name`: a download or a chart; NotFound otherwise."""
        directory = self.directory(name)
        if relative in DOWNLOADS:
            path, media = directory / relative, DOWNLOADS[relative][1]
        else:
            folder, _, file = relative.partition("/")
            stem, _, kind = file.rpartition(".")
            if folder != "charts" or stem not in CHART_STEMS or kind not in CHART_TYPES:
                raise NotFound(relative)
            path, media = directory / "charts" / file, CHART_TYPES[kind]
        if path.is_symlink() or not path.is_file():
            raise NotFound(relative)
        return path, media

    def downloads(self, name: str) -> list[tuple[str, str]]:
        directory = self.directory(name)
        return [(file, title) for file, (title, _) in DOWNLOADS.items() if (directory / file).is_file()]

    def charts(self, name: str) -> list[Chart]:
        directory = self.directory(name) / "charts"
        return [Chart(stem, chart_sheet(stem)) for stem in CHART_STEMS if (directory / f"{stem}.svg").is_file()]
