"""pack.xlsx laid out as the Government Statistical Service's spreadsheet guidance asks.

A cover sheet, a contents sheet and a notes sheet, then one table per sheet:
the title in A1, a line or two saying what the sheet holds, then the table,
marked as an Excel table (so it has filters) with a header row whose names
carry the units. Numbers are stored as numbers with a number format (thousands
separators, £ and % where they belong), dates as dates; nothing is merged.
Written with openpyxl, which the project already uses (gptables, the Analysis
Function's package for this, would bring XlsxWriter, xlrd and importlib_resources
for the same layout).
"""

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.table import Table, TableStyleInfo

COUNT, DECIMAL, MONEY, PERCENT, DATE = "#,##0", "#,##0.0", "£#,##0", "0.0%", "mmmm yyyy"
TITLE, HEADING = Font(bold=True, size=14), Font(bold=True, size=11)
SHEET_NAME_LENGTH = 31
MAX_WIDTH = 70
FIXED_TIME = dt.datetime(2020, 1, 1)  # file properties: the same results give the same workbook


@dataclass(frozen=True, eq=False)
class Sheet:
    """One table of the workbook. Numeric columns are formatted by `formats` (column -> format), then by
    `row_format(row)` (a row's own unit, for a column of mixed units), then by their header: £ as money, % as a
    percentage, otherwise whole numbers."""

    name: str
    title: str
    frame: pd.DataFrame
    notes: tuple = ()
    formats: dict = field(default_factory=dict)
    row_format: Callable | None = None


@dataclass(frozen=True)
class Cover:
    title: str
    paragraphs: tuple  # (heading, text) pairs


def write_workbook(path, cover: Cover, sheets: list, notes: list) -> None:
    """Cover, contents, notes (numbered as given), then each sheet."""
    book = Workbook()
    book.remove(book.active)
    book.properties.created = book.properties.modified = FIXED_TIME
    _cover(book.create_sheet("Cover"), cover)
    contents = pd.DataFrame({"Sheet": [sheet.name for sheet in sheets], "Table": [sheet.title for sheet in sheets]})
    _table_sheet(book, Sheet("Contents", "Contents", contents, ("Each sheet after the notes holds one table.",)),
                 links=True)
    notes_frame = pd.DataFrame({"Note number": [f"note {i}" for i in range(1, len(notes) + 1)], "Note text": notes})
    _table_sheet(book, Sheet("Notes", "Notes", notes_frame, ("Notes that apply to the tables in this workbook.",)))
    for sheet in sheets:
        _table_sheet(book, sheet)
    book.save(path)


def _cover(sheet, cover: Cover) -> None:
    sheet["A1"] = cover.title
    sheet["A1"].font = TITLE
    row = 2
    for heading, text in cover.paragraphs:
        sheet.cell(row + 1, 1, heading).font = HEADING
        sheet.cell(row + 2, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
        row += 3
    sheet.column_dimensions["A"].width = 110


def _table_sheet(book, sheet: Sheet, links: bool = False) -> None:
    page = book.create_sheet(sheet.name[:SHEET_NAME_LENGTH])
    page["A1"] = sheet.title
    page["A1"].font = TITLE
    lines = ["This worksheet contains one table.", *sheet.notes]
    for offset, line in enumerate(lines, start=2):
        page.cell(offset, 1, line)
    header = len(lines) + 2
    columns = list(sheet.frame.columns)
    for column, name in enumerate(columns, start=1):
        page.cell(header, column, str(name)).font = Font(bold=True)
    for offset, row in enumerate(sheet.frame.itertuples(index=False), start=header + 1):
        row_format = sheet.row_format(row) if sheet.row_format else None
        for column, (name, value) in enumerate(zip(columns, row), start=1):
            cell = page.cell(offset, column, _excel_value(value))
            if isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = DATE
            elif isinstance(cell.value, (int, float)):
                cell.number_format = sheet.formats.get(name) or row_format or _by_header(str(name))
            if links and column == 1:
                cell.hyperlink = f"#'{value}'!A1"
                cell.style = "Hyperlink"
    last = header + max(len(sheet.frame), 1)
    reference = f"A{header}:{page.cell(last, len(columns)).column_letter}{last}"
    table = Table(displayName=_table_name(sheet.name), ref=reference)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    page.add_table(table)
    page.freeze_panes = page.cell(header + 1, 1)
    _widths(page, sheet.frame)


def _by_header(header: str) -> str:
    if "£" in header:
        return MONEY
    if "%" in header:
        return PERCENT
    return COUNT


def _excel_value(value):
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _table_name(sheet: str) -> str:
    return re.sub(r"\W", "_", sheet).strip("_").lower() or "table"


def _widths(page, frame: pd.DataFrame) -> None:
    for column, name in zip(page.iter_cols(min_row=1, max_row=1), frame.columns):
        values = frame[name].head(200)
        longest = max([len(str(name)), *(len(_shown(value)) for value in values)])
        page.column_dimensions[column[0].column_letter].width = min(MAX_WIDTH, max(10, longest + 2))


def _shown(value) -> str:
    if isinstance(value, (pd.Timestamp, dt.date)):
        return "September 2030"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.1f}"
    return str(value)
