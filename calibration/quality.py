"""Data-quality rules for SSDA903 tables, and the report they produce.

Each rule counts the rows it affects and says whether they were dropped or
kept. The report holds counts, column names and the return's own file names only:
never a child's identifier, date of birth, postcode or any other value from the data.

The rules that matter for calibration follow the DfE's validation of the 903
return (as data-to-insight's validator implements it; its rule numbers are given):
an episode starting at 18 or over (352), a child's first episode not starting
care (RNE S, 357), overlapping episodes (501), an episode ending before it
starts, a date outside the return's collection year, a child in the episodes
but not in the header; and for the header, a child listed twice or given
different dates of birth.
"""

import re
from dataclasses import dataclass

import pandas as pd

from calibration.codes import CODE_LISTS, CONTINUES_PERIOD_REC, STARTED_RNE
from calibration.disclosure import shown
from calibration.errors import DataError

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MIDNIGHT = re.compile(r"[ T]00:00(:00(\.0+)?)?$")  # a date written by a spreadsheet as a date and time
LEAVING_AGE_YEARS = 18


@dataclass(frozen=True)
class Finding:
    rule: str
    table: str
    column: str
    rows_affected: int
    rows_dropped: int
    action: str

    def describe(self) -> str:
        rows = f"{shown(self.rows_affected)} rows"  # published: a count of 1 to 4 rows is suppressed
        return f"{self.table} {self.column}: {self.rule}: {rows}; {self.action}"


@dataclass(frozen=True)
class QualityReport:
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()

    def with_notes(self, *notes: str) -> "QualityReport":
        return QualityReport(self.findings, self.notes + notes)

    def lines(self) -> list[str]:
        problems = [finding.describe() for finding in self.findings] or ["no data-quality problems found"]
        return problems + list(self.notes)


def parse_dates(text: pd.Series) -> pd.Series:
    """Dates as dd/mm/YYYY (returns) or YYYY-MM-DD (tools' exports), either with a midnight time as
    spreadsheets add it, value by value, whatever the column holds; NaT where none fits (see `_parsed_column`,
    which counts them)."""
    values = pd.Series(text, dtype="string").str.strip().str.replace(MIDNIGHT, "", regex=True)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for date_format in DATE_FORMATS:
        parsed = parsed.fillna(pd.to_datetime(values, format=date_format, errors="coerce"))
    return parsed


def require_columns(frame: pd.DataFrame, required, source) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise DataError(source, missing[0], f"required column missing (expected columns {', '.join(required)})")


def check_tables(episodes: pd.DataFrame, header: pd.DataFrame) -> tuple[pd.DataFrame, QualityReport]:
    """Apply every rule to the episodes (each with its return's RETURN_END) and the header rows of every
    return; the usable episodes, each with its child's DOB, and the report."""
    listed = set(header["CHILD"].dropna())
    header, header_findings = _checked_header(header)
    episodes, episode_findings = _checked_episodes(episodes)
    episodes, birth_findings = _with_birth_dates(episodes, header, listed)
    episodes, first_not_started = _first_episodes_start_care(episodes)
    episodes, overlaps = _overlaps_made_consecutive(episodes)
    findings = header_findings + episode_findings + birth_findings + [first_not_started, overlaps]
    return episodes, QualityReport(tuple(finding for finding in findings if finding.rows_affected))


def _checked_header(header):
    header, findings = _drop_missing(header, "header", ("CHILD", "DOB"))
    header, unparseable = _parsed_column(header, "header", "DOB")
    twice = header.duplicated(["CHILD", "YEAR"], keep="last")
    listed_twice = Finding("child listed twice in one return's header", "header", "CHILD", int(twice.sum()), 0,
                           "rows kept; the last row of the return is used")
    births = header.groupby("CHILD")["DOB"].nunique()
    conflicting = int(header["CHILD"].map(births).gt(1).sum())
    differing = Finding("child given different dates of birth", "header", "DOB", conflicting, 0,
                        "rows kept; the latest return's date is used")
    latest = header.sort_values("YEAR", kind="stable").drop_duplicates("CHILD", keep="last")
    return latest, findings + [unparseable, listed_twice, differing]


def _checked_episodes(episodes):
    episodes, findings = _drop_missing(episodes, "episodes", ("CHILD", "DECOM"))
    episodes, bad_start = _parsed_column(episodes, "episodes", "DECOM")
    episodes, bad_end = _parsed_column(episodes, "episodes", "DEC")
    episodes, ends_first = _drop(episodes, episodes["DEC"] < episodes["DECOM"], "DEC before DECOM", "episodes", "DEC")
    episodes, late_start = _drop(episodes, episodes["DECOM"] > episodes["RETURN_END"],
                                 "episode starts after its return's collection year", "episodes", "DECOM")
    episodes, late_end = _ends_after_the_year_open(episodes)
    findings += [bad_start, bad_end, ends_first, late_start, late_end]
    return episodes, findings + _unknown_codes(episodes, "episodes")


