"""One authority's care history from an SSDA903 return: periods of care and placements inside a data window.

The child-level tables stay inside calibration: estimators read them and
return aggregates only, and nothing here prints them.
"""

from dataclasses import dataclass, field, replace

import pandas as pd

from calibration.disclosure import shown
from calibration.episodes import build_periods, build_placements, exclude_short_breaks
from calibration.errors import DataError
from calibration.location import placement_locations, read_postcode_lookup
from calibration.quality import QualityReport, check_tables
from calibration.ssda903 import read_return
from calibration.uasc import read_uasc_table, uasc_periods


@dataclass(frozen=True)
class CareHistory:
    periods: pd.DataFrame = field(repr=False)  # with `uasc`: begun while the child was an unaccompanied asylum seeker
    placements: pd.DataFrame = field(repr=False)
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    quality: QualityReport
    source: str


def load_care_history(directory, la=None, postcode_lookup=None, authority=None) -> CareHistory:
    """Read, check and structure a return; `authority` (default `la`) is the name the postcode lookup uses."""
    raw = read_return(directory, la)
    episodes, report = check_tables(raw.episodes, raw.header)
    lookup = read_postcode_lookup(postcode_lookup, authority or la) if postcode_lookup else None
    location, location_note = placement_locations(episodes, lookup)
    care = exclude_short_breaks(episodes.assign(LOCATION=location))
    if care.empty:
        dropped = max(report.findings, key=lambda finding: finding.rows_dropped, default=None)
        reason = (f" (most rows dropped, {dropped.rows_dropped}: {dropped.table} {dropped.column}: {dropped.rule})"
                  if dropped and dropped.rows_dropped else "")
        raise DataError(raw.source, "", f"no usable care episodes after the data-quality checks{reason}")
    placements = build_placements(care)
    periods = build_periods(placements)
    periods = periods.assign(uasc=uasc_periods(periods, read_uasc_table(directory, la)))
    notes = (
        *raw.notes,
        f"{shown(raw.repeats_merged)} repeated episode rows (open across 31 March) merged, keeping the latest "
        "return's row.",
        f"{shown(len(episodes) - len(care))} short-break episodes (LS V3, V4) excluded.",
        location_note,
    )
    return CareHistory(
        periods=periods,
        placements=placements,
        window_start=raw.window_start,
        window_end=raw.window_end,
        quality=report.with_notes(*notes),
        source=raw.source,
    )


def open_on(rows: pd.DataFrame, date) -> pd.Series:
    """Which periods or placements were open at the end of `date`: begun by then, and ended later or
    still open when last observed on or after it."""
    date = pd.Timestamp(date)
    still_open = rows["end"].gt(date) | (rows["end"].isna() & rows["observed_until"].ge(date))
    return (rows["start"] <= date) & still_open


def history_before(history: CareHistory, as_of) -> CareHistory:
    """The history as a return ending the day before `as_of` (a 1 April inside the window) would give it:
    what starts later is dropped, and what ends on or after `as_of` is still open."""
    as_of = pd.Timestamp(as_of)
    if (as_of.month, as_of.day) != (4, 1) or not history.window_start < as_of <= history.window_end:
        expected = f"a 1 April after {history.window_start.date()} and by {history.window_end.date()}"
        raise DataError(history.source, "--as-of", f"expected {expected} (whole collection years), got {as_of.date()}")
    last_day = as_of - pd.Timedelta(days=1)
    placements, dropped = _cut(history.placements, as_of, last_day)
    placements.loc[placements["end"].isna(), ["reason", "changed", "breakdown"]] = [pd.NA, False, False]
    periods, _ = _cut(history.periods, as_of, last_day)
    note = (f"Cut at {as_of.date()} for the back-test: {dropped} placements starting later dropped; "
            "periods and placements ending later treated as open.")
    return replace(history, periods=periods, placements=placements, window_end=last_day,
                   quality=history.quality.with_notes(note))


def _cut(rows, as_of, last_day):
    kept = rows[rows["start"] < as_of].copy()
    kept["end"] = kept["end"].where(kept["end"] < as_of)
    kept["observed_until"] = kept["observed_until"].clip(upper=last_day)
    return kept, len(rows) - len(kept)
