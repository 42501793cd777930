"""``manabi layout-sheet``: the template's layout written into a Google Sheet, with the real
gspread and google-auth clients over HTTP against the loopback stand-in."""

from __future__ import annotations

import copy
import datetime as dt
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from manabi import guidance
from manabi.layout import workbook_layout
from manabi.layout_sheet import plan
from manabi.schema import TABS, TABS_BY_NAME
from manabi.sources import gsheets, read_source
from manabi.validate import validate
from tests.grids import read_folder
from tests.helpers import SAMPLE, run_cli
from tests.sheets_batchupdate import BadRequest, apply_batch
from tests.sheets_standin import (
    HANG,
    READONLY_SCOPE,
    WRITE_SCOPE,
    SheetsStandIn,
    Spreadsheet,
    serving,
)

KEY = "1nEwShEeTfOrThEsEcReTaRiAt_0123456789-abcd"
EMAIL = "manabi-writer@manabi-test.iam.gserviceaccount.com"
SCHEMA_TABS = [tab.name for tab in TABS]
NEW_SHEET = "シート1"  # what a new Google Sheet holds: one empty tab


@pytest.fixture
def blank(
    private_key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SheetsStandIn]:
    """A brand-new spreadsheet (one empty tab), shared with the service account as 編集者."""
    spreadsheet = Spreadsheet(KEY, {NEW_SHEET: []})
    with serving(spreadsheet, private_key, tmp_path, monkeypatch, client_email=EMAIL) as server:
        yield server


def new_sheet_metadata() -> dict[str, object]:
    return Spreadsheet(KEY, {NEW_SHEET: []}).metadata()


def test_a_new_sheet_laid_out_with_yes_passes_check(blank, capsys):
    assert run_cli("layout-sheet", f"gsheet:{KEY}", "--yes") == 0
    out, err = capsys.readouterr()
    assert f"次のタブを作りました（{len(TABS)} 個）" in out
    assert all(f"  {name}（見出し" in out for name in SCHEMA_TABS)
    assert f"manabi check gsheet:{KEY}" in out and err == ""
    # one metadata GET, ONE batchUpdate, one token — asked for the read-write scope
    metadata, write = blank.api_requests
    assert (metadata.method, metadata.path) == ("GET", f"/v4/spreadsheets/{KEY}")
    assert (write.method, write.path) == ("POST", f"/v4/spreadsheets/{KEY}:batchUpdate")
    assert len(blank.token_requests) == 1 and blank.granted_scopes == [WRITE_SCOPE]
    assert list(blank.spreadsheet.tabs) == [NEW_SHEET, *SCHEMA_TABS]

    assert run_cli("check", "--format", "json", f"gsheet:{KEY}") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["errors"] == []
    assert blank.granted_scopes[-1] == READONLY_SCOPE  # check keeps reading read-only


