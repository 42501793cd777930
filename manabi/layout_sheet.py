"""``manabi layout-sheet``: the template's layout written into a Google Sheet.

The same :mod:`manabi.layout` that ``manabi template`` writes to ``.xlsx``,
turned into Sheets API v4 requests: one metadata GET (which tabs exist), then,
only when told to write, ONE ``spreadsheets:batchUpdate`` that adds every
missing schema tab with its headers, header notes, dropdowns, column formats,
widths, frozen header row and example rows. Google applies a batchUpdate
whole or not at all, so a run makes every missing tab or none.

Safety, in this order: a tab that already exists (whatever it holds) is never
touched, only tabs this run creates are written into, and without ``--yes``
nothing is written at all. Writing asks for the read-write scope
(``spreadsheets``) and needs the service account shared as 編集者; the
commands that read (``check``, ``sync``, ``build``) never import this module
and keep the read-only scope. HTTP, retries and messages are
:func:`manabi.sources.gsheets.connect`'s.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from manabi.layout import (
    HEADER_COLOR,
    NUMBER_PATTERNS,
    REQUIRED_COLOR,
    TEMPLATE_ROWS,
    Dropdown,
    SheetLayout,
    Value,
    WorkbookLayout,
    workbook_layout,
)
from manabi.schema import TABS
from manabi.sources import column_letter
from manabi.sources.gsheets import READ_SCOPES, WRITE_SCOPES, Access, connect, quote_tab

DEFAULT_COLUMNS = 26  # a new Google Sheets tab has A..Z; fewer would surprise people
PIXELS_PER_CHAR, CELL_PADDING = 7, 10  # a half-width character in the default 10 pt font
SERIAL_EPOCH = dt.date(1899, 12, 30)  # day 0 of spreadsheet date serial numbers
NUMBER_TYPES = {"text": "TEXT", "date": "DATE", "time": "TIME"}
METADATA_FIELDS = (
    "properties(title),"
    "sheets(properties(sheetId,title,sheetType,gridProperties(rowCount,columnCount)))"
)
AFTERMATH = "あるタブには触れず、足りないタブだけを作るので、実行し直しても大丈夫です。"

WRITE = Access(
    scopes=WRITE_SCOPES,
    role="編集者",
    verb="編集する",
    failed="Google スプレッドシートに書き込めませんでした",
    aftermath=AFTERMATH,
)
# A dry run only reads, so it asks for no more than reading needs; its
# messages still name the role that the real run will need.
DRY_RUN = dataclasses.replace(
    WRITE,
    scopes=READ_SCOPES,
    failed="Google スプレッドシートを読み込めませんでした",
    aftermath="スプレッドシートは変わっていません。",
)


@dataclass(frozen=True, slots=True)
class Plan:
    """What one run does: the tabs it creates, the ones it leaves, and the one request."""

    title: str
    create: tuple[SheetLayout, ...]
    keep: tuple[str, ...]  # schema tabs that exist; never touched
    others: tuple[str, ...]  # tabs that are not in the schema; never touched either
    body: dict[str, Any]  # the batchUpdate request body


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str
    email: str
    plan: Plan
    written: bool

    def describe(self) -> str:
        """What was (or would be) done, in Japanese, for the terminal."""
        plan = self.plan
        if not plan.create:
            return (
                f"スプレッドシート「{plan.title}」には、必要なタブがすべてあります"
                f"（{len(plan.keep)} 個）。何も書き込んでいません。"
            )
        verb = "作りました" if self.written else "作ります"
        lines = [f"スプレッドシート「{plan.title}」に、次のタブを{verb}（{len(plan.create)} 個）:"]
        for sheet in plan.create:
            parts = [f"見出し {len(sheet.columns)} 列", f"例 {len(sheet.rows)} 行"]
            if sheet.dropdowns:
                parts.append(f"プルダウン {len(sheet.dropdowns)} 列")
            lines.append(f"  {sheet.name}（{'・'.join(parts)}）")
        if plan.keep:
            if self.written:
                left = "そのままにしたタブ（中身には触れていません）"
            else:
                left = "そのままにするタブ（中身には触れません）"
            lines.append(f"{left}: {'、'.join(plan.keep)}")
        if plan.others:
            lines.append(
                f"ほかのタブ（{'、'.join(plan.others)}）もそのままです。"
                "manabi は読まないので、いらなければ消してかまいません。"
            )
        if self.written:
            lines += [
                "例の行を書き換えて使ってください。見出しのメモに書き方があります。",
                f"確かめるには: manabi check gsheet:{self.key}",
                f"作り終えたら、サービスアカウント「{self.email}」の共有を「閲覧者」に戻して"
                "ください（読み込みには閲覧者で足ります）。",
            ]
        else:
            lines.append(
                "まだ何も書き込んでいません。書き込むには、スプレッドシートの「共有」で"
                f"サービスアカウント「{self.email}」を「編集者」として追加してから、"
                "--yes を付けてもう一度実行してください。"
            )
        return "\n".join(lines)


# --- the layout as Sheets API requests ------------------------------------------


def _rgb(hex_color: str) -> dict[str, float]:
    red, green, blue = (int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": red, "green": green, "blue": blue}


def _number_format(value_type: str) -> dict[str, str] | None:
    if value_type not in NUMBER_PATTERNS:
        return None
    return {"type": NUMBER_TYPES[value_type], "pattern": NUMBER_PATTERNS[value_type]}


def _entered(value: Value) -> dict[str, Any]:
    """A value as the API's ExtendedValue: dates and times as serial numbers, as Sheets keeps them."""
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, dt.date):
        return {"numberValue": (value - SERIAL_EPOCH).days}
    if isinstance(value, dt.time):
        return {"numberValue": (value.hour * 3600 + value.minute * 60 + value.second) / 86400}
    return {"numberValue": value}


