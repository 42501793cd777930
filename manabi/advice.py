"""Advice: things worth fixing that do not stop publishing (warnings).

Each rule reads the validated data (references already resolved, so every
lookup succeeds) and calls ``warn(sheet, message, record, key)``; validation
turns the record and column key into the cell to point at. A rule is one
function in :data:`RULES`; add one there and every report shows it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

from manabi.kinds import shorten
from manabi.schema import display_order
from manabi.stats.groups import division_groups, group_key

Data = dict[str, Any]
Record = dict[str, Any]
STOPPED = "停止"


class Warn(Protocol):
    def __call__(
        self, sheet: str, message: str, record: Record | None = None, key: str | None = None
    ) -> None: ...


def _public(course: Record) -> bool:
    return course.get("status") != STOPPED


def division_without_contact(data: Data, today: dt.date, warn: Warn) -> None:
    contacts = {c["division"] for c in data["contacts"]}
    for division in data["divisions"]:
        if division["id"] not in contacts:
            warn(
                "部署",
                f"部署「{shorten(division['name'])}」（{division['id']}）に窓口担当がいません。"
                f"「窓口担当」タブに、部署ID「{division['id']}」の担当者の行を追加してください。",
                division,
                "id",
            )


def area_level_without_course(data: Data, today: dt.date, warn: Warn) -> None:
    courses = {c["id"]: c for c in data["courses"]}
    covered = {(s["area"], s["level"]) for s in data["steps"] if _public(courses[s["course"]])}
    levels = sorted(data["levels"], key=lambda lv: lv["order"])
    for area in data["areas"]:
        missing = [lv["name"] for lv in levels if (area["id"], lv["id"]) not in covered]
        if missing:
            warn(
                "分野",
                f"分野「{shorten(area['name'])}」（{area['id']}）には、"
                f"レベル「{'」「'.join(shorten(m) for m in missing)}」の推奨講座がありません"
                "（停止中の講座は数えません）。「推奨」タブに、この分野とレベルの講座を追加してください。",
                area,
                "id",
            )


def course_in_no_path(data: Data, today: dt.date, warn: Warn) -> None:
    used = {s["course"] for s in data["steps"]}
    for course in data["courses"]:
        if _public(course) and course["id"] not in used:
            warn(
                "講座",
                f"講座「{shorten(course['title'])}」（{course['id']}）はどの学習パスにも入っていません。"
                "「推奨」タブに追加するか、使わない講座なら状態を「停止」にしてください。",
                course,
                "id",
            )


def stopped_course_recommended(data: Data, today: dt.date, warn: Warn) -> None:
    courses = {c["id"]: c for c in data["courses"]}
    for step in data["steps"]:
        course = courses[step["course"]]
        if not _public(course):
            warn(
                "推奨",
                f"講座「{shorten(course['title'])}」（{course['id']}）は状態が「停止」なので、"
                "学習パスに表示されません。この行を消すか、「講座」タブで状態を「公開」に戻してください。",
                step,
                "course",
            )


def past_event(data: Data, today: dt.date, warn: Warn) -> None:
    for event in data["events"]:
        if dt.date.fromisoformat(event["date"]) < today:
            warn(
                "予定",
                f"予定「{shorten(event['title'])}」の日付（{event['date']}）は過ぎています。"
                "日付が正しいか確かめてください。終わった予定の行は消してもかまいません。",
                event,
                "date",
            )


def deadline_passed(data: Data, today: dt.date, warn: Warn) -> None:
    deadline = data["settings"].get("deadline")
    if deadline and dt.date.fromisoformat(deadline) < today:
        warn(
            "設定",
            f"受講期限（{deadline}）が過ぎています。次の期限を入力してください。",
            data["settings"],
            "deadline",
        )


def same_url_on_two_courses(data: Data, today: dt.date, warn: Warn) -> None:
    first: dict[str, Record] = {}
    for course in data["courses"]:
        url = course["url"].rstrip("/")
        if url not in first:
            first[url] = course
            continue
        other = first[url]
        warn(
            "講座",
            f"URL が講座「{shorten(other['title'])}」（{other['id']}）と同じです。"
            "講座ごとのページの URL になっているか確かめてください。",
            course,
            "url",
        )


def skill_without_course(data: Data, today: dt.date, warn: Warn) -> None:
    taught: defaultdict[str, int] = defaultdict(int)
    for course in data["courses"]:
        if _public(course):
            for skill in course["skills"]:
                taught[skill] += 1
    for skill in data["skills"]:
        if not taught[skill["id"]]:
            warn(
                "スキル",
                f"スキル「{shorten(skill['name'])}」（{skill['id']}）を身につける講座がありません"
                "（停止中の講座は数えません）。「講座」タブの「スキルID」にこのスキルID を入れてください。",
                skill,
                "id",
            )


def udemy_group_on_two_divisions(data: Data, today: dt.date, warn: Warn) -> None:
    """A Udemy group that means two divisions counts its people in the first only."""
    first: dict[str, Record] = {}
    for division in sorted(data["divisions"], key=display_order):
        for name in division_groups(division):
            other = first.setdefault(group_key(name), division)
            if other is not division:
                warn(
                    "部署",
                    f"Udemy のグループ「{shorten(name)}」は部署「{shorten(other['name'])}」"
                    f"（{other['id']}）のグループでもあります。受講状況では、このグループの人を"
                    "表示順が先の部署だけに数えます。別の部署なら、Udemyグループ の列に"
                    "それぞれのグループ名を入力してください。",
                    division,
                    "udemy_groups" if division.get("udemy_groups") else "name",
                )


Rule = Callable[[Data, dt.date, Warn], None]
RULES: tuple[Rule, ...] = (
    division_without_contact,
    area_level_without_course,
    course_in_no_path,
    stopped_course_recommended,
    past_event,
    deadline_passed,
    same_url_on_two_courses,
    skill_without_course,
    udemy_group_on_two_divisions,
)


def advise(data: Data, today: dt.date, warn: Warn) -> None:
    """Run every rule over valid data (call it only when there are no errors)."""
    for rule in RULES:
        rule(data, today, warn)
