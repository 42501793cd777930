"""Test helpers for learning exports: real CSV files as Udemy Business writes them,
and a small sheet whose divisions and courses the tests' exports refer to.

Every person in these exports is fictional, and every personal value is
distinctive (``Zq…``), so that a search of the outputs for it cannot hit
ordinary text by chance.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from manabi.stats.synthetic import COLUMNS
from tests.grids import append_row, read_folder, set_cell, write_folder
from tests.helpers import MINIMAL, run_cli


def person(n: int, groups: str, **extra: str) -> dict[str, str]:
    """The personal columns of fictional person ``n`` (distinctive values)."""
    return {
        "User First Name": f"Zqfirst{n:03d}",
        "User Last Name": f"Zqlast{n:03d}",
        "User Email": f"zqmail{n:03d}@example.invalid",
        "External ID": f"ZQEXT{n:03d}",
        "User Groups": groups,
        **extra,
    }


def row(who: dict[str, str], course: str, **values: str) -> dict[str, str]:
    """One export row: ``who`` takes ``course``; every other column as given or empty."""
    out = dict.fromkeys(COLUMNS, "")
    out.update(
        {
            "Course Title": f"講座 {course}",
            "Course Duration": "60.00",
            "% Marked Completed": "0.0000",
            "Assigned": "False",
            "User Is Deactivated": "No",
        }
    )
    out.update(who)
    out.update({"Course ID": course, **values})
    return out


def personal_values(rows: list[dict[str, str]]) -> set[str]:
    """Every name, e-mail and ID in ``rows`` (what must never leave the machine)."""
    keys = ("User First Name", "User Last Name", "User Email", "External ID")
    return {r[k] for r in rows for k in keys if r.get(k) and r[k] != "Anonymized User"}


def write_export(
    path: Path,
    rows: list[dict[str, str]],
    *,
    columns: tuple[str, ...] | list[str] = COLUMNS,
    headers: dict[str, str] | None = None,
    encoding: str = "utf-8-sig",
    newline: str = "\r\n",
) -> Path:
    """A CSV with ``columns`` (renamed by ``headers``), as a real file on disk."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow([(headers or {}).get(c, c) for c in columns])
    writer.writerows([[r.get(c, "") for c in columns] for r in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


# The sheet of the hand-computed cases: four divisions in 表示順, three
# catalogue courses with Udemy IDs, quota 2, deadline 2026-11-30, threshold 5.
DIVISIONS = [
    # 部署ID, 部署名, 種別, 表示順, 担当分野, 備考, Udemyグループ, 職員数
    ["kita", "北区役所", "区役所", "1", "data", "", "北区役所、北区（窓口）", "40"],
    ["somu", "総務局", "局", "2", "", "", "", "50"],
    ["zaisei", "財政局", "局", "3", "", "", "", ""],
    ["kyoiku", "教育委員会事務局", "委員会", "4", "", "", "教育委員会", ""],
]


def stats_sheet(folder: Path, *, threshold: str = "5", quota: str = "2") -> Path:
    """A CSV folder like ``tests/fixtures/minimal`` with the Udemy columns filled in."""
    grids = read_folder(MINIMAL)
    grids["部署"] = [[*grids["部署"][0], "Udemyグループ", "職員数"], *DIVISIONS]
    for line, udemy_id in ((2, "111"), (3, "222"), (4, "333")):
        set_cell(grids, f"講座!J{line}", udemy_id)
    set_cell(grids, "講座!J1", "UdemyコースID")
    set_cell(grids, "設定!B3", "2026-11-30")
    set_cell(grids, "設定!B4", quota)
    append_row(grids, "設定", ["公開する最小人数", threshold])
    for division in ("zaisei", "kyoiku"):
        append_row(grids, "窓口担当", [division, "架空 三郎", "", "主担当", "", "", ""])
    return write_folder(grids, folder)


def synced(sheet: Path, data: Path) -> Path:
    """``manabi sync SHEET --data DATA``; the snapshot the stats are computed against."""
    assert run_cli("sync", sheet, "--data", data) == 0
    return data
