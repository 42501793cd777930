"""``manabi stats``: read the export, compute the figures, record them, say what changed.

The command-line face (``manabi.cli``) only turns the :class:`Outcome` and the
errors into text and exit codes; everything it prints comes from here and
from :mod:`manabi.stats.report`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manabi import snapshot
from manabi.errors import ExportError
from manabi.stats import figures, store
from manabi.stats.export import Activity, read_export

Record = dict[str, Any]


@dataclass(slots=True)
class Outcome:
    record: Record
    path: Path
    written: bool
    changes: list[str] = field(default_factory=list)  # how the sheet's counting rules changed
    notes: list[str] = field(default_factory=list)  # things the secretariat may want to fix
    read: Record = field(default_factory=dict)  # what was read (counts about the file, not people)
    names: dict[str, str] = field(default_factory=dict)  # 部署ID → 部署名, for the reports


def update(export: Path, data_dir: Path, as_of: dt.date | None = None) -> Outcome:
    """Compute the figures of ``export`` against the sheet in ``data_dir`` and record them.

    Nothing is written when the export is refused (the errors propagate).
    """
    snap = snapshot.load(data_dir)
    activity = read_export(export)
    day = as_of or figures.latest_day(activity)
    if day is None:
        raise ExportError(
            f"「{Path(export).name}」には日付が 1 つもないため、いつ時点の集計かを決められません。"
            "--as-of 2026-12-01 のように集計日を指定してください。"
        )
    record = figures.compute(activity, snap.data, day, sheet_read_at=snap.manifest.get("read_at"))
    previous = _previous(store.load_all(data_dir), record["as_of"])
    if previous and _same_figures(previous, record):
        # The sheet was read again (for a change that does not count people): the
        # figures and their basis are the same, so the day's file stays as it is.
        record = previous
    path, written = store.write(data_dir, record)
    return Outcome(
        record=record,
        path=path,
        written=written,
        changes=sheet_changes(previous, record) if previous else [],
        notes=_notes(record, snap.data, activity),
        read=_read_summary(activity, record["threshold"]),
        names={d["id"]: d["name"] for d in snap.data["divisions"]},
    )


def _previous(records: list[Record], as_of: str) -> Record | None:
    """The record this run replaces (same day), else the latest one before it."""
    same = [r for r in records if r["as_of"] == as_of]
    before = [r for r in records if r["as_of"] < as_of]
    return same[0] if same else (before[-1] if before else None)


def _same_figures(before: Record, after: Record) -> bool:
    """Equal but for when the sheet was read (same day, same basis, same numbers)."""

    def without_read_at(record: Record) -> Record:
        return {**record, "sheet": {**record.get("sheet", {}), "read_at": None}}

    return without_read_at(before) == without_read_at(after)


def sheet_changes(before: Record, after: Record) -> list[str]:
    """How the sheet's counting rules differ between two records (Japanese, one line each)."""
    old, new = before.get("basis") or {}, after.get("basis") or {}
    if not old or old == new:
        return []
    lines = []
    for key, name in (
        ("quota", "必須受講数"),
        ("deadline", "受講期限"),
        ("threshold", "公開する最小人数"),
    ):
        if old.get(key) != new.get(key):
            lines.append(
                f"設定の「{name}」: {old.get(key) or '（なし）'} → {new.get(key) or '（なし）'}"
            )
    old_groups, new_groups = dict(old.get("divisions", [])), dict(new.get("divisions", []))
    for division in sorted(old_groups.keys() | new_groups.keys()):
        if division not in old_groups:
            lines.append(f"部署「{division}」を追加")
        elif division not in new_groups:
            lines.append(f"部署「{division}」を削除")
        elif old_groups[division] != new_groups[division]:
            lines.append(
                f"部署「{division}」の Udemyグループ: "
                f"{'、'.join(old_groups[division])} → {'、'.join(new_groups[division])}"
            )
    shared = [d for d, _ in new.get("divisions", []) if d in old_groups]
    if shared != [d for d, _ in old.get("divisions", []) if d in new_groups]:
        lines.append("部署の表示順（複数の部署に当てはまる人は、表示順が先の部署に数えます）")
    old_ids, new_ids = old.get("courses", {}), new.get("courses", {})
    for course in sorted(old_ids.keys() | new_ids.keys()):
        if old_ids.get(course) != new_ids.get(course):
            lines.append(
                f"講座「{course}」の UdemyコースID: "
                f"{old_ids.get(course) or '（なし）'} → {new_ids.get(course) or '（なし）'}"
            )
    return lines


def _notes(record: Record, data: Record, activity: Activity) -> list[str]:
    notes = []
    ids = record["basis"]["courses"]
    if not ids:
        notes.append(
            "「講座」タブに UdemyコースID が 1 つもないため、必須受講数の達成は数えられません。"
            "Udemy Business の講座に UdemyコースID を入力してください。"
        )
    found = set(activity.course_ids)
    missing = [c for c, udemy_id in sorted(ids.items()) if udemy_id not in found]
    if missing:
        shown = "、".join(f"{c}（{ids[c]}）" for c in missing[:10])
        more = f" ほか {len(missing) - 10} 講座" if len(missing) > 10 else ""
        notes.append(
            f"次の講座の UdemyコースID は受講データにありません（まだだれも受講していないか、"
            f"ID の誤りです）: {shown}{more}"
        )
    staff = {d["id"]: d.get("staff") for d in data["divisions"]}
    for division, values in record["divisions"].items():
        learners = values["learners"]
        if learners is not None and staff.get(division) and learners > staff[division]:
            notes.append(
                f"部署「{division}」の職員数（{staff[division]}）より、受講した人（{learners}）が"
                "多くなっています。「部署」タブの職員数か Udemyグループを確かめてください。"
            )
    return notes


def _read_summary(activity: Activity, threshold: int) -> Record:
    """Counts about the file; those about people are shown only from the threshold up."""

    def people(count: int) -> int | None:
        return count if count == 0 or count >= threshold else None

    return {
        "rows": activity.rows,
        "anonymized_rows": people(activity.anonymized_rows),
        "deactivated_people": people(activity.deactivated_people),
        "progress_scale": activity.progress_scale,
    }
