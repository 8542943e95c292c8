"""The pack's headline statistic, defined once and read from the saved results by every title, table, alt
text and sentence that states a figure.

Counts (children, households) and shares: the median across runs of the
month-end value, with the 10th and 90th percentiles as the range "in 8 runs out
of 10". Costs: the mean across runs of the total over the 12 months to the date,
because means add up (placement types to the total, one scenario's cost less
another's) and medians do not. A difference between scenarios is the option's
figure less the base's; its range is the 10th to 90th percentile of the paired
difference, run by run. A difference is "about the same" when it is smaller
than ABOUT_THE_SAME of the base's figure (and under one child or household, or one percentage point).
"""

import math
from dataclasses import dataclass

import pandas as pd

from sim.run.compare import BETTER, COST_PER_CHILD

MONEY = frozenset({"placement_cost", "programme_cost", COST_PER_CHILD})
ABOUT_THE_SAME = 0.02
SMALLEST_DIFFERENCE = {"share_in_county": 0.01}  # below this a difference is about the same; otherwise 1
DEFINITION = (
    "How to read the numbers: a number of children or households is the median of the {runs} runs' counts at "
    "the month end (half the runs give more, half fewer), and '8 runs in 10 between a and b' gives the 10th and "
    "90th percentiles; a cost is the mean of the runs' totals for the 12 months to the month end, so that costs "
    "add up.")


def definition(saved) -> str:
    """The headline statistic, as the pack defines it once."""
    return DEFINITION.format(runs=f"{saved.replications:,}")


@dataclass(frozen=True)
class Figure:
    """A headline figure and the range that 8 runs in 10 fall in (low, high)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Difference:
    """An option's figure less the base's, and the 10th-90th percentile range of the paired difference."""

    value: float
    low: float
    high: float
    prob_better: float
    base: float
    smallest: float = 1.0

    def about_the_same(self) -> bool:
        return abs(self.value) < max(self.smallest, ABOUT_THE_SAME * abs(self.base))

    def identical(self) -> bool:
        return self.low == self.high == 0


def statistic(measure: str) -> str:
    """The summary.csv or headline.csv column that holds the headline figure of `measure`."""
    return "mean" if measure in MONEY else "p50"


def headline_rows(saved, scenario: str, measure: str) -> pd.DataFrame:
    """The headline.csv rows of one scenario and measure, one per headline point, in date order."""
    rows = saved.headline
    return rows[(rows["scenario"] == scenario) & (rows["measure"] == measure)]


def at(saved, scenario: str, measure: str, when: str) -> Figure | None:
    """The headline figure of `measure` at headline point `when` ('1 year', ..., '10 years (horizon)')."""
    rows = headline_rows(saved, scenario, measure)
    rows = rows[rows["when"] == when]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return Figure(float(row[statistic(measure)]), float(row["p10"]), float(row["p90"]))


def first_month(saved, scenario: str, metric: str) -> Figure | None:
    """A month-end metric's headline figure at the first month end (what the pack calls now)."""
    rows = saved.metric(metric)[scenario] if saved.has(metric) else None
    if rows is None or rows.empty:
        return None
    row = rows.iloc[0]
    return Figure(float(row[statistic(metric)]), float(row["p10"]), float(row["p90"]))


def difference(saved, option: str, measure: str, when: str) -> Difference | None:
    """The option's headline figure less the base's at `when`, with the spread of the paired difference."""
    mine, base = at(saved, option, measure, when), at(saved, saved.base, measure, when)
    if mine is None or base is None:
        return None
    row = headline_rows(saved, option, measure).set_index("when").loc[when]
    chance = float(row["prob_better"]) if measure in BETTER else math.nan
    return Difference(mine.value - base.value, float(row["diff_p10"]), float(row["diff_p90"]), chance, base.value,
                      SMALLEST_DIFFERENCE.get(measure, 1.0))


def points(saved) -> list[tuple[str, str]]:
    """(when, date) of each headline point, in order."""
    return list(dict.fromkeys(zip(saved.headline["when"], saved.headline["date"])))
