"""The Google Sheets source: the real gspread and google-auth clients over HTTP
against a loopback stand-in of the token endpoint and the Sheets API v4."""

from __future__ import annotations

import datetime as dt
import doctest
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from manabi.deploy import BUILD_MANIFEST
from manabi.errors import SourceError
from manabi.schema import TABS
from manabi.sources import gsheets, read_source
from manabi.sources.gsheets import Budget, Exhausted, RetryPolicy, Transient
from tests.grids import read_folder
from tests.helpers import MINIMAL, SAMPLE, run_cli
from tests.sheets_standin import HANG, READONLY_SCOPE, SheetsStandIn, Spreadsheet, serving

KEY = "1mAnAbIsTaNdInKeY_0123456789-abcdefghijKLMN"
EMAIL = "manabi-reader@manabi-test.iam.gserviceaccount.com"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
SCHEMA_TABS = [tab.name for tab in TABS]


@pytest.fixture
def standin(
    private_key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SheetsStandIn]:
    """The sample served as a spreadsheet, a fresh key file, the environment pointing at both."""
    spreadsheet = Spreadsheet(KEY, read_folder(SAMPLE))
    with serving(spreadsheet, private_key, tmp_path, monkeypatch, client_email=EMAIL) as server:
        yield server


def assert_no_secrets(standin: SheetsStandIn, *texts: str, folders: tuple[Path, ...] = ()) -> None:
    secrets = [*standin.tokens, *standin.key_material, "PRIVATE KEY"]  # type: ignore[attr-defined]
    assert standin.key_material and all(len(s) == 64 for s in standin.key_material)  # type: ignore[attr-defined]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                content = path.read_bytes()
                for secret in secrets:
                    assert secret.encode() not in content, path


def test_check_of_a_sheet_key_makes_two_api_requests_and_exits_0(standin, capsys):
    assert run_cli("check", f"gsheet:{KEY}") == 0
    out, err = capsys.readouterr()
    assert "誤りはありません" in out
    metadata, batch = standin.api_requests
    assert metadata.path == f"/v4/spreadsheets/{KEY}"
    assert batch.path == f"/v4/spreadsheets/{KEY}/values:batchGet"
    assert batch.query["ranges"] == [f"'{name}'" for name in SCHEMA_TABS]
    assert batch.query["valueRenderOption"] == ["FORMATTED_VALUE"]
    assert len(standin.token_requests) == 1
    assert standin.granted_scopes == [READONLY_SCOPE]  # read-only Sheets, no Drive
    assert all(r.authorization == f"Bearer {standin.tokens[0]}" for r in standin.api_requests)
    assert_no_secrets(standin, out, err)


def test_a_sheet_url_reads_the_same_sheet(standin, capsys):
    assert run_cli("check", "--format", "json", URL) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["errors"] == []
    assert len(standin.api_requests) == 2


