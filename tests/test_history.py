"""更新履歴: every sync that changes the data adds an entry; the site lists them, newest first."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from manabi import snapshot
from manabi.schema import TABS_BY_KEY
from manabi.sources import read_source
from manabi.validate import validate
from tests.helpers import MINIMAL, ROOT, run_cli

SETTINGS_ITEMS = len(TABS_BY_KEY["settings"].columns)  # a first sync adds every item

NEW_COURSES = (
    "c004,はじめての生成AI,庁内研修,https://learning.example.jp/c004,1,intro,,公開,\n"
    "c005,表計算の関数,庁内研修,https://learning.example.jp/c005,2,basic,,公開,\n"
)


def edit_sheet(folder: Path) -> None:
    """Two courses added and one contact's extension changed, as the secretariat would."""
    with open(folder / "講座.csv", "a", encoding="utf-8") as handle:
        handle.write(NEW_COURSES)
    contacts = folder / "窓口担当.csv"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("03125", "03126"), "utf-8")


@pytest.fixture(scope="module")
def two_syncs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Sync the minimal sheet, edit it, sync again, then build the site once from data/."""
    work = tmp_path_factory.mktemp("history")
    sheet = work / "sheet"
    shutil.copytree(MINIMAL, sheet)
    data, site = work / "data", work / "site"
    assert run_cli("sync", sheet, "--data", data) == 0
    edit_sheet(sheet)
    assert run_cli("sync", sheet, "--data", data) == 0
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert run_cli("build", "--data", data, "--site-dir", site) == 0
    finally:
        os.chdir(cwd)
    return data, site


def history_items(html: str) -> list[str]:
    items = re.findall(r'<li class="manabi-history__entry">(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def tokyo(read_at: str) -> str:
    moment = dt.datetime.fromisoformat(read_at).astimezone(ZoneInfo("Asia/Tokyo"))
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def test_two_changing_syncs_leave_two_history_entries(two_syncs) -> None:
    data, _ = two_syncs
    history = json.loads((data / "history.json").read_text(encoding="utf-8"))
    assert len(history) == 2
    first, second = history
    assert first["changes"].startswith(f"設定 +{SETTINGS_ITEMS} / 部署 +2")
    assert second["changes"] == "窓口担当 1件更新 / 講座 +2"
    assert second["counts"]["courses"] == 5 and first["counts"]["courses"] == 3
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    assert second["hash"] == manifest["hash"] and second["read_at"] == manifest["read_at"]


def test_the_history_page_lists_syncs_newest_first(two_syncs) -> None:
    data, site = two_syncs
    html = (site / "history" / "index.html").read_text(encoding="utf-8")
    items = history_items(html)
    assert len(items) == 2
    assert "窓口担当 1件更新 / 講座 +2" in items[0]
    assert f"設定 +{SETTINGS_ITEMS} / 部署 +2" in items[1]
    assert "講座 5" in items[0] and "講座 3" in items[1]
    history = json.loads((data / "history.json").read_text(encoding="utf-8"))
    assert tokyo(history[1]["read_at"]) in items[0]


def test_every_page_says_when_the_data_was_last_updated_in_tokyo_time(two_syncs) -> None:
    data, site = two_syncs
    read_at = json.loads((data / "manifest.json").read_text(encoding="utf-8"))["read_at"]
    expected = f'最終更新: <time datetime="{read_at}">{tokyo(read_at)}</time>'
    pages = [
        site / "index.html",
        site / "divisions" / "kita" / "index.html",
        site / "courses" / "c004" / "index.html",
    ]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert expected in html, page
        assert "更新履歴</a>" in html


def test_an_unchanged_sync_leaves_the_history_untouched(tmp_path, copy_of, capsys) -> None:
    sheet = copy_of(MINIMAL, tmp_path)
    data = tmp_path / "data"
    assert run_cli("sync", sheet, "--data", data) == 0
    before = (data / "history.json").stat().st_mtime_ns, (data / "history.json").read_bytes()
    capsys.readouterr()
    assert run_cli("sync", sheet, "--data", data) == 0
    assert "変更なし" in capsys.readouterr().out
    after = (data / "history.json").stat().st_mtime_ns, (data / "history.json").read_bytes()
    assert after == before
    assert len(json.loads(before[1])) == 1


def test_the_history_keeps_only_the_newest_entries(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(snapshot, "HISTORY_LIMIT", 3)
    data = validate(read_source(str(MINIMAL))).data
    folder = tmp_path / "data"
    for number in range(5):
        data["settings"]["notice"] = f"お知らせ {number}"  # type: ignore[index]
        _changes, written = snapshot.write(data, folder, origin="test")
        assert written
    history = snapshot.load(folder).history
    assert len(history) == 3
    assert [e["hash"] for e in history][-1] == snapshot.load(folder).hash
    assert all(e["changes"] == "設定 1件更新" for e in history)


def test_a_damaged_history_stops_the_build_with_a_japanese_message(tmp_path, copy_of, capsys):
    sheet = copy_of(MINIMAL, tmp_path)
    data = tmp_path / "data"
    assert run_cli("sync", sheet, "--data", data) == 0
    (data / "history.json").write_text("{not json", encoding="utf-8")
    capsys.readouterr()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert run_cli("build", "--data", data, "--site-dir", tmp_path / "site") == 2
    finally:
        os.chdir(cwd)
    err = capsys.readouterr().err
    assert "history.json を読めません" in err and "Traceback" not in err
    # A sync that changes the data starts a fresh history instead of failing.
    edit_sheet(sheet)
    assert run_cli("sync", sheet, "--data", data) == 0
    assert len(snapshot.load(data).history) == 1


@pytest.mark.browser
def test_the_history_page_reads_newest_first_in_a_browser(two_syncs, serve_site, browser):
    _, site = two_syncs
    page = browser.new_page()
    try:
        page.goto(serve_site(site) + "history/")
        entries = page.locator(".manabi-history__entry").all_inner_texts()
        assert "講座 +2" in entries[0] and f"設定 +{SETTINGS_ITEMS}" in entries[1]
        footer = page.locator(".manabi-updated")
        assert footer.is_visible()
        assert footer.inner_text().startswith("最終更新: ")
        page.goto(serve_site(site))
        page.get_by_role("link", name="更新履歴").click()
        page.wait_for_url("**/history/")  # is_visible() does not wait for the new page
        assert page.get_by_role("heading", name="更新履歴", level=1).is_visible()
    finally:
        page.close()
