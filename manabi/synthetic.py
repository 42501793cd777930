"""Synthetic workbooks: the sample scaled up, for size tests and benchmarks.

Works on a CSV folder, at the level of text cells, so the scaled copy goes
through the same read → validate → snapshot → build path as a real sheet.
Headers are looked up in :mod:`manabi.schema` by field key, never restated.

Copy ``n`` (2, 3, …) of a record gets the ID ``<id>-n`` and a name ending in
``（n）``; every reference inside a copy points at the same copy, so each copy
of the sample is a closed world of the sample's shape. The bench
(``scripts/bench.py``) and the tests both use this module.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from manabi.kinds import split_list
from manabi.schema import TABS, TABS_BY_KEY

Rows = list[list[str]]
GROUP_SEPARATORS = TABS_BY_KEY["divisions"].column("udemy_groups").separators


def _read(path: Path) -> tuple[list[str], Rows]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


class _Table:
    """One tab of the CSV folder, with columns found by their schema key."""

    def __init__(self, folder: Path, key: str) -> None:
        self.tab = next(t for t in TABS if t.key == key)
        self.header, self.rows = _read(folder / f"{self.tab.name}.csv")

    def col(self, key: str) -> int:
        return self.header.index(self.tab.column(key).name)

    def optional_col(self, key: str) -> int | None:
        """The column of an optional header, or None when this folder has none."""
        name = self.tab.column(key).name
        return self.header.index(name) if name in self.header else None

    def has(self, key: str) -> bool:
        return self.optional_col(key) is not None

    def copies(self, factor: int, edit: Callable[[list[str], int], None]) -> Rows:
        """The rows, then ``factor - 1`` edited copies of them (copy 2, 3, …)."""
        out = [list(row) for row in self.rows]
        for copy in range(2, factor + 1):
            for row in self.rows:
                clone = list(row)
                edit(clone, copy)
                out.append(clone)
        return out


def _suffixed(value: str, copy: int) -> str:
    return f"{value}-{copy}" if value else value


def _named(value: str, copy: int) -> str:
    return f"{value}（{copy}）" if value else value


def _numbered_id(value: str, copy: int) -> str:
    """A digits-only ID of a copy: ``4001371`` → ``40013710002``."""
    return f"{value}{copy:04d}" if value else value


def _named_list(cell: str, copy: int, separators: str) -> str:
    """Each name of a list cell with its copy's ending: ``北区役所（2）、…``."""
    return separators[0].join(_named(v, copy) for v in split_list(cell, separators))


def _id_list(cell: str, copy: int, ids: set[str]) -> str:
    """A list cell with every ID in ``ids`` replaced by its copy; other items kept."""
    return "、".join(_suffixed(v, copy) if v in ids else v for v in split_list(cell))


