"""Small counts in anything published: a count of 1 to 4 children is shown as "<5", or left blank in a
table or chart. Zero is shown: it says nothing about any child."""

import pandas as pd

SMALLEST_SHOWN = 5
NOTE = "Counts of 1 to 4 are suppressed: shown as <5, or left blank in tables and charts."


def is_small(count) -> bool:
    return 0 < count < SMALLEST_SHOWN


def shown(count) -> str:
    return f"<{SMALLEST_SHOWN}" if is_small(count) else f"{count:,}"


def blanked(counts: pd.Series) -> pd.Series:
    return counts.mask((counts > 0) & (counts < SMALLEST_SHOWN))
