"""Data-quality rules for SSDA903 tables, and the report they produce.

Each rule counts the rows it affects and says whether they were dropped or
kept. The report holds counts and column names only: never a child's
identifier, date of birth, postcode or any other value from the data.
"""

from dataclasses import dataclass

import pandas as pd

from calibration.codes import CODE_LISTS, CONTINUES_PERIOD_REC
from calibration.errors import DataError

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class Finding:
    rule: str
    table: str
    column: str
    rows_affected: int
    rows_dropped: int
    action: str

    def describe(self) -> str:
        return f"{self.table} {self.column}: {self.rule}: {self.rows_affected} rows; {self.action}"


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
    """Dates as dd/mm/YYYY (returns) or YYYY-MM-DD (tools' exports), value by value; NaT where neither fits."""
    parsed = [pd.to_datetime(text, format=date_format, errors="coerce") for date_format in DATE_FORMATS]
    return parsed[0].fillna(parsed[1])


def require_columns(frame: pd.DataFrame, required, source) -> None:
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise DataError(source, missing[0], f"required column missing (expected columns {', '.join(required)})")


def check_tables(episodes: pd.DataFrame, header: pd.DataFrame) -> tuple[pd.DataFrame, QualityReport]:
    """Apply every rule; return the usable episodes, each with its child's DOB, and the report."""
    header, header_findings = _checked_header(header)
    episodes, episode_findings = _checked_episodes(episodes)
    episodes, no_birth_date = _with_birth_dates(episodes, header)
    episodes, overlaps = _overlaps_made_consecutive(episodes)
    findings = header_findings + episode_findings + [no_birth_date, overlaps]
    return episodes, QualityReport(tuple(finding for finding in findings if finding.rows_affected))


def _checked_header(header):
    header, missing = _drop_missing(header, "header", ("CHILD", "DOB"))
    header, unparseable = _parse_date_column(header, "header", "DOB")
    return header, missing + [unparseable]


def _checked_episodes(episodes):
    episodes, missing = _drop_missing(episodes, "episodes", ("CHILD", "DECOM"))
    episodes, bad_start = _parse_date_column(episodes, "episodes", "DECOM")
    episodes, bad_end = _parse_date_column(episodes, "episodes", "DEC")
    episodes, ends_first = _drop(episodes, episodes["DEC"] < episodes["DECOM"], "DEC before DECOM", "episodes", "DEC")
    return episodes, missing + [bad_start, bad_end, ends_first] + _unknown_codes(episodes, "episodes")


def _drop(frame, bad, rule, table, column):
    count = int(bad.sum())
    return frame[~bad], Finding(rule, table, column, count, count, "rows dropped")


def _drop_missing(frame, table, columns):
    findings = []
    for column in columns:
        frame, finding = _drop(frame, frame[column].isna(), "missing value", table, column)
        findings.append(finding)
    return frame, findings


def _parse_date_column(frame, table, column):
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


def _with_birth_dates(episodes, header):
    dob = episodes["CHILD"].map(header.set_index("CHILD")["DOB"])
    episodes, finding = _drop(episodes, dob.isna(), "child has no date of birth in the header", "episodes", "CHILD")
    return episodes.assign(DOB=dob[episodes.index]), finding


def _overlaps_made_consecutive(episodes):
    """An episode still open, or ending after the child's next episode starts, is ended where the next one starts."""
    episodes = episodes.sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    next_start = episodes.groupby("CHILD")["DECOM"].shift(-1)
    overlapping = next_start.notna() & (episodes["DEC"].isna() | (episodes["DEC"] > next_start))
    episodes.loc[overlapping, "DEC"] = next_start[overlapping]
    episodes.loc[overlapping, "REC"] = CONTINUES_PERIOD_REC
    action = "rows kept; the earlier episode ends where the next begins, in the same period of care"
    return episodes, Finding("overlapping episodes", "episodes", "DEC", int(overlapping.sum()), 0, action)
