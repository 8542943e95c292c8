"""Every chart of a run or comparison, built from its saved results alone.

A chart whose metric the results do not report is skipped, never drawn from
zeros; so is a carer-supply chart whose mechanism is off in every scenario.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.report.charts import (
    MAX_LINES,
    Band,
    BarSpec,
    ChartSpec,
    band_chart,
    period_of,
    ranking_title,
    trend_title,
    write_chart,
)
from sim.run.compare import BETTER
from sim.run.saved_results import COMPARISON
from sim.scenario.wording import plain

CHART_STEMS = ("out_of_county", "out_of_county_reduction", "in_house_households", "panel_backlog",
               "annual_cost", "recruitment_funnel")
REDUCTION = Band(("reduction_diff_ci_low", "reduction_diff_mean", "reduction_diff_ci_high"),
                 "mean reduction", "95% confidence interval")
FUNNEL = (("enquiries", "Enquiries"), ("applications", "Applications"), ("approvals", "Approvals"))
FUNNEL_ENDS = ("enquiries", "approvals")  # a funnel needs its top and its bottom
PROGRAMME, OTHER = "Programme", "Other placements"


@dataclass(frozen=True)
class LineChart:
    stem: str
    metric: str
    subject: str  # plural, as in "<subject> are projected to ..."
    measure: str
    y_label: str
    skip_if_zero: bool = False  # a carer-supply mechanism that may be off in every scenario


LINE_CHARTS = (
    LineChart("out_of_county", "placed_out_of_county", "Children placed out of county",
              "Children placed out of county at month end", "Children"),
    LineChart("in_house_households", "in_house_households", "In-house foster households",
              "In-house foster households at month end", "Households"),
    LineChart("panel_backlog", "panel_backlog", "Applicants waiting for a fostering panel",
              "Assessed applicants waiting for a panel at month end", "Applicants", skip_if_zero=True),
)


def write_charts(saved, out_dir, style) -> list:
    """Write every chart the results support into `out_dir`; the specs, in order."""
    specs = chart_specs(saved, style)
    for spec in specs:
        write_chart(spec, out_dir)
    return specs


def chart_specs(saved, style) -> list:
    lines = {chart.stem: _line_chart(saved, style, chart) for chart in LINE_CHARTS}
    built = {**lines, "out_of_county_reduction": _reduction_chart(saved, style),
             "annual_cost": _annual_cost_chart(saved, style), "recruitment_funnel": _funnel_chart(saved, style)}
    return [built[stem] for stem in CHART_STEMS if built[stem] is not None]


def _line_chart(saved, style, chart: LineChart) -> ChartSpec | None:
    if not saved.has(chart.metric):
        return None
    frames = saved.metric(chart.metric)
    if chart.skip_if_zero and not any(frame["p90"].any() for frame in frames.values()):
        return None
    last = f"{pd.Timestamp(frames[saved.base]['date'].iloc[-1]):%B %Y}"
    if len(frames) == 1:
        (frame,) = frames.values()
        title = trend_title(chart.subject, frame["p50"].iloc[0], frame["p50"].iloc[-1], last)
    else:  # ranked on the final year's average, steadier than the last month alone
        ends = {name: frame["p50"].iloc[-12:].mean() for name, frame in frames.items()}
        title = ranking_title(chart.subject, ends, saved.base, BETTER[chart.metric],
                              f"on average in the year to {last}")
    return band_chart(saved.summaries(), chart.metric, title=style.title(chart.stem, title), measure=chart.measure,
                      area=saved.area, replications=saved.replications, y_label=chart.y_label,
                      source=style.source, stem=chart.stem, colours=style.colours, includes=saved.bands_include)


def _reduction_chart(saved, style) -> ChartSpec | None:
    if saved.kind != COMPARISON:
        return None
    rows = saved.differences[saved.differences["metric"] == "placed_out_of_county"]
    series = tuple((name, _reduction_frame(rows[rows["scenario"] == name])) for name in saved.options)
    return ChartSpec(
        stem="out_of_county_reduction",
        title=style.title("out_of_county_reduction", _reduction_title(saved.base, series)),
        subtitle=(f"Fewer children placed out of county at month end than under {saved.base} (paired runs), "
                  f"{saved.area}, {period_of(series)}. Line: mean of {saved.replications} paired runs; "
                  "band: 95% confidence interval of the mean."),
        source=style.source,
        y_label="Fewer children out of county",
        series=series,
        band=REDUCTION,
        # lines keep each option's colour from the charts that include the base; small multiples use the focus
        colours=style.colours[1:] if len(series) <= MAX_LINES else style.colours,
    )


def _reduction_frame(differences: pd.DataFrame) -> pd.DataFrame:
    low, mean, high = REDUCTION.columns
    return pd.DataFrame({"date": differences["date"], low: -differences["diff_ci_high"],
                         mean: -differences["mean_diff"], high: -differences["diff_ci_low"]})


def _reduction_title(base: str, series) -> str:
    low, mean, _ = REDUCTION.columns
    ends = {name: frame.iloc[-1] for name, frame in series}
    best = max(ends, key=lambda name: ends[name][mean])
    end, by = ends[best], f"{pd.Timestamp(ends[best]['date']):%B %Y}"
    if round(end[mean]) <= 0:
        return f"No option places fewer children out of county than {base} by {by}"
    title = f"{best} would place {end[mean]:,.0f} fewer children out of county than {base} by {by}"
    return title if end[low] > 0 else f"{title}, within the uncertainty of no change"


def _annual_cost_chart(saved, style) -> BarSpec | None:
    bars = annual_cost_by_type(saved, len(style.colours))
    if bars is None:
        return None
    totals = bars.groupby(["series", "category"], sort=False)["value"].sum()
    years = list(dict.fromkeys(bars["category"]))
    if len(saved.scenarios) == 1:
        title = trend_title("Annual costs", totals.iloc[0], totals.iloc[-1], years[-1], fmt="£{:,.1f}m")
    else:
        ends = {name: totals[name, years[-1]] for name in saved.scenarios}
        title = ranking_title("Annual costs", ends, saved.base, -1, f"in {years[-1]}", fmt="£{:,.1f}m")
    return BarSpec(
        stem="annual_cost",
        title=style.title("annual_cost", title),
        subtitle=(f"Mean annual cost by placement type, £ million, {saved.area}, {years[0]} to {years[-1]}, "
                  f"mean of {saved.replications} runs."),
        source=style.source,
        y_label="£ million",
        bars=bars,
        value_format="£{:,.1f}m",
        colours=style.colours,
    )


def annual_cost_by_type(saved, segments: int) -> pd.DataFrame | None:
    """Mean annual cost in £ million per scenario, 12-month period and placement type (BarSpec columns).

    Types beyond `segments` colours (programme cost keeps its own) are added
    together as 'Other placements'. None when the run is shorter than a year or costs nothing.
    """
    rows = []
    for name, scenario in saved.scenarios.items():
        means = saved.summaries()[name].pivot(index="date", columns="metric", values="mean").sort_index()
        years = _years(list(means.index))
        costs = {plain(option): means[f"placement_cost:{option}"].to_numpy()
                 for option in scenario.placements if f"placement_cost:{option}" in means}
        if "programme_cost" in means:
            costs[PROGRAMME] = means["programme_cost"].to_numpy()
        rows += [(name, label, segment, monthly[months].sum() / 1e6)
                 for label, months in years for segment, monthly in costs.items()]
    bars = _fold_smallest(pd.DataFrame(rows, columns=["series", "category", "segment", "value"]), segments)
    return None if bars.empty else bars


def _years(dates: list) -> list[tuple[str, slice]]:
    """Whole 12-month periods from the start: ('2020-21', months) or ('2021', months) for calendar years."""
    years = []
    for first in range(0, len(dates) - 11, 12):
        start, end = pd.Timestamp(dates[first]), pd.Timestamp(dates[first + 11])
        label = f"{start.year}" if start.year == end.year else f"{start.year}-{end.year % 100:02d}"
        years.append((label, slice(first, first + 12)))
    return years


def _fold_smallest(bars: pd.DataFrame, segments: int) -> pd.DataFrame:
    """Keep the costliest types that fit the colours (programme cost apart), the rest as 'Other placements'.

    Types costing nothing in every scenario are left out.
    """
    totals = bars.groupby("segment")["value"].sum()
    bars = bars[bars["segment"].map(totals) > 0]
    types = totals.drop(PROGRAMME, errors="ignore").loc[lambda t: t > 0].sort_values(ascending=False, kind="stable")
    room = segments - (PROGRAMME in set(bars["segment"]))
    kept = list(types.index) if len(types) <= room else list(types.index[:room - 1])
    folded = bars.assign(segment=bars["segment"].where(bars["segment"].isin([*kept, PROGRAMME]), OTHER))
    folded = folded.groupby(["series", "category", "segment"], sort=False, as_index=False)["value"].sum()
    order = {"series": list(dict.fromkeys(bars["series"])), "category": list(dict.fromkeys(bars["category"])),
             "segment": [*kept, OTHER, PROGRAMME]}
    ranks = {column: folded[column].map({value: i for i, value in enumerate(values)})
             for column, values in order.items()}
    return folded.iloc[np.lexsort([ranks["segment"], ranks["category"], ranks["series"]])].reset_index(drop=True)


def _funnel_chart(saved, style) -> BarSpec | None:
    if not all(saved.has(metric) for metric in FUNNEL_ENDS):
        return None
    stages = [(metric, label) for metric, label in FUNNEL if saved.has(metric)]
    per_year = {name: [(label, _mean_per_year(saved, name, metric)) for metric, label in stages]
                for name in saved.scenarios}
    if not any(value for stages_ in per_year.values() for _, value in stages_):
        return None
    bars = pd.DataFrame([(name, label, "per year", value) for name, values in per_year.items()
                         for label, value in values], columns=["series", "category", "segment", "value"])
    first, last = stages[0][1].lower(), stages[-1][1]
    if len(per_year) == 1:
        ((name, values),) = per_year.items()
        title = f"{values[0][1]:,.0f} {first} a year lead to {values[-1][1]:,.0f} {last.lower()} under {name}"
    else:
        ends = {name: values[-1][1] for name, values in per_year.items()}
        title = ranking_title(last, ends, saved.base, 1, "a year on average")
    return BarSpec(
        stem="recruitment_funnel",
        title=style.title("recruitment_funnel", title),
        subtitle=(f"Mean number a year of each stage of fostering recruitment, {saved.area}, "
                  f"{period_of(tuple(saved.metric(stages[0][0]).items()))}, mean of {saved.replications} runs."),
        source=style.source,
        y_label="Per year",
        bars=bars,
        colours=style.colours,
    )


def _mean_per_year(saved, name: str, metric: str) -> float:
    monthly = saved.metric(metric)[name]["mean"]
    return float(monthly.sum() * 12 / len(monthly))
