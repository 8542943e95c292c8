"""The tornado chart: how far an outcome moves as each assumption goes from the low to the high end of its range.

Horizontal bars from zero (the base scenario's outcome) to the change with the
assumption at each end, the largest span at the top; drawn by charts.write_chart
in the same committee style as every other chart.
"""

import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sim.report.charts import COLOURS, SOURCE
from sim.run.sensitivity import Outcome
from sim.scenario.wording import plain_path

LINE_IN, BAR_PAD_IN, MARGIN_IN = 0.19, 0.12, 0.7  # a row is as tall as its label
ROW_IN = 0.5  # at least: room for the two ends' bars, one above the other, each with its value beside it
LABEL_WIDTH = 34
ENDS = (("change_at_low", "Low end of range"), ("change_at_high", "High end of range"))


@dataclass(frozen=True, eq=False)
class TornadoSpec:
    stem: str
    title: str
    subtitle: str
    source: str
    x_label: str
    swings: pd.DataFrame  # sensitivity.SWING_COLUMNS, largest span first
    outcome: Outcome
    alt_text: str = ""
    y_label: str = ""  # the measure is on the x axis
    colours: tuple = COLOURS

    def __post_init__(self):
        if not self.alt_text:
            object.__setattr__(self, "alt_text", self._describe())

    def plotted(self) -> pd.DataFrame:
        return self.swings.assign(label=self._labels())

    def grid(self) -> tuple[int, int, float]:
        lines = max(label.count("\n") + 1 for label in self._wrapped())
        return 1, 1, MARGIN_IN + max(LINE_IN * lines + BAR_PAD_IN, ROW_IN) * len(self.swings)

    def draw(self, fig: Figure) -> None:
        ax = fig.add_subplot()
        rows = np.arange(len(self.swings))
        for (column, label), colour, offset in zip(ENDS, self.colours, (-0.18, 0.18)):
            # each end in its own lane, so that two changes the same way neither hide nor overprint each other
            changes = self.swings[column].to_numpy()
            bars = ax.barh(rows + offset, changes, height=0.34, color=colour, label=label)
            ax.bar_label(bars, labels=[self.outcome.format(v, signed=True) if v else "" for v in changes],
                         padding=3, fontsize=8)
        ax.set_yticks(rows, self._wrapped())
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.axvline(0, color="#3D3D3D", linewidth=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: self.outcome.format(x, signed=True)))
        reach = max(self.swings[[column for column, _ in ENDS]].abs().to_numpy().max(), 1e-9)
        ax.set_xlim(-1.4 * reach, 1.4 * reach)  # symmetric, with room for the values beside the bars
        ax.set_xlabel(self.x_label)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False, fontsize=9, borderaxespad=0.2)

    def _labels(self) -> list[str]:
        return [f"{plain_path(row.parameter)} ({row.low:g} to {row.high:g})" for row in self.swings.itertuples()]

    def _wrapped(self) -> list[str]:
        return [textwrap.fill(label, LABEL_WIDTH) for label in self._labels()]

    def _describe(self) -> str:
        parts = [f"Horizontal bar chart. {self.title}.", self.subtitle]
        for label, row in zip(self._labels(), self.swings.itertuples()):
            parts.append(f"{label}: {self.outcome.format(row.change_at_low, signed=True)} at the low end, "
                         f"{self.outcome.format(row.change_at_high, signed=True)} at the high end.")
        return " ".join(parts)


def tornado_chart(swings: pd.DataFrame, outcome: Outcome, *, end: str, period: str, area: str,
                  replications: int, source: str = SOURCE) -> TornadoSpec:
    """The tornado chart of one outcome's swings, its title naming the assumption that matters most."""
    subject = outcome.subject.format(end=end, period=period)
    top = swings.iloc[0]
    if top.change_at_low == 0 and top.change_at_high == 0:
        title = f"None of the assumptions tested changes {subject}"
    else:
        title = f"{plain_path(top.parameter)} matters most for {subject}"
    base = outcome.format(top.base_outcome)
    subtitle = (f"Change in {outcome.measure} from {base} in the base scenario, with each assumption alone at the "
                f"low and at the high end of its range; mean of {replications} runs with common random numbers, "
                f"{area}, {period}.")
    return TornadoSpec(stem=f"tornado_{outcome.key}", title=title, subtitle=subtitle, source=source,
                       x_label=f"Change from the base scenario ({base})", swings=swings, outcome=outcome)