def _own_type(value: Value) -> str | None:
    if isinstance(value, dt.date):
        return "date"
    return "time" if isinstance(value, dt.time) else None


def _rows(sheet: SheetLayout) -> list[dict[str, Any]]:
    """Row 1 (headers) and the example rows as RowData, notes in their cells."""
    notes = {(note.row, note.column): note.text for note in sheet.notes}
    header = []
    for col, column in enumerate(sheet.columns):
        color = REQUIRED_COLOR if column.required else HEADER_COLOR
        cell: dict[str, Any] = {
            "userEnteredValue": {"stringValue": column.header},
            "userEnteredFormat": {
                "textFormat": {"bold": True},
                "backgroundColor": _rgb(color),
                "verticalAlignment": "MIDDLE",
            },
        }
        if (1, col) in notes:
            cell["note"] = notes[(1, col)]
        header.append(cell)
    rows = [{"values": header}]
    for row, values in enumerate(sheet.rows, start=2):
        cells = []
        for col, value in enumerate(values):
            cell = {}
            if value != "":
                cell["userEnteredValue"] = _entered(value)
            # The cell keeps its column's format (set by repeatCell) unless its value has its own.
            number_format = _number_format(_own_type(value) or sheet.columns[col].value_type)
            if number_format:
                cell["userEnteredFormat"] = {"numberFormat": number_format}
            if (row, col) in notes:
                cell["note"] = notes[(row, col)]
            cells.append(cell)
        rows.append({"values": cells})
    return rows


def _grid_range(sheet_id: int, dropdown: Dropdown) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": dropdown.first_row - 1,
        "endRowIndex": dropdown.last_row,
        "startColumnIndex": dropdown.column,
        "endColumnIndex": dropdown.column + 1,
    }


