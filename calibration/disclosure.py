"""Small counts in anything published: no count of 1 to 4 children may be shown, or be worked out from what
is shown.

- A count of 1 to 4 is suppressed (primary suppression), shown as [c] (the GSS mark for confidential).
- In a table whose total is shown or can be worked out, the total minus the shown cells is the sum of the
  hidden ones: more cells are hidden (secondary suppression) until at least two are and their sum is at least
  5 and more than their number, so that no hidden cell can be worked out (each is known only to lie between 1
  and that sum less the others). Where even hiding every non-zero cell is not enough (each holds exactly one
  child), the empty cells are hidden too, so that none of them can be told apart; a table of nothing but
  single children, without an empty cell, cannot be protected this way: its total gives every cell away, and
  whoever shows such a total must suppress it (`total_unsafe`).
- A share or a rate is shown only where the count it rests on is (`masked`): a share times its total, or a
  rate times its exposure, would give the count back.
- A curve of shares (a survival curve) moves only once at least 5 events have happened since it last moved
  (`stepped`), so that no step is a count of 1 to 4.

Every suppressed value gets the same mark, so that a primary one cannot be told from a secondary one. Zero is
shown: it says nothing about any child. calibration.scenario_writer and sim.report.calibration use these; a
pack of calibrated scenarios can reuse them.
"""

import numpy as np
import pandas as pd

SMALLEST_SHOWN = 5
HIDDEN = "[c]"
NOTE = ("[c]: suppressed. No count of 1 to 4 children is shown or can be worked out from what is shown: such "
        "counts, and others that would give them away (through a total, a share or a rate), are suppressed.")


def is_small(count) -> bool:
    return 0 < count < SMALLEST_SHOWN


def shown(count) -> str:
    """A count standing alone, with no total or share beside it that could give it away."""
    return HIDDEN if is_small(count) else f"{count:,}"


def suppressed(counts) -> pd.Series:
    """Which cells of a table of counts (whose total is known) to hide: the small ones, then the smallest others
    until the hidden cells cannot be worked out from the total (see the module's docstring)."""
    counts = pd.Series(counts, dtype=float)
    hidden = counts.map(is_small)
    while hidden.any() and not _safe(counts[hidden]):
        candidates = counts[~hidden & (counts > 0)]
        if candidates.empty:  # every non-zero cell hidden: the empty ones too, unless the total is itself small
            return counts > 0 if is_small(counts.sum()) else pd.Series(True, index=counts.index)
        hidden[candidates.idxmin()] = True
    return hidden


def total_unsafe(counts) -> bool:
    """Whether the total of a table of counts gives a cell away however its cells are suppressed."""
    counts = pd.Series(counts, dtype=float)
    nonzero = counts[counts > 0]
    return bool(suppressed(counts).all() and len(nonzero) == len(counts) and not _safe(nonzero)
                and not is_small(counts.sum()))


def shown_table(counts) -> pd.Series:
    """The cells of a table of counts as published: [c] where `suppressed`."""
    counts = pd.Series(counts)
    hidden = suppressed(counts)
    return pd.Series([HIDDEN if hide else f"{int(count):,}" for count, hide in zip(counts, hidden)], index=counts.index)


def blanked(counts, table: bool = True) -> pd.Series:
    """Counts with the suppressed ones missing (for a chart or a CSV); `table` False hides the small ones only,
    for counts that make up no total (month-end stocks, say)."""
    counts = pd.Series(counts, dtype=float)
    return counts.mask(suppressed(counts) if table else counts.map(is_small))


def masked(values: dict, counts: dict) -> dict:
    """Shares or rates keyed as `counts`, the count each rests on: None (shown [c]) where that count is suppressed."""
    hidden = suppressed(pd.Series(counts, dtype=float))
    return {key: None if hidden.get(key, False) else value for key, value in values.items()}


def stepped(shares: np.ndarray, events: np.ndarray) -> np.ndarray:
    """A curve that holds each value until at least SMALLEST_SHOWN more events (cumulative `events`, at the
    same points) have happened since it last moved; missing values stay missing."""
    shown_shares = np.array(shares, dtype=float)
    last_value, last_events = 1.0, 0.0
    for index, (share, count) in enumerate(zip(shares, events)):
        if np.isnan(share):
            continue
        if count - last_events >= SMALLEST_SHOWN:
            last_value, last_events = share, count
        shown_shares[index] = last_value
    return shown_shares


def _safe(hidden: pd.Series) -> bool:
    """No hidden cell is known: at least two, summing to 5 or more, and to more than one each (or with an
    empty cell among them, which could be any of them)."""
    total = hidden.sum()
    return len(hidden) >= 2 and total >= SMALLEST_SHOWN and (total > len(hidden) or (hidden == 0).any())
