"""Scenarios compared with common random numbers: paired differences from the base, with intervals.

Every scenario runs with the base's seed and replication count, so replication
r of each scenario sees the same children; option minus base is then computed
replication by replication (a paired difference) before averaging.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student's t quantile; scipy.stats is slow to import

from sim.scenario.errors import InputError
from sim.scenario.files import validate_raw

CONFIDENCE = 0.95
DAYS_PER_YEAR = 365.25

# Which way is better, per metric: +1 higher, -1 lower. Metrics not listed have no better direction.
BETTER = {
    "placed_out_of_county": -1, "entries_placed_out_of_county": -1, "placement_cost": -1, "programme_cost": -1,
    "panel_backlog": -1, "breakdowns": -1, "deregistrations": -1,
    "placed_in_county": 1, "share_in_county": 1, "in_house_households": 1, "in_house_places": 1,
    "enquiries": 1, "applications": 1, "approvals": 1,
}
DIFFERENCE_COLUMNS = ["scenario", "date", "metric", "base_mean", "scenario_mean",
                      "mean_diff", "diff_ci_low", "diff_ci_high", "diff_p10", "diff_p50", "diff_p90", "prob_better"]
HEADLINE_COLUMNS = ["scenario", "when", "date", "measure", "unit", "mean", "p10", "p50", "p90",
                    "mean_diff", "diff_ci_low", "diff_ci_high", "diff_p10", "diff_p50", "diff_p90", "prob_better"]
HEADLINE_YEARS = (1, 3, 5)
COST_PER_CHILD = "cost_per_child_kept_in_county"


@dataclass(frozen=True)
class Measure:
    metric: str
    label: str
    unit: str
    year_to_date: bool  # a flow summed over the 12 months to the date; otherwise the month-end value


MEASURES = (
    Measure("placed_out_of_county", "Children placed out of county", "children at month end", False),
    Measure("share_in_county", "Share of children placed in county", "share of children placed, at month end", False),
    Measure("children_in_care", "Children in care", "children at month end", False),
    Measure("in_house_households", "In-house foster households", "households at month end", False),
    Measure("placement_cost", "Placement cost", "£ in the 12 months to the date", True),
    Measure("programme_cost", "Programme cost", "£ in the 12 months to the date", True),
)
COST_PER_CHILD_MEASURE = Measure(
    COST_PER_CHILD, "Cost per child kept in county",
    "£ extra cost (placement and programme) per child-year fewer out of county, cumulative to the date", False)


@dataclass(frozen=True, eq=False)
class ScenarioValues:
    """Every replication of one scenario: values[replication, month, metric index]."""

    metrics: list
    dates: list
    values: np.ndarray

    def has(self, metric: str) -> bool:
        return metric in self.metrics

    def __getitem__(self, metric: str) -> np.ndarray:
        """replications x months"""
        return self.values[:, :, self.metrics.index(metric)]


@dataclass(frozen=True)
class PairedDifference:
    """The mean paired difference with its 95% interval (how precisely the runs pin the mean down), and the
    10th, 50th and 90th percentiles of the difference across runs (how much it varies: what a committee reads)."""

    mean_diff: np.ndarray
    diff_ci_low: np.ndarray
    diff_ci_high: np.ndarray
    diff_p10: np.ndarray
    diff_p50: np.ndarray
    diff_p90: np.ndarray
    prob_better: np.ndarray


def paired_difference(base: np.ndarray, option: np.ndarray, better: int | None = None) -> PairedDifference:
    """Option minus base over paired replications (axis 0): mean, 95% t interval, percentiles, chance the option
    is better.

    The chance is the share of replications in which the option is better than
    the base in the `better` direction, ties counting half; NaN without a direction.
    """
    diff = np.asarray(option, dtype=float) - np.asarray(base, dtype=float)
    mean = diff.mean(axis=0)
    half = _half_width(diff)
    if better is None:
        chance = np.full_like(mean, np.nan)
    else:
        signed = better * diff
        chance = (signed > 0).mean(axis=0) + 0.5 * (signed == 0).mean(axis=0)
    p10, p50, p90 = np.percentile(diff, [10, 50, 90], axis=0)
    return PairedDifference(mean, mean - half, mean + half, p10, p50, p90, chance)


def ratio_of_means(numerator: np.ndarray, denominator: np.ndarray) -> tuple[float, float, float]:
    """Mean numerator over mean denominator with a delta-method 95% interval.

    NaN when the mean denominator is not positive; the interval is NaN too when
    the denominator's own interval reaches zero (the ratio is then unbounded).
    """
    mean_denominator = denominator.mean()
    if mean_denominator <= 0:
        return math.nan, math.nan, math.nan
    ratio = numerator.mean() / mean_denominator
    if denominator.size < 2 or mean_denominator - _half_width(denominator) <= 0:
        return ratio, math.nan, math.nan
    half = _half_width(numerator - ratio * denominator) / mean_denominator
    return ratio, ratio - half, ratio + half


def differences_table(results: dict, base: str) -> pd.DataFrame:
    """Per option, metric and month: base and option means and the paired difference (DIFFERENCE_COLUMNS)."""
    reference = results[base]
    frames = []
    for name, option in results.items():
        if name == base:
            continue
        for metric in (m for m in reference.metrics if option.has(m)):
            paired = paired_difference(reference[metric], option[metric], BETTER.get(metric))
            frames.append(pd.DataFrame({
                "scenario": name,
                "date": [date.isoformat() for date in reference.dates],
                "metric": metric,
                "base_mean": reference[metric].mean(axis=0),
                "scenario_mean": option[metric].mean(axis=0),
                **vars(paired),
            }))
    return pd.concat(frames, ignore_index=True)[DIFFERENCE_COLUMNS]


def headline_points(dates: list) -> list[tuple[str, int]]:
    """(label, month index) at 1, 3 and 5 years and the horizon, those the run reaches."""
    months = len(dates)
    points = [(f"{years} year{'s' * (years > 1)}", 12 * years - 1) for years in HEADLINE_YEARS if 12 * years <= months]
    if not points or points[-1][1] != months - 1:
        span = f"{months // 12} years" if months % 12 == 0 else f"{months} months"
        points.append((f"{span} (horizon)", months - 1))
    return points


def headline_table(results: dict, base: str) -> pd.DataFrame:
    """The headline measures for every scenario at each headline point, with paired differences for options."""
    reference = results[base]
    rows = []
    for when, month in headline_points(reference.dates):
        date = reference.dates[month].isoformat()
        for name, values in results.items():
            for measure in MEASURES:
                if values.has(measure.metric) and reference.has(measure.metric):
                    rows.append({"scenario": name, "when": when, "date": date, "measure": measure.metric,
                                 "unit": measure.unit, **_measure_row(reference, values, measure, month, name == base)})
            if name != base:
                ratio = ratio_of_means(*_extra_cost_and_child_years(reference, values, month))
                rows.append({"scenario": name, "when": when, "date": date, "measure": COST_PER_CHILD,
                             "unit": COST_PER_CHILD_MEASURE.unit,
                             **dict(zip(["mean_diff", "diff_ci_low", "diff_ci_high"], ratio))})
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def _measure_row(reference, values, measure: Measure, month: int, is_base: bool) -> dict:
    option = _at(values, measure, month)
    p10, p50, p90 = np.percentile(option, [10, 50, 90])
    row = {"mean": option.mean(), "p10": p10, "p50": p50, "p90": p90}
    if not is_base:
        paired = paired_difference(_at(reference, measure, month), option, BETTER.get(measure.metric))
        row.update((key, float(value)) for key, value in vars(paired).items())
    return row


def _at(values: ScenarioValues, measure: Measure, month: int) -> np.ndarray:
    """Each replication's value of `measure` at `month`."""
    series = values[measure.metric]
    if measure.year_to_date:
        return series[:, max(0, month - 11):month + 1].sum(axis=1)
    return series[:, month]