def test_the_laid_out_sheet_has_the_templates_headers_notes_dropdowns_and_rows(
    blank, tmp_path, capsys
):
    assert (
        run_cli("layout-sheet", f"https://docs.google.com/spreadsheets/d/{KEY}/edit", "--yes") == 0
    )
    assert run_cli("template", tmp_path / "t.xlsx") == 0
    capsys.readouterr()
    sheet = blank.spreadsheet
    day = dt.date(2026, 1, 1)
    from_google = validate(read_source(f"gsheet:{KEY}"), today=day)
    from_xlsx = validate(read_source(str(tmp_path / "t.xlsx")), today=day)
    assert from_google.problems == [] and from_google.data == from_xlsx.data

    for tab in TABS:
        grid, cells = sheet.grid_properties(tab.name), sheet.cells[tab.name]
        assert grid["frozenRowCount"] == 1 and grid["rowCount"] >= 1000
        if tab.settings:
            assert sheet.tabs[tab.name][0] == ["項目", "値"]
            for row, column in enumerate(tab.columns, start=1):
                assert cells[(row, 0)]["note"] == guidance.column_note(column)
            continue
        assert sheet.tabs[tab.name][0] == list(tab.headers)
        for col, column in enumerate(tab.columns):
            header = cells[(0, col)]
            assert header["note"] == guidance.column_note(column)
            assert header["userEnteredFormat"]["textFormat"] == {"bold": True}
            assert 60 <= sheet.widths[tab.name][col] <= 300  # pixels
    # 内線 stays text all the way down, so 03125 keeps its 0
    extension = TABS_BY_NAME["窓口担当"].headers.index("内線")
    assert sheet.cells["窓口担当"][(999, extension)]["userEnteredFormat"] == {
        "numberFormat": {"type": "TEXT", "pattern": "@"}
    }

    def rules(name: str) -> dict[str, tuple[str, object, bool]]:
        found = {}
        for validation in sheet.validations[name]:
            assert (validation["rows"].start, validation["rows"].stop) == (1, 1000)
            (col,) = validation["columns"]
            rule = validation["rule"]
            condition = rule["condition"]
            values = [v["userEnteredValue"] for v in condition["values"]]
            found[TABS_BY_NAME[name].headers[col]] = (condition["type"], values, rule["strict"])
            assert rule["showCustomUi"] is True and rule["inputMessage"]
        return found

    assert rules("部署")["種別"] == (
        "ONE_OF_LIST",
        ["区役所", "局", "室", "委員会", "その他"],
        True,
    )
    assert rules("窓口担当")["部署ID"] == ("ONE_OF_RANGE", ["='部署'!$A$2:$A$1000"], True)
    assert rules("推奨")["講座ID"] == ("ONE_OF_RANGE", ["='講座'!$A$2:$A$1000"], True)
    # list cells (several IDs, or 種別 names too): offered, not enforced — as in the .xlsx
    assert rules("部署")["担当分野"] == ("ONE_OF_RANGE", ["='分野'!$A$2:$A$1000"], False)
    assert rules("推奨")["対象"][2] is False
    assert sum(len(sheet.validations.get(tab.name, [])) for tab in TABS) == sum(
        len(s.dropdowns) for s in workbook_layout().sheets
    )


def test_without_yes_nothing_is_written(blank, capsys):
    before = copy.deepcopy(blank.spreadsheet.tabs)
    assert run_cli("layout-sheet", f"gsheet:{KEY}") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert f"次のタブを作ります（{len(TABS)} 個）" in out
    assert "まだ何も書き込んでいません" in out and "--yes" in out
    assert f"「{EMAIL}」を「編集者」として追加" in out
    assert blank.batch_updates == [] and len(blank.api_requests) == 1
    assert blank.spreadsheet.tabs == before
    assert blank.granted_scopes == [READONLY_SCOPE]  # a dry run only reads


def test_an_existing_tab_is_left_untouched_and_a_second_run_writes_nothing(blank, capsys):
    courses = read_folder(SAMPLE)["講座"]
    blank.spreadsheet.tabs["講座"] = copy.deepcopy(courses)
    kept_id = blank.spreadsheet.sheet_id("講座")

    assert run_cli("layout-sheet", f"gsheet:{KEY}", "--yes") == 0
    out = capsys.readouterr().out
    assert "そのままにしたタブ（中身には触れていません）: 講座" in out
    assert f"ほかのタブ（{NEW_SHEET}）もそのままです" in out
    assert f"次のタブを作りました（{len(TABS) - 1} 個）" in out
    sheet = blank.spreadsheet
    assert sheet.tabs["講座"] == courses
    assert "講座" not in sheet.cells and "講座" not in sheet.validations
    assert "講座" not in sheet.widths and "講座" not in sheet.grids
    (write,) = blank.batch_updates
    assert kept_id not in _sheet_ids(write.body)
    assert f'"{NEW_SHEET}"' not in json.dumps(write.body, ensure_ascii=False)

    assert run_cli("layout-sheet", f"gsheet:{KEY}", "--yes") == 0
    out = capsys.readouterr().out
    assert f"必要なタブがすべてあります（{len(TABS)} 個）。何も書き込んでいません" in out
    assert len(blank.batch_updates) == 1
    assert sheet.tabs["講座"] == courses


def _sheet_ids(body: object) -> set[int]:
    found: set[int] = set()
    if isinstance(body, dict):
        for name, value in body.items():
            if name == "sheetId":
                found.add(value)
            found |= _sheet_ids(value)
    elif isinstance(body, list):
        for item in body:
            found |= _sheet_ids(item)
    return found


