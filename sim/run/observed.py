"""Observed series (DESIGN.md section 5): what happened, as points a run can be scored on.

A tidy CSV with columns date, metric, value, source (scenarios/observed/*.csv). `date` is a day (YYYY-MM-DD)
or a month (YYYY-MM): a point is compared with the run's value at the end of that month. `metric` is a metric
of the outputs (children_in_care, placed_out_of_county, in_house_households, placed:<option>, ...), or
`share_in_county` (placed in county over children in care), or `placed:<a>+<b>+...`, the sum of several
options (children fostered, say). `source` says where the figure comes from.
"""

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.model.calendar import Calendar
from sim.scenario.errors import InputError

COLUMNS = ("date", "metric", "value", "source")
SHARE_IN_COUNTY = "share_in_county"
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Point:
    date: dt.date  # the month end it is compared at
    metric: str
    value: float
    source: str
    line: int


def read_observed(path, scenario, metrics: list) -> tuple[Point, ...]:
    """The points of an observed-series file, each checked against `scenario`'s horizon and `metrics`."""
    path = Path(path)
    rows = list(csv.DictReader(io.StringIO(_text(path))))
    if not rows or set(COLUMNS) - set(rows[0]):
        raise InputError(path, "", f"expected a CSV with columns {', '.join(COLUMNS)}")
    ends = Calendar.for_scenario(scenario).month_ends()
    return tuple(_point(path, number, row, ends, metrics) for number, row in enumerate(rows, start=2))


def values_of(metric: str, runs: np.ndarray, metrics: list) -> np.ndarray:
    """replications x months of an observed metric from every replication's monthly values."""
    if metric == SHARE_IN_COUNTY:
        in_care = runs[:, :, metrics.index("children_in_care")]
        placed = runs[:, :, metrics.index("placed_in_county")]
        return np.divide(placed, in_care, out=np.zeros_like(placed), where=in_care > 0)
    if metric.startswith("placed:") and "+" in metric:
        options = metric.removeprefix("placed:").split("+")
        return sum(runs[:, :, metrics.index(f"placed:{option}")] for option in options)
    return runs[:, :, metrics.index(metric)]


def _text(path: Path) -> str:
    try:
        if not path.is_file():
            raise InputError(path, "", "file not found" if not path.exists() else "not a regular file")
        if path.stat().st_size > MAX_BYTES:
            raise InputError(path, "", f"larger than {MAX_BYTES:,} bytes; an observed series is a few hundred rows")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "", "not UTF-8 text; save it as CSV (UTF-8)") from None
    except OSError as error:
        raise InputError(path, "", f"cannot be read ({error.strerror})") from None


def _point(path: Path, line: int, row: dict, ends: list, metrics: list) -> Point:
    where = f"line {line}"
    date = _month_end(path, where, row["date"] or "", ends)
    metric = (row["metric"] or "").strip()
    if not _known(metric, metrics):
        raise InputError(path, where, f"unknown metric '{metric}'; expected one of the run's metrics (such as "
                                      f"children_in_care, placed_out_of_county), {SHARE_IN_COUNTY}, or "
                                      "placed:<option>+<option>")
    try:
        value = float(row["value"])
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError(path, where, f"value: expected a number of at least 0, got '{row['value']}'")
    if metric == SHARE_IN_COUNTY and value > 1:
        raise InputError(path, where, f"value: a share is between 0 and 1, got {value:g}")
    return Point(date, metric, value, (row["source"] or "").strip(), line)


def _month_end(path: Path, where: str, text: str, ends: list) -> dt.date:
    text = text.strip()
    try:
        day = dt.date.fromisoformat(text if len(text) != 7 else f"{text}-01")
    except ValueError:
        raise InputError(path, where, f"date: expected YYYY-MM-DD or YYYY-MM, got '{text}'") from None
    for end in ends:
        if (end.year, end.month) == (day.year, day.month):
            return end
    raise InputError(path, where, f"date {text} is outside the scenario's horizon, {ends[0]:%B %Y} to "
                                  f"{ends[-1]:%B %Y}")


def _known(metric: str, metrics: list) -> bool:
    if metric == SHARE_IN_COUNTY or metric in metrics:
        return True
    if metric.startswith("placed:") and "+" in metric:
        return all(f"placed:{option}" in metrics for option in metric.removeprefix("placed:").split("+"))
    return False
