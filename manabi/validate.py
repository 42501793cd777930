"""Validation: tables of text → normalized data, and every problem with its cell.

Reads only the tables and the schema. Problems are collected, never raised
one by one: the secretariat fixes a whole sheet in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from manabi import advice, kinds
from manabi.errors import Problem
from manabi.guidance import how_to_write
from manabi.kinds import shorten
from manabi.schema import SETTINGS_HEADERS, TABS, TABS_BY_NAME, Column, Tab
from manabi.sources import Row, Table, Workbook, a1, column_letter

Record = dict[str, object]
Data = dict[str, object]  # tab key → list of records (or the settings dict)


@dataclass(slots=True)
class Result:
    data: Data
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class _Located:
    """A parsed value and where it came from, kept until references are checked."""

    tab: Tab
    column: Column
    row: int
    col: int
    text: str
    value: object


class _Collector:
    """The problems found, and what later rules need to name a record's cell."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # id(record) → (tab, row, header positions): records carry no row numbers
        # (they become the snapshot), so warnings look their cells up here.
        self.origins: dict[int, tuple[Tab, Row, dict[str, int]]] = {}
        self.setting_rows: dict[str, tuple[Row, int]] = {}  # settings key → (row, value col)

    def add(
        self,
        sheet: str,
        message: str,
        *,
        row: int | None = None,
        col: int | None = None,
        column: str | None = None,
        value: str | None = None,
        level: str = "error",
    ) -> None:
        cell = a1(row, col) if row is not None and col is not None else None
        self.problems.append(
            Problem(sheet, cell, row, column, value, message, level)  # type: ignore[arg-type]
        )

    def warn(
        self, sheet: str, message: str, record: Record | None = None, key: str | None = None
    ) -> None:
        """A warning about ``record`` (its ``key`` cell, else its first cell) or a whole tab."""
        where: dict[str, object] = {}
        if record is not None and id(record) in self.origins:
            tab, row, positions = self.origins[id(record)]
            column = tab.column(key) if key else tab.columns[0]
            col = positions.get(column.name)
            where = {"row": row.number, "column": column.name}
            if col is not None:
                where.update(col=col, value=row.get(col))
        elif record is not None and key in self.setting_rows:
            row, col = self.setting_rows[key]
            column = TABS_BY_NAME[sheet].column(key)
            where = {"row": row.number, "col": col, "column": column.name, "value": row.get(col)}
        self.add(sheet, message, level="warning", **where)  # type: ignore[arg-type]


def validate(workbook: Workbook, *, today: dt.date | None = None) -> Result:
    """Check every tab; ``today`` (default: the real date) dates the warnings."""
    out = _Collector()
    data: Data = {}
    refs: list[_Located] = []
    present: dict[str, set[object]] = {}  # IDs by tab, also of rows with other errors
    for tab in TABS:
        table = workbook.tables.get(tab.name)
        if table is None:
            if tab.optional:  # counts as empty: a reference to it is still checked
                present.setdefault(tab.name, set())
            else:
                _missing_tab(tab, workbook, out)
            data[tab.key] = {} if tab.settings else []
            continue
        if tab.settings:
            data[tab.key] = _settings(tab, table, out)
        else:
            data[tab.key] = _rows(tab, table, out, refs, present)
    _references(refs, present, out)
    if not out.problems or all(p.level == "warning" for p in out.problems):
        advice.advise(data, today or dt.date.today(), out.warn)
    for key, records in data.items():
        if isinstance(records, list):
            tab = next(t for t in TABS if t.key == key)
            records.sort(key=lambda r, tab=tab: _sort_key(r, tab.order))
    return Result(data, out.problems)


def _sort_key(record: Record, order: Iterable[str]) -> tuple[object, ...]:
    # None sorts first; mixed types never meet because a column has one kind.
    return tuple((record.get(k) is not None, record.get(k) or 0) for k in order)


def _missing_tab(tab: Tab, workbook: Workbook, out: _Collector) -> None:
    close = difflib.get_close_matches(tab.name, list(workbook.tables), n=1, cutoff=0.5)
    if close:
        message = f"タブ「{tab.name}」がありません。タブ「{close[0]}」の名前を「{tab.name}」に直してください。"
    else:
        message = (
            f"タブ「{tab.name}」がありません。「{tab.name}」という名前のタブを作り、"
            f"1 行目に見出し（{'、'.join(tab.headers)}）を入力してください。"
        )
    out.add(tab.name, message)


