"""Golden cases for the schema: one edit of the minimal workbook → the problems it
causes, each with its level, sheet and cell and a fragment of its message.

Every case runs the real command (``manabi check FOLDER --format json``) on a
CSV copy of ``tests/fixtures/minimal`` and compares the problems that the
edit *added* (what the base already reports is left out) with the table.
The base has its dates moved far ahead, so no case depends on today's date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.grids import (
    Grids,
    append_row,
    copy,
    delete_row,
    insert_blank_row,
    read_folder,
    set_cell,
    write_folder,
)
from tests.helpers import MINIMAL, run_cli

Edit = tuple  # ("set", "講座!D2", text) | ("delete", "窓口担当", 2) | ("append", tab, [..]) | …
E, W = "error", "warning"


@dataclass(frozen=True)
class Case:
    name: str
    edits: tuple[Edit, ...]
    exit: int
    expect: tuple[tuple[str, str, str], ...] = ()  # (level, "講座!D2" or "講座", fragment)


JS = "javascript:alert(1)"
CASES = [
    # --- the cases the issue names
    Case(
        "blank ID",
        (("append", "講座", ["", "新講座", "", "https://x.example.jp/", "", "", "", "停止"]),),
        1,
        ((E, "講座!A5", "「講座ID」は必ず入力してください"),),
    ),
    Case(
        "blank ID of a course in use",
        (("set", "講座!A2", ""),),
        1,
        (
            (E, "講座!A2", "「講座ID」は必ず入力してください"),
            (E, "推奨!D2", "講座ID「c001」は「講座」タブにありません"),
        ),
    ),
    Case(
        "duplicated ID",
        (("set", "部署!A3", "kita"),),
        1,
        (
            (E, "部署!A3", "部署ID「kita」が 2 行目と重複しています"),
            (E, "窓口担当!A3", "部署ID「somu」は「部署」タブにありません"),
        ),
    ),
    Case(
        "duplicated row",
        (("copy", "部署", 2),),
        1,
        ((E, "部署!A4", "部署ID「kita」が 2 行目と重複しています"),),
    ),
    Case(
        "unknown 種別",
        (("set", "部署!C2", "区"),),
        1,
        ((E, "部署!C2", "「区」は選べません。区役所・局・室・委員会・その他"),),
    ),
    Case(
        "reference to a missing course",
        (("set", "推奨!D2", "c999"),),
        1,
        ((E, "推奨!D2", "講座ID「c999」は「講座」タブにありません"),),
    ),
    Case(
        "reference to a missing division",
        (("set", "窓口担当!A2", "nishi"),),
        1,
        ((E, "窓口担当!A2", "部署ID「nishi」は「部署」タブにありません"),),
    ),
    Case(
        "javascript: URL",
        (("set", "講座!D2", JS),),
        1,
        ((E, "講座!D2", "https:// または http:// で始まるもの"),),
    ),
    Case(
        "every contact of a division removed",
        (("delete", "窓口担当", 2),),
        0,
        ((W, "部署!A2", "部署「北区役所」（kita）に窓口担当がいません"),),
    ),
    # --- references and lists
    Case(
        "a list cell names a missing area",
        (("set", "部署!E2", "data、nosuch"),),
        1,
        ((E, "部署!E2", "分野ID「nosuch」は「分野」タブにありません"),),
    ),
    Case(
        "対象 takes division IDs and 種別 names, with either separator",
        (("set", "推奨!F2", "区役所, somu、局"),),
        0,
    ),
    Case(
        "対象 with an unknown name",
        (("set", "推奨!F2", "区"),),
        1,
        ((E, "推奨!F2", "または 区役所・局・室・委員会・その他"),),
    ),
    Case(
        "a row with its own error is not reported again by its references",
        (("set", "講座!D2", "ftp://example.jp/"),),
        1,
        ((E, "講座!D2", "https:// または http://"),),
    ),
    Case(
        "an uppercase ID",
        (("set", "部署!A3", "Somu"),),
        1,
        (
            (E, "部署!A3", "「somu」のように"),
            (E, "窓口担当!A3", "部署ID「somu」は「部署」タブにありません"),
        ),
    ),
    Case(
        "a formula in an ID cell",
        (("set", "講座!F2", "=SUM(A1)"),),
        1,
        ((E, "講座!F2", "ID は半角"),),
    ),
    Case("#REF! in a reference", (("set", "推奨!D2", "#REF!"),), 1, ((E, "推奨!D2", "ID は半角"),)),
    Case(
        "a duplicated level order",
        (("set", "レベル!C3", "1"),),
        1,
        ((E, "レベル!C3", "表示順「1」が 2 行目と重複しています"),),
    ),
    Case(
        "the same person twice for a division",
        (("copy", "窓口担当", 2),),
        1,
        ((E, "窓口担当!B4", "部署ID・担当者名「kita・架空 一郎」が 2 行目と重複"),),
    ),
    Case(
        "an unknown 役割",
        (("set", "窓口担当!D2", "主任"),),
        1,
        ((E, "窓口担当!D2", "主担当・副担当"),),
    ),
    # --- tolerance
    Case(
        "full-width digits, Japanese dates and hours, stray spaces are accepted",
        (
            ("set", "部署!A2", " kita\u3000"),
            ("set", "部署!D2", "１"),
            ("set", "講座!E2", "１時間３０分"),
            ("set", "講座!E3", "90分"),
            ("set", "予定!A2", "2999年12月3日"),
            ("set", "予定!B2", "15時"),
            ("set", "DXレター!B2", "令和8年11月1日"),
            ("set", "窓口担当!F2", "０３１２５"),
            ("set", "部署!C3", " 局 "),
        ),
        0,
    ),
    Case(
        "an impossible date",
        (("set", "予定!A2", "2026/2/30"),),
        1,
        ((E, "予定!A2", "という日付はありません"),),
    ),
    Case(
        "hours in words it cannot read",
        (("set", "講座!E2", "1時間くらい"),),
        1,
        ((E, "講座!E2", "例: 1.5、1時間30分、90分"),),
    ),
    Case(
        "free text keeps emoji, newlines and length", (("set", "講座!I2", "😀\n" + "あ" * 5000),), 0
    ),
    # --- warnings that do not block
    Case(
        "a past event",
        (("set", "予定!A2", "2000-01-01"),),
        0,
        ((W, "予定!A2", "日付（2000-01-01）は過ぎています"),),
    ),
    Case(
        "a passed deadline",
        (("set", "設定!B3", "2000/3/31"),),
        0,
        ((W, "設定!B3", "受講期限（2000-03-31）が過ぎています"),),
    ),
    Case(
        "the same URL on two courses",
        (("set", "講座!D3", "https://udemy.example.com/course/c001"),),
        0,
        ((W, "講座!D3", "講座「はじめてのデータ活用」（c001）と同じです"),),
    ),
    Case(
        "a skill with no course",
        (("set", "講座!G3", ""),),
        0,
        ((W, "スキル!A3", "スキル「パスワード管理」（sec-intro-1）を身につける講座がありません"),),
    ),
    Case(
        "a course no path uses",
        (("delete", "推奨", 3),),
        0,
        (
            (W, "講座!A3", "講座「セキュリティ入門」（c002）はどの学習パスにも入っていません"),
            (W, "分野!A3", "レベル「入門」「基礎」の推奨講座がありません"),
            (W, "推奨!D3", "（c003）は状態が「停止」"),  # was row 4: the rows below moved up
        ),
    ),
    Case(
        "a stopped course still recommended",
        (("set", "講座!H2", "停止"),),
        0,
        (
            (W, "推奨!D2", "講座「はじめてのデータ活用」（c001）は状態が「停止」"),
            (W, "分野!A2", "レベル「入門」「基礎」の推奨講座がありません"),
            (W, "スキル!A2", "（data-intro-1）を身につける講座がありません"),
        ),
    ),
    Case(
        "an area with no recommended course at a new level",
        (("append", "レベル", ["advanced", "応用", "3", ""]),),
        0,
        (
            (W, "分野!A2", "レベル「基礎」「応用」の推奨講座がありません"),
            (W, "分野!A3", "レベル「基礎」「応用」の推奨講座がありません"),
        ),
    ),
    # --- tabs and headers
    Case("a missing tab", (("drop", "予定"),), 1, ((E, "予定", "タブ「予定」がありません"),)),
    Case(
        "a renamed tab",
        (("rename", "予定", "予定表"),),
        1,
        ((E, "予定", "タブ「予定表」の名前を「予定」に直してください"),),
    ),
    Case(
        "a deleted required header",
        (("set", "講座!D1", ""),),
        1,
        (
            (E, "講座", "見出し「URL」の列がありません"),
            (W, "講座!D1", "D列に見出しがないため"),
        ),
    ),
    Case(
        "a misspelt header",
        (("set", "講座!D1", "URL2"),),
        1,
        ((E, "講座!D1", "見出し「URL2」を「URL」に直してください"),),
    ),
    Case("a full-width header", (("set", "講座!D1", "ＵＲＬ "),), 0),
    Case(
        "an extra column",
        (("set", "講座!J1", "メモ"), ("set", "講座!J2", "社内向け")),
        0,
        ((W, "講座!J1", "見出し「メモ」の列は使われません"),),
    ),
    Case(
        "a blank row keeps the row numbers a spreadsheet shows",
        (("insert", "講座", 3), ("set", "講座!D4", JS)),
        1,
        ((E, "講座!D4", "https:// または http://"),),
    ),
    # --- settings
    Case(
        "an unknown setting",
        (("append", "設定", ["サイト名前", "x"]),),
        1,
        ((E, "設定!A5", "「サイト名」のことなら"),),
    ),
    Case(
        "a missing required setting",
        (("delete", "設定", 2),),
        1,
        ((E, "設定", "項目「サイト名」がありません"),),
    ),
    Case(
        "a setting given twice",
        (("copy", "設定", 4),),
        1,
        ((E, "設定!A5", "項目「必須受講数」が 4 行目にもあります"),),
    ),
]


def _apply(grids: Grids, edit: Edit) -> None:
    op, *args = edit
    if op == "set":
        set_cell(grids, *args)
    elif op == "delete":
        delete_row(grids, *args)
    elif op == "insert":
        insert_blank_row(grids, *args)
    elif op == "append":
        append_row(grids, *args)
    elif op == "copy":
        sheet, row = args
        append_row(grids, sheet, grids[sheet][row - 1])
    elif op == "drop":
        del grids[args[0]]
    elif op == "rename":
        old, new = args
        grids[new] = grids.pop(old)
    else:
        raise AssertionError(f"unknown edit {op}")


def _base() -> Grids:
    grids = read_folder(MINIMAL)
    set_cell(grids, "予定!A2", "2999-12-03")  # far ahead: no case depends on today
    set_cell(grids, "設定!B3", "2999-03-31")
    return grids


def _problems(grids: Grids, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, set]:
    capsys.readouterr()
    code = run_cli("check", write_folder(grids, folder), "--format", "json")
    report = json.loads(capsys.readouterr().out)
    problems = {
        (level, f"{p['sheet']}!{p['cell']}" if p["cell"] else p["sheet"], p["message"])
        for level, key in ((E, "errors"), (W, "warnings"))
        for p in report[key]
    }
    return code, problems


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_an_edit_gives_exactly_the_expected_problems(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base_code, base = _problems(_base(), tmp_path / "base", capsys)
    assert base_code == 0
    grids = copy(_base())
    for edit in case.edits:
        _apply(grids, edit)
    code, found = _problems(grids, tmp_path / "edited", capsys)
    added = sorted(found - base)
    assert code == case.exit, added
    unmatched = list(added)
    for level, where, fragment in case.expect:
        match = next(
            (p for p in unmatched if p[0] == level and p[1] == where and fragment in p[2]), None
        )
        assert match, f"expected {level} at {where} with 「{fragment}」; got {added}"
        unmatched.remove(match)
    assert not unmatched, f"unexpected problems: {unmatched}"