def _ends_after_the_year_open(episodes):
    """A return cannot know an end after its own year: the episode was open when the return was made."""
    late = episodes["DEC"] > episodes["RETURN_END"]
    episodes = episodes.copy()
    episodes.loc[late, ["DEC", "REC"]] = [pd.NaT, pd.NA]
    action = "rows kept; the episode is taken as still open at the end of the collection year"
    return episodes, Finding("episode ends after its return's collection year", "episodes", "DEC", int(late.sum()),
                             0, action)


def _drop(frame, bad, rule, table, column):
    bad = bad.fillna(False).astype(bool)
    count = int(bad.sum())
    return frame[~bad], Finding(rule, table, column, count, count, "rows dropped")


def _drop_missing(frame, table, columns):
    findings = []
    for column in columns:
        rule = "no child identifier" if column == "CHILD" else "missing value"
        frame, finding = _drop(frame, frame[column].isna(), rule, table, column)
        findings.append(finding)
    return frame, findings


def _parsed_column(frame, table, column):
    """The column as dates; a value that is no date in a form `parse_dates` reads drops its row, counted."""
    parsed = parse_dates(frame[column])
    frame, finding = _drop(frame, frame[column].notna() & parsed.isna(), "unparseable date", table, column)
    return frame.assign(**{column: parsed[frame.index]}), finding


def _unknown_codes(frame, table):
    findings = []
    for column, codes in CODE_LISTS.items():
        if column in frame.columns:
            unknown = frame[column].notna() & ~frame[column].isin(codes)
            action = "rows kept; the code is treated as unrecognised"
            findings.append(Finding("unknown code", table, column, int(unknown.sum()), 0, action))
    return findings


def _with_birth_dates(episodes, header, listed: set):
    episodes, not_listed = _drop(episodes, ~episodes["CHILD"].isin(listed), "child not in the header",
                                 "episodes", "CHILD")
    dob = pd.to_datetime(episodes["CHILD"].map(dict(zip(header["CHILD"], header["DOB"]))))  # NaT if none at all
    episodes, no_birth = _drop(episodes, dob.isna(), "child's date of birth missing or unreadable in the header",
                               "episodes", "CHILD")
    episodes = episodes.assign(DOB=dob[episodes.index])
    episodes, unborn = _drop(episodes, episodes["DECOM"] < episodes["DOB"],
                             "episode starts before the child's date of birth", "episodes", "DECOM")
    adult = episodes["DECOM"] >= episodes["DOB"] + pd.DateOffset(years=LEAVING_AGE_YEARS)
    episodes, grown_up = _drop(episodes, adult, "episode starts at 18 or over (DfE rule 352)", "episodes", "DECOM")
    return episodes, [not_listed, no_birth, unborn, grown_up]


def _first_episodes_start_care(episodes):
    """A child's first episode inside the data should start care (RNE S, DfE rule 357); one that begins
    after the data starts and does not may have lost the episodes before it. Counted, kept."""
    window_start = episodes["RETURN_END"].min() - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    first = episodes.sort_values(["CHILD", "DECOM"]).drop_duplicates("CHILD")
    inside = first[first["DECOM"] > window_start]
    count = int((inside["RNE"] != STARTED_RNE).sum())
    action = "rows kept; the episode starts a period of care"
    return episodes, Finding("first episode does not start care (RNE S; DfE rule 357)", "episodes", "RNE", count, 0,
                             action)


def _overlaps_made_consecutive(episodes):
    """An episode still open, or ending after the child's next episode starts (DfE rule 501), is ended where
    the next one starts."""
    episodes = episodes.sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    next_start = episodes.groupby("CHILD")["DECOM"].shift(-1)
    overlapping = next_start.notna() & (episodes["DEC"].isna() | (episodes["DEC"] > next_start))
    episodes.loc[overlapping, "DEC"] = next_start[overlapping]
    episodes.loc[overlapping, "REC"] = CONTINUES_PERIOD_REC
    action = "rows kept; the earlier episode ends where the next begins, in the same period of care"
    return episodes, Finding("overlapping episodes (DfE rule 501)", "episodes", "DEC", int(overlapping.sum()), 0,
                             action)