def test_a_403_on_the_write_says_to_share_as_editor_naming_the_account(blank, capsys):
    blank.viewer_only = True  # shared as 閲覧者: the metadata is readable, the write is not
    assert run_cli("layout-sheet", f"gsheet:{KEY}", "--yes") == 2
    out, err = capsys.readouterr()
    assert (
        f"サービスアカウント「{EMAIL}」には、このスプレッドシートを編集する権限がありません" in err
    )
    assert f"「共有」で「{EMAIL}」を「編集者」として追加" in err
    assert "Traceback" not in out + err
    assert len(blank.batch_updates) == 1  # not retried
    assert list(blank.spreadsheet.tabs) == [NEW_SHEET]


def test_a_write_turned_away_with_503_is_sent_again(blank, capsys):
    blank.write_faults = [503]
    assert run_cli("layout-sheet", f"gsheet:{KEY}", "--yes") == 0
    assert "作りました" in capsys.readouterr().out
    assert len(blank.batch_updates) == 2
    assert list(blank.spreadsheet.tabs) == [NEW_SHEET, *SCHEMA_TABS]


def test_a_write_that_gets_no_answer_is_not_sent_twice(blank, monkeypatch, capsys):
    monkeypatch.setenv("MANABI_SHEETS_TIMEOUT", "0.5")
    blank.write_faults = [HANG]
    assert run_cli("layout-sheet", f"gsheet:{KEY}", "--yes") == 2
    out, err = capsys.readouterr()
    assert "応答がありません" in err
    assert "書き込まれたかどうか分からないため、送り直していません" in err
    assert "開いてタブを確かめてから" in err and "足りないタブだけを作る" in err
    assert "Traceback" not in out + err
    assert len(blank.batch_updates) == 1


def test_layout_sheet_is_only_for_google_sheets(capsys):
    assert run_cli("layout-sheet", "研修ナビ.xlsx", "--yes") == 2
    err = capsys.readouterr().err
    assert "Google スプレッドシート" in err and "manabi template OUT.xlsx" in err


def _broken(edit) -> dict[str, object]:
    body = copy.deepcopy(plan(new_sheet_metadata(), workbook_layout()).body)
    edit(body["requests"])
    return body


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r.append({"deleteSheet": {"sheetId": 0}}), 'Unknown name "deleteSheet"'),
        (
            lambda r: r[0]["addSheet"]["properties"]["gridProperties"].update(frozenRowcount=1),
            'Unknown name "frozenRowcount"',
        ),
        (lambda r: r[1]["addSheet"]["properties"].update(title=NEW_SHEET), "already exists"),
        (lambda r: r[1]["addSheet"]["properties"].update(sheetId=1), "already exists"),  # r[0]'s
        (lambda r: r[-1]["updateDimensionProperties"]["range"].update(sheetId=77), "No grid"),
        (
            lambda r: next(x for x in r if "setDataValidation" in x)["setDataValidation"][
                "range"
            ].update(endRowIndex=1001),
            "exceeds grid limits",
        ),
        (
            lambda r: next(x for x in r if "updateCells" in x)["updateCells"].pop("fields"),
            "At least one field",
        ),
        (lambda r: r.insert(0, r.pop(-1)), "No grid"),  # a tab used before it is added
    ],
)
def test_the_standin_refuses_a_batch_google_would_refuse_and_applies_none_of_it(edit, message):
    sheet = Spreadsheet(KEY, {NEW_SHEET: []})
    assert apply_batch(copy.deepcopy(sheet), _broken(lambda r: None))  # the real plan passes
    with pytest.raises(BadRequest, match=message):
        apply_batch(sheet, _broken(edit))
    assert list(sheet.tabs) == [NEW_SHEET] and sheet.cells == {} and sheet.grids == {}


def test_a_refused_connection_counts_as_never_sent_and_a_silent_server_does_not():
    http = requests.Session()
    http.trust_env = False  # straight to 127.0.0.1, whatever proxy the machine names
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: the connection is refused
        with pytest.raises(requests.ConnectionError) as refused:
            http.post(f"http://127.0.0.1:{port}/", timeout=5)
    assert gsheets._never_sent(refused.value)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; nobody ever answers
        with pytest.raises(requests.ReadTimeout) as unanswered:
            http.post(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.3)
    assert not gsheets._never_sent(unanswered.value)
