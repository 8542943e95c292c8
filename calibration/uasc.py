"""Unaccompanied asylum-seeking children in an SSDA903 return: the UASC table (YYYY-uasc.csv per year, or
uasc.csv with LA and YEAR columns) lists each child who was UASC and the date the status ceased (DUC). A
period of care is a UASC period if its child is listed and it began before that date."""

from pathlib import Path

import pandas as pd

from calibration.quality import parse_dates
from calibration.ssda903 import PER_YEAR_EPISODES, read_csv_text, select_authority

UASC_COLUMNS = ("CHILD", "DUC")


def read_uasc_table(directory, la: str | None = None) -> pd.DataFrame:
    """child, duc (the date UASC status ceased) for every child the return lists; empty if it has no table."""
    directory = Path(directory)
    years = sorted(match[1] for path in directory.iterdir() if (match := PER_YEAR_EPISODES.match(path.name)))
    paths = [directory / f"{year}-uasc.csv" for year in years] + [directory / "uasc.csv"]
    tables = [read_csv_text(path, UASC_COLUMNS) for path in paths if path.is_file()]
    if not tables:
        return pd.DataFrame({"child": pd.Series(dtype=str), "duc": pd.Series(dtype="datetime64[ns]")})
    table = pd.concat(tables, ignore_index=True)
    table, _ = select_authority(table, table, la, directory)
    uasc = pd.DataFrame({"child": table["CHILD"], "duc": parse_dates(table["DUC"])}).dropna()
    return uasc.groupby("child", as_index=False)["duc"].max()


def uasc_periods(periods: pd.DataFrame, uasc: pd.DataFrame) -> pd.Series:
    """Whether each period of care is a UASC child's, begun while the child was UASC."""
    duc = pd.Series(periods[["child"]].merge(uasc, on="child", how="left")["duc"].to_numpy(), index=periods.index)
    return (duc.notna() & (periods["start"] < duc)).astype(bool)
