"""Charts for committee papers in the UK Government Analysis Function style.

A chart is described by a `ChartSpec` and drawn by `write_chart`, which writes
PNG, SVG, the CSV of exactly what is plotted, and the alt text beside it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator, StrMethodFormatter

STYLE = Path(__file__).with_name("committee.mplstyle")
COLOURS = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
FOCUS, CONTEXT = "#12436D", "#BFBFBF"
MAX_LINES = 4
SOURCE = "Sufficiency simulator, simulated results"
BAND = "Line: median of {n} runs; band: 10th to 90th percentile."
COLUMNS = ["date", "p10", "p50", "p90"]

WIDTH_IN = 6.3  # A4 text width with 2.5 cm margins
PLOT_IN, PANEL_IN = 3.0, 1.7
PAD_IN, GAP_IN = 0.1, 0.08
TEXT = {
    "title": dict(fontsize=13, fontweight="bold"),
    "subtitle": dict(fontsize=10, color="#3D3D3D"),
    "y_label": dict(fontsize=10),
    "source": dict(fontsize=9, color="#3D3D3D"),
}


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames cannot be compared or hashed
class ChartSpec:
    """One chart: its words, and per series a frame with date, p10, p50, p90.

    Up to four series share one axes, each labelled at its line end; more
    become small multiples. An empty alt_text is written from the data.
    """

    stem: str
    title: str
    subtitle: str
    source: str
    y_label: str
    series: tuple[tuple[str, pd.DataFrame], ...]
    alt_text: str = ""

    def __post_init__(self):
        series = tuple((label, _band_frame(frame)) for label, frame in self.series)
        object.__setattr__(self, "series", series)
        if not self.alt_text:
            object.__setattr__(self, "alt_text", _describe(self))


def write_chart(spec: ChartSpec, out_dir: Path | str) -> list[Path]:
    """Write <stem>.png, .svg, .csv (the plotted values) and .txt (alt text)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png, svg, csv, txt = (out / f"{spec.stem}.{ext}" for ext in ("png", "svg", "csv", "txt"))
    with matplotlib.style.context(STYLE):
        fig = _draw(spec)
        fig.savefig(png, metadata={"Software": None})
        fig.savefig(svg, metadata={"Date": None})
    plotted = pd.concat(frame.assign(series=label) for label, frame in spec.series)
    plotted[["series", *COLUMNS]].to_csv(csv, index=False, date_format="%Y-%m-%d")
    txt.write_text(spec.alt_text + "\n")
    return [png, svg, csv, txt]


def band_chart(
    summary_by_scenario: Mapping[str, pd.DataFrame],
    metric: str,
    *,
    title: str,
    measure: str,
    area: str,
    replications: int,
    y_label: str,
    source: str = SOURCE,
    stem: str | None = None,
) -> ChartSpec:
    """Median and 10-90% band of one metric from each scenario's summary.csv."""
    series = tuple(
        (name, summary.loc[summary["metric"] == metric, COLUMNS])
        for name, summary in summary_by_scenario.items()
    )
    for name, frame in series:
        if frame.empty:
            raise ValueError(f"summary of scenario {name!r} has no rows for metric {metric!r}")
    dates = pd.to_datetime(pd.concat(frame["date"] for _, frame in series))
    if len(series) == 1:
        area = f"{area}, {series[0][0]} scenario"
    period = f"{dates.min():%b %Y} to {dates.max():%b %Y}"
    return ChartSpec(
        stem=stem or metric.replace(":", "_"),
        title=title,
        subtitle=f"{measure}, {area}, {period}. {BAND.format(n=replications)}",
        source=source,
        y_label=y_label,
        series=series,
    )


def out_of_county_chart(
    summary: pd.DataFrame, scenario_name: str, area: str, replications: int
) -> ChartSpec:
    """The first chart of a run: children placed out of county, titled with the trend."""
    frame = _band_frame(summary.loc[summary["metric"] == "placed_out_of_county", COLUMNS])
    return band_chart(
        {scenario_name: summary},
        "placed_out_of_county",
        title=_trend_title("Children placed out of county", frame),
        measure="Children placed out of county at month end",
        area=area,
        replications=replications,
        y_label="Children",
        stem="out_of_county",
    )


def _band_frame(frame: pd.DataFrame) -> pd.DataFrame:
    missing = set(COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"chart series needs columns {COLUMNS}; missing {sorted(missing)}")
    frame = frame[COLUMNS].assign(date=lambda f: pd.to_datetime(f["date"]))
    return frame.sort_values("date").reset_index(drop=True)


def _trend_title(subject: str, frame: pd.DataFrame) -> str:
    start, end = frame["p50"].iloc[0], frame["p50"].iloc[-1]
    by = f"{frame['date'].iloc[-1]:%B %Y}"
    if round(start) == round(end) or abs(end - start) < 0.05 * abs(start):
        return f"{subject} are projected to stay around {start:,.0f} to {by}"
    verb = "rise" if end > start else "fall"
    return f"{subject} are projected to {verb} from {start:,.0f} to {end:,.0f} by {by}"


def _describe(spec: ChartSpec) -> str:
    kind = "Line chart" if len(spec.series) <= MAX_LINES else "Small multiple line charts"
    parts = [f"{kind}. {spec.title}.", spec.subtitle]
    for label, frame in spec.series:
        first, last = frame.iloc[0], frame.iloc[-1]
        parts.append(
            f"{label}: median {first.p50:,.0f} in {first.date:%B %Y} and {last.p50:,.0f} "
            f"in {last.date:%B %Y} (10th to 90th percentile {last.p10:,.0f} to {last.p90:,.0f})."
        )
    return " ".join(parts)


