"""Charts for committee papers in the UK Government Analysis Function style.

A chart is described by a spec (`ChartSpec` for lines with a band, `BarSpec`
for bars) and drawn by `write_chart`, which writes PNG, SVG, the CSV of
exactly what is plotted, and the alt text beside it.
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
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, MaxNLocator, StrMethodFormatter

from sim.report.text import printable

STYLE = Path(__file__).with_name("committee.mplstyle")
COLOURS = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
CONTEXT = "#BFBFBF"
MAX_LINES = 4  # series labelled directly in one chart (a style file needs one colour more)
MAX_SHARED = 2  # series whose bands share one axes; more become small multiples, so bands stay distinguishable
SOURCE = "Sufficiency simulator, simulated results"
BAR_COLUMNS = ["series", "category", "segment", "value"]

WIDTH_IN = 6.3  # A4 text width with 2.5 cm margins
PLOT_IN, PANEL_IN, BAR_PANEL_IN = 3.0, 1.7, 2.1
PAD_IN, GAP_IN, LEGEND_IN = 0.1, 0.08, 0.3
TEXT = {
    "title": dict(fontsize=13, fontweight="bold"),
    "subtitle": dict(fontsize=10, color="#3D3D3D"),
    "y_label": dict(fontsize=10),
    "source": dict(fontsize=9, color="#3D3D3D"),
}


@dataclass(frozen=True)
class Band:
    """What a line chart's line and shaded band show, and the CSV names of their columns (low, line, high)."""

    columns: tuple[str, str, str]
    line: str
    interval: str

    def describe(self, replications: int, includes: str = "") -> str:
        """'Line: median of 200 runs; band: 10th to 90th percentile' and what the spread includes, if given."""
        spread = f" (runs vary by {includes})" if includes else ""
        return f"Line: {self.line} of {replications} runs; band: {self.interval}{spread}."


PERCENTILES = Band(("p10", "p50", "p90"), "median", "10th to 90th percentile")


MEAN_BAND = Band(("p10", "mean", "p90"), "mean", "10th to 90th percentile")


@dataclass(frozen=True)
class Reference:
    """A horizontal line drawn across the plot, such as a target, labelled at its right end."""

    value: float
    label: str


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames cannot be compared or hashed
class ChartSpec:
    """A line chart: its words, and per series a frame with date and the band's three columns.

    Up to two series share one axes, each labelled at its line end; more
    become small multiples, so that no two bands overlap. An empty alt_text is
    written from the data. `percent` shows a share (0 to 1) as a percentage.
    """

    stem: str
    title: str
    subtitle: str
    source: str
    y_label: str
    series: tuple[tuple[str, pd.DataFrame], ...]
    alt_text: str = ""
    band: Band = PERCENTILES
    colours: tuple[str, ...] = COLOURS
    reference: Reference | None = None
    percent: bool = False

    def __post_init__(self):
        series = tuple((label, _band_frame(frame, self.band)) for label, frame in self.series)
        object.__setattr__(self, "series", series)
        if not self.alt_text:
            object.__setattr__(self, "alt_text", _describe_lines(self))

    def plotted(self) -> pd.DataFrame:
        frames = [frame.assign(series=label) for label, frame in self.series]
        plotted = pd.concat(frames)[["series", "date", "low", "mid", "high"]]
        return plotted.set_axis(["series", "date", *self.band.columns], axis=1)

    def grid(self) -> tuple[int, int, float]:
        if len(self.series) <= MAX_SHARED:
            return 1, 1, PLOT_IN
        rows = math.ceil(len(self.series) / 3)
        return rows, 3, rows * PANEL_IN

    def draw(self, fig: Figure) -> None:
        if len(self.series) <= MAX_SHARED:
            axes = [fig.add_subplot()]
            _draw_lines(axes[0], self.series, self.colours, self.percent)
        else:
            axes = _draw_line_panels(fig, self.series, self.colours[0], self.percent)
        if self.reference:
            for ax in axes:
                _draw_reference(ax, self.reference, label=ax is axes[-1] or len(axes) == 1)


