"""The blank workbook's layout, derived from the schema and independent of any
spreadsheet program: tabs, headers, notes, dropdowns, widths and example rows.

A writer turns it into a spreadsheet without asking the schema again:
``manabi.template`` writes ``.xlsx``; ``manabi.layout_sheet`` turns the same
layout into one Google Sheets ``batchUpdate`` (``setDataValidation`` with
``ONE_OF_LIST`` / ``ONE_OF_RANGE``, notes, ``frozenRowCount``, pixel widths).

Rows and columns are counted as a spreadsheet shows them: rows from 1 (the
header), columns from 0 (``A``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Literal

from manabi import guidance, kinds
from manabi.schema import SETTINGS_HEADERS, TABS, TABS_BY_NAME, Column, Tab

TEMPLATE_ROWS = 1000  # dropdowns and references cover rows 2..TEMPLATE_ROWS
MIN_WIDTH, MAX_WIDTH = 8, 40  # column widths, in half-width characters
# Room a column gets even when its header and example are short: free text
# (names, notes), IDs (often longer than the example's), lists of IDs.
TEXT_WIDTH, ID_WIDTH, LIST_WIDTH = 24, 14, 24

Value = str | int | float | dt.date | dt.time
ValueType = Literal["text", "integer", "number", "date", "time"]

# How headers and typed columns look, whatever the spreadsheet program.
HEADER_COLOR, REQUIRED_COLOR = "DDEBF7", "FCE4D6"  # RGB; required columns stand out
# IDs and 内線 stay text (03125 keeps its 0); dates and times get a clear format.
# Excel and Google Sheets read these patterns alike.
NUMBER_PATTERNS: dict[str, str] = {"text": "@", "date": "yyyy-mm-dd", "time": "hh:mm"}

_VALUE_TYPES: dict[kinds.Kind, ValueType] = {
    kinds.INTEGER: "integer",
    kinds.HEADCOUNT: "integer",
    kinds.MIN_GROUP: "integer",
    kinds.HOURS: "number",
    kinds.DATE: "date",
    kinds.TIME: "time",
}


@dataclass(frozen=True, slots=True)
class SourceRange:
    """Cells a dropdown takes its choices from: one column of another tab."""

    sheet: str
    column: int
    first_row: int
    last_row: int


@dataclass(frozen=True, slots=True)
class Dropdown:
    """A list validation on rows ``first_row..last_row`` of one column.

    Exactly one of ``values`` (a closed list) or ``source`` (IDs of another
    tab) is set. ``strict`` rejects anything not in the list; it is off for
    list cells, which hold several values separated by 「、」.
    """

    column: int
    first_row: int
    last_row: int
    prompt: str
    error: str
    values: tuple[str, ...] = ()
    source: SourceRange | None = None
    strict: bool = True


@dataclass(frozen=True, slots=True)
class Note:
    row: int
    column: int
    text: str


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    header: str
    width: int  # in half-width characters (a full-width character counts 2)
    value_type: ValueType
    required: bool


@dataclass(frozen=True, slots=True)
class SheetLayout:
    name: str
    columns: tuple[ColumnLayout, ...]
    notes: tuple[Note, ...]
    dropdowns: tuple[Dropdown, ...]
    rows: tuple[tuple[Value, ...], ...]  # example rows, from row 2
    frozen_rows: int = 1


@dataclass(frozen=True, slots=True)
class WorkbookLayout:
    sheets: tuple[SheetLayout, ...]

    def sheet(self, name: str) -> SheetLayout:
        return next(s for s in self.sheets if s.name == name)


def display_width(text: str) -> int:
    """Width in half-width characters: ``display_width("ID名") == 4``."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(*texts: str) -> int:
    widest = max((display_width(t) for t in texts), default=0)
    return max(MIN_WIDTH, min(MAX_WIDTH, widest + 2))


def _floor(column: Column) -> int:
    if column.many:
        return LIST_WIDTH
    if column.kind is kinds.TEXT:
        return TEXT_WIDTH
    return ID_WIDTH if column.kind is kinds.SLUG_ID else 0


