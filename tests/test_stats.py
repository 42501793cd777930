"""`manabi stats`: the figures of a small export, worked out by hand, and every refusal.

The sheet (tests/exports.py): divisions kita, somu, zaisei, kyoiku in 表示順;
catalogue courses c001/c002/c003 with Udemy IDs 111/222/333; 必須受講数 2;
受講期限 2026-11-30; 公開する最小人数 5. Each person's rows below say, in a
comment, what the definitions make of them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from manabi.stats import store
from manabi.stats.figures import withheld
from tests.exports import person, row, stats_sheet, synced, write_export
from tests.helpers import ROOT, run_cli

UTC = "+00:00"

P1 = person(1, "北区役所")
P2 = person(2, "北区（窓口）;全職員")
P3 = person(3, "北区役所")
P4 = person(4, "北区役所")
P5 = person(5, "北区役所")
P6 = person(6, "北区役所", **{"User Email": ""})  # keyed by External ID
P7 = person(7, "北区役所")
P7_CAPS = {**P7, "User Email": " ZQMail007@Example.invalid "}  # the same person
P8 = person(8, "北区役所")
ANONYMIZED = {**person(9, "北区役所"), "User Email": "Anonymized User"}
Q = [person(10 + i, g) for i, g in enumerate(["財政局;総務局", "総務局", "総務局", "総務局"])]
Q5 = person(15, "総務局;全職員")
S = [person(20, "財政局"), person(21, "財政局")]
U = [person(30, "研修生"), person(31, "研修生"), person(32, "")]

ROWS = [
    # kita: 7 learners, 3 met the quota, 2 go on, 212.5 minutes → 213
    # p1: c001 on 10-01 and c002 on 10-05 (16:00Z is 01:00 the next day in Tokyo);
    #     back on 12-10 for a course outside the catalogue: continuing. 60.5 minutes.
    row(P1, "111", **{"First Date Completed": f"2026-10-01 01:00:00{UTC}",
                      "Date Last Accessed": f"2026-10-01 02:00:00{UTC}",
                      "Minutes Video Consumed": "30.5", "% Marked Completed": "100.0000"}),
    row(P1, "222", **{"First Date Completed": "2026-10-04T16:00:00Z",
                      "Date Last Accessed": "2026-10-05", "Minutes Video Consumed": "20"}),
    row(P1, "999", **{"Course Title": "Excel 入門",
                      "Date Last Accessed": f"2026-12-10 09:00:00{UTC}",
                      "Minutes Video Consumed": "10"}),
    # p2: both on 10-01 and never back after: quota met, not continuing. 20 minutes.
    row(P2, "111", **{"First Date Completed": "2026/10/01", "Date Last Accessed": "2026/10/01",
                      "Minutes Video Consumed": "10"}),
    row(P2, "222", **{"First Date Completed": "2026-10-01T12:00:00+09:00",
                      "Date Last Accessed": "2026-10-01 20:00:00",  # no offset: Tokyo's time
                      "Minutes Video Consumed": "10"}),
    # p3: c001 finished after the deadline does not count: one course, quota not met. 5 minutes.
    row(P3, "111", **{"First Date Completed": f"2026-12-05 01:00:00{UTC}",
                      "Date Last Accessed": f"2026-12-05 01:00:00{UTC}",
                      "Minutes Video Consumed": "5"}),
    row(P3, "222", **{"First Date Completed": f"2026-11-01 00:00:00{UTC}",
                      "Date Last Accessed": f"2026-11-01 00:00:00{UTC}"}),  # minutes empty: 0
    # p4: c001 on 10-01 (15:30Z), c003 (a stopped course still counts) on 10-02, back 10-03.
    row(P4, "111", **{"First Date Completed": "2026-09-30T15:30:00Z",
                      "Date Last Accessed": "2026-10-01", "Minutes Video Consumed": "10"}),
    row(P4, "333", **{"First Date Completed": "2026-10-02", "Date Last Accessed": "2026-10-03",
                      "Minutes Video Consumed": "10"}),
    # p5 is deactivated (on one of their rows): left out of every figure.
    row(P5, "111", **{"First Date Completed": "2026-10-01", "Minutes Video Consumed": "50"}),
    row(P5, "222", **{"User Is Deactivated": "Yes", "Minutes Video Consumed": "50"}),
    # p6 has no e-mail: counted by External ID. 100 minutes.
    row(P6, "999", **{"Course Title": "Excel 入門", "Date Last Accessed": "2026-11-20",
                      "Minutes Video Consumed": "100"}),
    # p7 took c001 twice (the same person, e-mail in other case): one course. 7 minutes.
    row(P7, "111", **{"First Date Completed": "2026-09-01", "Date Last Accessed": "2026-09-01",
                      "Minutes Video Consumed": "3"}),
    row(P7_CAPS, "111", **{"First Date Completed": "2026-09-02",
                           "Date Last Accessed": "2026-09-02", "Minutes Video Consumed": "4"}),
    # p8 started c001 and watched nothing yet: a learner with 0 minutes.
    row(P8, "111", **{"Date Last Accessed": "2026-11-15", "% Marked Completed": "50.0000"}),
    # Deleted data: not a learner anywhere.
    row(ANONYMIZED, "111", **{"First Date Completed": "2026-10-01", "Minutes Video Consumed": "9"}),
    # somu: 5 learners (q1 is in 財政局 too: somu comes first in 表示順), 1 met, 0 go on, 8 min.
    row(Q[0], "999", **{"Course Title": "Excel 入門", "Minutes Video Consumed": "1"}),
    row(Q[1], "999", **{"Course Title": "Excel 入門", "Minutes Video Consumed": "1"}),
    row(Q[2], "999", **{"Course Title": "Excel 入門", "Minutes Video Consumed": "1"}),
    row(Q[3], "111", **{"First Date Completed": "2026-11-10", "Minutes Video Consumed": "2"}),
    row(Q[3], "222", **{"First Date Completed": "2026-11-12", "Date Last Accessed": "2026-11-12",
                        "Minutes Video Consumed": "2"}),
    row(Q5, "998", **{"Course Title": "ひとりだけの講座", "Minutes Video Consumed": "1"}),
    # zaisei: 2 learners, 4 minutes. kyoiku: nobody.
    row(S[0], "111", **{"Minutes Video Consumed": "2"}),
    row(S[1], "222", **{"Minutes Video Consumed": "2"}),
    # In no division: two in 研修生, one with no group. 3 minutes.
    row(U[0], "999", **{"Course Title": "Excel 入門", "Minutes Video Consumed": "1"}),
    row(U[1], "999", **{"Course Title": "Excel 入門", "Minutes Video Consumed": "1"}),
    row(U[2], "111", **{"Minutes Video Consumed": "1"}),
]  # fmt: skip

NULLS = {"learners": None, "quota_met": None, "continuing": None, "minutes": None}
EXPECTED = {
    "as_of": "2026-12-10",  # the export's latest date (p1's last access)
    "threshold": 5,
    # 17 learners; 4 met the quota (p1, p2, p4, q4); 2 go on; 227.5 minutes → 228
    "total": {"learners": 17, "quota_met": 4, "continuing": 2, "minutes": 228},
    # zaisei (2) and kyoiku (0) are under 5; together they hold 2, so the next
    # smallest, somu (5), is withheld too: kita's figures are all that show.
    "divisions": {
        "kita": {"learners": 7, "quota_met": 3, "continuing": 2, "minutes": 213},
        "somu": NULLS,
        "zaisei": NULLS,
        "kyoiku": NULLS,
    },
    # "研修生" (2) and no group (1): names for the secretariat, counts under 5 withheld.
    "unmatched_groups": {"": None, "研修生": None},
    # c001: 9 took it (p5 and the anonymized row left out); 5 finished by the deadline;
    #       % Marked Completed: p1 100, p8 50, the rest 0 → 150 / 9 = 16.7 → 17.
    # c002: 5 took it, 4 finished, all at 0 %. c003: 1 took it: withheld.
    "courses": {
        "c001": {"learners": 9, "completed": 5, "progress": 17},
        "c002": {"learners": 5, "completed": 4, "progress": 0},
        "c003": {"learners": None, "completed": None, "progress": None},
    },
    # 7 took "Excel 入門"; one took "ひとりだけの講座": its title is not published.
    "other_courses": [{"title": "Excel 入門", "learners": 7}],
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return synced(stats_sheet(tmp_path / "sheet"), tmp_path / "data")


def stats_json(capsys, *args) -> tuple[int, dict | None, str]:
    code = run_cli("stats", *args, "--format", "json")
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_the_figures_match_the_hand_computed_answers(tmp_path, data, capsys) -> None:
    export = write_export(tmp_path / "export.csv", ROWS)
    code, record, _ = stats_json(capsys, export, "--data", data)
    assert code == 0
    assert {k: record[k] for k in EXPECTED} == EXPECTED
    # --format json prints exactly what was written
    written = data / "stats" / "2026-12-10.json"
    assert json.loads(written.read_text(encoding="utf-8")) == record


def test_an_earlier_as_of_day_counts_only_what_was_done_by_then(tmp_path, data, capsys) -> None:
    export = write_export(tmp_path / "export.csv", ROWS)
    code, record, _ = stats_json(capsys, export, "--data", data, "--as-of", "2026-10-01")
    assert code == 0
    assert record["as_of"] == "2026-10-01"
    # By 10-01 only p2 had two courses (p1's second came on 10-05, p4's on 10-02).
    assert record["divisions"]["kita"]["quota_met"] == 1
    assert record["total"]["quota_met"] == 1
    assert record["courses"]["c001"]["completed"] == 4  # p1, p2, p4 (10-01), p7 (09-01)


def test_a_completion_share_of_0_to_1_is_read_per_file(tmp_path, data, capsys) -> None:
    rows = [dict(r, **{"% Marked Completed": "0.5"}) for r in ROWS]
    rows[0]["% Marked Completed"] = "1"
    code, record, _ = stats_json(capsys, write_export(tmp_path / "e.csv", rows), "--data", data)
    assert code == 0 and record["total"] == EXPECTED["total"]
    # Read as shares of 1: p1's c001 is 100 %, every other row 50 % → (100 + 8 × 50) / 9 = 56.
    assert record["courses"]["c001"]["progress"] == 56
    assert record["courses"]["c002"]["progress"] == 50
    from manabi.stats.export import read_export

    assert read_export(tmp_path / "e.csv").progress_scale == "0-1"
    assert read_export(write_export(tmp_path / "f.csv", ROWS)).progress_scale == "0-100"


def test_a_rerun_for_the_same_day_touches_nothing_and_a_changed_one_replaces_it(
    tmp_path, data, capsys
) -> None:
    export = write_export(tmp_path / "export.csv", ROWS)
    assert run_cli("stats", export, "--data", data) == 0
    path = data / "stats" / "2026-12-10.json"
    before = (path.stat().st_ino, path.stat().st_mtime_ns)
    capsys.readouterr()
    assert run_cli("stats", export, "--data", data) == 0
    assert "変更なし" in capsys.readouterr().out
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == before
    # One more learner in kita on the same day: that day's file is replaced, not added to.
    more = [*ROWS, row(person(40, "北区役所"), "222", **{"Minutes Video Consumed": "1"})]
    assert run_cli("stats", write_export(tmp_path / "e2.csv", more), "--data", data) == 0
    assert sorted(p.name for p in (data / "stats").iterdir()) == ["2026-12-10.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["divisions"]["kita"]["learners"] == 8


def test_each_as_of_day_is_kept_for_the_trend(tmp_path, data) -> None:
    export = write_export(tmp_path / "export.csv", ROWS)
    for day in ("2026-10-01", "2026-11-01", "2026-12-10"):
        assert run_cli("stats", export, "--data", data, "--as-of", day) == 0
    assert sorted(p.stem for p in (data / "stats").iterdir()) == [
        "2026-10-01",
        "2026-11-01",
        "2026-12-10",
    ]


def test_sync_keeps_the_figures_and_stats_leaves_the_sheet_data_alone(tmp_path, data) -> None:
    sheet_files = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    assert run_cli("stats", write_export(tmp_path / "e.csv", ROWS), "--data", data) == 0
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == sheet_files
    figures = (data / "stats" / "2026-12-10.json").read_bytes()
    # A changed sheet is synced: the snapshot is swapped in whole, the figures stay.
    sheet = stats_sheet(tmp_path / "sheet2")
    (sheet / "DXレター.csv").write_text(
        "号,発行日,タイトル,URL,概要\n2,2026-12-01,第2号,,\n", encoding="utf-8"
    )
    assert run_cli("sync", sheet, "--data", data) == 0
    assert (data / "stats" / "2026-12-10.json").read_bytes() == figures


def test_a_sheet_change_that_affects_the_figures_is_reported(tmp_path, data, capsys) -> None:
    export = write_export(tmp_path / "export.csv", ROWS)
    assert run_cli("stats", export, "--data", data, "--as-of", "2026-11-01") == 0
    sheet = stats_sheet(tmp_path / "sheet2", quota="3")
    text = (
        (sheet / "部署.csv")
        .read_text(encoding="utf-8")
        .replace(",教育委員会,", ",教育委員会、学校,")
    )
    (sheet / "部署.csv").write_text(text, encoding="utf-8")
    assert run_cli("sync", sheet, "--data", data) == 0
    capsys.readouterr()
    assert run_cli("stats", export, "--data", data) == 0
    out = capsys.readouterr().out
    assert "数え方にかかわるシートの内容が変わりました" in out
    assert "必須受講数」: 2 → 3" in out
    assert "部署「kyoiku」の Udemyグループ: 教育委員会 → 教育委員会、学校" in out


def test_a_sheet_change_that_does_not_affect_the_figures_is_not_reported(
    tmp_path, data, capsys
) -> None:
    export = write_export(tmp_path / "export.csv", ROWS)
    assert run_cli("stats", export, "--data", data, "--as-of", "2026-11-01") == 0
    sheet = stats_sheet(tmp_path / "sheet2")
    (sheet / "DXレター.csv").write_text("号,発行日,タイトル,URL,概要\n", encoding="utf-8")
    assert run_cli("sync", sheet, "--data", data) == 0
    capsys.readouterr()
    assert run_cli("stats", export, "--data", data) == 0
    assert "数え方" not in capsys.readouterr().out


# --- suppression ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "cover", "expected"),
    [
        ({"a": 15, "b": 12, "c": 11}, False, set()),  # everyone has enough
        ({"a": 15, "b": 12, "c": 3}, False, {"b", "c"}),  # 3 alone: b joins (3 + 12 ≥ 10)
        ({"a": 15, "b": 12, "c": 3, "d": 8}, False, {"c", "d"}),  # 3 + 8 = 11: enough
        ({"a": 15, "b": 12, "c": 0}, False, {"b", "c"}),  # a withheld 0 still needs cover
        ({"a": 20, "b": 12, "c": 12}, False, set()),
        ({"a": 20, "b": 12, "c": 12}, True, {"c"}),  # people in no group need cover: the later tie
        ({"a": 4, "b": 3}, False, {"a", "b"}),  # all withheld, whatever they hold
    ],
)
def test_withheld_groups_always_hold_at_least_the_threshold(sizes, cover, expected) -> None:
    assert withheld(sizes, 10, cover=cover) == expected


def test_people_in_no_division_are_never_left_alone_by_subtraction(tmp_path, data, capsys) -> None:
    """kita 7, somu 5; two people in no division: they would be total − kita − somu."""
    rows = [r for r in ROWS if r["User Groups"] in {"北区役所", "北区（窓口）;全職員", "総務局"}]
    rows += [row(person(50 + i, "研修生"), "999") for i in range(2)]
    rows += [row(person(60 + i, "財政局"), "999") for i in range(5)]
    rows += [row(person(70 + i, "教育委員会"), "999") for i in range(5)]
    code, record, _ = stats_json(capsys, write_export(tmp_path / "e.csv", rows), "--data", data)
    assert code == 0
    shown = {d: v["learners"] for d, v in record["divisions"].items() if v["learners"] is not None}
    hidden_learners = record["total"]["learners"] - sum(shown.values())
    assert hidden_learners - 2 >= 5  # what subtraction gives mixes the 2 with a withheld division


def test_a_city_of_fewer_learners_than_the_threshold_shows_no_figure(tmp_path, data, capsys):
    rows = [row(person(80 + i, "北区役所"), "111") for i in range(4)]
    export = write_export(tmp_path / "e.csv", rows)
    code, record, _ = stats_json(capsys, export, "--data", data, "--as-of", "2026-12-01")
    assert code == 0
    assert record["total"] == NULLS
    assert all(v == NULLS for v in record["divisions"].values())
    assert record["courses"]["c001"] == {"learners": None, "completed": None, "progress": None}


def test_the_threshold_follows_the_sheet(tmp_path, capsys) -> None:
    data = synced(stats_sheet(tmp_path / "sheet", threshold="7"), tmp_path / "data")
    capsys.readouterr()
    code, record, _ = stats_json(capsys, write_export(tmp_path / "e.csv", ROWS), "--data", data)
    assert code == 0 and record["threshold"] == 7
    assert record["divisions"]["kita"]["learners"] == 7
    assert record["other_courses"] == [{"title": "Excel 入門", "learners": 7}]
    assert record["courses"]["c002"] == {"learners": None, "completed": None, "progress": None}


def test_a_threshold_below_5_is_refused_by_check(tmp_path, capsys) -> None:
    sheet = stats_sheet(tmp_path / "sheet", threshold="4")
    assert run_cli("check", sheet) == 1
    assert "5 人未満にはできません" in capsys.readouterr().out


# --- refusals: nothing is written ---------------------------------------------------


def _state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


USER_ACTIVITY = (
    "User First Name", "User Last Name", "User Email", "External ID", "User Groups",
    "Date Joined (UTC)", "No. of New Courses Enrolled", "No. of Assigned Courses",
    "No. of Courses Started", "No. of Courses Completed", "No. of Lectures Completed",
    "Minutes Video Consumed", "No. of Days visited", "Last Date Visit",
)  # fmt: skip
USERS_LIST = ("Name", "Surname", "Email", "Role", "Status", "Group", "External ID")


@pytest.mark.parametrize(
    ("columns", "looks_like"),
    [(USER_ACTIVITY, "ユーザーアクティビティ"), (USERS_LIST, "ユーザーの一覧")],
)
def test_another_udemy_report_is_refused_naming_what_is_missing(
    tmp_path, data, capsys, columns, looks_like
) -> None:
    rows = [{c: f"Zqvalue{i}{j}" for j, c in enumerate(columns)} for i in range(3)]
    export = write_export(tmp_path / "users.csv", rows, columns=columns)
    before = _state(data)
    assert run_cli("stats", export, "--data", data) == 2
    out, err = capsys.readouterr()
    assert "ユーザーのコースアクティビティ" in err
    missing = next(line for line in err.splitlines() if "足りない列" in line)
    assert "Course ID" in missing
    assert "Date Last Accessed" in err
    assert looks_like in err
    assert "Zqvalue" not in out + err
    assert _state(data) == before


def test_a_file_without_its_header_row_never_shows_its_first_line(tmp_path, data, capsys):
    export = write_export(tmp_path / "e.csv", ROWS[1:])
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    export.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")  # the header cut off
    assert run_cli("stats", export, "--data", data) == 2
    out, err = capsys.readouterr()
    assert "名前は表示しません" in err
    for value in ("Zqfirst", "Zqlast", "zqmail", "ZQEXT"):
        assert value not in out + err


def test_unreadable_dates_and_numbers_are_listed_by_row_and_column(tmp_path, data, capsys):
    rows = [dict(r) for r in ROWS]
    rows[2]["Date Last Accessed"] = "yesterday Zqsecret"
    rows[4]["Minutes Video Consumed"] = "lots"
    rows[5]["% Marked Completed"] = "250"
    rows[6]["User Is Deactivated"] = "maybe"
    before = _state(data)
    assert run_cli("stats", write_export(tmp_path / "e.csv", rows), "--data", data) == 1
    out, err = capsys.readouterr()
    assert "4 か所" in err
    assert "e.csv!O4〔Date Last Accessed〕" in err  # row 4 = the third data row
    assert "e.csv!J6〔Minutes Video Consumed〕" in err
    assert "e.csv!I7〔% Marked Completed〕" in err
    assert "e.csv!S8〔User Is Deactivated〕" in err
    assert "Zqsecret" not in out + err and "lots" not in err and "maybe" not in err
    assert _state(data) == before


def test_a_long_list_of_bad_rows_is_cut_short_and_counted(tmp_path, data, capsys) -> None:
    rows = [dict(ROWS[0], **{"Date Last Accessed": "?"}) for _ in range(50)]
    assert run_cli("stats", write_export(tmp_path / "e.csv", rows), "--data", data) == 1
    err = capsys.readouterr().err
    assert err.count("〔Date Last Accessed〕") == 20
    assert "ほかに: Date Last Accessed 30 か所" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "見つかりません"),
        ("empty.csv", b"", "空です"),
        ("export.xlsx", b"PK\x03\x04", "CSV ではありません"),
        ("binary.csv", bytes(range(256)) * 4, "文字コード"),
    ],
)
def test_files_that_cannot_be_read_are_refused(tmp_path, data, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = _state(data)
    assert run_cli("stats", path, "--data", data) == 2
    assert message in capsys.readouterr().err
    assert _state(data) == before


def test_without_a_snapshot_stats_says_to_sync_first(tmp_path, capsys) -> None:
    export = write_export(tmp_path / "e.csv", ROWS)
    assert run_cli("stats", export, "--data", tmp_path / "nothing") == 2
    assert "manabi sync" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


def test_an_as_of_day_that_is_not_a_date_is_a_usage_error(tmp_path, data, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_cli("stats", write_export(tmp_path / "e.csv", ROWS), "--as-of", "12/10")
    assert exit_.value.code == 2
    assert "2026-12-01 の形" in capsys.readouterr().err


def test_an_export_without_any_date_needs_an_as_of_day(tmp_path, data, capsys) -> None:
    rows = [row(person(90 + i, "北区役所"), "111") for i in range(3)]
    assert run_cli("stats", write_export(tmp_path / "e.csv", rows), "--data", data) == 2
    assert "--as-of" in capsys.readouterr().err
    assert not (data / "stats").exists()


def test_a_group_named_in_two_divisions_is_a_warning_and_a_comma_stays_in_a_name(
    tmp_path, capsys
) -> None:
    sheet = stats_sheet(tmp_path / "sheet")
    text = (sheet / "部署.csv").read_text(encoding="utf-8")
    text = text.replace(",,,50", ',,"総務局、Sales, Tokyo",50').replace(",,,,\n", ",,,北区役所,\n")
    (sheet / "部署.csv").write_text(text, encoding="utf-8")
    assert run_cli("check", sheet, "--format", "json") == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    twice = [w for w in warnings if "のグループでもあります" in w["message"]]
    assert [(w["sheet"], w["cell"], w["value"]) for w in twice] == [("部署", "G4", "北区役所")]
    data = synced(sheet, tmp_path / "data")
    divisions = json.loads((data / "divisions.json").read_text(encoding="utf-8"))
    somu = next(d for d in divisions if d["id"] == "somu")
    assert somu["udemy_groups"] == ["総務局", "Sales, Tokyo"]


def test_the_job_summary_names_unmatched_groups_escaped_and_no_person(tmp_path, data, capsys):
    hostile = "<img src=x onerror=alert(1)>|**研修**"
    rows = [*ROWS, *(row(person(100 + i, hostile), "999") for i in range(6))]
    export = write_export(tmp_path / "e.csv", rows)
    assert run_cli("stats", export, "--data", data, "--format", "markdown") == 0
    out = capsys.readouterr().out
    # 6 people, but the other unmatched groups hold 3: withheld to cover them.
    assert "- &lt;img src=x onerror=alert(1)&gt;\\|\\*\\*研修\\*\\*: 非公開" in out
    assert "<img" not in out
    assert "| 北区役所（kita） | 7 | 3 | 2 | 213 |" in out
    assert "| 総務局（somu） | 非公開 | 非公開 | 非公開 | 非公開 |" in out
    assert "Zq" not in out and "zq" not in out


def test_new_figures_rebuild_a_site_whose_sheet_did_not_change(tmp_path, data, capsys) -> None:
    site = tmp_path / "site"
    build = ("build", "--data", data, "--site-dir", site, "--config", ROOT / "mkdocs.yml")
    assert run_cli(*build) == 0
    assert run_cli(*build) == 0
    assert "変更なし" in capsys.readouterr().out
    assert run_cli("stats", write_export(tmp_path / "e.csv", ROWS), "--data", data) == 0
    capsys.readouterr()
    assert run_cli(*build) == 0
    assert "サイトを作りました" in capsys.readouterr().out
    info = json.loads((site / "manabi-build.json").read_text(encoding="utf-8"))
    assert info["stats_hash"] == store.fingerprint(data) != ""


def test_the_committed_sample_figures_are_what_the_script_makes(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("stats"))
    export = tmp_path / "export.csv"
    script = [sys.executable, ROOT / "scripts" / "sample_stats.py"]
    run = subprocess.run(
        [*script, "--data", data, "--export", export], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert _state(data / "stats") == _state(ROOT / "data" / "stats")
    shipped = next((ROOT / "sample" / "udemy").glob("*.csv"))
    assert export.read_bytes() == shipped.read_bytes()


def test_a_sheet_read_again_for_another_change_leaves_the_days_figures_alone(
    tmp_path, data, capsys
) -> None:
    """The publish workflow runs stats after every sync: no commit for a contact's e-mail."""
    export = write_export(tmp_path / "export.csv", ROWS)
    assert run_cli("stats", export, "--data", data) == 0
    path = data / "stats" / "2026-12-10.json"
    before = path.read_bytes()
    sheet = stats_sheet(tmp_path / "sheet2")
    (sheet / "DXレター.csv").write_text("号,発行日,タイトル,URL,概要\n", encoding="utf-8")
    assert run_cli("sync", sheet, "--data", data) == 0
    capsys.readouterr()
    assert run_cli("stats", export, "--data", data, "--format", "json") == 0
    assert capsys.readouterr().out.encode() == before
    assert path.read_bytes() == before
