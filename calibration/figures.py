"""Figures SSDA903 cannot give: published figures and stated assumptions shipped in calibration/data
(see its README), each overridable by name from the user's own figures file, and the council's own
yearly carer-supply figures ("Fostering in England"), which only the user's file gives.

A figure is given once; a yearly figure once per collection year (its period, such as 2021-22: counts
over 1 April 2021 to 31 March 2022, or households and places at that 31 March).
"""

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from calibration.errors import DataError
from calibration.ssda903 import read_csv_text

DATA = Path(__file__).with_name("data")
DEFAULT_FILES = (DATA / "published_figures.csv", DATA / "assumed_figures.csv")
COLUMNS = ("AREA", "PARAMETER", "VALUE", "UNIT", "PERIOD", "SOURCE", "STRENGTH")
ASSUMPTION = "assumption"
NUMBER_OR_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$")
WHOLE = re.compile(r"^\d+$")
COLLECTION_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_DATA_LINE = 2  # the header is line 1
# The council's own Ofsted "Fostering in England" figures for mainstream fostering, a row per collection year.
YEARLY = {
    "mainstream_households": "households approved at 31 March",
    "mainstream_households_approved": "households approved in the year",
    "mainstream_households_deregistered": "households deregistered in the year",
    "mainstream_initial_enquiries": "initial enquiries in the year",
    "mainstream_applications": "applications in the year",
    "mainstream_approved_places": "approved places at 31 March",
    "mainstream_filled_places": "filled places at 31 March",
}


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

    @property
    def year_end(self) -> dt.date:
        """The 31 March ending a yearly figure's collection year."""
        return dt.date(int(COLLECTION_YEAR.match(self.period)[1]) + 1, 3, 31)

    def cite(self) -> str:
        if self.strength == ASSUMPTION:
            return f"assumption: {self.source}"
        return f"figures: {self.area}, {self.parameter}, {self.period}"


@dataclass(frozen=True)
class Figures(Mapping):
    """The figures by parameter name, and the yearly ones by parameter and the 31 March ending their year."""

    single: dict[str, Figure]
    yearly: dict[str, dict[dt.date, Figure]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Figure:
        return self.single[name]

    def __iter__(self):
        return iter(self.single)

    def __len__(self) -> int:
        return len(self.single)

    def listed(self) -> list[Figure]:
        """Every figure, the yearly ones by parameter and year."""
        return [*self.single.values(), *(f for by_year in self.yearly.values() for _, f in sorted(by_year.items()))]

    def series(self, name: str) -> dict[dt.date, Figure]:
        """A yearly figure by the 31 March ending each year given, in order (empty if none is given)."""
        return dict(sorted(self.yearly.get(name, {}).items()))

    def up_to(self, date) -> "Figures":
        """As known on `date`: the yearly figures of years ending by then."""
        kept = {name: {end: f for end, f in by_year.items() if end <= date} for name, by_year in self.yearly.items()}
        return Figures(self.single, {name: by_year for name, by_year in kept.items() if by_year})


def load_figures(own_file=None) -> Figures:
    """The shipped figures by parameter name, with the user's own file's rows in place of theirs, and the
    user's yearly figures."""
    single = {}
    for path in DEFAULT_FILES:
        single.update(read_figures(path).single)
    if own_file is None:
        return Figures(single)
    own = read_figures(own_file, known=set(single) | set(YEARLY))
    return Figures({**single, **own.single}, own.yearly)


def read_figures(path, known=None) -> Figures:
    """The rows of one figures file; `known` (if given) the parameter names it may use."""
    table = read_csv_text(Path(path), COLUMNS).fillna("")
    single, yearly, lines = {}, {}, {}
    for line, row in enumerate(table.itertuples(index=False), start=FIRST_DATA_LINE):
        figure = Figure(*(getattr(row, column) for column in COLUMNS))
        where = f"{path}: line {line}"
        if known is not None and figure.parameter not in known:
            raise DataError(where, "PARAMETER", _unknown(figure.parameter, known))
        if figure.parameter in YEARLY:
            by_year = yearly.setdefault(figure.parameter, {})
            _check_yearly(figure, where, by_year)
            by_year[figure.year_end] = figure
            lines[figure.parameter, figure.year_end] = line
            continue
        if figure.parameter in single:
            raise DataError(where, "PARAMETER", f"{figure.parameter!r} is given twice; give each figure once")
        if not NUMBER_OR_RANGE.match(figure.written):
            raise DataError(where, "VALUE", f"{figure.parameter}: expected a number or a range low-high, "
                                            f"got {figure.written!r}")
        single[figure.parameter] = figure
    _check_places(yearly, path, lines)
    return Figures(single, yearly)


def _check_yearly(figure: Figure, where: str, by_year: dict) -> None:
    name = figure.parameter
    year = COLLECTION_YEAR.match(figure.period)
    if not year or (int(year[1]) + 1) % 100 != int(year[2]):
        raise DataError(where, "PERIOD", f"{name}: expected a collection year such as 2021-22 (1 April 2021 to "
                                         f"31 March 2022), got {figure.period!r}")
    if not WHOLE.match(figure.written):
        raise DataError(where, "VALUE", f"{name}: expected a whole number ({YEARLY[name]}), got {figure.written!r}")
    if figure.year_end in by_year:
        raise DataError(where, "PERIOD", f"{name} for {figure.period} is given twice; give each year once")


def _check_places(yearly: dict, path, lines: dict) -> None:
    approved = yearly.get("mainstream_approved_places", {})
    for end, filled in yearly.get("mainstream_filled_places", {}).items():
        if end in approved and filled.value > approved[end].value:
            line = lines["mainstream_filled_places", end]
            raise DataError(f"{path}: line {line}", "VALUE", (
                f"mainstream_filled_places for {filled.period} ({filled.written}) is more than that year's "
                f"mainstream_approved_places ({approved[end].written}); expected at most the places approved"))


def _unknown(name, known) -> str:
    near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    hint = f"did you mean {near[0]!r}?" if near else f"known figures are {', '.join(sorted(known))}"
    return f"unknown figure {name!r}; {hint}"
