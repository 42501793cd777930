"""Standards ↔ skills ↔ courses, worked out once per site from the snapshot's records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from manabi.schema import display_order

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class LevelSkills:
    level: Record
    skills: list[Record]


@dataclass(frozen=True, slots=True)
class AreaSkills:
    """The skills of one 分野 that cover a category, by レベル (the area's skill map order)."""

    area: Record
    levels: list[LevelSkills]


@dataclass(frozen=True, slots=True)
class Category:
    """One category of a standard, with what the city's curriculum holds for it."""

    record: Record  # the 標準 tab's row: id, name, description, order, standard…
    areas: list[AreaSkills] = field(default_factory=list)
    courses: list[Record] = field(default_factory=list)  # published catalogue courses

    @property
    def covered(self) -> bool:
        return bool(self.areas)

    @property
    def skill_count(self) -> int:
        return sum(len(lv.skills) for area in self.areas for lv in area.levels)


def build(
    rows: list[Record],
    *,
    areas: list[Record],
    levels: list[Record],
    skills: list[Record],
    courses: list[Record],
) -> tuple[list[Record], dict[str, list[Record]]]:
    """``(standards, categories by skill ID)``.

    A standard is ``{"id", "name", "categories": [Category], "gaps": [Category]}``;
    standards come in the order of their first category (表示順, then 区分ID),
    categories in 表示順 within their standard. ``areas`` and ``levels`` are in
    display order already; a skill's 標準区分 that names no category (an older
    snapshot's skills have none) is left out.
    """
    ordered = sorted(rows, key=display_order)
    category_of = {row["id"]: row for row in ordered}
    rank = {row["id"]: i for i, row in enumerate(ordered)}
    level_rank = {lv["id"]: i for i, lv in enumerate(levels)}

    covering: dict[str, list[Record]] = defaultdict(list)  # category ID → skills
    badges: dict[str, list[Record]] = {}
    for skill in skills:
        mine = [category_of[c] for c in skill.get("standards") or () if c in category_of]
        if mine:
            badges[skill["id"]] = sorted(mine, key=lambda c: rank[c["id"]])
            for category in mine:
                covering[category["id"]].append(skill)

    teaching: dict[str, list[Record]] = defaultdict(list)  # skill ID → published courses
    for course in courses:
        if course.get("status") != "停止":
            for skill_id in course.get("skills") or ():
                teaching[skill_id].append(course)

    def course_key(course: Record) -> tuple[bool, int, str]:
        rank_ = level_rank.get(course.get("level"))  # type: ignore[arg-type]
        return (rank_ is None, rank_ or 0, course["id"])

    standards: dict[str, Record] = {}
    for row in ordered:
        standard = standards.setdefault(
            row["standard"],
            {"id": row["standard"], "name": row["standard_name"], "categories": [], "gaps": []},
        )
        found = covering.get(row["id"], [])
        by_area: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
        for skill in sorted(found, key=lambda s: s["id"]):
            by_area[skill["area"]][skill["level"]].append(skill)
        area_groups = [
            AreaSkills(
                area,
                [
                    LevelSkills(level, by_area[area["id"]][level["id"]])
                    for level in levels
                    if by_area[area["id"]].get(level["id"])
                ],
            )
            for area in areas
            if area["id"] in by_area
        ]
        seen: dict[str, Record] = {}
        for skill in found:
            for course in teaching.get(skill["id"], ()):
                seen.setdefault(course["id"], course)
        category = Category(row, area_groups, sorted(seen.values(), key=course_key))
        standard["categories"].append(category)
        if not category.covered:
            standard["gaps"].append(category)
    return list(standards.values()), badges
