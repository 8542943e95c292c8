"""Figures SSDA903 cannot give: published figures and stated assumptions shipped in calibration/data
(see its README), each overridable by name from the user's own figures file."""

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from calibration.errors import DataError
from calibration.ssda903 import read_csv_text

DATA = Path(__file__).with_name("data")
DEFAULT_FILES = (DATA / "published_figures.csv", DATA / "assumed_figures.csv")
COLUMNS = ("AREA", "PARAMETER", "VALUE", "UNIT", "PERIOD", "SOURCE", "STRENGTH")
ASSUMPTION = "assumption"
NUMBER_OR_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$")


@dataclass(frozen=True)
class Figure:
    area: str
    parameter: str
    written: str  # the value as written: a number, or a range low-high
    unit: str
    period: str
    source: str
    strength: str

    @property
    def value(self) -> float:
        """The number, or a range's mid-point."""
        low, high = NUMBER_OR_RANGE.match(self.written).groups()
        return (float(low) + float(high or low)) / 2

    def cite(self) -> str:
        if self.strength == ASSUMPTION:
            return f"assumption: {self.source}"
        return f"figures: {self.area}, {self.parameter}, {self.period}"


def load_figures(own_file=None) -> dict[str, Figure]:
    """The shipped figures by parameter name, with the user's own file's rows in place of theirs."""
    figures = {}
    for path in DEFAULT_FILES:
        figures.update(read_figures(path))
    if own_file is not None:
        own = read_figures(own_file)
        for name in own:
            if name not in figures:
                raise DataError(own_file, "PARAMETER", _unknown(name, figures))
        figures.update(own)
    return figures


def read_figures(path) -> dict[str, Figure]:
    table = read_csv_text(Path(path), COLUMNS).fillna("")
    figures = {}
    for row in table.itertuples(index=False):
        figure = Figure(*(getattr(row, column) for column in COLUMNS))
        if figure.parameter in figures:
            raise DataError(path, "PARAMETER", f"{figure.parameter!r} is given twice; give each figure once")
        if not NUMBER_OR_RANGE.match(figure.written):
            raise DataError(path, "VALUE", f"{figure.parameter}: expected a number or a range low-high, "
                                           f"got {figure.written!r}")
        figures[figure.parameter] = figure
    return figures


def _unknown(name, figures) -> str:
    near = difflib.get_close_matches(name, list(figures), n=1, cutoff=0.5)
    hint = f"did you mean {near[0]!r}?" if near else f"known figures are {', '.join(sorted(figures))}"
    return f"unknown figure {name!r}; {hint}"
