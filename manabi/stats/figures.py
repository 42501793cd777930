"""The figures, exactly as defined, and which of them may be published.

Definitions (the issue's, and the site's 受講状況 page words them for staff):

- a person belongs to the first division in 表示順 one of whose Udemy groups
  (部署!Udemyグループ, else its 部署名) is among the person's groups; people in
  no division count in the city total only;
- **learners**: people with a row (anonymized rows and deactivated people left out);
- a catalogue course (講座!UdemyコースID) is **completed** on its First Date
  Completed (else Date Completed) when that day is on or before both the
  as-of day and 受講期限;
- **quota_met**: learners with at least 必須受講数 completed catalogue courses;
- **continuing**: quota_met people whose latest Date Last Accessed (any row) is
  a later day than the day they completed their 必須受講数-th catalogue course;
- **minutes**: Minutes Video Consumed summed over the group's rows, rounded half up;
- per catalogue course, **progress**: the mean of its learners' % Marked Completed
  (each learner's highest, 0–100), rounded half up.

Privacy (:func:`withheld`): a group's figures are published only when it has
at least the threshold of learners; when some are withheld, the smallest
others are withheld too until the withheld together hold at least the
threshold, so no figure can be had by subtracting the published ones from
the city's. People in no division are never shown as a group of their own:
when they are fewer than the threshold, divisions are withheld to cover them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from manabi.schema import display_order
from manabi.stats.basis import basis, basis_hash
from manabi.stats.export import NO_DAY, Activity, day_number, day_of
from manabi.stats.groups import division_groups, group_key, group_names

Record = dict[str, Any]
FIGURES = ("learners", "quota_met", "continuing", "minutes")
NO_GROUP = ""  # the unmatched "group" of people whose User Groups cell is empty


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def withheld(sizes: dict[str, int], threshold: int, *, cover: bool = False) -> set[str]:
    """The groups whose figures must not be published.

    Those under ``threshold``; then, while the withheld together hold fewer than
    ``threshold``, the smallest of the rest (the later in ``sizes``' order on a
    tie), so that subtracting the published figures from a total never gives a
    figure about fewer people. ``cover`` asks for this even when nothing is
    under the threshold (the total holds people who belong to no group).
    """
    out = {key for key, size in sizes.items() if size < threshold}
    if not out and not cover:
        return out
    held = sum(sizes[key] for key in out)
    position = {key: i for i, key in enumerate(sizes)}
    rest = sorted((k for k in sizes if k not in out), key=lambda k: (sizes[k], -position[k]))
    for key in rest:
        if held >= threshold:
            break
        out.add(key)
        held += sizes[key]
    return out


@dataclass(frozen=True, slots=True)
class _People:
    """Per person (index 0..P-1): division position (-1: none) and figures."""

    division: np.ndarray
    group: np.ndarray  # index into Activity.group_texts (the person's first row's)
    quota_met: np.ndarray
    continuing: np.ndarray
    minutes: np.ndarray


def _division_of_texts(activity: Activity, divisions: list[Record]) -> np.ndarray:
    """For each distinct User Groups text, the position of its division (-1: none)."""
    first_division: dict[str, int] = {}
    for position, division in enumerate(divisions):
        for name in division_groups(division):
            first_division.setdefault(group_key(name), position)
    out = np.full(len(activity.group_texts), -1, dtype=np.int64)
    for i, text in enumerate(activity.group_texts):
        found = [
            first_division[k] for k in map(group_key, group_names(text)) if k in first_division
        ]
        if found:
            out[i] = min(found)
    return out


def _catalogue_of_courses(activity: Activity, courses: list[Record]) -> np.ndarray:
    """For each course in the export, the position of its catalogue course (-1: none)."""
    by_udemy_id = {str(c["udemy_id"]): i for i, c in enumerate(courses)}
    return np.array([by_udemy_id.get(cid, -1) for cid in activity.course_ids], dtype=np.int64)


def _people(
    activity: Activity,
    pidx: np.ndarray,
    count: int,
    text_division: np.ndarray,
    catalogue: np.ndarray,
    quota: int,
    limit: int,
) -> _People:
    # The person's groups: those of their first row (a user's groups are the same on every row).
    _, first_row = np.unique(pidx, return_index=True)
    group = activity.group[first_row].astype(np.int64)
    division = text_division[group] if len(text_division) else np.full(count, -1)

    minutes = np.bincount(pidx, weights=activity.minutes, minlength=count)
    last = np.full(count, NO_DAY, dtype=np.int64)
    np.maximum.at(last, pidx, activity.last_day.astype(np.int64))

    # Completed catalogue courses: each (person, course) once, on its earliest day.
    cat = catalogue[activity.course] if len(catalogue) else np.full(len(pidx), -1)
    done = (cat >= 0) & (activity.done_day != NO_DAY) & (activity.done_day <= limit)
    p, c, d = pidx[done], cat[done], activity.done_day[done].astype(np.int64)
    order = np.lexsort((d, c, p))
    p, c, d = p[order], c[order], d[order]
    first = np.ones(len(p), dtype=bool)
    first[1:] = (p[1:] != p[:-1]) | (c[1:] != c[:-1])
    p, d = p[first], d[first]
    order = np.lexsort((d, p))
    p, d = p[order], d[order]
    completed = np.bincount(p, minlength=count)
    need = max(int(quota), 1)
    quota_met = completed >= int(quota)
    # The day of each person's need-th completion: rank within the person, by day.
    starts = np.searchsorted(p, p, side="left")
    rank = np.arange(len(p)) - starts
    quota_day = np.full(count, NO_DAY, dtype=np.int64)
    at = rank == need - 1
    quota_day[p[at]] = d[at]
    continuing = quota_met & (quota_day != NO_DAY) & (last > quota_day)
    return _People(division, group, quota_met, continuing, minutes)


def _sums(people: _People, select: np.ndarray) -> Record:
    return {
        "learners": int(select.sum()),
        "quota_met": int((people.quota_met & select).sum()),
        "continuing": int((people.continuing & select).sum()),
        "minutes": round_half_up(float(people.minutes[select].sum())),
    }


def _nulls(names: Iterable[str]) -> Record:
    return dict.fromkeys(names)


def compute(
    activity: Activity, data: Record, as_of: dt.date, *, sheet_read_at: object = None
) -> Record:
    """The aggregate record for ``as_of``: published figures, ``None`` where withheld."""
    settings = data["settings"]
    the_basis = basis(data)
    threshold = int(the_basis["threshold"])
    quota = int(settings.get("quota") if settings.get("quota") is not None else 3)
    deadline = settings.get("deadline")
    limit = day_number(as_of)
    if deadline:
        limit = min(limit, day_number(dt.date.fromisoformat(str(deadline))))
    divisions = sorted(data["divisions"], key=display_order)
    catalogue_courses = sorted(
        (c for c in data["courses"] if c.get("udemy_id")), key=lambda c: c["id"]
    )

    pidx, persons = pd.factorize(activity.person)
    count = len(persons)
    text_division = _division_of_texts(activity, divisions)
    catalogue = _catalogue_of_courses(activity, catalogue_courses)
    people = _people(activity, pidx, count, text_division, catalogue, quota, limit)

    everyone = np.ones(count, dtype=bool)
    total = _sums(people, everyone)
    per_division = {d["id"]: _sums(people, people.division == i) for i, d in enumerate(divisions)}
    unmatched = people.division < 0
    pool = int(unmatched.sum())
    hidden = withheld(
        {k: v["learners"] for k, v in per_division.items()}, threshold, cover=0 < pool < threshold
    )
    if total["learners"] < threshold:
        total = _nulls(FIGURES)
    division_figures = {
        d["id"]: _nulls(FIGURES) if d["id"] in hidden else per_division[d["id"]] for d in divisions
    }

    group_counts = _unmatched_groups(activity, people, unmatched)
    hidden_groups = withheld(group_counts, threshold)
    unmatched_groups = {
        name: None if name in hidden_groups else n for name, n in sorted(group_counts.items())
    }

    courses, others = _courses(activity, pidx, catalogue, catalogue_courses, limit, threshold)
    return {
        "as_of": as_of.isoformat(),
        "threshold": threshold,
        "total": total,
        "divisions": division_figures,
        "unmatched_groups": unmatched_groups,
        "courses": courses,
        "other_courses": others,
        "sheet": {"read_at": sheet_read_at, "basis": basis_hash(the_basis)},
        "basis": the_basis,
    }


def _unmatched_groups(activity: Activity, people: _People, unmatched: np.ndarray) -> dict[str, int]:
    """People in no division, counted under each of their group names."""
    per_text = np.bincount(people.group[unmatched], minlength=len(activity.group_texts))
    counts: dict[str, int] = {}
    for text_index in np.flatnonzero(per_text).tolist():
        names = group_names(activity.group_texts[text_index]) or [NO_GROUP]
        for name in names:
            counts[name] = counts.get(name, 0) + int(per_text[text_index])
    return counts


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted. (NumPy 2.4's ``np.unique`` hashes int64 keys:
    2.8 s for a million here, against 0.1 s for this sort.)"""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _courses(
    activity: Activity,
    pidx: np.ndarray,
    catalogue: np.ndarray,
    catalogue_courses: list[Record],
    limit: int,
    threshold: int,
) -> tuple[Record, list[Record]]:
    """Learners (and completions) per catalogue course; popular courses outside the catalogue."""
    courses = len(activity.course_ids)
    pair = _distinct(pidx.astype(np.int64) * max(courses, 1) + activity.course)
    taken = np.bincount(pair % max(courses, 1), minlength=courses)
    done_rows = (activity.done_day != NO_DAY) & (activity.done_day <= limit)
    done_pair = _distinct(
        pidx[done_rows].astype(np.int64) * max(courses, 1) + activity.course[done_rows]
    )
    completed = np.bincount(done_pair % max(courses, 1), minlength=courses)
    progress = _mean_progress(activity, pidx, courses)

    in_catalogue: Record = {}
    by_position = {int(cat): i for i, cat in enumerate(catalogue.tolist()) if cat >= 0}
    for position, course in enumerate(catalogue_courses):
        i = by_position.get(position)
        learners = int(taken[i]) if i is not None else 0
        completions = int(completed[i]) if i is not None else 0
        published = learners >= threshold
        mean = progress[i] if i is not None else math.nan
        in_catalogue[course["id"]] = {
            "learners": learners if published else None,
            "completed": completions if published else None,
            "progress": round_half_up(mean) if published and not math.isnan(mean) else None,
        }
    others = [
        {"title": activity.course_titles[i], "learners": int(taken[i])}
        for i in range(courses)
        if catalogue[i] < 0 and taken[i] >= threshold and activity.course_titles[i]
    ]
    others.sort(key=lambda o: (-o["learners"], o["title"]))
    return in_catalogue, others


def _mean_progress(activity: Activity, pidx: np.ndarray, courses: int) -> np.ndarray:
    """Per course, the mean of each learner's % Marked Completed (their highest row; NaN: none)."""
    known = ~np.isnan(activity.progress)
    keys = pidx[known].astype(np.int64) * max(courses, 1) + activity.course[known]
    values = activity.progress[known]
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    last = np.ones(len(keys), dtype=bool)
    last[:-1] = keys[1:] != keys[:-1]  # the highest of each (person, course)
    course = keys[last] % max(courses, 1)
    total = np.bincount(course, weights=values[last], minlength=courses)
    count = np.bincount(course, minlength=courses)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def latest_day(activity: Activity) -> dt.date | None:
    day = activity.latest_day
    return day_of(day) if day is not None else None
