"""Reading an SSDA903 return in either public layout, as text tables with one row per episode.

- per-year: YYYY-episodes.csv and YYYY-header.csv, one pair per collection
  year; an episode open across 31 March is repeated in each year's file.
- combined: episodes.csv and header.csv with LA and YEAR columns, for one or
  several authorities.

Repeated rows are merged keeping the latest return's row, which knows most
(an end date, say). Each episode keeps RETURN_END, the last day of the
collection year of that return: an episode still open there is observed only
until then. Every file in the directory is either read or named in the notes
with the reason it was not, and a collection year missing between others is noted.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from calibration.codes import EPISODE_COLUMNS, HEADER_COLUMNS
from calibration.errors import DataError
from calibration.quality import parse_dates, require_columns
from sim.scenario.errors import InputError
from sim.scenario.reading import read_csv

PER_YEAR_EPISODES = re.compile(r"^(\d{4})-episodes\.csv$")
PER_YEAR_TABLE = re.compile(r"^(\d{4})-(episodes|header)\.csv$")
COMBINED_EPISODES, COMBINED_HEADER = "episodes.csv", "header.csv"
MAX_AUTHORITIES_NAMED = 10
SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".ods")


@dataclass(frozen=True)
class RawReturn:
    episodes: pd.DataFrame = field(repr=False)
    header: pd.DataFrame = field(repr=False)  # every return's rows: calibration.quality merges them
    source: str
    layout: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    repeats_merged: int
    notes: tuple[str, ...] = ()


def read_return(directory, la: str | None = None) -> RawReturn:
    directory = Path(directory)
    layout = detect_layout(directory)
    episodes, header = _read_combined(directory) if layout == "combined" else _read_per_year(directory)
    episodes, header = select_authority(episodes, header, la, directory)
    episodes = _with_return_end(episodes, directory)
    merged = _keep_latest(episodes, _episode_key(episodes))
    return RawReturn(
        episodes=merged,
        header=header,
        source=str(directory),
        layout=layout,
        window_start=episodes["RETURN_END"].min() - pd.DateOffset(years=1) + pd.Timedelta(days=1),
        window_end=episodes["RETURN_END"].max(),
        repeats_merged=len(episodes) - len(merged),
        notes=(_files_note(directory, layout), *_missing_years(episodes, header)),
    )


def detect_layout(directory: Path) -> str:
    if not directory.is_dir():
        raise DataError(directory, "", "directory not found" if not directory.exists() else "is not a directory")
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
        frame = read_csv(path)
    except InputError as error:
        raise DataError(error.source, error.key, error.expected) from None
    frame.columns = frame.columns.str.strip().str.upper()
    require_columns(frame, required, path)
    return frame.apply(lambda column: column.str.strip()).replace("", pd.NA)


def select_authority(episodes, header, la, source):
    """The combined layout may hold several authorities: keep the one named, or the only one."""
    if "LA" not in episodes.columns:
        if la is not None:
            raise DataError(source, "LA", f"no LA column, so authority {la!r} cannot be chosen; leave out --la")
        return episodes, header
    names = sorted(episodes["LA"].dropna().unique())
    if la is None:
        if len(names) > 1:
            raise DataError(source, "LA", f"several authorities ({_some(names)}): choose one with --la")
        return episodes, header
    if la not in names:
        raise DataError(source, "LA", f"no authority named {la!r}; found {_some(names)}: choose one with --la")
    header_rows = header["LA"] == la if "LA" in header.columns else slice(None)
    return episodes[episodes["LA"] == la], header[header_rows]


def _some(names: list) -> str:
    shown = ", ".join(names[:MAX_AUTHORITIES_NAMED])
    more = len(names) - MAX_AUTHORITIES_NAMED
    return shown + (f" and {more} more" if more > 0 else "")


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
        if year.isna().any() or not year.between(1900, 2999).all() or (year % 1).any():
            raise DataError(directory / name, "YEAR", "expected a four-digit collection year on every row")
        tables.append(frame.assign(YEAR=year.astype(int)))
    return tables


def _with_return_end(episodes, source):
    """A return holds episodes open during its collection year, so its latest start falls in that year: a
    start later than the year its label could mean (a collection year ends 31 March of the labelled year or of
    the next) is an error in the data, left for the data-quality rules to count."""
    if episodes.empty:
        raise DataError(source, "", "no episodes in any return")
    starts = parse_dates(episodes["DECOM"])
    possible = starts <= pd.to_datetime(pd.DataFrame({"year": episodes["YEAR"] + 1, "month": 3, "day": 31}))
    latest_start = starts.where(possible).groupby(episodes["YEAR"]).max()
    if latest_start.isna().any():
        year = latest_start.isna().idxmax()
        readable = starts[episodes["YEAR"] == year].notna().any()
        problem = (f"no start date in or before the collection year the {year} return can cover" if readable else
                   f"no readable date in the {year} return (expected dates as dd/mm/YYYY or YYYY-MM-DD)")
        raise DataError(source, "DECOM", problem)
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


def _files_note(directory: Path, layout: str) -> str:
    """What was read of the directory, and each other file with why it was not."""
    read, ignored = [], []
    years = {match[1] for path in directory.iterdir() if (match := PER_YEAR_EPISODES.match(path.name))}
    for path in sorted(directory.iterdir()):
        reason = _not_read(path, layout, years)
        (ignored.append(f"{path.name} ({reason})") if reason else read.append(path.name))
    note = f"Files read: {', '.join(read)}."
    return note + (f" Not read: {'; '.join(ignored)}." if ignored else "")


def _not_read(path: Path, layout: str, years: set) -> str:
    """Why a file of the directory is not read ('' if it is)."""
    table = PER_YEAR_TABLE.match(path.name)
    if layout == "combined" and path.name in (COMBINED_EPISODES, COMBINED_HEADER):
        return ""
    if layout == "per-year" and table and table[1] in years:
        return ""
    if path.is_dir():
        return "a directory"
    if layout == "per-year" and table:
        return f"no {table[1]}-episodes.csv beside it"
    if path.suffix.lower() in SPREADSHEETS:
        return "a spreadsheet: save each table as CSV named as the layout expects"
    expected = "episodes.csv or header.csv" if layout == "combined" else "YYYY-episodes.csv or YYYY-header.csv"
    return f"not named {expected}"


def _missing_years(episodes, header) -> tuple[str, ...]:
    """A collection year absent between others, or present with no episodes: its entries are missed (only
    those still in care at a later return are seen), so entries and their trend come out too low."""
    labelled = sorted(set(episodes["YEAR"]) | set(header["YEAR"]))
    with_episodes = set(episodes["YEAR"])
    missing = [year for year in range(labelled[0], labelled[-1] + 1) if year not in with_episodes] if labelled else []
    if not missing:
        return ()
    return (f"No episodes for collection year{'s' * (len(missing) > 1)} labelled {', '.join(map(str, missing))} "
            "(the file is missing or empty): entries in that year are seen only if still in care at a later return, "
            "so the entry rate and its trend come out too low; add the year's return.",)