def _condition(dropdown: Dropdown, row_counts: Mapping[str, int]) -> dict[str, Any]:
    if dropdown.source is None:
        values = [{"userEnteredValue": value} for value in dropdown.values]
        return {"type": "ONE_OF_LIST", "values": values}
    src = dropdown.source
    # A tab that already exists may have fewer rows than the layout assumes.
    last = max(src.first_row, min(src.last_row, row_counts.get(src.sheet, src.last_row)))
    letter = column_letter(src.column)
    formula = f"={quote_tab(src.sheet)}!${letter}${src.first_row}:${letter}${last}"
    return {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": formula}]}


def _grid_size(sheet: SheetLayout) -> tuple[int, int]:
    # Room to type into, also in a tab with no dropdown (a new Google Sheets tab has 1,000 rows).
    rows = max([TEMPLATE_ROWS, len(sheet.rows) + 1, *(d.last_row for d in sheet.dropdowns)])
    return rows, max(DEFAULT_COLUMNS, len(sheet.columns))


def _sheet_requests(
    sheet: SheetLayout, sheet_id: int, row_counts: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Everything inside one new tab; its addSheet comes earlier in the batch."""
    requests: list[dict[str, Any]] = []
    row_count, _ = _grid_size(sheet)
    for col, column in enumerate(sheet.columns):
        number_format = _number_format(column.value_type)
        if number_format:
            requests.append(
                {
                    "repeatCell": {
                        "range": {
                            "sheetId": sheet_id,
                            "startRowIndex": 1,
                            "endRowIndex": row_count,
                            "startColumnIndex": col,
                            "endColumnIndex": col + 1,
                        },
                        "cell": {"userEnteredFormat": {"numberFormat": number_format}},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            )
    requests.append(
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": _rows(sheet),
                "fields": "userEnteredValue,userEnteredFormat,note",
            }
        }
    )
    for dropdown in sheet.dropdowns:
        requests.append(
            {
                "setDataValidation": {
                    "range": _grid_range(sheet_id, dropdown),
                    "rule": {
                        "condition": _condition(dropdown, row_counts),
                        "inputMessage": dropdown.prompt,
                        # Off for list cells (several IDs with 「、」), as in the .xlsx template.
                        "strict": dropdown.strict,
                        "showCustomUi": True,  # the arrow in the cell
                    },
                }
            }
        )
    for col, column in enumerate(sheet.columns):
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": "COLUMNS",
                        "startIndex": col,
                        "endIndex": col + 1,
                    },
                    "properties": {"pixelSize": column.width * PIXELS_PER_CHAR + CELL_PADDING},
                    "fields": "pixelSize",
                }
            }
        )
    return requests


def _free_ids(used: set[int], count: int) -> list[int]:
    """Sheet IDs for new tabs, chosen by us so later requests in the same batch can name them."""
    ids: list[int] = []
    candidate = 1
    while len(ids) < count:
        if candidate not in used:
            ids.append(candidate)
        candidate += 1
    return ids


def plan(metadata: Mapping[str, Any], layout: WorkbookLayout) -> Plan:
    """The one batchUpdate that adds the layout's missing tabs, and nothing else."""
    existing = {
        str(sheet["properties"]["title"]): sheet["properties"]
        for sheet in metadata.get("sheets", [])
    }
    create = tuple(sheet for sheet in layout.sheets if sheet.name not in existing)
    keep = tuple(sheet.name for sheet in layout.sheets if sheet.name in existing)
    schema_names = {tab.name for tab in TABS}
    others = tuple(name for name in existing if name not in schema_names)
    used = {int(props.get("sheetId", 0)) for props in existing.values()}
    ids = _free_ids(used, len(create))
    row_counts = {
        name: int(props.get("gridProperties", {}).get("rowCount", 0)) or 1
        for name, props in existing.items()
    }
    requests: list[dict[str, Any]] = []
    # Every tab first, so that a dropdown can draw from a tab added in the same batch.
    for sheet, sheet_id in zip(create, ids, strict=True):
        rows, columns = _grid_size(sheet)
        requests.append(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": sheet_id,
                        "title": sheet.name,
                        "sheetType": "GRID",
                        "gridProperties": {
                            "rowCount": rows,
                            "columnCount": columns,
                            "frozenRowCount": sheet.frozen_rows,
                        },
                    }
                }
            }
        )
    for sheet, sheet_id in zip(create, ids, strict=True):
        requests += _sheet_requests(sheet, sheet_id, row_counts)
    title = str(metadata.get("properties", {}).get("title", ""))
    return Plan(title, create, keep, others, {"requests": requests})


def layout_sheet(
    spec: str,
    *,
    write: bool,
    environ: Mapping[str, str] = os.environ,
    layout: WorkbookLayout | None = None,
) -> Outcome:
    """Add the missing tabs to a Google Sheet (``write``), or say which it would add.

    One metadata GET, then at most one batchUpdate (plus the token).
    """
    layout = layout or workbook_layout()
    with connect(spec, environ, WRITE if write else DRY_RUN) as sheet:
        metadata = sheet.client.fetch_sheet_metadata(
            sheet.key, params={"includeGridData": "false", "fields": METADATA_FIELDS}
        )
        the_plan = plan(metadata, layout)
        written = bool(write and the_plan.create)
        if written:
            sheet.client.batch_update(sheet.key, the_plan.body)
    return Outcome(sheet.key, sheet.email, the_plan, written)
