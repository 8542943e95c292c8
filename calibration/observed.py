"""What a care history shows month by month, measured as the model reports it: children in care, and
children placed out of county, at the end of each month."""

import datetime as dt

import pandas as pd

from calibration.history import CareHistory, open_on
from calibration.options import LOCATED_OPTIONS, LOCATION_UNKNOWN, OUT_OF_COUNTY_OPTIONS

OBSERVED_METRICS = ("children_in_care", "placed_out_of_county")


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from `first`'s month to `last`'s, those on or before `last`."""
    ends = pd.date_range(pd.Timestamp(first), pd.Timestamp(last) + pd.offsets.MonthEnd(0), freq="ME")
    return [end.date() for end in ends if end.date() <= last]


def location_known(history: CareHistory) -> bool:
    """Whether every IFA and private children's home placement is known to be in or out of county."""
    options = history.placements["option"]
    return bool(options.isin(LOCATED_OPTIONS).any() and not options.isin(list(LOCATION_UNKNOWN)).any())


def observed_series(history: CareHistory, dates) -> pd.DataFrame:
    """Children in care and placed out of county at each date (a row each); out of county is left
    missing when the history does not know placements' locations."""
    out_of_county = history.placements[history.placements["option"].isin(OUT_OF_COUNTY_OPTIONS)]
    known = location_known(history)
    rows = [
        (int(open_on(history.periods, date).sum()), int(open_on(out_of_county, date).sum()) if known else None)
        for date in dates
    ]
    return pd.DataFrame(rows, columns=list(OBSERVED_METRICS), index=pd.Index(dates, name="date"), dtype="float")


def placed_in(history: CareHistory, option: str, dates) -> pd.Series:
    """Children in placements of `option` at each date."""
    placements = history.placements[history.placements["option"] == option]
    return pd.Series([int(open_on(placements, date).sum()) for date in dates], index=pd.Index(dates, name="date"),
                     dtype="float", name=f"placed:{option}")


def entries_by_month(history: CareHistory) -> pd.Series:
    """Periods of care starting in each month of the data window, by month end."""
    dates = month_ends(history.window_start.date(), history.window_end.date())
    starts = history.periods["start"]
    inside = starts[starts.between(history.window_start, history.window_end)]
    counts = (inside + pd.offsets.MonthEnd(0)).dt.date.value_counts()
    return counts.reindex(dates, fill_value=0).rename_axis("date").rename("entries")
