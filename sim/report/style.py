"""An analyst's style file for `sufficiency charts --style`: chart titles, colours and source wording.

    source: Surrey County Council analysis of simulated results
    colours: ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
    titles:
      out_of_county: Fewer children out of county under every option
"""

import difflib
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, Strict, ValidationError, field_validator

from sim.report.chart_set import CHART_STEMS
from sim.report.charts import COLOURS, MAX_LINES, SOURCE
from sim.scenario.files import one_line_error, read_yaml_mapping
from sim.scenario.schema import Frozen, Text, named

Colour = Annotated[str, Strict(), AfterValidator(named(r"#[0-9A-Fa-f]{6}", "a colour such as #12436D"))]


class Style(Frozen):
    source: Text = SOURCE
    # a chart of differences from the base colours its options from the second colour on
    colours: Annotated[tuple[Colour, ...], Field(min_length=MAX_LINES + 1)] = COLOURS
    titles: dict[str, Text] = {}

    @field_validator("titles")
    @classmethod
    def _known_charts(cls, titles: dict) -> dict:
        for stem in titles:
            if stem not in CHART_STEMS:
                near = difflib.get_close_matches(stem, CHART_STEMS, n=1, cutoff=0.5)
                hint = f"did you mean '{near[0]}'?" if near else f"expected one of: {', '.join(CHART_STEMS)}"
                raise ValueError(f"no chart is called '{stem}'; {hint}")
        return titles

    def title(self, stem: str, default: str) -> str:
        """The analyst's title for the chart, as written, or the default, which may start with a scenario name."""
        return self.titles.get(stem, default[:1].upper() + default[1:])


def load_style(path) -> Style:
    path = Path(path)
    raw = read_yaml_mapping(path, "style keys (source, colours, titles)")
    try:
        return Style.model_validate(raw)
    except ValidationError as error:
        raise one_line_error(error, str(path), root=Style) from None
