"""Reading a source into tables of text cells, each cell keeping its place.

A source is a workbook (``.xlsx``/``.ods``), a folder of ``<tab>.csv`` files
or a Google Sheet. Readers know nothing about the schema: they return every
tab they find as a :class:`Table` of strings; validation decides what is
missing or wrong. Row numbers are those a spreadsheet program shows (the
header is row 1, also for CSV files), so any later problem can name its cell.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from manabi.errors import SourceError


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """A1 reference for a 1-based row and a 0-based column: ``a1(12, 2) == 'C12'``."""
    return f"{column_letter(col)}{row}"


@dataclass(frozen=True, slots=True)
class Row:
    """One non-blank data row: its spreadsheet row number and its cells as text."""

    number: int
    cells: tuple[str, ...]

    def get(self, col: int) -> str:
        return self.cells[col] if col < len(self.cells) else ""


@dataclass(slots=True)
class Table:
    """One tab: the header texts (row 1) and the non-blank rows below it."""

    sheet: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    @classmethod
    def from_grid(cls, sheet: str, grid: Iterable[Sequence[object]]) -> Table:
        """Build a table from raw rows (row 1 first) of any cell values.

        Trailing empty cells, blank rows and trailing empty header columns are
        dropped; row numbers keep counting across blank rows.
        """
        header: list[str] | None = None
        rows: list[Row] = []
        for number, raw in enumerate(grid, start=1):
            cells = [cell_text(value) for value in raw]
            while cells and not cells[-1].strip():
                cells.pop()
            if header is None:
                header = cells
            elif cells:
                rows.append(Row(number, tuple(cells)))
        return cls(sheet=sheet, header=header or [], rows=rows)


@dataclass(slots=True)
class Workbook:
    """Every tab a source holds, by tab name, and where they came from."""

    origin: str
    tables: dict[str, Table]


def cell_text(value: object) -> str:
    """The text a cell shows, for any value a reader hands over.

    Whole numbers lose the ``.0`` a float reader adds; dates become ISO text
    (validation parses them again, so no locale guess is made here).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = str(value)
    return "" if text in {"nan", "NaT", "<NA>"} else text


def read_source(spec: str) -> Workbook:
    """Read any supported source; raises :class:`SourceError` when it cannot."""
    from manabi.sources import files, gsheets  # local import: one reader per source type

    if gsheets.is_gsheet(spec):
        return gsheets.read_gsheet(spec)
    path = Path(spec)
    if not path.exists():
        raise SourceError(
            f"「{spec}」が見つかりません。ファイルやフォルダの場所を確かめてください。"
        )
    if path.is_dir():
        return files.read_csv_folder(path)
    suffix = path.suffix.lower()
    if suffix in files.WORKBOOK_ENGINES:
        return files.read_workbook(path)
    raise SourceError(
        f"「{path.name}」は読み込めない形式です。"
        ".xlsx / .ods ファイル、CSV ファイルを入れたフォルダ、"
        "または Google スプレッドシートの URL を指定してください。"
    )