def _extra_cost_and_child_years(reference, option, month: int) -> tuple[np.ndarray, np.ndarray]:
    """Per replication, to the end of `month`: option's extra total cost, and child-years fewer out of county.

    Child-years count each month-end number out of county for the whole month.
    """
    def total_cost(values):
        costs = [values[metric] for metric in ("placement_cost", "programme_cost") if values.has(metric)]
        return sum(costs)[:, :month + 1].sum(axis=1)

    days = np.array([date.day for date in reference.dates[:month + 1]])
    fewer = reference["placed_out_of_county"][:, :month + 1] - option["placed_out_of_county"][:, :month + 1]
    return total_cost(option) - total_cost(reference), (fewer * days).sum(axis=1) / DAYS_PER_YEAR


def _half_width(sample: np.ndarray) -> np.ndarray:
    """Half the width of the 95% t interval of the mean over axis 0; NaN with one replication."""
    n = sample.shape[0]
    if n < 2:
        return np.full(sample.shape[1:], np.nan)
    quantile = stdtrit(n - 1, 0.5 + CONFIDENCE / 2)
    return quantile * sample.std(axis=0, ddof=1) / math.sqrt(n)


def common_random_numbers(scenarios: list, paths: list, seed: int | None = None,
                          replications: int | None = None) -> list:
    """The scenarios (base first) all with one seed and replication count: the base's unless given.

    They must have distinct names and the base's start date and horizon, so
    that they can be compared replication by replication and month by month.
    """
    base = scenarios[0]
    shared = {"seed": base.seed if seed is None else seed,
              "replications": base.replications if replications is None else replications}
    names = {}
    paired = []
    for scenario, path in zip(scenarios, paths):
        if scenario.name in names:
            raise InputError(path, "name", f"'{scenario.name}' is also the name of {names[scenario.name]}; "
                                           "give each scenario in a comparison its own name")
        names[scenario.name] = path
        for key in ("start_date", "horizon_years"):
            if getattr(scenario, key) != getattr(base, key):
                raise InputError(path, key, f"must equal the base's ({getattr(base, key)}) to compare month "
                                            f"by month, got {getattr(scenario, key)}")
        paired.append(validate_raw({**scenario.model_dump(mode="json"), **shared}, str(path), set(shared)))
    return paired
