"""History matching (`sufficiency fit`): free parameters fitted so that a run's median tracks observed points.

Every candidate runs the scenario to the last observed month with the same seed and replications (common random
numbers), so the score is a deterministic function of the candidate and the fit is reproducible. The score is
the sum over the points of the squared relative error of the median across replications. One free parameter is
fitted by scipy's bounded scalar minimiser; several by Nelder and Mead's simplex search with bounds, on each
parameter scaled to its range, from the best of a coarse grid (which keeps it out of valleys far from the fit).
A whole-number key (households, capacities) is rounded in every candidate.
"""

import itertools
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

from sim.run.observed import Point, values_of
from sim.run.outputs import staged_directory
from sim.run.runner import RunShape, replications
from sim.scenario.errors import InputError
from sim.scenario.files import load_scenario, validate_raw
from sim.scenario.sweep_file import value_at
from sim.scenario.uncertainty import for_mode

TOLERANCE = 1e-3  # of each parameter's range
MAX_EVALUATIONS = 120
GRID, GRID_DIMENSIONS = (1 / 6, 1 / 2, 5 / 6), 3
SIMPLEX_STEP = 0.15
SIGNIFICANT_DIGITS = 4


@dataclass(frozen=True)
class Free:
    """A parameter to fit: its key path, the bounds searched, and whether it is a whole number."""

    key: str
    low: float
    high: float
    whole: bool
    start: float  # the scenario's own value

    def value_at(self, unit: float) -> float:
        value = self.low + min(1.0, max(0.0, unit)) * (self.high - self.low)
        return float(round(value)) if self.whole else value

    def rounded(self, value: float) -> float:
        return float(round(value)) if self.whole else float(f"{value:.{SIGNIFICANT_DIGITS}g}")


@dataclass(frozen=True)
class Fit:
    """What the fit found: each parameter's value, and every point against the fitted run."""

    values: dict  # key path -> fitted value
    score: float
    start_score: float
    evaluations: int
    points: pd.DataFrame  # date, metric, observed, p10, p50, p90, relative_error, source, line
    bands: pd.DataFrame  # the fitted run month by month: date, metric, p10, p50, p90 of each observed metric
    replications: int
    seed: int
    uncertainty: str


def parse_free(texts: list, scenario) -> tuple[Free, ...]:
    """`KEY.PATH=LOW..HIGH` for each free parameter, checked against the scenario: the key holds a number, the
    bounds are numbers with LOW < HIGH, and the scenario is valid at both ends."""
    dumped = scenario.model_dump(mode="json")
    found = []
    for text in texts:
        key, sep, bounds = text.partition("=")
        low_text, dots, high_text = bounds.partition("..")
        if not (sep and dots and key):
            raise InputError("--free", text, "expected KEY.PATH=LOW..HIGH, such as demand.entries_per_year=380..480")
        current = value_at(dumped, key)
        if isinstance(current, bool) or not isinstance(current, (int, float)):
            raise InputError("--free", key, f"is not a number in the scenario (it holds {_short(current)}); "
                                            "a fitted key must hold a single number")
        low, high = _number(key, low_text), _number(key, high_text)
        if not low < high:
            raise InputError("--free", key, f"expected LOW < HIGH, got {low:g}..{high:g}")
        if key in (free.key for free in found):
            raise InputError("--free", key, "given twice")
        free = Free(key, low, high, isinstance(current, int), float(current))
        for end in (low, high):
            candidate(scenario, {key: free.rounded(end)}, f"--free {key} at {end:g}")
        found.append(free)
    if not found:
        raise InputError("--free", "", "give at least one KEY.PATH=LOW..HIGH to fit")
    return tuple(found)


def candidate(scenario, values: dict, source: str = "fit candidate"):
    """The scenario with each key path of `values` set, validated as a file would be."""
    raw = scenario.model_dump(mode="json")
    for key, value in values.items():
        *parents, leaf = key.split(".")
        node = raw
        for part in parents:
            node = node[part]
        node[leaf] = int(value) if isinstance(value_at(raw, key), int) else value
    return validate_raw(raw, source)