def test_cells_arrive_as_the_sheet_shows_them(standin):
    contacts = standin.spreadsheet.tabs["窓口担当"]
    assert contacts[1][0] == contacts[2][0] == "kita"
    contacts[2][0] = ""  # A2:A3 merged: only the top-left cell carries the value
    standin.spreadsheet.merges["窓口担当"] = [
        {"startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0, "endColumnIndex": 1}
    ]
    contacts[1][5] = "3125"  # 03125 typed into a number cell
    contacts.insert(3, [""] * 7)  # a blank row in the middle
    standin.spreadsheet.tabs["予定"] = [standin.spreadsheet.tabs["予定"][0]]  # header only
    standin.spreadsheet.tabs["メモ"] = [["下書き"]]  # not in the schema: never fetched

    workbook = read_source(f"gsheet:{KEY}")

    table = workbook.tables["窓口担当"]
    assert table.rows[0].number == 2 and table.rows[0].cells[5] == "3125"
    assert table.rows[1].number == 3 and table.rows[1].get(0) == "kita"
    assert table.rows[2].number == 5  # row numbers as Google Sheets shows them
    assert all(row.cells and row.cells[-1] != "" for row in table.rows)
    assert workbook.tables["予定"].header[0] == "日付" and workbook.tables["予定"].rows == []
    assert "メモ" in workbook.tables
    assert "'メモ'" not in standin.api_requests[1].query["ranges"]


def test_a_problem_names_the_cell_google_sheets_shows(standin, capsys):
    courses = standin.spreadsheet.tabs["講座"]
    courses.insert(2, [])  # a blank row 3: the next course is on row 4
    assert courses[0][3] == "URL"
    courses[3][3] = "javascript:alert(1)"
    assert run_cli("check", "--format", "json", f"gsheet:{KEY}") == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    (problem,) = [p for p in errors if p["sheet"] == "講座"]
    assert (problem["cell"], problem["row"]) == ("D4", 4)
    assert problem["column"] == "URL" and problem["value"] == "javascript:alert(1)"


def test_dates_as_the_sheet_shows_them_give_the_snapshot_the_csv_files_give(
    standin, tmp_path, capsys
):
    tabs = standin.spreadsheet.tabs
    for row in tabs["予定"][1:]:
        row[0] = row[0].replace("-", "/")  # a ja_JP sheet shows 2026/10/06
    first_issue = dt.date.fromisoformat(tabs["DXレター"][1][1])
    tabs["DXレター"][1][1] = str((first_issue - dt.date(1899, 12, 30)).days)  # serial number
    standin.spreadsheet.hidden.add("設定")
    standin.spreadsheet.tabs = {"メモ": [["下書き"]], **tabs}

    assert run_cli("sync", f"gsheet:{KEY}", "--data", tmp_path / "from-sheet") == 0
    assert run_cli("sync", SAMPLE, "--data", tmp_path / "from-csv") == 0
    capsys.readouterr()

    for tab in TABS:
        name = f"{tab.key}.json"
        from_sheet = (tmp_path / "from-sheet" / name).read_text(encoding="utf-8")
        assert from_sheet == (tmp_path / "from-csv" / name).read_text(encoding="utf-8"), name
    manifest = json.loads((tmp_path / "from-sheet" / "manifest.json").read_text(encoding="utf-8"))
    csv_manifest = json.loads((tmp_path / "from-csv" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["hash"] == csv_manifest["hash"]
    assert manifest["origin"] == f"gsheet:{KEY}"


def test_two_429s_then_success_exits_0(standin, capsys):
    standin.faults = [429, 429]
    assert run_cli("check", f"gsheet:{KEY}") == 0
    out, err = capsys.readouterr()
    assert "誤りはありません" in out and err == ""
    assert len(standin.api_requests) == 4  # metadata 3 tries, batchGet 1
    assert len(standin.token_requests) == 1


def test_a_persistent_503_exits_2_after_five_tries_and_writes_nothing(standin, tmp_path, capsys):
    data = tmp_path / "data"
    assert run_cli("sync", MINIMAL, "--data", data) == 0
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    capsys.readouterr()
    standin.always = 503

    assert run_cli("sync", f"gsheet:{KEY}", "--data", data) == 2
    out, err = capsys.readouterr()
    assert "Google スプレッドシートを読み込めませんでした" in err
    assert "503" in err and "5 回試しました" in err
    assert "前のまま変わっていません" in err
    assert "Traceback" not in out + err
    assert len(standin.api_requests) == 5
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    assert_no_secrets(standin, out, err)


def test_a_server_that_never_answers_exits_2(standin, monkeypatch, capsys):
    monkeypatch.setenv("MANABI_SHEETS_TIMEOUT", "0.3")
    monkeypatch.setenv("MANABI_SHEETS_DEADLINE", "4")
    standin.always = HANG

    assert run_cli("check", f"gsheet:{KEY}") == 2
    out, err = capsys.readouterr()
    assert "応答がありません" in err
    assert "Traceback" not in out + err
    assert 1 <= len(standin.api_requests) <= 5
    assert all(r.path == f"/v4/spreadsheets/{KEY}" for r in standin.api_requests)


def test_a_token_endpoint_that_never_answers_exits_2(standin, monkeypatch, capsys):
    monkeypatch.setenv("MANABI_SHEETS_TIMEOUT", "0.3")
    monkeypatch.setenv("MANABI_SHEETS_DEADLINE", "4")
    standin.token_faults = [HANG] * 10

    assert run_cli("check", f"gsheet:{KEY}") == 2
    err = capsys.readouterr().err
    assert "応答がありません" in err
    assert 1 <= len(standin.token_requests) <= 5
    assert standin.api_requests == []


def test_403_exits_2_at_once_and_names_the_service_account(standin, capsys):
    standin.forbidden = True
    assert run_cli("check", f"gsheet:{KEY}") == 2
    out, err = capsys.readouterr()
    assert EMAIL in err
    assert "閲覧者" in err and "共有" in err
    assert "Traceback" not in out + err
    assert len(standin.api_requests) == 1  # not retried
    assert_no_secrets(standin, out, err)


def test_404_says_to_check_the_url(standin, capsys):
    other = "1nOsUcHsHeEt_0123456789-abcdefghijKLMNOPQ"
    assert run_cli("check", f"https://docs.google.com/spreadsheets/d/{other}/edit") == 2
    err = capsys.readouterr().err
    assert "見つかりません" in err and "URL を確かめて" in err
    assert len(standin.api_requests) == 1


def test_a_rejected_key_is_an_authentication_error_not_retried(standin, capsys):
    standin.client_email = "someone-else@example.iam.gserviceaccount.com"  # token endpoint says no
    assert run_cli("check", f"gsheet:{KEY}") == 2
    err = capsys.readouterr().err
    assert f"サービスアカウント「{EMAIL}」で認証できませんでした" in err
    assert len(standin.token_requests) == 1
    assert standin.api_requests == []


def test_a_missing_tab_is_reported_like_any_other_problem(standin, capsys):
    del standin.spreadsheet.tabs["予定"]
    assert run_cli("check", f"gsheet:{KEY}") == 1
    out = capsys.readouterr().out
    assert "タブ「予定」がありません" in out
    ranges = standin.api_requests[1].query["ranges"]
    assert "'予定'" not in ranges and len(ranges) == len(SCHEMA_TABS) - 1
    assert len(standin.api_requests) == 2


def test_a_second_sync_of_an_unchanged_sheet_touches_no_file(standin, tmp_path, capsys):
    data = tmp_path / "data"
    assert run_cli("sync", f"gsheet:{KEY}", "--data", data) == 0
    first = capsys.readouterr().out
    assert "データを更新しました" in first

    def stats() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns) for p in [data, *data.rglob("*")]}

    before = stats()
    assert run_cli("sync", f"gsheet:{KEY}", "--data", data) == 0
    out, err = capsys.readouterr()
    assert out.strip().endswith("変更なし")
    assert stats() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "service-account.json"]
    assert len(standin.api_requests) == 4
    assert_no_secrets(standin, first, out, err, folders=(data,))


