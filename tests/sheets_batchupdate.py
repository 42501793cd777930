"""``spreadsheets:batchUpdate`` for the loopback stand-in: checked strictly, applied whole.

Only the request types the layout writer may send are served: ``addSheet``,
``updateCells``, ``repeatCell``, ``setDataValidation`` and
``updateDimensionProperties``. As Google does, the body is refused with a 400
that names the request (``Invalid requests[3].updateCells: ...``) for an
unknown request type or field, a sheet ID that names no sheet, a duplicate tab
name or ID, a range outside its grid or a missing field mask; and the batch is
applied whole or not at all.

Cells written here keep what the API was given (value, format, note); the
displayed text the stand-in serves is rendered from them the way Google shows
it: strings as typed, numbers in general format, serial numbers through the
date and time patterns. Other number patterns are refused: the stand-in does
not know how Google would show them.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.sheets_standin import Spreadsheet

SERIAL_EPOCH = dt.date(1899, 12, 30)
SERVED_PATTERNS = {"DATE": "yyyy-mm-dd", "TIME": "hh:mm"}  # how such serials are shown here

# --- the shape of a request: every field known, every value of its type --------

INT, STR, BOOL, NUM = "int", "str", "bool", "number"
GRID_RANGE = {
    "sheetId": INT,
    "startRowIndex": INT,
    "endRowIndex": INT,
    "startColumnIndex": INT,
    "endColumnIndex": INT,
}
COLOR = {"red": NUM, "green": NUM, "blue": NUM, "alpha": NUM}
CELL_FORMAT = {
    "numberFormat": {"type": STR, "pattern": STR},
    "backgroundColor": COLOR,
    "textFormat": {"bold": BOOL, "italic": BOOL},
    "verticalAlignment": STR,
    "horizontalAlignment": STR,
    "wrapStrategy": STR,
}
CELL_DATA = {
    "userEnteredValue": {"stringValue": STR, "numberValue": NUM, "boolValue": BOOL},
    "userEnteredFormat": CELL_FORMAT,
    "note": STR,
}
SHAPES: dict[str, dict[str, Any]] = {
    "addSheet": {
        "properties": {
            "sheetId": INT,
            "title": STR,
            "index": INT,
            "sheetType": STR,
            "hidden": BOOL,
            "gridProperties": {
                "rowCount": INT,
                "columnCount": INT,
                "frozenRowCount": INT,
                "frozenColumnCount": INT,
            },
        }
    },
    "updateCells": {
        "rows": [{"values": [CELL_DATA]}],
        "fields": STR,
        "start": {"sheetId": INT, "rowIndex": INT, "columnIndex": INT},
        "range": GRID_RANGE,
    },
    "repeatCell": {"range": GRID_RANGE, "cell": CELL_DATA, "fields": STR},
    "setDataValidation": {
        "range": GRID_RANGE,
        "rule": {
            "condition": {"type": STR, "values": [{"userEnteredValue": STR}]},
            "inputMessage": STR,
            "strict": BOOL,
            "showCustomUi": BOOL,
        },
    },
    "updateDimensionProperties": {
        "range": {"sheetId": INT, "dimension": STR, "startIndex": INT, "endIndex": INT},
        "properties": {"pixelSize": INT},
        "fields": STR,
    },
}
ENUMS = {  # by field name, or by parent.name where the name alone is ambiguous
    "sheetType": {"GRID"},
    "dimension": {"ROWS", "COLUMNS"},
    "numberFormat.type": {
        "TEXT",
        "NUMBER",
        "PERCENT",
        "CURRENCY",
        "DATE",
        "TIME",
        "DATE_TIME",
        "SCIENTIFIC",
    },
    "condition.type": {"ONE_OF_LIST", "ONE_OF_RANGE", "NUMBER_GREATER", "TEXT_CONTAINS"},
    "verticalAlignment": {"TOP", "MIDDLE", "BOTTOM"},
    "horizontalAlignment": {"LEFT", "CENTER", "RIGHT"},
    "wrapStrategy": {"OVERFLOW_CELL", "CLIP", "WRAP"},
}
CONDITIONS = {"ONE_OF_LIST", "ONE_OF_RANGE"}
MASK_PATHS = {"*", "userEnteredValue", "userEnteredFormat", "note"} | {
    f"userEnteredFormat.{name}" for name in CELL_FORMAT
}


class BadRequest(Exception):
    """The 400 Google answers; ``str()`` is its message."""


def _is(value: Any, kind: str) -> bool:
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUM:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def check_shape(value: Any, shape: Any, path: str) -> None:
    """Unknown fields and wrongly typed values are refused, as Google's JSON parser does."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise BadRequest(f"Invalid value at '{path}': expected an object")
        for name, item in value.items():
            if name not in shape:
                raise BadRequest(
                    f"Invalid JSON payload received. Unknown name \"{name}\" at '{path}': "
                    "Cannot find field."
                )
            check_shape(item, shape[name], f"{path}.{name}")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise BadRequest(f"Invalid value at '{path}': expected a list")
        for index, item in enumerate(value):
            check_shape(item, shape[0], f"{path}[{index}]")
    else:
        if not _is(value, shape):
            raise BadRequest(f"Invalid value at '{path}' ({shape}): {value!r}")
        name = path.rpartition(".")[2]
        qualified = ".".join(path.split(".")[-2:]).split("[")[0]
        allowed = ENUMS.get(qualified, ENUMS.get(name))
        if allowed is not None and value not in allowed:
            raise BadRequest(f"Invalid value at '{path}' (TYPE_ENUM), \"{value}\"")


