"""The report of a fit (`sufficiency fit`): report.md with the fitted values and every observed point against the
fitted run, and a chart per observed metric of the points over the fitted run's 10-90% band."""

from pathlib import Path

import pandas as pd

from sim.report.calibration import chart_section, flat_series, markdown_table
from sim.report.charts import ChartSpec, write_chart
from sim.scenario.wording import plain

OBSERVED, FITTED = "Observed", "Fitted run"


def write_fit_report(result, directory: Path) -> None:
    specs = [_chart(result, metric) for metric in dict.fromkeys(result.points["metric"])]
    for spec in specs:
        write_chart(spec, Path(directory) / "charts")
    (Path(directory) / "report.md").write_text(_report(result, specs), encoding="utf-8")


def _chart(result, metric: str) -> ChartSpec:
    band = result.bands[result.bands["metric"] == metric].assign(date=lambda f: pd.to_datetime(f["date"]))
    points = result.points[result.points["metric"] == metric]
    observed = flat_series(pd.to_datetime(points["date"]), points["observed"].to_numpy())
    inside = points["observed"].between(points["p10"], points["p90"]).sum()
    title = f"{_measure(metric)}: {inside} of {len(points)} observed points inside the fitted run's band"
    subtitle = (f"{_measure(metric)} at month end, {band['date'].iloc[0]:%B %Y} to {band['date'].iloc[-1]:%B %Y}. "
                f"Line: median of {result.replications} runs of the fitted scenario; band: 10th to 90th "
                f"percentile; observed points joined by a line.")
    shown = _value_text(metric)
    alt = (f"Line chart. {title}. {subtitle} Fitted median {shown(band['p50'].iloc[0])} in "
           f"{band['date'].iloc[0]:%B %Y} and {shown(band['p50'].iloc[-1])} in {band['date'].iloc[-1]:%B %Y}. "
           "Observed: " + "; ".join(f"{shown(row.observed)} in {pd.Timestamp(row.date):%B %Y} (band "
                                    f"{shown(row.p10)} to {shown(row.p90)})" for row in points.itertuples()) + ".")
    return ChartSpec(f"fit_{metric.replace(':', '_').replace('+', '_')}", title, subtitle,
                     f"Observed: {'; '.join(dict.fromkeys(points['source']))}", _measure(metric),
                     ((FITTED, band[["date", "p10", "p50", "p90"]]), (OBSERVED, observed)), alt,
                     percent=metric == "share_in_county")


def _value_text(metric: str):
    """How a value of `metric` is written: a share as a percentage, a count whole."""
    return (lambda value: f"{value:.0%}") if metric == "share_in_county" else (lambda value: f"{value:,.0f}")


def _report(result, specs) -> str:
    sections = [
        "# Fit to observed points",
        f"The median of {result.replications} replications (seed {result.seed}, the same for every candidate; "
        f"uncertainty: {result.uncertainty}) was fitted to {len(result.points)} observed points; squared relative "
        f"errors sum to {result.score:.4g}, from {result.start_score:.4g} at the scenario's own values, after "
        f"{result.evaluations} runs of the model.",
        "## Fitted values",
        markdown_table(["key", "value"], [[key, f"{value:g}"] for key, value in result.values.items()]),
        "## Observed points against the fitted run",
        markdown_table(["date", "measure", "observed", "median", "10-90% band", "error", "source"], [
            [row.date, _measure(row.metric), f"{row.observed:,.4g}", f"{row.p50:,.4g}",
             f"{row.p10:,.4g} to {row.p90:,.4g}", f"{row.relative_error:+.1%}", row.source]
            for row in result.points.itertuples()]),
        "## Charts",
        *map(chart_section, specs),
    ]
    return "\n\n".join(sections) + "\n"


def _measure(metric: str) -> str:
    if metric == "share_in_county":
        return "Share of children placed in county"
    if metric.startswith("placed:"):
        return "Children placed in " + " or ".join(plain(option, capital=False)
                                                    for option in metric.removeprefix("placed:").split("+"))
    return plain(metric)