def test_build_from_an_unchanged_sheet_is_skipped_unless_forced(standin, tmp_path, capsys):
    site = tmp_path / "site"
    assert run_cli("build", "--source", f"gsheet:{KEY}", "--site-dir", site) == 0
    first = capsys.readouterr()
    info = json.loads((site / BUILD_MANIFEST).read_text(encoding="utf-8"))
    expected = {"snapshot_hash", "stats_hash", "read_at", "version", "inputs_hash", "built_at"}
    assert set(info) == expected
    assert (site / "index.html").is_file()

    marker = (site.stat().st_ino, (site / BUILD_MANIFEST).stat().st_mtime_ns)
    assert run_cli("build", "--source", f"gsheet:{KEY}", "--site-dir", site) == 0
    second = capsys.readouterr()
    assert "変更なし" in second.out
    assert (site.stat().st_ino, (site / BUILD_MANIFEST).stat().st_mtime_ns) == marker

    assert run_cli("build", "--source", f"gsheet:{KEY}", "--site-dir", site, "--force") == 0
    third = capsys.readouterr()
    assert "サイトを作りました" in third.out
    assert site.stat().st_ino != marker[0]  # a new site swapped in
    rebuilt = json.loads((site / BUILD_MANIFEST).read_text(encoding="utf-8"))
    assert rebuilt["snapshot_hash"] == info["snapshot_hash"]
    assert len(standin.api_requests) == 6 and len(standin.token_requests) == 3
    assert_no_secrets(standin, *first, *second, *third, folders=(site,))


def test_a_changed_sheet_is_built_even_when_a_site_exists(standin, tmp_path, capsys):
    site = tmp_path / "site"
    assert run_cli("build", "--source", MINIMAL, "--site-dir", site) == 0
    built_from = json.loads((site / BUILD_MANIFEST).read_text(encoding="utf-8"))["snapshot_hash"]
    assert run_cli("build", "--source", MINIMAL, "--site-dir", site) == 0
    assert "変更なし" in capsys.readouterr().out
    assert run_cli("build", "--source", f"gsheet:{KEY}", "--site-dir", site) == 0
    assert "サイトを作りました" in capsys.readouterr().out
    assert (
        json.loads((site / BUILD_MANIFEST).read_text(encoding="utf-8"))["snapshot_hash"]
        != built_from
    )


def test_a_missing_key_file_says_which_variable_to_set(standin, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nothing.json"))
    assert run_cli("check", f"gsheet:{KEY}") == 2
    err = capsys.readouterr().err
    assert "GOOGLE_APPLICATION_CREDENTIALS" in err and "nothing.json" in err

    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    monkeypatch.setenv("HOME", str(tmp_path))  # gspread's place: ~/.config/gspread/
    assert run_cli("check", f"gsheet:{KEY}") == 2
    err = capsys.readouterr().err
    assert "GOOGLE_APPLICATION_CREDENTIALS" in err
    assert str(tmp_path / ".config" / "gspread" / "service_account.json") in err
    assert standin.log == []


def test_a_key_file_that_is_not_a_service_account_key_is_refused_without_echoing_it(
    standin, tmp_path, monkeypatch, capsys
):
    oauth_client = tmp_path / "client_secret.json"
    oauth_client.write_text('{"installed": {"client_secret": "GOCSPX-not-for-your-eyes"}}')
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(oauth_client))
    assert run_cli("check", f"gsheet:{KEY}") == 2
    err = capsys.readouterr().err
    assert "サービスアカウントの鍵ではありません" in err
    assert "GOCSPX" not in err


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MANABI_SHEETS_TIMEOUT", "abc"),
        ("MANABI_SHEETS_DEADLINE", "0"),
        ("MANABI_SHEETS_TRIES", "100"),
        ("MANABI_SHEETS_ENDPOINT", "sheets.example.jp"),
    ],
)
def test_a_bad_setting_is_named_in_japanese(standin, monkeypatch, capsys, variable, value):
    monkeypatch.setenv(variable, value)
    assert run_cli("check", f"gsheet:{KEY}") == 2
    err = capsys.readouterr().err
    assert variable in err and value in err
    assert standin.log == []