# --- applying it -------------------------------------------------------------------


def _general(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def shown(cell: dict[str, Any]) -> str:
    """The text Google shows for a cell (FORMATTED_VALUE)."""
    value = cell.get("userEnteredValue", {})
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "numberValue" not in value:
        return ""
    number = value["numberValue"]
    kind = cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type")
    if kind == "DATE":
        return (SERIAL_EPOCH + dt.timedelta(days=int(number))).isoformat()
    if kind == "TIME":
        seconds = round(float(number) % 1 * 86400)
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return _general(number)


def _cell_data(cell: dict[str, Any], where: str) -> None:
    number_format = cell.get("userEnteredFormat", {}).get("numberFormat")
    if number_format is None:
        return
    kind, pattern = number_format.get("type"), number_format.get("pattern")
    if kind is None:
        raise BadRequest(f"{where}: numberFormat needs a type")
    if kind in SERVED_PATTERNS and pattern != SERVED_PATTERNS[kind]:
        raise BadRequest(f"{where}: the stand-in shows {kind} only as {SERVED_PATTERNS[kind]}")
    if kind == "TEXT" and pattern not in (None, "@"):
        raise BadRequest(f"{where}: a TEXT format has the pattern @")


def _mask(fields: str, where: str) -> list[str]:
    paths = [p.strip() for p in fields.split(",") if p.strip()]
    if not paths:
        raise BadRequest(f"{where}: At least one field must be specified.")
    for path in paths:
        if path not in MASK_PATHS:
            raise BadRequest(f"{where}: Invalid field mask path: {path}")
    return paths


def _put(target: dict[str, Any], given: dict[str, Any], paths: list[str]) -> None:
    """Copy the masked fields of ``given`` into ``target``; a masked field not given is cleared."""
    for path in paths:
        if path == "*":
            target.clear()
            target.update(copy.deepcopy(given))
            continue
        top, _, sub = path.partition(".")
        if not sub:
            if top in given:
                target[top] = copy.deepcopy(given[top])
            else:
                target.pop(top, None)
            continue
        source = given.get(top, {})
        into = target.setdefault(top, {})
        if sub in source:
            into[sub] = copy.deepcopy(source[sub])
        else:
            into.pop(sub, None)
        if not into:
            del target[top]


class _Batch:
    """One batchUpdate applied to a copy of the spreadsheet."""

    def __init__(self, sheet: Spreadsheet) -> None:
        self.sheet = sheet
        self.ids = {sheet.sheet_id(name): name for name in sheet.tabs}

    def tab(self, sheet_id: Any, where: str) -> str:
        if sheet_id not in self.ids:
            raise BadRequest(f"{where}: No grid with id: {sheet_id}")
        return self.ids[sheet_id]

    def bounds(self, tab: str, rows: tuple[int, int], cols: tuple[int, int], where: str) -> None:
        grid = self.sheet.grid_properties(tab)
        (top, bottom), (left, right) = rows, cols
        if top < 0 or left < 0 or top >= bottom or left >= right:
            raise BadRequest(f"{where}: the range is empty or negative")
        if bottom > grid["rowCount"] or right > grid["columnCount"]:
            raise BadRequest(
                f"{where}: Range ('{tab}'!R{bottom}C{right}) exceeds grid limits. "
                f"Max rows: {grid['rowCount']}, max columns: {grid['columnCount']}"
            )

    def grid_range(self, rng: dict[str, Any], where: str) -> tuple[str, range, range]:
        tab = self.tab(rng.get("sheetId", 0), where)
        grid = self.sheet.grid_properties(tab)
        rows = (rng.get("startRowIndex", 0), rng.get("endRowIndex", grid["rowCount"]))
        cols = (rng.get("startColumnIndex", 0), rng.get("endColumnIndex", grid["columnCount"]))
        self.bounds(tab, rows, cols, where)
        return tab, range(*rows), range(*cols)

    # --- one method per request type ------------------------------------------------

    def add_sheet(self, request: dict[str, Any], where: str) -> dict[str, Any]:
        props = copy.deepcopy(request.get("properties", {}))
        title = props.get("title", "")
        if not title.strip():
            raise BadRequest(f"{where}: a new sheet needs a title")
        if title in self.sheet.tabs:
            raise BadRequest(
                f'{where}: A sheet with the name "{title}" already exists. '
                "Please enter another name."
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = max([*self.ids, 0]) + 1
        if sheet_id < 0 or sheet_id in self.ids:
            raise BadRequest(f"{where}: Sheet with id {sheet_id} already exists")
        grid = {"rowCount": 1000, "columnCount": 26, **props.get("gridProperties", {})}
        if grid["rowCount"] < 1 or grid["columnCount"] < 1:
            raise BadRequest(f"{where}: a grid needs at least one row and one column")
        if not 0 <= grid.get("frozenRowCount", 0) < grid["rowCount"]:
            raise BadRequest(f"{where}: You can't freeze all visible rows on the sheet.")
        self.sheet.tabs[title] = []
        self.sheet.sheet_ids[title] = sheet_id
        self.sheet.grids[title] = grid
        self.sheet.cells[title] = {}
        self.ids[sheet_id] = title
        index = list(self.sheet.tabs).index(title)
        properties = {"sheetId": sheet_id, "title": title, "index": index, "sheetType": "GRID"}
        return {"addSheet": {"properties": {**properties, "gridProperties": grid}}}

    def update_cells(self, request: dict[str, Any], where: str) -> dict[str, Any]:
        if ("start" in request) == ("range" in request):
            raise BadRequest(f"{where}: exactly one of start and range must be set")
        paths = _mask(request.get("fields", ""), where)
        rows = request.get("rows", [])
        if "start" in request:
            start = request["start"]
            tab = self.tab(start.get("sheetId", 0), where)
            top, left = start.get("rowIndex", 0), start.get("columnIndex", 0)
            width = max((len(row.get("values", [])) for row in rows), default=0)
            if rows and width:
                self.bounds(tab, (top, top + len(rows)), (left, left + width), where)
        else:
            tab, row_span, col_span = self.grid_range(request["range"], where)
            top, left = row_span.start, col_span.start
        cells = self.sheet.cells_of(tab)
        for r, row in enumerate(rows):
            for c, given in enumerate(row.get("values", [])):
                _cell_data(given, where)
                cell = cells.setdefault((top + r, left + c), {})
                _put(cell, given, paths)
        return {}

    def repeat_cell(self, request: dict[str, Any], where: str) -> dict[str, Any]:
        paths = _mask(request.get("fields", ""), where)
        tab, rows, cols = self.grid_range(request.get("range", {}), where)
        given = request.get("cell", {})
        _cell_data(given, where)
        cells = self.sheet.cells_of(tab)
        for r in rows:
            for c in cols:
                _put(cells.setdefault((r, c), {}), given, paths)
        return {}

    def set_data_validation(self, request: dict[str, Any], where: str) -> dict[str, Any]:
        tab, rows, cols = self.grid_range(request.get("range", {}), where)
        rule = request.get("rule")
        if rule is not None:
            condition = rule.get("condition", {})
            kind, values = condition.get("type"), condition.get("values", [])
            if kind not in CONDITIONS:
                raise BadRequest(f"{where}: the stand-in serves only {sorted(CONDITIONS)}")
            if not values:
                raise BadRequest(f"{where}: Invalid ConditionValue: {kind} needs values")
            if kind == "ONE_OF_RANGE":
                self._source_range(values, where)
        validations = self.sheet.validations.setdefault(tab, [])
        validations.append({"rows": rows, "columns": cols, "rule": copy.deepcopy(rule)})
        return {}

    def _source_range(self, values: list[dict[str, str]], where: str) -> None:
        formula = values[0].get("userEnteredValue", "") if len(values) == 1 else ""
        match = re.fullmatch(r"='((?:[^']|'')+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
        if match is None:
            raise BadRequest(f"{where}: Invalid ConditionValue.userEnteredValue: {formula}")
        name = match.group(1).replace("''", "'")
        if name not in self.sheet.tabs:
            raise BadRequest(f"{where}: the range names no sheet: {formula}")

    def update_dimension_properties(self, request: dict[str, Any], where: str) -> dict[str, Any]:
        if request.get("fields") not in ("pixelSize", "*"):
            raise BadRequest(f"{where}: Invalid field mask: {request.get('fields')!r}")
        pixels = request.get("properties", {}).get("pixelSize", 0)
        if pixels <= 0:
            raise BadRequest(f"{where}: pixelSize must be positive")
        rng = request.get("range", {})
        tab = self.tab(rng.get("sheetId", 0), where)
        span = (rng.get("startIndex", 0), rng.get("endIndex", 0))
        if rng.get("dimension") == "COLUMNS":
            self.bounds(tab, (0, 1), span, where)
            self.sheet.widths.setdefault(tab, {}).update(dict.fromkeys(range(*span), pixels))
        else:
            self.bounds(tab, span, (0, 1), where)
        return {}


def apply_batch(sheet: Spreadsheet, body: Any) -> list[dict[str, Any]]:
    """Check and apply a batchUpdate body; ``sheet`` changes only when every request is valid."""
    if not isinstance(body, dict) or set(body) - {"requests", "includeSpreadsheetInResponse"}:
        raise BadRequest("Invalid JSON payload received: a body has only requests")
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise BadRequest("Must specify at least one request.")
    work = copy.deepcopy(sheet)
    batch = _Batch(work)
    replies = []
    for index, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise BadRequest(f"Invalid requests[{index}]: exactly one request kind per entry")
        ((kind, detail),) = request.items()
        if kind not in SHAPES:
            raise BadRequest(
                f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{index}]': "
                "Cannot find field (or not served by the stand-in)."
            )
        check_shape(detail, SHAPES[kind], f"requests[{index}].{kind}")
        handler = getattr(batch, re.sub(r"([A-Z])", r"_\1", kind).lower())
        replies.append(handler(detail, f"Invalid requests[{index}].{kind}"))
    work.render()
    sheet.__dict__.update(work.__dict__)  # all or nothing, as Google applies a batch
    return replies