class Objective:
    """The score of a candidate: runs to the last point's month, same seed and replications each time."""

    def __init__(self, scenario, points: tuple[Point, ...], free: tuple[Free, ...], replications: int, seed: int,
                 executor, uncertainty: str):
        last = max(point.date for point in points)
        months = next(index for index, end in enumerate(RunShape.of(scenario).dates) if end == last) + 1
        self.base = candidate(scenario, {"horizon_years": months / 12, "replications": replications, "seed": seed})
        self.points, self.free, self.executor, self.uncertainty = points, free, executor, uncertainty
        self.evaluations = 0
        self._scores = {}

    def __call__(self, units) -> float:
        values = self.values_of(units)
        key = tuple(values.values())
        if key not in self._scores:
            self._scores[key] = _score(self.table(values))
        return self._scores[key]

    def values_of(self, units) -> dict:
        return {free.key: free.value_at(unit) for free, unit in zip(self.free, np.atleast_1d(units))}

    def table(self, values: dict) -> pd.DataFrame:
        """Each point against the median and 10-90% band of the candidate's runs."""
        return self.tables(values)[0]

    def tables(self, values: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The points table, and month by month the band of each observed metric (date, metric, p10, p50, p90)."""
        self.evaluations += 1
        scenario = for_mode(candidate(self.base, values), self.uncertainty)
        shape = RunShape.of(scenario)
        runs = np.array([result for _, result in replications(scenario, scenario.replications,
                                                              executor=self.executor)])
        series = {metric: values_of(metric, runs, shape.metrics) for metric in {p.metric for p in self.points}}
        rows = []
        for point in self.points:
            p10, p50, p90 = np.percentile(series[point.metric][:, shape.dates.index(point.date)], [10, 50, 90])
            error = p50 - point.value
            rows.append({"date": point.date.isoformat(), "metric": point.metric, "observed": point.value,
                         "p10": p10, "p50": p50, "p90": p90,
                         "relative_error": error / point.value if point.value else error,  # absolute when 0
                         "source": point.source, "line": point.line})
        bands = pd.concat(pd.DataFrame({"date": [d.isoformat() for d in shape.dates], "metric": metric,
                                        **dict(zip(("p10", "p50", "p90"), np.percentile(each, [10, 50, 90], axis=0)))})
                          for metric, each in sorted(series.items()))
        return pd.DataFrame(rows), bands


def fit(scenario, points, free, replications: int, seed: int, executor, uncertainty: str = "all") -> Fit:
    """Fit the free parameters of `scenario` to `points`; reproducible for a seed."""
    objective = Objective(scenario, points, free, replications, seed, executor, uncertainty)
    own = np.array([(min(max(f.start, f.low), f.high) - f.low) / (f.high - f.low) for f in free])
    start_score = objective(own)
    if len(free) == 1:
        found = optimize.minimize_scalar(objective, bounds=(0.0, 1.0), method="bounded",
                                         options={"xatol": TOLERANCE, "maxiter": MAX_EVALUATIONS})
        best = np.array([found.x])
    else:
        start = min([own, *_grid(len(free))], key=objective)
        found = optimize.minimize(objective, start, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(free),
                                  options={"xatol": TOLERANCE, "fatol": 1e-6, "maxfev": MAX_EVALUATIONS,
                                           "initial_simplex": _simplex(start)})
        best = found.x
    if objective(own) <= objective(best):
        best = own
    values = {f.key: f.rounded(value) for f, value in zip(free, objective.values_of(best).values())}
    table, bands = objective.tables(values)
    return Fit(values, _score(table), start_score, objective.evaluations, table, bands, replications, seed,
               uncertainty)


def _grid(dimensions: int) -> list[np.ndarray]:
    """Starting points spread over the scaled ranges (three a parameter, for up to three parameters): a
    simplex search from the best of them does not stall in a valley far from the fit."""
    if dimensions > GRID_DIMENSIONS:
        return []
    return [np.array(point) for point in itertools.product(GRID, repeat=dimensions)]


def _simplex(start: np.ndarray) -> np.ndarray:
    """The first simplex: the start and a step of SIMPLEX_STEP along each parameter, inward at a bound."""
    corners = [start]
    for axis in range(len(start)):
        corner = start.copy()
        corner[axis] += SIMPLEX_STEP if start[axis] + SIMPLEX_STEP <= 1 else -SIMPLEX_STEP
        corners.append(corner)
    return np.array(corners)


def fitted_yaml(result: Fit, free: tuple[Free, ...], extends: str, name: str, observed: str, header: str) -> str:
    """The fitted scenario: extends the original and sets each fitted value, commented with its bounds, with the
    points and residuals in its opening comment."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += ["#", f"# Fitted by `sufficiency fit` to {observed}: {len(result.points)} points, the median of "
              f"{result.replications} replications", f"# (seed {result.seed}, the same for every candidate; "
              f"uncertainty: {result.uncertainty}). Squared relative errors sum to {result.score:.4g}, from "
              f"{result.start_score:.4g} before.", "#", "#   " + _points_line(
                  "date", "metric", "observed", "median", "10-90% band", "error")]
    for row in result.points.itertuples():
        lines.append("#   " + _points_line(row.date, row.metric, f"{row.observed:,.4g}", f"{row.p50:,.4g}",
                                             f"{row.p10:,.4g} to {row.p90:,.4g}", f"{row.relative_error:+.1%}"))
    lines += ["", f"extends: {json.dumps(extends)}", f"name: {name}"]
    lines += _nested({f.key: (result.values[f.key], f"fitted within {f.low:g} to {f.high:g} (was {f.start:g})")
                      for f in free})
    return "\n".join(lines) + "\n"


