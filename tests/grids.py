"""Test helpers: a workbook as plain grids of text, edited the way a person would
(set a cell, delete or copy a row, rename a tab) and saved as real files:
a CSV folder, an ``.xlsx`` written with openpyxl, an ``.ods`` written with pandas/odfpy.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

Grid = list[list[str]]
Grids = dict[str, Grid]  # tab name → rows (row 1 is the header), in tab order

_A1 = re.compile(r"(?P<sheet>[^!]+)!(?P<col>[A-Z]+)(?P<row>[0-9]+)")


def read_folder(folder: Path) -> Grids:
    grids: Grids = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            grids[path.stem] = [list(row) for row in csv.reader(handle)]
    return grids


def write_folder(grids: Grids, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("*.csv"):
        path.unlink()
    for name, grid in grids.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(grid)
    return folder


def copy(grids: Grids) -> Grids:
    return {name: [list(row) for row in grid] for name, grid in grids.items()}


def col_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - ord("A") + 1
    return index - 1


def set_cell(grids: Grids, ref: str, value: str) -> None:
    """``set_cell(g, "講座!D2", "x")``; the grid grows to reach the cell."""
    match = _A1.fullmatch(ref)
    assert match, ref
    grid = grids[match["sheet"]]
    row, col = int(match["row"]) - 1, col_index(match["col"])
    while len(grid) <= row:
        grid.append([])
    while len(grid[row]) <= col:
        grid[row].append("")
    grid[row][col] = value


def delete_row(grids: Grids, sheet: str, row: int) -> None:
    """Delete spreadsheet row ``row`` (1 = header); rows below move up."""
    del grids[sheet][row - 1]


def insert_blank_row(grids: Grids, sheet: str, row: int) -> None:
    grids[sheet].insert(row - 1, [])


def append_row(grids: Grids, sheet: str, values: list[str]) -> None:
    grids[sheet].append(list(values))


# --- workbooks ------------------------------------------------------------------

_INTEGER = re.compile(r"-?[1-9][0-9]{0,8}|0")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}")


def typed(text: str) -> object:
    """The value a spreadsheet program would store for typed text: numbers and
    dates become numbers and dates; ``03125`` stays text (as in a text-formatted cell)."""
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if _TIME.fullmatch(text):
        try:
            return dt.time.fromisoformat(text)
        except ValueError:
            return text
    return text


def write_xlsx(grids: Grids, path: Path, *, as_typed: bool = True, formulas: bool = False) -> Path:
    """An ``.xlsx`` with one sheet per grid. Cells that start with ``=`` stay text,
    unless ``formulas``: then they are formulas with no cached value (as a program
    that never recalculated leaves them) and ``#REF!`` is an error cell."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, grid in grids.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(grid, start=1):
            for c, text in enumerate(row, start=1):
                if text == "":
                    continue
                value = typed(text) if as_typed and r > 1 else text
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str) and not formulas:
                    cell.data_type = "s"  # text as typed, never a formula
                elif isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, dt.time):
                    cell.number_format = "hh:mm"
    book.save(path)
    return path


def write_ods(grids: Grids, path: Path) -> Path:
    """An ``.ods`` written by pandas with odfpy (numbers as numbers, the rest text)."""
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, grid in grids.items():
            width = max((len(row) for row in grid), default=0)
            rows = [
                [
                    (typed(text) if r and _INTEGER.fullmatch(text) else text)
                    for text in row + [""] * (width - len(row))
                ]
                for r, row in enumerate(grid)
            ]
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return path
