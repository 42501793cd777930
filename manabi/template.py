"""``manabi template OUT.xlsx``: the blank workbook, written from the layout.

Everything it shows (tabs, headers, notes, dropdowns, widths, example rows)
comes from :mod:`manabi.layout`, which comes from the schema; this module only
knows how ``.xlsx`` expresses it (openpyxl). The file is written beside its
target and renamed into place, so a failed run leaves no half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from manabi.layout import (
    HEADER_COLOR,
    NUMBER_PATTERNS,
    REQUIRED_COLOR,
    Dropdown,
    SheetLayout,
    WorkbookLayout,
    workbook_layout,
)

# Excel's limits on a validation's texts; longer ones make the file unreadable to it.
PROMPT_TITLE_CHARS, PROMPT_CHARS, INLINE_LIST_CHARS = 32, 255, 255
NUMBER_FORMATS = NUMBER_PATTERNS
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOR)
REQUIRED_FILL = PatternFill("solid", fgColor=REQUIRED_COLOR)
NOTE_AUTHOR = "manabi"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _formula(dropdown: Dropdown) -> str:
    if dropdown.source is not None:
        src = dropdown.source
        letter = get_column_letter(src.column + 1)
        return f"{quote_sheetname(src.sheet)}!${letter}${src.first_row}:${letter}${src.last_row}"
    for value in dropdown.values:  # an inline list has no way to quote these
        assert "," not in value and '"' not in value, value
    inline = ",".join(dropdown.values)
    assert len(inline) <= INLINE_LIST_CHARS, inline
    return f'"{inline}"'


def _validation(dropdown: Dropdown, header: str) -> DataValidation:
    letter = get_column_letter(dropdown.column + 1)
    validation = DataValidation(
        type="list",
        formula1=_formula(dropdown),
        allow_blank=True,
        showDropDown=False,  # (sic) False means the in-cell arrow is shown
        showInputMessage=True,
        promptTitle=_clip(header, PROMPT_TITLE_CHARS),
        prompt=_clip(dropdown.prompt, PROMPT_CHARS),
        showErrorMessage=dropdown.strict,
        errorStyle="stop",
        errorTitle=_clip(header, PROMPT_TITLE_CHARS),
        error=_clip(dropdown.error, PROMPT_CHARS),
    )
    validation.add(f"{letter}{dropdown.first_row}:{letter}{dropdown.last_row}")
    return validation


def _note(text: str) -> Comment:
    lines = text.split("\n")
    comment = Comment(text, NOTE_AUTHOR)
    comment.width = 320  # points: wide enough for a Japanese sentence per line
    comment.height = 24 + 18 * sum(1 + len(line) // 20 for line in lines)
    return comment


def _write_sheet(ws: Worksheet, sheet: SheetLayout) -> None:
    for col, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(col)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.value_type in NUMBER_FORMATS:
            dimension.number_format = NUMBER_FORMATS[column.value_type]
        cell = ws.cell(row=1, column=col, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for row, values in enumerate(sheet.rows, start=2):
        for col, value in enumerate(values, start=1):
            if value == "":
                continue
            cell = ws.cell(row=row, column=col, value=value)
            kind = type(value).__name__
            if kind in ("date", "time"):
                cell.number_format = NUMBER_FORMATS[kind]
            elif isinstance(value, str):
                cell.number_format = "@"
    for note in sheet.notes:
        ws.cell(row=note.row, column=note.column + 1).comment = _note(note.text)
    for dropdown in sheet.dropdowns:
        ws.add_data_validation(_validation(dropdown, sheet.columns[dropdown.column].header))
    if sheet.frozen_rows:
        ws.freeze_panes = ws.cell(row=sheet.frozen_rows + 1, column=1)


def build_workbook(layout: WorkbookLayout) -> Workbook:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in layout.sheets:
        _write_sheet(book.create_sheet(sheet.name), sheet)
    return book


def write_template(out: Path, layout: WorkbookLayout | None = None) -> WorkbookLayout:
    """Write the template to ``out`` (atomically); returns the layout written."""
    layout = layout or workbook_layout()
    book = build_workbook(layout)
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".xlsx", dir=out.parent or ".")
    os.close(fd)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the workbook is meant to be shared
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return layout
