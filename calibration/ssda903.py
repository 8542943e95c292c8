"""Reading an SSDA903 return in either public layout, as text tables with one row per episode.

- per-year: YYYY-episodes.csv and YYYY-header.csv, one pair per collection
  year; an episode open across 31 March is repeated in each year's file.
- combined: episodes.csv and header.csv with LA and YEAR columns, for one or
  several authorities.

Repeated rows are merged keeping the latest return's row, which knows most
(an end date, say). Each episode keeps RETURN_END, the last day of the
collection year of that return: an episode still open there is observed only
until then.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from calibration.codes import EPISODE_COLUMNS, HEADER_COLUMNS
from calibration.errors import DataError
from calibration.quality import parse_dates, require_columns

PER_YEAR_EPISODES = re.compile(r"^(\d{4})-episodes\.csv$")
COMBINED_EPISODES, COMBINED_HEADER = "episodes.csv", "header.csv"


@dataclass(frozen=True)
class RawReturn:
    episodes: pd.DataFrame = field(repr=False)
    header: pd.DataFrame = field(repr=False)
    source: str
    layout: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    repeats_merged: int


def read_return(directory, la: str | None = None) -> RawReturn:
    directory = Path(directory)
    layout = detect_layout(directory)
    episodes, header = _read_combined(directory) if layout == "combined" else _read_per_year(directory)
    episodes, header = select_authority(episodes, header, la, directory)
    episodes = _with_return_end(episodes, directory)
    merged = _keep_latest(episodes, _episode_key(episodes))
    return RawReturn(
        episodes=merged,
        header=_keep_latest(header, header["CHILD"]),
        source=str(directory),
        layout=layout,
        window_start=episodes["RETURN_END"].min() - pd.DateOffset(years=1) + pd.Timedelta(days=1),
        window_end=episodes["RETURN_END"].max(),
        repeats_merged=len(episodes) - len(merged),
    )


def detect_layout(directory: Path) -> str:
    if not directory.is_dir():
        raise DataError(directory, "", "directory not found")
    names = {path.name for path in directory.iterdir()}
    combined = COMBINED_EPISODES in names
    per_year = any(PER_YEAR_EPISODES.match(name) for name in names)
    if combined == per_year:
        found = "both layouts" if combined else "no SSDA903 episodes"
        expected = "episodes.csv and header.csv, or YYYY-episodes.csv and YYYY-header.csv"
        raise DataError(directory, "", f"{found}; expected {expected}")
    return "combined" if combined else "per-year"


def read_csv_text(path: Path, required) -> pd.DataFrame:
    """Every value as stripped text, blanks as missing, column names upper-case."""
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(path, "", "file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        raise DataError(path, "", "not a readable CSV file (UTF-8, comma-separated, with a header row)") from None
    frame.columns = frame.columns.str.strip().str.upper()
    require_columns(frame, required, path)
    return frame.apply(lambda column: column.str.strip()).replace("", pd.NA)


def select_authority(episodes, header, la, source):
    """The combined layout may hold several authorities: keep the one named, or the only one."""
    if "LA" not in episodes.columns:
        if la is not None:
            raise DataError(source, "LA", f"no LA column, so authority {la!r} cannot be chosen; omit it")
        return episodes, header
    names = sorted(episodes["LA"].dropna().unique())
    if la is None:
        if len(names) > 1:
            raise DataError(source, "LA", f"several authorities ({', '.join(names)}); choose one")
        return episodes, header
    if la not in names:
        raise DataError(source, "LA", f"no authority named {la!r}; found {', '.join(names)}")
    header_rows = header["LA"] == la if "LA" in header.columns else slice(None)
    return episodes[episodes["LA"] == la], header[header_rows]


def _read_per_year(directory):
    years = sorted(int(match[1]) for path in directory.iterdir() if (match := PER_YEAR_EPISODES.match(path.name)))
    episodes = [read_csv_text(directory / f"{year}-episodes.csv", EPISODE_COLUMNS).assign(YEAR=year) for year in years]
    header = [read_csv_text(directory / f"{year}-header.csv", HEADER_COLUMNS).assign(YEAR=year) for year in years]
    return pd.concat(episodes, ignore_index=True), pd.concat(header, ignore_index=True)


def _read_combined(directory):
    tables = []
    for name, columns in ((COMBINED_EPISODES, EPISODE_COLUMNS), (COMBINED_HEADER, HEADER_COLUMNS)):
        frame = read_csv_text(directory / name, columns + ("YEAR",))
        year = pd.to_numeric(frame["YEAR"], errors="coerce")
        if year.isna().any():
            raise DataError(directory / name, "YEAR", "expected a four-digit collection year on every row")
        tables.append(frame.assign(YEAR=year.astype(int)))
    return tables


def _with_return_end(episodes, source):
    """A return holds episodes open during its collection year, so its latest DECOM falls in that year."""
    latest_start = parse_dates(episodes["DECOM"]).groupby(episodes["YEAR"]).max()
    if latest_start.isna().any():
        raise DataError(source, "DECOM", f"no readable date in the {latest_start.isna().idxmax()} return")
    year = latest_start.dt.year + (latest_start.dt.month > 3)
    year_end = pd.to_datetime(pd.DataFrame({"year": year, "month": 3, "day": 31}))
    return episodes.assign(RETURN_END=episodes["YEAR"].map(year_end))


def _episode_key(episodes):
    """CHILD and DECOM, with DECOM in one format so a date written differently in two returns still matches."""
    decom = parse_dates(episodes["DECOM"]).dt.strftime("%Y-%m-%d").fillna(episodes["DECOM"])
    return episodes["CHILD"] + "|" + decom


def _keep_latest(frame, key):
    """Rows with a missing key are left for the data-quality rules to count."""
    order = frame["YEAR"].sort_values(kind="stable").index
    repeated = key[order].notna() & key[order].duplicated(keep="last")
    return frame.loc[order][~repeated.to_numpy()].reset_index(drop=True)
