"""Synthetic Udemy Business exports of obviously fictional staff.

Every person is 「架空 職員00001」 with an address at ``example.invalid`` (a
name that can never be delivered): the sample site, the tests and the
benchmark use these, never a real export. The exports have the English
column order of a real User Course Activity report and its value formats
(date-times in UTC with ``+00:00``, ``% Marked Completed`` 0–100 with four
decimals, empty minutes when nothing was watched).

One *history* (who enrolled in what, when, how fast they go) is drawn from a
seed; :func:`export_at` shows it as an export downloaded on a given day, so
monthly exports of the same people agree with each other, as real ones do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from manabi.schema import display_order
from manabi.stats.groups import division_groups

Record = dict[str, Any]
COLUMNS = (
    "User First Name",
    "User Last Name",
    "User Email",
    "External ID",
    "User Groups",
    "Course ID",
    "Course Title",
    "Course Duration",
    "% Marked Completed",
    "Minutes Video Consumed",
    "Date Enrolled",
    "Date Started",
    "First Date Completed",
    "Date Completed",
    "Date Last Accessed",
    "Course Category",
    "Assigned",
    "Assigned By",
    "User Is Deactivated",
)
LAST_NAME = "架空"
DOMAIN = "example.invalid"
# Courses outside the catalogue: a few many people take (candidates for the next
# curation), the rest taken by one or two (whose titles must never be published).
OTHER_TITLES = (
    ("9100001", "【架空講座】はじめての Python プログラミング"),
    ("9100002", "【架空講座】Excel VBA で定型業務を自動化"),
    ("9100003", "【架空講座】わかりやすい文章の書き方"),
    ("9100004", "【架空講座】統計検定 3 級 対策"),
    ("9100005", "【架空講座】Power BI 入門"),
    ("9100006", "【架空講座】まちづくりとオープンデータ"),
    ("9100007", "【架空講座】手話で話そう 初級"),
    ("9100008", "【架空講座】写真の撮り方 基礎"),
)
POPULAR_OTHERS = 3
QUOTA = 3  # the sample's 必須受講数  # the first ones in OTHER_TITLES that many take
EXTRA_GROUPS = ("全職員",)  # a group every division's people are in as well: no division's
UNMATCHED = (("研修生（令和8年度採用）", 14), ("テスト用グループ", 3))  # (group, people)


@dataclass(frozen=True, slots=True)
class History:
    """Enrolments of fictional people: one entry per person × course, as numbers."""

    person: np.ndarray  # int: person number (1, 2, …)
    groups: list[str]  # per person number - 1: the User Groups cell
    deactivated: np.ndarray  # bool per person number - 1
    course: np.ndarray  # int → courses
    enrolled: np.ndarray  # datetime64[s], UTC
    finished: np.ndarray  # datetime64[s]: when it would be completed at the person's pace
    lingers: np.ndarray  # timedelta64[s] of access after finishing
    courses: list[tuple[str, str, float]]  # (Course ID, title, duration in minutes)


def _courses(data: Record, rng: np.random.Generator) -> list[tuple[str, str, float]]:
    catalogue = [
        (str(c["udemy_id"]), str(c["title"]), float(c.get("hours") or 2.0) * 60)
        for c in sorted(data["courses"], key=lambda c: c["id"])
        if c.get("udemy_id")
    ]
    others = [(cid, title, float(rng.integers(60, 600))) for cid, title in OTHER_TITLES]
    return catalogue + others


def history(
    data: Record,
    *,
    people: int | None = None,
    courses_each: float = 4.0,
    start: dt.date = dt.date(2026, 6, 1),
    end: dt.date = dt.date(2026, 12, 1),
    seed: int = 2026,
) -> History:
    """Draw a history for the sheet ``data`` (its divisions, Udemy groups and course IDs).

    ``people`` spreads that many people evenly over the divisions (the benchmark);
    without it each division gets a size of its own, some under the privacy
    threshold, plus people in groups no division claims (the sample).
    """
    rng = np.random.default_rng(seed)
    divisions = sorted(data["divisions"], key=display_order)
    groups: list[str] = []
    if people is None:
        for i, division in enumerate(divisions):
            own = division_groups(division)
            size = int(rng.integers(2, 10)) if i % 4 == 3 else int(rng.integers(10, 22))
            for n in range(size):
                mine = [own[n % len(own)]]
                if n % 3 == 0:
                    mine.append(EXTRA_GROUPS[0])  # several groups: "北区役所;全職員"
                groups.append(";".join(mine))
        for group, size in UNMATCHED:
            groups += [group] * size
    else:
        names = [division_groups(d)[0] for d in divisions]
        groups = [names[i % len(names)] for i in range(people)]
    count = len(groups)
    deactivated = rng.random(count) < 0.01

    catalogue = _courses(data, rng)
    n_catalogue = len(catalogue) - len(OTHER_TITLES)
    per_person = np.clip(rng.poisson(courses_each, count), 1, None)
    if people is None:
        # Half of those who reach the quota stop there: the programme's own worry.
        stops = rng.random(count) < 0.5
        per_person[stops] = np.minimum(per_person[stops], QUOTA)
    else:
        per_person[:] = int(courses_each)
    person = np.repeat(np.arange(1, count + 1), per_person)
    if people is None:
        # Mostly catalogue courses; some popular outside ones; a rare one now and then.
        choice = rng.random(len(person))
        course = rng.integers(0, max(n_catalogue, 1), len(person))
        popular = choice > 0.86
        course[popular] = n_catalogue + rng.integers(0, POPULAR_OTHERS, int(popular.sum()))
        rare = choice > 0.985
        course[rare] = n_catalogue + rng.integers(
            POPULAR_OTHERS, len(OTHER_TITLES), int(rare.sum())
        )
        first = ~pd.DataFrame({"p": person, "c": course}).duplicated().to_numpy()
        person, course = person[first], course[first]  # a person's courses are distinct
    else:
        # Consecutive courses from a place of each person's own: distinct, and fast.
        rank = np.arange(len(person)) - np.searchsorted(person, person)
        course = (rng.integers(0, len(catalogue), count)[person - 1] + rank) % len(catalogue)
    rows = len(person)
    offset = np.arange(rows) - np.searchsorted(person, person)  # the k-th course of its person

    span = (end - start).days
    begins = rng.integers(0, span, count)  # the day each person starts
    pace = rng.uniform(5, 40, count)  # days a course takes them
    starts_s = (
        begins[person - 1] + offset * pace[person - 1] * rng.uniform(0.3, 1.0, rows)
    ) * 86400
    seconds = rng.integers(0, 86400, rows)
    base = np.datetime64(start.isoformat(), "s") - np.timedelta64(9, "h")  # Tokyo midnight
    enrolled = base + (starts_s.astype(np.int64) + seconds).astype("timedelta64[s]")
    takes = (pace[person - 1] * rng.uniform(0.5, 1.5, rows) * 86400).astype(np.int64)
    # One course in five is left unfinished.
    takes[rng.random(rows) < 0.2] = 10**9
    finished = enrolled + takes.astype("timedelta64[s]")
    # Most people leave a course when they finish it; some come back to it later.
    lingers = (rng.exponential(20, rows) * 86400 * (rng.random(rows) < 0.25)).astype(
        "timedelta64[s]"
    )
    return History(person, groups, deactivated, course, enrolled, finished, lingers, catalogue)


def _stamp(values: np.ndarray) -> np.ndarray:
    """``2026-11-30 09:15:00+00:00`` for each moment; ``""`` for NaT."""
    text = np.datetime_as_string(values, unit="s")
    text = np.char.add(np.char.replace(text, "T", " "), "+00:00")
    return np.where(np.isnat(values), "", text)


def export_at(story: History, day: dt.date) -> pd.DataFrame:
    """The export as downloaded at the end of ``day`` (Tokyo)."""
    now = np.datetime64((day + dt.timedelta(days=1)).isoformat(), "s") - np.timedelta64(9, "h")
    seen = story.enrolled < now
    person = story.person[seen]
    course = story.course[seen]
    enrolled = story.enrolled[seen]
    finished = story.finished[seen]
    done = finished < now
    duration = np.array([c[2] for c in story.courses])[course]
    elapsed = (now - enrolled).astype(np.int64)
    needed = (finished - enrolled).astype(np.int64)
    progress = np.where(done, 100.0, np.minimum(99.0, np.floor(elapsed / needed * 1000) / 10))
    minutes = np.round(duration * progress / 100.0, 2)
    last = np.where(done, finished + story.lingers[seen], enrolled + (now - enrolled) // 2)
    last = np.minimum(last, now - np.timedelta64(1, "s"))
    completed = np.where(done, finished, np.datetime64("NaT"))
    numbers = np.char.zfill(person.astype(str), 5)
    ids = np.array([c[0] for c in story.courses])[course]
    titles = np.array([c[1] for c in story.courses])[course]
    groups = np.array(story.groups)[person - 1]
    frame = pd.DataFrame(
        {
            "User First Name": np.char.add("職員", numbers),
            "User Last Name": LAST_NAME,
            "User Email": np.char.add(np.char.add("staff", numbers), f"@{DOMAIN}"),
            "External ID": np.char.add("EX", numbers),
            "User Groups": groups,
            "Course ID": ids,
            "Course Title": titles,
            "Course Duration": np.char.mod("%.2f", duration),
            "% Marked Completed": np.char.mod("%.4f", progress),
            "Minutes Video Consumed": np.where(minutes > 0, np.char.mod("%.2f", minutes), ""),
            "Date Enrolled": _stamp(enrolled),
            "Date Started": _stamp(enrolled),
            "First Date Completed": _stamp(completed),
            "Date Completed": _stamp(completed),
            "Date Last Accessed": _stamp(last),
            "Course Category": "IT・ソフトウェア",
            "Assigned": "False",
            "Assigned By": "",
            "User Is Deactivated": np.where(story.deactivated[person - 1], "Yes", "No"),
        },
        columns=list(COLUMNS),
    )
    order = np.lexsort((ids, person))
    return frame.iloc[order].reset_index(drop=True)


def anonymize_some(frame: pd.DataFrame, every: int = 97) -> pd.DataFrame:
    """Rows of people whose data Udemy deleted, as it writes them."""
    frame = frame.copy()
    rows = frame.index[::every]
    frame.loc[rows, ["User First Name", "User Last Name", "External ID"]] = ""
    frame.loc[rows, "User Email"] = "Anonymized User"
    return frame


def write_export(frame: pd.DataFrame, path: Path) -> Path:
    """Write as Udemy does: UTF-8 with a BOM, CRLF line ends."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path