def _header_positions(
    tab: Tab, table: Table, expected: tuple[str, ...], out: _Collector
) -> dict[str, int]:
    """Map each expected header to its column; report missing, renamed, duplicated."""
    found: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for col, raw in enumerate(table.header):
        name = kinds.normalize(raw, nfkc=True).replace(" ", "")
        wanted = next((h for h in expected if h.replace(" ", "") == name), None)
        if not name:
            continue
        if wanted is None:
            unknown[raw] = col
        elif wanted in found:
            out.add(
                tab.name,
                f"見出し「{wanted}」の列が 2 つあります。どちらか一方を消してください。",
                row=1,
                col=col,
                column=wanted,
                value=raw,
            )
        else:
            found[wanted] = col
    required = {c.name for c in tab.columns if c.required} | (
        set(SETTINGS_HEADERS) if tab.settings else set()
    )
    for header in expected:
        if header in found:
            continue
        close = difflib.get_close_matches(header, list(unknown), n=1, cutoff=0.5)
        if close:
            col = unknown.pop(close[0])
            out.add(
                tab.name,
                f"見出し「{shorten(close[0])}」を「{header}」に直してください。",
                row=1,
                col=col,
                column=header,
                value=close[0],
            )
        elif header in required:
            out.add(
                tab.name,
                f"見出し「{header}」の列がありません。1 行目に「{header}」という列を追加してください。",
                row=1,
                column=header,
            )
    for raw, col in unknown.items():
        out.add(
            tab.name,
            f"見出し「{shorten(raw)}」の列は使われません。不要なら消してかまいません。",
            row=1,
            col=col,
            column=raw,
            value=raw,
            level="warning",
        )
    _unnamed_columns(tab, table, expected, found, out)
    return found


def _unnamed_columns(
    tab: Tab, table: Table, expected: tuple[str, ...], found: dict[str, int], out: _Collector
) -> None:
    """Warn about a column that holds data but has no header (its data is not read)."""
    width = max((len(row.cells) for row in table.rows), default=0)
    absent = [h for h in expected if h not in found]
    for col in range(width):
        header = table.header[col] if col < len(table.header) else ""
        if header.strip() or not any(row.get(col).strip() for row in table.rows):
            continue
        hint = f"（この表にない見出し: {'、'.join(absent)}）" if absent else ""
        out.add(
            tab.name,
            f"{column_letter(col)}列に見出しがないため、この列の入力は使われません。"
            f"1 行目に見出しを入力するか、不要なら列ごと消してください{hint}。",
            row=1,
            col=col,
            level="warning",
        )


def _parse_cell(
    tab: Tab, column: Column, row: int, col: int, raw: str, out: _Collector
) -> tuple[bool, object]:
    """Parse one cell; returns (ok, value). Empty optional cells give the default."""
    text = kinds.normalize(raw, nfkc=column.kind.normalize_nfkc)
    where = {"row": row, "col": col, "column": column.name, "value": raw}
    if not text:
        if column.required:
            out.add(
                tab.name,
                f"「{column.name}」は必ず入力してください（{column.kind.hint}）。",
                **where,
            )
            return False, None
        return True, [] if column.many else column.default
    items = kinds.split_list(text, column.separators) if column.many else [text]
    values: list[object] = []
    for item in items:
        if item in column.also:  # e.g. 種別 "区役所" where a 部署ID may stand
            values.append(item)
            continue
        try:
            value = column.kind.parse(item)
        except kinds.Invalid as exc:
            if column.also:  # neither an ID nor one of the names: say both are possible
                message = (
                    f"「{shorten(item)}」は使えません。{how_to_write(column)}を入力してください。"
                )
            else:
                message = f"「{shorten(item)}」: {exc}" if column.many else str(exc)
            out.add(tab.name, message, **where)
            return False, None
        if column.choices and value not in column.choices:
            out.add(
                tab.name,
                f"「{shorten(item)}」は選べません。{'・'.join(column.choices)} のどれかを入力してください。",
                **where,
            )
            return False, None
        values.append(value)
    return True, values if column.many else values[0]


def _rows(
    tab: Tab,
    table: Table,
    out: _Collector,
    refs: list[_Located],
    present: dict[str, set[object]],
) -> list[Record]:
    positions = _header_positions(tab, table, tab.headers, out)
    if any(c.required and c.name not in positions for c in tab.columns):
        return []  # rows cannot be read without their required columns
    records: list[Record] = []
    seen: list[dict[tuple[object, ...], int]] = [{} for _ in tab.unique]
    agreed: dict[tuple[str, object], tuple[object, int]] = {}
    ids = present.setdefault(tab.name, set())
    for row in table.rows:
        record: Record = {}
        row_ok = True
        for column in tab.columns:
            col = positions.get(column.name)
            raw = row.get(col) if col is not None else ""
            ok, value = _parse_cell(tab, column, row.number, col or 0, raw, out)
            row_ok &= ok
            record[column.key] = value
            if ok and column.ref and value not in (None, []) and col is not None:
                refs.append(_Located(tab, column, row.number, col, raw, value))
            if ok and column.is_id:
                ids.add(value)
        if not row_ok or _is_duplicate(tab, row, record, positions, seen, out):
            continue
        if not _agrees(tab, row, record, positions, agreed, out):
            continue
        records.append(record)
        out.origins[id(record)] = (tab, row, positions)
    return records


