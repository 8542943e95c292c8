"""Every chart of a run or comparison, built from its saved results alone.

A chart whose metric the results do not report is skipped, never drawn from
zeros; so is a carer-supply chart whose mechanism is off in every scenario.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.report.charts import (
    MAX_SHARED,
    MEAN_BAND,
    PERCENTILES,
    Band,
    BarSpec,
    ChartSpec,
    PanelSpec,
    Reference,
    period_of,
    ranking_title,
    trend_title,
    write_chart,
)
from sim.run.compare import BETTER
from sim.run.saved_results import COMPARISON
from sim.scenario.wording import month, option_label, share

CHART_SHEETS = {  # chart -> the workbook sheet holding its numbers
    "out_of_county": "Out of county", "out_of_county_reduction": "Reduction", "share_in_county": "Share in county",
    "placement_mix": "Placement mix", "in_house_households": "Households", "panel_backlog": "Panel queue",
    "annual_cost": "Annual cost", "recruitment_funnel": "Recruitment funnel",
}
CHART_STEMS = tuple(CHART_SHEETS)
REDUCTION = Band(("reduction_p10", "reduction", "reduction_p90"), "difference of the medians",
                 "10th to 90th percentile of the paired difference")
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
    band: Band = PERCENTILES
    skip_if_zero: bool = False  # a carer-supply mechanism that may be off in every scenario


LINE_CHARTS = (
    LineChart("out_of_county", "placed_out_of_county", "Children placed out of county",
              "Children placed out of county at month end", "Children"),
    LineChart("in_house_households", "in_house_households", "In-house foster households",
              "In-house foster households at month end", "Households"),
    LineChart("panel_backlog", "panel_backlog", "Applicants waiting for a fostering panel",
              "Assessed applicants waiting for a panel at month end", "Applicants", MEAN_BAND, skip_if_zero=True),
)


def chart_sheet(stem: str) -> str:
    return CHART_SHEETS[stem]


def write_charts(saved, out_dir, style) -> list:
    """Write every chart the results support into `out_dir`; the specs, in order."""
    specs = chart_specs(saved, style)
    for spec in specs:
        write_chart(spec, out_dir)
    return specs


def chart_specs(saved, style) -> list:
    lines = {chart.stem: _line_chart(saved, style, chart) for chart in LINE_CHARTS}
    built = {**lines, "out_of_county_reduction": _reduction_chart(saved, style),
             "share_in_county": _share_chart(saved, style), "placement_mix": _placement_mix_chart(saved, style),
             "annual_cost": _annual_cost_chart(saved, style), "recruitment_funnel": _funnel_chart(saved, style)}
    return [built[stem] for stem in CHART_STEMS if built[stem] is not None]


def titled(saved, frames: dict) -> dict:
    """The same mapping keyed by each scenario's title instead of its name."""
    return {saved.title(name): frame for name, frame in frames.items()}


def _line_chart(saved, style, chart: LineChart) -> ChartSpec | None:
    if not saved.has(chart.metric):
        return None
    frames = saved.metric(chart.metric)
    if chart.skip_if_zero and not any(frame["p90"].any() for frame in frames.values()):
        return None
    title = _level_title(saved, frames, chart.subject, chart.band.columns[1], BETTER[chart.metric])
    return _band_spec(saved, style, chart.stem, frames, title, chart.measure, chart.y_label, chart.band)


def _level_title(saved, frames: dict, subject: str, column: str, better: int, fmt: str = "{:,.0f}",
                 are: str = "are") -> str:
    """From the first month to the last (a run), or the scenarios ranked at the last month (a comparison)."""
    last = month(frames[saved.base]["date"].iloc[-1])
    if len(frames) == 1:
        (frame,) = frames.values()
        return trend_title(subject, frame[column].iloc[0], frame[column].iloc[-1], last, fmt, are)
    ends = {title: frame[column].iloc[-1] for title, frame in titled(saved, frames).items()}
    return ranking_title(subject, ends, saved.title(saved.base), better, f"in {last}", fmt)


def _band_spec(saved, style, stem: str, frames: dict, title: str, measure: str, y_label: str,
               band: Band = PERCENTILES, **extra) -> ChartSpec:
    series = tuple((label, frame) for label, frame in titled(saved, frames).items())
    area = saved.area if len(series) > 1 else f"{saved.area}, {series[0][0]}"
    includes = f" (runs vary by {saved.bands_include})"
    return ChartSpec(
        stem=stem, title=style.title(stem, title),
        subtitle=(f"{measure}, {area}, {period_of(series)}. Line: {band.line} of {saved.replications:,} runs; "
                  f"band: {band.interval}{includes}."),
        source=style.source, y_label=y_label, series=series, band=band, colours=style.colours, **extra)