@dataclass(frozen=True, eq=False)
class PanelSpec:
    """Small multiples, one panel per group (such as a placement type), each with its own y scale and a
    median line per series (a band too when a panel holds one series); a legend names the series."""

    stem: str
    title: str
    subtitle: str
    source: str
    y_label: str
    panels: tuple[tuple[str, tuple[tuple[str, pd.DataFrame], ...]], ...]
    alt_text: str = ""
    colours: tuple[str, ...] = COLOURS

    def __post_init__(self):
        panels = tuple((title, tuple((label, _band_frame(frame, PERCENTILES)) for label, frame in series))
                       for title, series in self.panels)
        object.__setattr__(self, "panels", panels)
        if not self.alt_text:
            object.__setattr__(self, "alt_text", _describe_panels(self))

    def plotted(self) -> pd.DataFrame:
        frames = [frame.assign(panel=title, series=label) for title, series in self.panels for label, frame in series]
        plotted = pd.concat(frames)[["panel", "series", "date", "low", "mid", "high"]]
        return plotted.set_axis(["panel", "series", "date", *PERCENTILES.columns], axis=1)

    def grid(self) -> tuple[int, int, float]:
        rows = math.ceil(len(self.panels) / 3)
        return rows, 3, rows * PANEL_IN + LEGEND_IN * (len(self.panels[0][1]) > 1)

    def draw(self, fig: Figure) -> None:
        axes = fig.subplots(*self.grid()[:2], sharex=True, squeeze=False).ravel()
        for ax in axes[len(self.panels):]:
            ax.remove()
        for ax, (title, series) in zip(axes, self.panels):
            for (label, frame), colour in zip(series, self.colours):
                if len(series) == 1:
                    _draw_band(ax, frame, colour)
                else:
                    ax.plot(frame["date"], frame["mid"], color=colour, label=label, marker=_marker(frame))
            ax.set_title(_fill(title, 20), fontsize=9)
            _finish_axes(ax, series, max_ticks=2)
        for index in range(len(self.panels)):  # date labels under the lowest panel of each column
            axes[index].xaxis.set_tick_params(labelbottom=index + 3 >= len(self.panels))
        if len(self.panels[0][1]) > 1:  # a legend across the top of the plot area, which gives it room
            left, bottom, width, height = fig.get_layout_engine().get()["rect"]
            room = LEGEND_IN / fig.get_figheight()
            fig.get_layout_engine().set(rect=(left, bottom, width, height - room))
            handles, labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(PAD_IN / fig.get_figwidth(), bottom + height),
                       ncols=min(4, len(labels)), frameon=False, fontsize=9, borderaxespad=0)


@dataclass(frozen=True, eq=False)
class BarSpec:
    """Bar charts, one panel per series, bars per category stacked by segment (bottom first).

    `bars` has columns series, category, segment, value; panels, categories and
    segments keep the order in which they first appear. Several segments get a
    legend in stacking order; a single segment has each bar's value written on it.
    """

    stem: str
    title: str
    subtitle: str
    source: str
    y_label: str
    bars: pd.DataFrame
    alt_text: str = ""
    value_format: str = "{:,.0f}"
    colours: tuple[str, ...] = COLOURS

    def __post_init__(self):
        object.__setattr__(self, "bars", self.bars[BAR_COLUMNS].reset_index(drop=True))
        if not self.alt_text:
            object.__setattr__(self, "alt_text", _describe_bars(self))

    def plotted(self) -> pd.DataFrame:
        return self.bars

    def panels(self) -> list[str]:
        return list(dict.fromkeys(self.bars["series"]))

    def grid(self) -> tuple[int, int, float]:
        count = len(self.panels())
        columns = 1 if count == 1 else 2 if count <= 4 else 3
        rows = math.ceil(count / columns)
        return rows, columns, PLOT_IN if count == 1 else rows * BAR_PANEL_IN

    def draw(self, fig: Figure) -> None:
        _draw_bar_panels(fig, self)