def _nested(values: dict, depth: int = 0) -> list[str]:
    """YAML lines for key paths -> (number, comment), grouping paths that share a first key."""
    groups = {}
    for key, value in values.items():
        first, _, rest = key.partition(".")
        groups.setdefault(first, {})[rest] = value
    lines = []
    for first, inner in groups.items():
        indent = "  " * depth
        if "" in inner:
            number, comment = inner[""]
            lines.append(f"{indent}{first}: {_number_text(number)}   # {comment}")
        else:
            lines.append(f"{indent}{first}:")
            lines += _nested(inner, depth + 1)
    return lines


def _points_line(*cells) -> str:
    widths = (11, 44, 9, 9, 22, 8)
    return " ".join(str(cell).ljust(width) if i < 2 else str(cell).rjust(width)
                    for i, (cell, width) in enumerate(zip(cells, widths))).rstrip()


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _score(table: pd.DataFrame) -> float:
    return float((table["relative_error"] ** 2).sum())


def _number(key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError("--free", key, f"bounds must be numbers, got '{text}'")
    return value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def write_fit(result: Fit, free: tuple[Free, ...], scenario_path, observed_path, out_path, present=None,
              force: bool = False) -> Path:
    """FILE.yaml (the fitted scenario, extending the one fitted) and FILE_fit/ (points.csv, bands.csv, and what
    `present(result, directory)` adds: the report and charts), complete or not at all."""
    scenario_path, out_path = Path(scenario_path), Path(out_path)
    refuse_existing(out_path, force)
    report_dir = out_path.with_name(f"{out_path.stem}_fit")
    extends = os.path.relpath(scenario_path.resolve(), out_path.resolve().parent)
    header = (f"{out_path.stem}: {scenario_path.name} fitted to what happened. Everything not set below is as "
              f"{scenario_path.name} has it, with its sources.")
    text = fitted_yaml(result, free, extends, _name(out_path), Path(observed_path).name, header)
    with staged_directory(report_dir) as staging:
        result.points.to_csv(staging / "points.csv", index=False, float_format="%.6g")
        result.bands.to_csv(staging / "bands.csv", index=False, float_format="%.6g")
        if present:
            present(result, staging)
        partial = out_path.with_name(f".{out_path.name}.partial")
        partial.write_text(text, encoding="utf-8")
        try:
            load_scenario(partial)
        except InputError:
            partial.unlink()
            raise
        os.replace(partial, out_path)
    return report_dir


def refuse_existing(out_path, force: bool) -> None:
    """A fitted scenario never replaces a file unless asked to."""
    if Path(out_path).exists() and not force:
        raise InputError(out_path, "", "exists; choose another --out, or add --force to replace it")


def _name(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem).strip("_.") or "fitted"
