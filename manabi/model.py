"""What the site shows, derived from the snapshot: lookups, learning paths, skill maps.

Built once per build in O(rows); every page then reads from these indexes, so
no page costs more as the number of divisions grows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from manabi.schema import CONTACT_ROLES, DIVISION_KINDS, display_order
from manabi.standards import crosswalk
from manabi.validate import Data

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a learning path, with its course and area resolved."""

    area: Record
    level: Record
    order: int
    course: Record
    category: str
    audience: list[str]
    comment: str | None


@dataclass(frozen=True, slots=True)
class PathLevel:
    level: Record
    steps: list[Step]


@dataclass(frozen=True, slots=True)
class SkillRow:
    """One row of an area's skill map: per level, the skills at that level."""

    level: Record
    skills: list[Record]


class Site:
    """The snapshot as the pages need it."""

    def __init__(self, data: Data, learning: list[Record] | None = None) -> None:
        # The learning figures, one record per as-of day (oldest first), as
        # data/stats holds them: already aggregated and withheld where needed.
        self.learning_records: list[Record] = list(learning or [])
        self.settings: Record = dict(data["settings"])  # type: ignore[arg-type]
        self.divisions: list[Record] = sorted(data["divisions"], key=display_order)  # type: ignore[arg-type]
        self.areas: list[Record] = sorted(data["areas"], key=display_order)  # type: ignore[arg-type]
        self.levels: list[Record] = sorted(data["levels"], key=display_order)  # type: ignore[arg-type]
        self.skills: list[Record] = list(data["skills"])  # type: ignore[arg-type]
        self.courses: list[Record] = list(data["courses"])  # type: ignore[arg-type]
        self.contacts: list[Record] = list(data["contacts"])  # type: ignore[arg-type]
        self.events: list[Record] = list(data["events"])  # type: ignore[arg-type]
        self.letters: list[Record] = sorted(
            data["letters"],
            key=lambda r: r["number"],
            reverse=True,  # type: ignore[arg-type,index]
        )

        self.division = {d["id"]: d for d in self.divisions}
        self.area = {a["id"]: a for a in self.areas}
        self.level = {lv["id"]: lv for lv in self.levels}
        self.course = {c["id"]: c for c in self.courses}
        self.skill = {s["id"]: s for s in self.skills}
        level_rank = {lv["id"]: i for i, lv in enumerate(self.levels)}
        area_rank = {a["id"]: i for i, a in enumerate(self.areas)}
        self._area_rank = area_rank

        role_rank = {role: i for i, role in enumerate(CONTACT_ROLES)}
        self._contacts: dict[str, list[Record]] = defaultdict(list)
        for contact in self.contacts:
            self._contacts[contact["division"]].append(contact)
        for group in self._contacts.values():
            group.sort(key=lambda c: (role_rank.get(c["role"], len(role_rank)), c["name"]))

        self._steps: dict[str, list[Step]] = defaultdict(list)  # by area
        self._course_steps: dict[str, list[Step]] = defaultdict(list)
        for raw in data["steps"]:  # type: ignore[union-attr]
            step = Step(
                area=self.area[raw["area"]],
                level=self.level[raw["level"]],
                order=raw["order"],
                course=self.course[raw["course"]],
                category=raw["category"],
                audience=raw["audience"],
                comment=raw["comment"],
            )
            self._steps[raw["area"]].append(step)
            self._course_steps[raw["course"]].append(step)

        def step_key(s: Step) -> tuple[int, int, int, str]:
            return (level_rank[s.level["id"]], area_rank[s.area["id"]], s.order, s.course["id"])

        for steps in (*self._steps.values(), *self._course_steps.values()):
            steps.sort(key=step_key)
        self._step_key = step_key

        self._skills: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for skill in self.skills:
            self._skills[(skill["area"], skill["level"])].append(skill)

        # The 標準 tab (optional): standards, their categories and the skills covering them.
        self.standards, self._categories_of_skill = crosswalk.build(
            data.get("standards") or [],  # type: ignore[arg-type]
            areas=self.areas,
            levels=self.levels,
            skills=self.skills,
            courses=self.courses,
        )
        self.standard = {s["id"]: s for s in self.standards}

    # --- divisions ---------------------------------------------------------

    def divisions_by_kind(self) -> list[tuple[str, list[Record]]]:
        groups: dict[str, list[Record]] = defaultdict(list)
        for division in self.divisions:
            groups[division["kind"]].append(division)
        return [(kind, groups[kind]) for kind in DIVISION_KINDS if groups[kind]]

    def contacts_of(self, division: Record) -> list[Record]:
        return self._contacts.get(division["id"], [])

    def areas_of(self, division: Record) -> list[Record]:
        """Its 担当分野 in display order, or every area when none is given.

        Looked up by ID, not by scanning every area: a division page costs the
        same however many areas the site has.
        """
        if not division["areas"]:
            return self.areas
        mine = {a: self.area[a] for a in division["areas"] if a in self.area}
        return sorted(mine.values(), key=lambda a: self._area_rank[a["id"]])

    @staticmethod
    def reaches(audience: list[str], division: Record) -> bool:
        return not audience or division["id"] in audience or division["kind"] in audience

    def path_of(self, division: Record) -> list[PathLevel]:
        """The division's learning path: its areas' steps aimed at it, by level.

        Stopped courses are left out.
        """
        steps = [
            step
            for area in self.areas_of(division)
            for step in self._steps.get(area["id"], [])
            if step.course["status"] != "停止" and self.reaches(step.audience, division)
        ]
        steps.sort(key=self._step_key)
        # A course shared by two of the division's areas is listed once, at its
        # first (lowest-level) place: one checklist tick per course.
        seen: set[str] = set()
        unique = [s for s in steps if not (s.course["id"] in seen or seen.add(s.course["id"]))]
        return self._by_level(unique)

    def _by_level(self, steps: list[Step]) -> list[PathLevel]:
        grouped: dict[str, list[Step]] = defaultdict(list)
        for step in steps:
            grouped[step.level["id"]].append(step)
        return [PathLevel(lv, grouped[lv["id"]]) for lv in self.levels if grouped[lv["id"]]]

    # --- areas -------------------------------------------------------------

    def skill_map(self, area: Record) -> list[SkillRow]:
        return [SkillRow(lv, self._skills.get((area["id"], lv["id"]), [])) for lv in self.levels]

    def categories_of(self, skill: Record) -> list[Record]:
        """The standards' categories a skill covers (its badges), in 表示順."""
        return self._categories_of_skill.get(skill["id"], [])

    def path_of_area(self, area: Record) -> list[PathLevel]:
        steps = [s for s in self._steps.get(area["id"], []) if s.course["status"] != "停止"]
        return self._by_level(steps)

    # --- courses -----------------------------------------------------------

    def steps_of_course(self, course: Record) -> list[Step]:
        """Where the course is recommended: one entry per path step, not per division."""
        return self._course_steps.get(course["id"], [])

    def skills_of_course(self, course: Record) -> list[Record]:
        return [self.skill[s] for s in course["skills"] if s in self.skill]

    def courses_by_level(self) -> list[tuple[Record | None, list[Record]]]:
        grouped: dict[str | None, list[Record]] = defaultdict(list)
        for course in self.courses:
            grouped[course["level"]].append(course)
        result: list[tuple[Record | None, list[Record]]] = [
            (lv, grouped[lv["id"]]) for lv in self.levels if grouped.get(lv["id"])
        ]
        if grouped.get(None):
            result.append((None, grouped[None]))
        return result

    def audience_label(self, audience: list[str]) -> str:
        """``全部署`` or the names of the divisions and kinds a step is aimed at."""
        if not audience:
            return "全部署"
        return "、".join(self.division[a]["name"] if a in self.division else a for a in audience)