def write_chart(spec, out_dir: Path | str) -> list[Path]:
    """Write <stem>.png, .svg, .csv (the plotted values) and .txt (alt text)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png, svg, csv, txt = (out / f"{spec.stem}.{ext}" for ext in ("png", "svg", "csv", "txt"))
    with matplotlib.style.context(STYLE):
        fig = draw(spec)
        fig.savefig(png, metadata={"Software": None})
        fig.set_layout_engine("none")  # keep the layout just computed: the SVG matches the PNG, and faster
        fig.savefig(svg, metadata={"Date": None})
    spec.plotted().to_csv(csv, index=False, date_format="%Y-%m-%d")
    txt.write_text(spec.alt_text + "\n")
    return [png, svg, csv, txt]


def draw(spec) -> Figure:
    """The chart as a figure: title, subtitle and y label above the plot, the source below."""
    fig = Figure(layout="constrained")
    FigureCanvasAgg(fig)  # text is measured with Agg before the layout is fixed
    *_, plot_height = spec.grid()
    plot_top, plot_bottom = _place_text(fig, spec, plot_height)
    fig.get_layout_engine().set(rect=(0, plot_bottom, 1, plot_top - plot_bottom))
    spec.draw(fig)
    for text in fig.findobj(Text):
        text.set_text(printable(text.get_text()))
    return fig


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
    colours: tuple[str, ...] = COLOURS,
    includes: str = "",
) -> ChartSpec:
    """Median and 10-90% band of one metric from each scenario's summary.csv; `includes` says what the runs'
    spread comes from (chance, ranges of uncertain figures)."""
    columns = ["date", *PERCENTILES.columns]
    series = tuple(
        (name, summary.loc[summary["metric"] == metric, columns])
        for name, summary in summary_by_scenario.items()
    )
    for name, frame in series:
        if frame.empty:
            raise ValueError(f"summary of scenario {name!r} has no rows for metric {metric!r}")
    if len(series) == 1:
        area = f"{area}, {series[0][0]} scenario"
    return ChartSpec(
        stem=stem or metric.replace(":", "_"),
        title=title,
        subtitle=f"{measure}, {area}, {period_of(series)}. {PERCENTILES.describe(replications, includes)}",
        source=source,
        y_label=y_label,
        series=series,
        colours=colours,
    )


def period_of(series) -> str:
    dates = pd.to_datetime(pd.concat(frame["date"] for _, frame in series))
    return f"{dates.min():%B %Y} to {dates.max():%B %Y}"


def trend_title(subject: str, start: float, end: float, by: str, fmt: str = "{:,.0f}", are: str = "are") -> str:
    """`subject` (plural, or singular with are="is") is projected to rise, fall or stay around a value, by `by`."""
    if fmt.format(start) == fmt.format(end) or abs(end - start) < 0.05 * abs(start):
        return f"{subject} {are} projected to stay around {fmt.format(start)} to {by}"
    verb = "rise" if end > start else "fall"
    return f"{subject} {are} projected to {verb} from {fmt.format(start)} to {fmt.format(end)} by {by}"


def ranking_title(subject: str, ends: Mapping[str, float], base: str, better: int, when: str,
                  fmt: str = "{:,.0f}") -> str:
    """Which option does best on `subject` (plural), against the base; `better` is +1 if higher is better."""
    options = {name: value for name, value in ends.items() if name != base}
    best = max(options, key=lambda name: better * options[name])
    shown, base_shown = fmt.format(options[best]), fmt.format(ends[base])
    if better * (options[best] - ends[base]) <= 0 or shown == base_shown:
        return f"No option improves on {base} for {subject[:1].lower() + subject[1:]} {when}"
    word = "highest" if better > 0 else "lowest"
    return f"{subject} are {word} under {best}: {shown} against {base_shown} under {base} {when}"


def _band_frame(frame: pd.DataFrame, band: Band) -> pd.DataFrame:
    columns = ["date", *band.columns]
    missing = set(columns) - set(frame.columns)
    if missing:
        raise ValueError(f"chart series needs columns {columns}; missing {sorted(missing)}")
    frame = frame[columns].set_axis(["date", "low", "mid", "high"], axis=1)
    frame = frame.assign(date=pd.to_datetime(frame["date"]))
    return frame.sort_values("date").reset_index(drop=True)


def _describe_lines(spec: ChartSpec) -> str:
    kind = "Line chart" if len(spec.series) <= MAX_SHARED else "Small multiple line charts"
    parts = [f"{kind}. {spec.title}.", spec.subtitle]
    shown = _percent if spec.percent else _whole
    for label, frame in spec.series:
        first, last = frame.iloc[0], frame.iloc[-1]
        parts.append(
            f"{label}: {spec.band.line} {shown(first.mid)} in {first.date:%B %Y} and {shown(last.mid)} "
            f"in {last.date:%B %Y} ({spec.band.interval} {shown(last.low)} to {shown(last.high)})."
        )
    if spec.reference:
        parts.append(f"A dashed line marks {spec.reference.label[:1].lower()}{spec.reference.label[1:]}.")
    return " ".join(parts)


def _describe_panels(spec: PanelSpec) -> str:
    parts = [f"Small multiple line charts. {spec.title}.", spec.subtitle]
    for title, series in spec.panels:
        ends = "; ".join(f"{label} {_whole(frame['mid'].iloc[0])} in {frame['date'].iloc[0]:%B %Y} and "
                         f"{_whole(frame['mid'].iloc[-1])} in {frame['date'].iloc[-1]:%B %Y}"
                         for label, frame in series)
        parts.append(f"{title}: {ends}.")
    return " ".join(parts)


def _whole(value: float) -> str:
    return "not available" if math.isnan(value) else f"{round(value):,}"  # round: never "-0"


def _percent(value: float) -> str:
    return "not available" if math.isnan(value) else f"{value:.0%}"


def _describe_bars(spec: BarSpec) -> str:
    kind = "Bar chart" if len(spec.panels()) == 1 else "Small multiple bar charts"
    parts = [f"{kind}. {spec.title}.", spec.subtitle]
    fmt = spec.value_format.format
    for panel in spec.panels():
        totals = spec.bars[spec.bars["series"] == panel].groupby("category", sort=False)["value"].sum()
        shown = totals if len(totals) <= 4 else totals.iloc[[0, -1]]
        values = ", ".join(f"{category} {fmt(value)}" for category, value in shown.items())
        parts.append(f"{panel}: {values}.")
    return " ".join(parts)


def _place_text(fig: Figure, spec, plot_height: float) -> tuple[float, float]:
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


def _draw_lines(ax, series, colours, percent: bool = False) -> None:
    for (_, frame), colour in zip(series, colours):
        _draw_band(ax, frame, colour, outlined=len(series) > 1)
    _finish_axes(ax, series, max_ticks=5, percent=percent)
    if len(series) > 1:
        _label_line_ends(ax, series, colours)


def _draw_line_panels(fig: Figure, series, focus: str, percent: bool = False) -> list:
    axes = _panel_axes(fig, len(series), 3)
    for ax, (label, frame) in zip(axes, series):
        for _, other in series:
            if other is not frame:
                ax.plot(other["date"], other["mid"], color=CONTEXT, linewidth=1, marker=_marker(other))
        _draw_band(ax, frame, focus)
        ax.set_title(_fill(label, 22))
        _finish_axes(ax, series, max_ticks=2, percent=percent)  # narrow panels: two date labels fit
    return list(axes)


def _draw_reference(ax, reference: Reference, label: bool) -> None:
    ax.axhline(reference.value, color="#3D3D3D", linewidth=1, linestyle=(0, (4, 2)))
    if label:
        ax.annotate(reference.label, (1, reference.value), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9, color="#3D3D3D", annotation_clip=False)


def _panel_axes(fig: Figure, count: int, columns: int):
    rows = math.ceil(count / columns)
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    for i in range(count, axes.size):
        axes[i - columns].xaxis.set_tick_params(labelbottom=True)  # now the bottom of its column
        axes[i].remove()
    return axes[:count]


def _draw_band(ax, frame: pd.DataFrame, colour: str, outlined: bool = False) -> None:
    """The band shaded; `outlined` also draws its edges, so that two overlapping bands can be told apart.
    A run of one month has a point, not a line: its median a dot and its band a bar."""
    alpha = 0.15 if outlined else 0.2
    if len(frame) == 1:
        ax.vlines(frame["date"], frame["low"], frame["high"], color=colour, alpha=2 * alpha, linewidth=8)
    ax.fill_between(frame["date"], frame["low"], frame["high"], color=colour, alpha=alpha, linewidth=0)
    if outlined:
        for edge in ("low", "high"):
            ax.plot(frame["date"], frame[edge], color=colour, linewidth=0.6, linestyle=(0, (2, 2)))
    ax.plot(frame["date"], frame["mid"], color=colour, marker=_marker(frame))


def _marker(frame: pd.DataFrame) -> str | None:
    """A dot where a series has a single month end (a run of one month): a line of one point shows nothing."""
    return "o" if len(frame) == 1 else None


def _finish_axes(ax, series, max_ticks: int, percent: bool = False) -> None:
    dates = sorted(set().union(*(frame["date"] for _, frame in series)))
    pad = pd.DateOffset(months=1 if len(dates) == 1 else 0)  # a run of one month: a month either side of its end
    ax.set_xlim(dates[0] - pad, dates[-1] + pad)
    values = pd.concat([frame[["low", "mid", "high"]] for _, frame in series]).stack()
    if percent:
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1]))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:.0%}"))
    else:
        _y_from_zero(ax, values.min(), values.max())
    ax.xaxis.set_major_locator(FixedLocator(mdates.date2num(_sparse(dates, max_ticks))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y" if max_ticks > 2 else "%Y"))  # narrow panels: years


def _y_from_zero(ax, lowest: float, highest: float) -> None:
    """Y axis from zero (or the first tick below negative data) to the first tick at or above the data."""
    locator = MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True)
    ax.yaxis.set_major_locator(locator)
    lowest, highest = min(lowest, 0), max(highest, 1)
    ticks = locator.tick_values(lowest, highest)
    ax.set_ylim(max(t for t in ticks if t <= lowest), min(t for t in ticks if t >= highest))
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    if lowest < 0:
        ax.axhline(0, color="#3D3D3D", linewidth=0.8)


def _fill(label: str, width: int) -> str:
    """Wrap a label at spaces, or after underscores in a scenario name such as recruitment_campaign."""
    return textwrap.fill(label.replace("_", "_ "), width).replace("_ ", "_")


def _sparse(dates: list, max_ticks: int) -> list:
    """Every n-th date counting back from the last, n a whole number of years when possible."""
    for step in (1, 3, 6, 12, 24, 36, 60, 120):
        ticks = dates[::-step]
        if len(ticks) <= max_ticks:
            return ticks[::-1]
    return [dates[-1]]


def _label_line_ends(ax, series, colours) -> None:
    labels = [_fill(label, 20) for label, _ in series]
    ends = np.array([frame["mid"].iloc[-1] for _, frame in series])
    bottom, top = ax.get_ylim()
    heights = np.array([label.count("\n") + 1 for label in labels]) * 0.075 * (top - bottom)
    for label, (_, frame), colour, y in zip(labels, series, colours, _spread(ends, heights)):
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


def _draw_bar_panels(fig: Figure, spec: BarSpec) -> None:
    panels = spec.panels()
    _, columns, _ = spec.grid()
    axes = _panel_axes(fig, len(panels), columns)
    segments = list(dict.fromkeys(spec.bars["segment"]))
    colours = dict(zip(segments, spec.colours))
    tallest = spec.bars.groupby(["series", "category"])["value"].sum().max()
    if len(segments) == 1:
        tallest *= 1.15  # room for the values written above the bars
    for ax, panel in zip(axes, panels):
        table = spec.bars[spec.bars["series"] == panel].pivot_table(
            index="category", columns="segment", values="value", sort=False, aggfunc="sum")
        bottom = np.zeros(len(table))
        for segment in segments:
            heights = table[segment].to_numpy() if segment in table else np.zeros(len(table))
            bars = ax.bar(range(len(table)), heights, bottom=bottom, width=0.7,
                          color=colours[segment], label=textwrap.fill(segment, 18))
            bottom += heights
        if len(segments) == 1:
            ax.bar_label(bars, labels=[spec.value_format.format(v) for v in heights], padding=2, fontsize=9)
        _finish_bar_axes(ax, list(table.index), tallest, panel if len(panels) > 1 else "", columns)
    if len(segments) > 1:
        top_right = axes[min(columns, len(axes)) - 1]
        handles, labels = axes[0].get_legend_handles_labels()
        top_right.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.02, 1.0),
                         frameon=False, fontsize=9, borderaxespad=0)


def _finish_bar_axes(ax, categories: list, tallest: float, title: str, columns: int) -> None:
    ax.grid(axis="x", visible=False)
    step = math.ceil(len(categories) / (6 // columns))
    ax.set_xticks(range(0, len(categories), step), categories[::step])
    ax.tick_params(axis="x", length=0, labelsize=9)
    _y_from_zero(ax, 0, tallest)
    if title:
        ax.set_title(_fill(title, 30 if columns < 3 else 16))