def _agrees(
    tab: Tab,
    row: Row,
    record: Record,
    positions: dict[str, int],
    agreed: dict[tuple[str, object], tuple[object, int]],
    out: _Collector,
) -> bool:
    """Rows sharing a ``by`` value give the same ``column`` value (``Tab.same_within``)."""
    for key, by in tab.same_within:
        first = agreed.setdefault((by, record[by]), (record[key], row.number))
        if first[0] == record[key]:
            continue
        column, by_column = tab.column(key), tab.column(by)
        col = positions.get(column.name)
        out.add(
            tab.name,
            f"{by_column.name}「{shorten(str(record[by]))}」の{column.name}は {first[1]} 行目で"
            f"「{shorten(str(first[0]))}」です。同じ{by_column.name}の行には同じ{column.name}を"
            "入力するか、別の" + by_column.name + "にしてください。",
            row=row.number,
            col=col,
            column=column.name,
            value=row.get(col) if col is not None else None,
        )
        return False
    return True


def _is_duplicate(
    tab: Tab,
    row: Row,
    record: Record,
    positions: dict[str, int],
    seen: list[dict[tuple[object, ...], int]],
    out: _Collector,
) -> bool:
    for keys, first_rows in zip(tab.unique, seen, strict=True):
        value = tuple(record[k] for k in keys)
        if any(v is None for v in value):
            continue
        if value in first_rows:
            column = tab.column(keys[-1])
            names = "・".join(tab.column(k).name for k in keys)
            shown = shorten("・".join(str(v) for v in value))
            out.add(
                tab.name,
                f"{names}「{shown}」が {first_rows[value]} 行目と重複しています。"
                "別の値にするか、どちらかの行を消してください。",
                row=row.number,
                col=positions.get(column.name),
                column=column.name,
                value=row.get(positions.get(column.name, len(row.cells))),
            )
            return True
        first_rows[value] = row.number
    return False


def _settings(tab: Tab, table: Table, out: _Collector) -> Record:
    positions = _header_positions(tab, table, SETTINGS_HEADERS, out)
    if len(positions) < len(SETTINGS_HEADERS):
        return {}
    name_col, value_col = (positions[h] for h in SETTINGS_HEADERS)
    items = {c.name: c for c in tab.columns}
    settings: Record = {c.key: c.default for c in tab.columns}
    seen: dict[str, int] = {}
    for row in table.rows:
        raw_name = row.get(name_col)
        name = kinds.normalize(raw_name, nfkc=True)
        column = items.get(name)
        if column is None:
            close = difflib.get_close_matches(name, list(items), n=1, cutoff=0.5)
            hint = f"「{close[0]}」のことなら、そう直してください。" if close else ""
            out.add(
                tab.name,
                f"項目「{shorten(name)}」はありません。{hint}使える項目: {'、'.join(items)}",
                row=row.number,
                col=name_col,
                column=SETTINGS_HEADERS[0],
                value=raw_name,
            )
            continue
        if name in seen:
            out.add(
                tab.name,
                f"項目「{name}」が {seen[name]} 行目にもあります。どちらか一方を消してください。",
                row=row.number,
                col=name_col,
                column=SETTINGS_HEADERS[0],
                value=raw_name,
            )
            continue
        seen[name] = row.number
        ok, value = _parse_cell(tab, column, row.number, value_col, row.get(value_col), out)
        if ok:
            settings[column.key] = value
            out.setting_rows[column.key] = (row, value_col)
    for column in tab.columns:
        if column.required and column.name not in seen:
            out.add(
                tab.name,
                f"項目「{column.name}」がありません。A列に「{column.name}」、B列に値を入力した行を"
                "追加してください。",
            )
    return settings


def _references(refs: list[_Located], present: dict[str, set[object]], out: _Collector) -> None:
    """Each reference must name a row of its target tab (a row with other errors counts)."""
    for loc in refs:
        target = loc.column.ref
        assert target is not None
        if target not in present:
            continue  # the target tab itself is missing or unreadable; already reported
        known = present[target]
        values = loc.value if isinstance(loc.value, list) else [loc.value]
        for value in values:
            if value in known or value in loc.column.also:
                continue
            target_id = TABS_BY_NAME[target].id_column
            assert target_id is not None
            extra = f"、または {'・'.join(loc.column.also)}" if loc.column.also else ""
            out.add(
                loc.tab.name,
                f"{target_id.name}「{value}」は「{target}」タブにありません。"
                f"「{target}」タブの {target_id.name}{extra} を入力するか、"
                f"先に「{target}」タブに行を追加してください。",
                row=loc.row,
                col=loc.col,
                column=loc.column.name,
                value=loc.text,
            )