def example_value(column: Column) -> Value:
    """A column's example, parsed by its kind as validation would (so it is valid)."""
    if not column.example:
        return ""
    text = kinds.normalize(column.example, nfkc=column.kind.normalize_nfkc)
    value = column.kind.parse(text) if not column.many else text
    value_type = _VALUE_TYPES.get(column.kind, "text")
    if value_type == "date":
        return dt.date.fromisoformat(str(value))
    if value_type == "time":
        return dt.time.fromisoformat(str(value))
    if value_type == "integer":
        return int(value)  # type: ignore[call-overload]
    if value_type == "number":
        return float(value)  # type: ignore[arg-type]
    return str(value)


def _dropdown(column: Column, col: int, rows: int) -> Dropdown | None:
    where = {"column": col, "first_row": 2, "last_row": rows}
    messages = {
        "prompt": guidance.dropdown_prompt(column),
        "error": guidance.dropdown_error(column),
    }
    if column.choices:
        return Dropdown(values=column.choices, strict=not column.many, **where, **messages)
    if column.ref:
        target = TABS_BY_NAME[column.ref]
        id_column = target.id_column
        assert id_column is not None, f"{column.ref} has no ID column to refer to"
        source = SourceRange(target.name, target.columns.index(id_column), 2, rows)
        # A list cell (several IDs) or one that also takes 種別 names cannot be
        # held to the list: the dropdown still offers the IDs, it just does not refuse.
        strict = not column.many and not column.also
        return Dropdown(source=source, strict=strict, **where, **messages)
    return None


def _rows_sheet(tab: Tab, rows: int) -> SheetLayout:
    columns, notes, dropdowns = [], [], []
    for col, column in enumerate(tab.columns):
        choices = column.choices or ()
        columns.append(
            ColumnLayout(
                header=column.name,
                width=max(_fit(column.name, column.example, *choices), _floor(column)),
                value_type=_VALUE_TYPES.get(column.kind, "text"),
                required=column.required,
            )
        )
        notes.append(Note(1, col, guidance.column_note(column)))
        dropdown = _dropdown(column, col, rows)
        if dropdown:
            dropdowns.append(dropdown)
    example = tuple(example_value(c) for c in tab.columns)
    return SheetLayout(
        name=tab.name,
        columns=tuple(columns),
        notes=tuple(notes),
        dropdowns=tuple(dropdowns),
        rows=(example,),
    )


def _settings_sheet(tab: Tab, rows: int) -> SheetLayout:
    item_note, value_note = guidance.settings_notes(tab)
    notes = [Note(1, 0, item_note), Note(1, 1, value_note)]
    notes += [Note(row, 0, guidance.column_note(c)) for row, c in enumerate(tab.columns, 2)]
    names = tuple(c.name for c in tab.columns)
    values = tuple(example_value(c) for c in tab.columns)
    return SheetLayout(
        name=tab.name,
        columns=(
            ColumnLayout(SETTINGS_HEADERS[0], _fit(*names), "text", True),
            ColumnLayout(SETTINGS_HEADERS[1], MAX_WIDTH, "text", True),
        ),
        notes=tuple(notes),
        dropdowns=(
            Dropdown(
                column=0,
                first_row=2,
                last_row=rows,
                values=names,
                prompt=f"{SETTINGS_HEADERS[0]}を一覧から選びます。",
                error=f"一覧にない{SETTINGS_HEADERS[0]}です。{'、'.join(names)} のどれかを選んでください。",
            ),
        ),
        rows=tuple(zip(names, values, strict=True)),
    )


def workbook_layout(rows: int = TEMPLATE_ROWS) -> WorkbookLayout:
    """Every tab of the schema, laid out for a person to fill in."""
    return WorkbookLayout(
        tuple(
            _settings_sheet(tab, rows) if tab.settings else _rows_sheet(tab, rows) for tab in TABS
        )
    )