def _draw(spec: ChartSpec) -> Figure:
    fig = Figure(layout="constrained")
    FigureCanvasAgg(fig)  # text is measured with Agg before the layout is fixed
    panels = len(spec.series) > MAX_LINES
    rows = math.ceil(len(spec.series) / 3) if panels else 1
    plot_top, plot_bottom = _place_text(fig, spec, rows * PANEL_IN if panels else PLOT_IN)
    fig.get_layout_engine().set(rect=(0, plot_bottom, 1, plot_top - plot_bottom))
    if panels:
        _draw_panels(fig, spec.series, rows)
    else:
        _draw_lines(fig.add_subplot(), spec.series)
    return fig


def _place_text(fig: Figure, spec: ChartSpec, plot_height: float) -> tuple[float, float]:
    """Stack title, subtitle and y label above the plot and the source below it.

    The figure grows to fit wrapped text, so the plot keeps its height.
    Returns the plot area's top and bottom in figure coordinates.
    """
    fig.set_size_inches(WIDTH_IN, 1)
    renderer = fig.canvas.get_renderer()
    head = [
        fig.text(0, 0, text, va="top", **TEXT[key])
        for key, text in [("title", spec.title), ("subtitle", spec.subtitle), ("y_label", spec.y_label)]
        if text
    ]
    foot = fig.text(0, 0, f"Source: {spec.source}", va="bottom", **TEXT["source"])
    for text in (*head, foot):
        _wrap(text, (WIDTH_IN - 2 * PAD_IN) * fig.dpi, renderer)
    heights = [t.get_window_extent(renderer).height / fig.dpi for t in (*head, foot)]
    head_height = sum(heights[:-1]) + GAP_IN * len(head)
    foot_height = heights[-1] + GAP_IN
    total = PAD_IN + head_height + plot_height + foot_height + PAD_IN
    fig.set_size_inches(WIDTH_IN, total)
    x = PAD_IN / WIDTH_IN
    top = total - PAD_IN
    for text, height in zip(head, heights):
        text.set_position((x, top / total))
        top -= height + GAP_IN
    foot.set_position((x, PAD_IN / total))
    return top / total, (PAD_IN + foot_height) / total


def _wrap(text, width_px: float, renderer) -> None:
    lines: list[str] = []
    for word in text.get_text().split(" "):
        text.set_text(f"{lines[-1]} {word}" if lines else word)
        if lines and text.get_window_extent(renderer).width > width_px:
            lines.append(word)
        else:
            lines[-1:] = [text.get_text()]
    text.set_text("\n".join(lines))


def _draw_lines(ax, series) -> None:
    for (_, frame), colour in zip(series, COLOURS):
        _draw_band(ax, frame, colour)
    _finish_axes(ax, series, max_ticks=5)
    if len(series) > 1:
        _label_line_ends(ax, series)


def _draw_panels(fig: Figure, series, rows: int) -> None:
    axes = fig.subplots(rows, 3, sharex=True, sharey=True, squeeze=False).ravel()
    for i in range(len(series), axes.size):
        axes[i - 3].xaxis.set_tick_params(labelbottom=True)  # now the bottom of its column
        axes[i].remove()
    for ax, (label, frame) in zip(axes, series):
        for _, other in series:
            if other is not frame:
                ax.plot(other["date"], other["p50"], color=CONTEXT, linewidth=1)
        _draw_band(ax, frame, FOCUS)
        ax.set_title(textwrap.fill(label, 22))
        _finish_axes(ax, series, max_ticks=3)


def _draw_band(ax, frame: pd.DataFrame, colour: str) -> None:
    ax.fill_between(frame["date"], frame["p10"], frame["p90"], color=colour, alpha=0.2, linewidth=0)
    ax.plot(frame["date"], frame["p50"], color=colour)


def _finish_axes(ax, series, max_ticks: int) -> None:
    dates = sorted(set().union(*(frame["date"] for _, frame in series)))
    ax.set_xlim(dates[0], dates[-1])
    ax.yaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    ax.set_ylim(0, _top_tick(ax, max(frame["p90"].max() for _, frame in series)))
    ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(_sparse(dates, max_ticks))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _top_tick(ax, highest: float) -> float:
    """The first y tick at or above the data, so the top gridline closes the chart."""
    highest = max(highest, 1)
    return min(t for t in ax.yaxis.get_major_locator().tick_values(0, highest) if t >= highest)


def _sparse(dates: list, max_ticks: int) -> list:
    """Every n-th date counting back from the last, n a whole number of years when possible."""
    for step in (1, 3, 6, 12, 24, 36, 60, 120):
        ticks = dates[::-step]
        if len(ticks) <= max_ticks:
            return ticks[::-1]
    return [dates[-1]]


def _label_line_ends(ax, series) -> None:
    labels = [textwrap.fill(label, 20) for label, _ in series]
    ends = np.array([frame["p50"].iloc[-1] for _, frame in series])
    heights = np.array([label.count("\n") + 1 for label in labels]) * 0.075 * ax.get_ylim()[1]
    for label, (_, frame), colour, y in zip(labels, series, COLOURS, _spread(ends, heights)):
        ax.annotate(
            label, (frame["date"].iloc[-1], y), xytext=(6, 0), textcoords="offset points",
            va="center", color=colour, fontweight="bold", annotation_clip=False,
        )


def _spread(centres: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """Push label centres apart, in order, so labels of these heights do not overlap."""
    positions = centres.astype(float)
    order = np.argsort(centres, kind="stable")
    for below, above in zip(order, order[1:]):
        clear = positions[below] + (heights[below] + heights[above]) / 2
        positions[above] = max(positions[above], clear)
    return positions