def _share_chart(saved, style) -> ChartSpec | None:
    metric = "share_in_county"
    if not saved.has(metric):
        return None
    frames = saved.metric(metric)
    target = saved.scenarios[saved.base].targets.in_county_share
    title = _level_title(saved, frames, "The share of children placed in county", "p50", 1, "{:.0%}", "is")
    if target is not None:
        end = frames[saved.base]["p50"].iloc[-1]
        gap = "meets" if end >= target else "falls short of"
        title = (f"{saved.title(saved.base)} {gap} the target of {share(target)} placed in "
                 f"county by {month(frames[saved.base]['date'].iloc[-1])}: {share(end)}") if len(frames) == 1 \
            else title
    return _band_spec(saved, style, "share_in_county", frames, title,
                      "Share of children placed who are placed in county, at month end", "Share placed in county",
                      percent=True, reference=None if target is None else Reference(target, f"Target {share(target)}"))


def _placement_mix_chart(saved, style) -> PanelSpec | None:
    base = saved.scenarios[saved.base]
    options = [option for option in base.placements if saved.has(f"placed:{option}")]
    if not options:
        return None
    panels = tuple((option_label(base, option), tuple(titled(saved, saved.metric(f"placed:{option}")).items()))
                   for option in options)
    ends = {label: series[0][1]["p50"].iloc[-1] for label, series in panels}
    largest = max(ends, key=ends.get)
    last = month(saved.summary["date"].max())
    lines = "Lines: median of each scenario" if len(saved.scenarios) > 1 else "Line: median; band: 10th to 90th " \
                                                                                 "percentile"
    return PanelSpec(
        stem="placement_mix", title=style.title("placement_mix", f"{largest} holds the most children in care in "
                                                                 f"{last}: {ends[largest]:,.0f}"),
        subtitle=(f"Children in care by placement type at month end, {saved.area}, "
                  f"{period_of(panels[0][1])}. {lines} of {saved.replications:,} runs; each panel has its own "
                  "scale."),
        source=style.source, y_label="Children", panels=panels, colours=style.colours)


def _reduction_chart(saved, style) -> ChartSpec | None:
    if saved.kind != COMPARISON:
        return None
    out = saved.metric("placed_out_of_county")
    rows = saved.differences[saved.differences["metric"] == "placed_out_of_county"]
    series = tuple((saved.title(name),
                    _reduction_frame(out[saved.base], out[name], rows[rows["scenario"] == name]))
                   for name in saved.options)
    base = saved.title(saved.base)
    return ChartSpec(
        stem="out_of_county_reduction",
        title=style.title("out_of_county_reduction", _reduction_title(base, series, {
            saved.title(name): round(out[saved.base]["p50"].iloc[-1]) - round(out[name]["p50"].iloc[-1])
            for name in saved.options})),
        subtitle=(f"Fewer children placed out of county at month end than under {base}, {saved.area}, "
                  f"{period_of(series)}. Line: the base's median less the option's, of {saved.replications:,} "
                  "paired runs; band: 10th to 90th percentile of the paired difference, run by run."),
        source=style.source,
        y_label="Fewer children out of county",
        series=series,
        band=REDUCTION,
        # lines keep each option's colour from the charts that include the base; small multiples use the focus
        colours=style.colours[1:] if len(series) <= MAX_SHARED else style.colours,
    )


def _reduction_frame(base: pd.DataFrame, option: pd.DataFrame, differences: pd.DataFrame) -> pd.DataFrame:
    low, middle, high = REDUCTION.columns
    return pd.DataFrame({"date": differences["date"].to_numpy(), low: -differences["diff_p90"].to_numpy(),
                         middle: base["p50"].to_numpy() - option["p50"].to_numpy(),
                         high: -differences["diff_p10"].to_numpy()})


def _reduction_title(base: str, series, fewer: dict) -> str:
    """`fewer`: per option, the base's median at the end less the option's, as the pack prints them (rounded)."""
    low, _, _ = REDUCTION.columns
    best = max(fewer, key=fewer.get)
    end, by = dict(series)[best].iloc[-1], month(dict(series)[best]["date"].iloc[-1])
    if fewer[best] <= 0:
        return f"No option places fewer children out of county than {base} by {by}"
    title = f"{best} would place {fewer[best]:,} fewer children out of county than {base} by {by}"
    return title if end[low] > 0 else f"{title}, though not in every run"


