"""The charts of a sweep: tornado charts of a sensitivity sample (each parameter alone at each end of its
range), and the regional total of a region's authorities."""

from pathlib import Path

import pandas as pd

from sim.model.calendar import Calendar
from sim.report.charts import band_chart, trend_title, write_chart
from sim.report.tornado import tornado_chart
from sim.run.results import read_summary
from sim.run.sensitivity import OUTCOMES, swings
from sim.scenario.sweep_file import REGIONAL_TOTAL


def write_sweep_charts(sweep, outcomes: pd.DataFrame, staging: Path) -> None:
    """charts/ of a sweep whose summary.csv is written, from `outcomes` (indexed by variant)."""
    if sweep.spec.kind == "sample":
        _tornado_charts(sweep, outcomes, staging)
    if sweep.spec.kind == "authorities":
        write_chart(_regional_chart(sweep, read_summary(staging / "summary.csv")), staging / "charts")


def _tornado_charts(sweep, outcomes: pd.DataFrame, staging: Path) -> None:
    sample = sweep.spec.sample
    (base,) = sweep.of_design("base")
    ends = {(next(iter(variant.overrides)), variant.design): variant.name
            for variant in sweep.variants if variant.design in ("low", "high")}
    dates = Calendar.for_scenario(base.scenario).month_ends()
    for outcome in OUTCOMES:
        moved = swings(sample.ranges, outcomes.at[base.name, outcome.key],
                       {end: outcomes.at[name, outcome.key] for end, name in ends.items()})
        write_chart(tornado_chart(moved, outcome, end=f"{dates[-1]:%B %Y}", period=_period(dates),
                                  area=base.scenario.area, replications=sweep.replications), staging / "charts")


def _regional_chart(sweep, summary: pd.DataFrame):
    total = summary[summary["variant"] == REGIONAL_TOTAL]
    frame = total[total["metric"] == "placed_out_of_county"]
    end = f"{pd.Timestamp(frame['date'].iloc[-1]):%B %Y}"
    names = ", ".join(variant.name for variant in sweep.variants)
    return band_chart({sweep.name: total}, "placed_out_of_county", stem="regional_out_of_county",
                      title=trend_title("Children placed out of county across the region",
                                        frame["p50"].iloc[0], frame["p50"].iloc[-1], end),
                      measure="Children placed out of county at month end, all authorities together",
                      area=f"{len(sweep.variants)} authorities ({names})", replications=sweep.replications,
                      y_label="Children")


def _period(dates: list) -> str:
    return f"{dates[0]:%b %Y} to {dates[-1]:%b %Y}"