def test_a_source_that_is_no_sheet_key_says_so():
    with pytest.raises(SourceError, match="URL を確かめて"):
        gsheets.spreadsheet_key("https://docs.google.com/spreadsheets/u/0/")
    with pytest.raises(SourceError, match="キーを読み取れません"):
        gsheets.spreadsheet_key("gsheet:")


def test_tab_names_are_quoted_as_sheets_requires_and_ranges_are_read_back():
    assert gsheets.quote_tab("DXレター") == "'DXレター'"
    assert gsheets.quote_tab("it's") == "'it''s'"
    assert gsheets.range_start("'it''s'!B3:D9") == (3, 1)
    assert gsheets.range_start("講座!A1:Z1000") == (1, 0)
    assert gsheets.range_start("'a!b'!AA10") == (10, 26)
    assert doctest.testmod(gsheets).failed == 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def _simulated_read(
    policy: RetryPolicy, rng: random.Random, failures: int, retry_after: float | None
) -> float:
    """Seconds a read takes whose metadata fails ``failures`` times with a quick 503,
    then whose values never answer (each exchange waits for its whole timeout)."""
    clock = FakeClock()
    budget = Budget(policy, clock=clock, sleep=clock.sleep, rng=rng)
    tries = {"metadata": 0, "values": 0}

    def metadata() -> None:
        tries["metadata"] += 1
        if tries["metadata"] <= failures:
            raise Transient("503", retry_after=retry_after)

    def hung_values() -> None:
        tries["values"] += 1
        for _exchange in ("token", "values"):
            connect, read = budget.exchange_timeout()
            assert connect <= policy.connect_timeout and read <= policy.timeout
            clock.now += connect + read
        raise Transient("応答がありません")

    with pytest.raises(Exhausted):
        budget.run(metadata)
        budget.run(hung_values)
    assert tries["metadata"] <= policy.tries and tries["values"] <= policy.tries
    return clock.now - 1000.0


def test_the_default_retry_budget_ends_a_read_within_150_seconds():
    """The default schedule, computed with a clock that jumps instead of waiting."""
    policy = RetryPolicy.from_env({})
    assert (policy.tries, policy.deadline, policy.timeout) == (5, 120.0, 30.0)
    times = [
        _simulated_read(policy, random.Random(seed), failures, retry_after)
        for seed in range(5)
        for failures in range(6)
        for retry_after in (None, 60.0)
    ]
    assert max(times) > policy.deadline - policy.timeout  # the deadline ended the worst one
    assert max(times) <= policy.deadline <= 150


def test_every_try_is_made_when_failures_are_quick():
    clock = FakeClock()
    policy = RetryPolicy.from_env({"MANABI_SHEETS_BACKOFF": "2"})
    budget = Budget(policy, clock=clock, sleep=clock.sleep, rng=random.Random(1))
    calls = []

    def unavailable() -> None:
        calls.append(clock.now)
        raise Transient("503")

    with pytest.raises(Exhausted) as info:
        budget.run(unavailable)
    assert len(calls) == 5 and info.value.tries == 5 and not info.value.deadline_hit
    waits = [b - a for a, b in itertools.pairwise(calls)]
    for n, wait in enumerate(waits, start=1):  # doubling, with jitter in the upper half
        step = min(policy.backoff_cap, 2.0 * 2 ** (n - 1))
        assert step / 2 <= wait <= step


def test_the_retry_settings_come_from_the_environment():
    policy = RetryPolicy.from_env(
        {
            "MANABI_SHEETS_TRIES": "3",
            "MANABI_SHEETS_DEADLINE": "9.5",
            "MANABI_SHEETS_TIMEOUT": "2",
            "MANABI_SHEETS_BACKOFF": "0.5",
        }
    )
    assert (policy.tries, policy.deadline, policy.timeout, policy.backoff) == (3, 9.5, 2.0, 0.5)
