"""Text as charts and workbooks take it. User text is refused with control characters (sim.scenario.schema),
and the chart style shows '$' as written (text.parse_math in committee.mplstyle); this is the last guard, where
text leaves for matplotlib and openpyxl, for text from anywhere else (file and directory names, data)."""

from sim.scenario.schema import CONTROL_CHARACTER


def printable(text: str) -> str:
    """`text` without control characters (which openpyxl refuses and fonts cannot draw); tabs and line breaks
    stay."""
    return CONTROL_CHARACTER.sub("", text)