def _copy_source(source: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.csv"):
        (dest / path.name).write_bytes(path.read_bytes())


def scale_divisions(source: Path, dest: Path, factor: int) -> Path:
    """Copy the CSV folder ``source`` to ``dest`` with ``factor`` times the divisions.

    Each copy of a division (``kita`` → ``kita-2`` …) keeps its areas and gets
    copies of its contacts, so every division page has the same content shape.
    """
    _copy_source(source, dest)
    divisions = _Table(source, "divisions")
    contacts = _Table(source, "contacts")
    d_id, d_name, c_div = divisions.col("id"), divisions.col("name"), contacts.col("division")
    d_groups = divisions.optional_col("udemy_groups")

    def division(row: list[str], copy: int) -> None:
        row[d_id], row[d_name] = _suffixed(row[d_id], copy), _named(row[d_name], copy)
        if d_groups is not None:
            row[d_groups] = _named_list(row[d_groups], copy, GROUP_SEPARATORS)

    def contact(row: list[str], copy: int) -> None:
        row[c_div] = _suffixed(row[c_div], copy)

    for table, edit in ((divisions, division), (contacts, contact)):
        _write(dest / f"{table.tab.name}.csv", table.header, table.copies(factor, edit))
    return dest


def scale_sample(source: Path, dest: Path, factor: int) -> Path:
    """Copy the CSV folder ``source`` to ``dest`` with everything ``factor`` times over.

    Divisions, contacts, areas with their skills, courses, learning-path steps,
    events, newsletter issues and standards (when the 標準 tab is there: each
    copy gets its own, its skills' 標準区分 pointing at them) are copied; levels
    and settings stay. A copy
    of a division gets the copies of its areas, so its page (and every area and
    course page) keeps the sample's size however many copies there are. A
    division whose 担当分野 is empty (meaning *every* area) is given the sample's
    areas explicitly, else its page would list all ``factor`` copies of them
    (at ``factor`` 1 the copy is the sample itself). Likewise a copied event
    aimed at everyone or at a 種別 is aimed at its own copy's divisions (listed
    by ID): the sample's own events still reach every division, so what reaches
    one division, on its page and in its calendar feed, stays the same size.
    """
    _copy_source(source, dest)
    areas = _Table(source, "areas")
    area_ids = {row[areas.col("id")] for row in areas.rows}
    skills = _Table(source, "skills")
    skill_ids = {row[skills.col("id")] for row in skills.rows}
    courses = _Table(source, "courses")
    divisions = _Table(source, "divisions")
    division_ids = {row[divisions.col("id")] for row in divisions.rows}
    all_areas = "、".join(row[areas.col("id")] for row in areas.rows)
    kind_of = {row[divisions.col("id")]: row[divisions.col("kind")] for row in divisions.rows}

    d_areas = divisions.col("areas")
    for row in divisions.rows if factor > 1 else ():
        if not split_list(row[d_areas]):
            row[d_areas] = all_areas

    def edits(table: _Table, **how: Callable[[str, int], str]) -> Callable[[list[str], int], None]:
        cols = {table.col(key): change for key, change in how.items()}

        def edit(row: list[str], copy: int) -> None:
            for col, change in cols.items():
                row[col] = change(row[col], copy)

        return edit

    def ids(known: set[str]) -> Callable[[str, int], str]:
        return lambda cell, copy: _id_list(cell, copy, known)

    def own_copy(cell: str, copy: int) -> str:
        """An event's 対象 in a copy: its IDs, 種別 and "everyone" as that copy's divisions."""
        items = split_list(cell)
        aimed = [
            d for d in kind_of if not items or d in items or kind_of[d] in items
        ]  # the sample's order, each division once
        return "、".join(_suffixed(d, copy) for d in aimed)

    def numbered(count: int) -> Callable[[str, int], str]:
        return lambda cell, copy: str(int(cell) + (copy - 1) * count) if cell else cell

    order_step = len(areas.rows)

    def groups(cell: str, copy: int) -> str:
        return _named_list(cell, copy, GROUP_SEPARATORS)

    division_edits: dict[str, Callable[[str, int], str]] = {
        "id": _suffixed,
        "name": _named,
        "areas": ids(area_ids),
    }
    if divisions.has("udemy_groups"):
        division_edits["udemy_groups"] = groups
    course_edits: dict[str, Callable[[str, int], str]] = {
        "id": _suffixed,
        "title": _named,
        "skills": ids(skill_ids),
    }
    if courses.has("udemy_id"):
        course_edits["udemy_id"] = _numbered_id
    skill_edits: dict[str, Callable[[str, int], str]] = {"id": _suffixed, "area": _suffixed}
    plan: list[tuple[_Table, Callable[[list[str], int], None]]] = []
    if (source / f"{TABS_BY_KEY['standards'].name}.csv").exists():  # an optional tab
        standards = _Table(source, "standards")
        category_ids = {row[standards.col("id")] for row in standards.rows}
        if skills.has("standards"):
            skill_edits["standards"] = ids(category_ids)
        # Each copy gets its own standards: a standard page keeps the sample's size.
        standard_edits = edits(
            standards,
            standard=_suffixed,
            standard_name=_named,
            id=_suffixed,
            name=_named,
            order=numbered(
                max((int(r[standards.col("order")] or 0) for r in standards.rows), default=0)
            ),
        )
        plan.append((standards, standard_edits))
    plan += [
        (divisions, edits(divisions, **division_edits)),
        (areas, edits(areas, id=_suffixed, name=_named, order=numbered(order_step))),
        (skills, edits(skills, **skill_edits)),
        (courses, edits(courses, **course_edits)),
    ]
    for key, how in (
        ("contacts", {"division": _suffixed}),
        ("steps", {"area": _suffixed, "course": _suffixed, "audience": ids(division_ids)}),
        ("events", {"title": _named, "audience": own_copy}),
    ):
        table = _Table(source, key)
        plan.append((table, edits(table, **how)))
    letters = _Table(source, "letters")
    plan.append((letters, edits(letters, number=numbered(len(letters.rows)))))

    for table, edit in plan:
        _write(dest / f"{table.tab.name}.csv", table.header, table.copies(factor, edit))
    return dest
