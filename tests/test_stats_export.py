"""Reading the export: the same figures whatever the file's encoding, line ends,
column order, version or UI language; dates in every form Udemy and Excel write."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from manabi.stats.export import NO_DAY, day_number, parse_days, read_export
from manabi.stats.synthetic import COLUMNS
from tests.exports import personal_values, stats_sheet, synced, write_export
from tests.helpers import run_cli
from tests.test_stats import EXPECTED, ROWS

FRENCH = {
    "User First Name": "Prénom de l'utilisateur",
    "User Last Name": "Nom de l'utilisateur",
    "User Email": "E-mail de l'utilisateur",
    "External ID": "ID externe",
    "User Groups": "Groupes d'utilisateurs",
    "Course ID": "ID du cours",
    "Course Title": "Titre du cours",
    "Course Duration": "Durée du cours",
    "% Marked Completed": "% marqué comme terminé",
    "Minutes Video Consumed": "Minutes de vidéo consommées",
    "Date Enrolled": "Date d'inscription",
    "Date Started": "Date de début",
    "First Date Completed": "Première date d'achèvement",
    "Date Completed": "Date d'achèvement",
    "Date Last Accessed": "Date de la dernière visite",
    "Course Category": "Catégorie de cours",
    "Assigned": "Assigné",
    "Assigned By": "Assigné par",
    "User Is Deactivated": "L'utilisateur est désactivé",
}
# The newer English layout: Course Locale added, Date Last Active for Date Last Accessed.
NEWER = [c for c in COLUMNS if c != "Course Title"]
NEWER.insert(NEWER.index("Course ID") + 1, "Course Title")
NEWER.insert(NEWER.index("Course Title") + 1, "Course Locale")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("sheet")
    return synced(stats_sheet(tmp / "sheet"), tmp / "data")


def figures(tmp_path: Path, data: Path, export: Path, capsys) -> dict:
    copy = tmp_path / "data"
    copy.mkdir()
    for path in data.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    capsys.readouterr()
    assert run_cli("stats", export, "--data", copy, "--format", "json") == 0
    record = json.loads(capsys.readouterr().out)
    return {k: record[k] for k in EXPECTED}


@pytest.mark.parametrize(
    "variant",
    [
        {"encoding": "utf-8", "newline": "\n"},  # no BOM, LF
        {"encoding": "utf-8-sig", "newline": "\r\n"},  # BOM, CRLF (as Udemy writes)
        {"encoding": "cp932", "newline": "\r\n"},  # re-saved by Excel in Japan
        {"headers": FRENCH},  # an admin whose UI is French
        {"columns": list(reversed(COLUMNS))},  # by name, never by position
        {"columns": [*COLUMNS, "Custom Field", "Notes"]},  # unknown columns are ignored
    ],
    ids=["utf8-lf", "bom-crlf", "shift-jis", "french", "reversed", "extra-columns"],
)
def test_every_form_of_the_export_gives_the_same_figures(tmp_path, data, capsys, variant):
    export = write_export(tmp_path / "e.csv", ROWS, **variant)
    assert figures(tmp_path, data, export, capsys) == EXPECTED


def test_the_newer_layout_with_date_last_active_gives_the_same_figures(tmp_path, data, capsys):
    rows = [dict(r, **{"Course Locale": "ja_JP"}) for r in ROWS]
    headers = {"Date Last Accessed": "Date Last Active"}
    export = write_export(tmp_path / "e.csv", rows, columns=NEWER, headers=headers)
    assert figures(tmp_path, data, export, capsys) == EXPECTED


def test_date_completed_stands_in_when_first_date_completed_is_absent(tmp_path, data, capsys):
    rows = [dict(r, **{"Date Completed": r["First Date Completed"]}) for r in ROWS]
    columns = [c for c in COLUMNS if c != "First Date Completed"]
    export = write_export(tmp_path / "e.csv", rows, columns=columns)
    assert figures(tmp_path, data, export, capsys) == EXPECTED


def test_what_is_read_holds_no_personal_value(tmp_path) -> None:
    export = write_export(tmp_path / "e.csv", ROWS)
    activity = read_export(export)
    assert set(activity.columns.values()) == {
        "User Email", "External ID", "User Groups", "Course ID", "Course Title",
        "% Marked Completed", "Minutes Video Consumed", "First Date Completed",
        "Date Last Accessed", "User Is Deactivated",
    }  # fmt: skip
    held = repr([activity.group_texts, activity.course_ids, activity.course_titles])
    for value in personal_values(ROWS):
        assert value.strip().casefold() not in held.casefold()
    assert activity.person.dtype == np.uint64  # salted hashes, not addresses


def test_the_same_person_gets_another_key_in_another_run(tmp_path) -> None:
    export = write_export(tmp_path / "e.csv", ROWS)
    first, second = read_export(export), read_export(export)
    assert len(np.unique(first.person)) == len(np.unique(second.person))
    assert not set(first.person.tolist()) & set(second.person.tolist())


DAY = day_number(dt.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-12-01", DAY),
        ("2026/12/01", DAY),
        ("2026/12/1", DAY),
        ("2026/12/1 9:30", DAY),  # Excel's re-saved date-time
        ("2026-12-01 23:59:59", DAY),  # no offset: Tokyo's wall time
        ("2026-12-01T10:00:00", DAY),
        ("2026-11-30 15:00:00+00:00", DAY),  # Udemy's form: 00:00 in Tokyo
        ("2026-11-30 14:59:59+00:00", DAY - 1),
        ("2026-11-30T15:00:00Z", DAY),
        ("2026-11-30T15:00:00.123Z", DAY),
        ("2026-12-01T00:30:00+09:00", DAY),
        ("2026-11-30T10:30:00-05:00", DAY),  # 15:30Z
        (" 2026-12-01 ", DAY),
        ("", NO_DAY),
    ],
)
def test_dates_are_days_in_tokyo(text: str, day: int) -> None:
    days, bad = parse_days(np.array([text], dtype=object))
    assert (int(days[0]), bool(bad[0])) == (day, False)


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "01/12/2026", "2026-12-01 25:00"])
def test_text_that_is_no_date_is_flagged(text: str) -> None:
    days, bad = parse_days(np.array([text], dtype=object))
    assert bool(bad[0]) and int(days[0]) == NO_DAY


def test_a_column_mixing_udemys_form_with_others_is_read_row_by_row() -> None:
    texts = [
        "2026-11-30 15:00:00+00:00",  # Udemy's form: parsed for the whole column at once
        "",
        "2026/12/1",
        "not a date",
        "2026-11-30T14:59:59Z",
        "2026-11-30 15:00:00+00:00",
    ]
    days, bad = parse_days(np.array(texts, dtype=object))
    assert days.tolist() == [DAY, NO_DAY, DAY, NO_DAY, DAY - 1, DAY]
    assert bad.tolist() == [False, False, False, True, False, False]