def _annual_cost_chart(saved, style) -> BarSpec | None:
    bars = annual_cost_by_type(saved, len(style.colours))
    if bars is None:
        return None
    totals = bars.groupby(["series", "category"], sort=False)["value"].sum()
    years = list(dict.fromkeys(bars["category"]))
    titles = titled(saved, dict.fromkeys(saved.scenarios))
    if len(saved.scenarios) == 1:
        title = trend_title("Annual costs", totals.iloc[0], totals.iloc[-1], years[-1], fmt="£{:,.1f}m")
    else:
        ends = {title: totals[title, years[-1]] for title in titles}
        title = ranking_title("Annual costs", ends, next(iter(titles)), -1, f"in {years[-1]}", fmt="£{:,.1f}m")
    folded = bars.attrs.get("folded", [])
    other = f" {OTHER}: {', '.join(folded)}." if folded else ""
    return BarSpec(
        stem="annual_cost",
        title=style.title("annual_cost", title),
        subtitle=(f"Mean annual cost by placement type, £ million, {saved.area}, {years[0]} to {years[-1]}, "
                  f"mean of {saved.replications:,} runs.{other}"),
        source=style.source,
        y_label="£ million",
        bars=bars,
        value_format="£{:,.1f}m",
        colours=style.colours,
    )


def annual_cost_by_type(saved, segments: int | None) -> pd.DataFrame | None:
    """Mean annual cost in £ million per scenario (by title), 12-month period and placement type (BarSpec
    columns), types costing nothing in every scenario left out.

    Types beyond `segments` colours (programme cost keeps its own), if given, are
    added together as 'Other placements', their names in attrs["folded"]. None
    when the run is shorter than a year or costs nothing.
    """
    rows = []
    for name, scenario in saved.scenarios.items():
        means = saved.summaries()[name].pivot(index="date", columns="metric", values="mean").sort_index()
        years = _years(list(means.index))
        costs = {option_label(scenario, option): means[f"placement_cost:{option}"].to_numpy()
                 for option in scenario.placements if f"placement_cost:{option}" in means}
        if "programme_cost" in means:
            costs[PROGRAMME] = means["programme_cost"].to_numpy()
        rows += [(saved.title(name), label, segment, monthly[months].sum() / 1e6)
                 for label, months in years for segment, monthly in costs.items()]
    if not rows:
        return None
    bars = pd.DataFrame(rows, columns=["series", "category", "segment", "value"])
    totals = bars.groupby("segment")["value"].sum()
    bars = bars[bars["segment"].map(totals) > 0].reset_index(drop=True)
    if bars.empty:
        return None
    return bars if segments is None else _fold_smallest(bars, segments)


def _years(dates: list) -> list[tuple[str, slice]]:
    """Whole 12-month periods from the start: ('2020-21', months) or ('2021', months) for calendar years."""
    years = []
    for first in range(0, len(dates) - 11, 12):
        start, end = pd.Timestamp(dates[first]), pd.Timestamp(dates[first + 11])
        label = f"{start.year}" if start.year == end.year else f"{start.year}-{end.year % 100:02d}"
        years.append((label, slice(first, first + 12)))
    return years


def _fold_smallest(bars: pd.DataFrame, segments: int) -> pd.DataFrame:
    """Keep the costliest types that fit the colours (programme cost apart), the rest as 'Other placements'."""
    totals = bars.groupby("segment")["value"].sum()
    types = totals.drop(PROGRAMME, errors="ignore").loc[lambda t: t > 0].sort_values(ascending=False, kind="stable")
    room = segments - (PROGRAMME in set(bars["segment"]))
    kept = list(types.index) if len(types) <= room else list(types.index[:room - 1])
    folded = bars.assign(segment=bars["segment"].where(bars["segment"].isin([*kept, PROGRAMME]), OTHER))
    folded = folded.groupby(["series", "category", "segment"], sort=False, as_index=False)["value"].sum()
    order = {"series": list(dict.fromkeys(bars["series"])), "category": list(dict.fromkeys(bars["category"])),
             "segment": [*kept, OTHER, PROGRAMME]}
    ranks = {column: folded[column].map({value: i for i, value in enumerate(values)})
             for column, values in order.items()}
    folded = folded.iloc[np.lexsort([ranks["segment"], ranks["category"], ranks["series"]])].reset_index(drop=True)
    folded.attrs["folded"] = [name for name in types.index if name not in kept]
    return folded


def _funnel_chart(saved, style) -> BarSpec | None:
    if not all(saved.has(metric) for metric in FUNNEL_ENDS):
        return None
    stages = [(metric, label) for metric, label in FUNNEL if saved.has(metric)]
    per_year = {saved.title(name): [(label, _mean_per_year(saved, name, metric))
                                                        for metric, label in stages] for name in saved.scenarios}
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
        title = ranking_title(last, ends, next(iter(per_year)), 1, "a year on average")
    return BarSpec(
        stem="recruitment_funnel",
        title=style.title("recruitment_funnel", title),
        subtitle=(f"Mean number a year of each stage of fostering recruitment, {saved.area}, "
                  f"{period_of(tuple(saved.metric(stages[0][0]).items()))}, mean of {saved.replications:,} runs."),
        source=style.source,
        y_label="Per year",
        bars=bars,
        colours=style.colours,
    )


def _mean_per_year(saved, name: str, metric: str) -> float:
    monthly = saved.metric(metric)[name]["mean"]
    return float(monthly.sum() * 12 / len(monthly))
