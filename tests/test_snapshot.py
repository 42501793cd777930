"""`manabi sync`: a diffable snapshot, written whole, only when something changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manabi import snapshot
from manabi.schema import TABS
from manabi.sources import read_source
from manabi.validate import validate
from tests.helpers import MINIMAL, ROOT, SAMPLE, run_cli
from tests.test_check import append_row, edit_cell


def files_state(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_the_committed_data_folder_is_the_snapshot_of_the_sample() -> None:
    result = validate(read_source(str(SAMPLE)))
    committed = snapshot.load(ROOT / "data")
    assert committed.hash == snapshot.content_hash(result.data)
    assert committed.data == json.loads(json.dumps(result.data, ensure_ascii=False))


def test_sync_writes_one_readable_file_per_tab_with_a_row_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run_cli("sync", MINIMAL, "--data", data) == 0
    assert "講座 +3" in capsys.readouterr().out
    assert sorted(p.name for p in data.iterdir()) == sorted(
        [f"{t.key}.json" for t in TABS] + [snapshot.MANIFEST, snapshot.HISTORY]
    )
    lines = (data / "courses.json").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert '"title": "はじめてのデータ活用"' in lines[1]  # Japanese stays readable, not \\u escapes
    assert len(lines) == 2 + 3


def test_a_second_sync_of_unchanged_data_touches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert run_cli("sync", MINIMAL, "--data", data) == 0
    before = files_state(data)
    capsys.readouterr()
    assert run_cli("sync", MINIMAL, "--data", data) == 0
    # the fixture's warnings (a stopped course in a path…) come first; then the verdict
    assert capsys.readouterr().out.strip().splitlines()[-1] == "変更なし"
    assert files_state(data) == before


def test_sync_reports_added_removed_and_changed_rows_per_tab(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    data = tmp_path / "data"
    assert run_cli("sync", folder, "--data", data) == 0
    append_row(
        folder,
        "講座",
        ["c004", "新しい講座", "", "https://udemy.example.com/c004", "", "", "", "", ""],
    )
    edit_cell(folder, "窓口担当", 2, "内線", "09999")
    lines = (folder / "予定.csv").read_text(encoding="utf-8").splitlines()
    (folder / "予定.csv").write_text(lines[0] + "\n", encoding="utf-8")
    capsys.readouterr()

    assert run_cli("sync", folder, "--data", data) == 0

    out = capsys.readouterr().out
    assert "窓口担当 1件更新 / 講座 +1 / 予定 -1" in out
    contacts = json.loads((data / "contacts.json").read_text(encoding="utf-8"))
    assert contacts[0]["extension"] == "09999"  # leading zero kept


def test_invalid_data_writes_nothing(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    data = tmp_path / "data"
    assert run_cli("sync", folder, "--data", data) == 0
    before = files_state(data)
    edit_cell(folder, "講座", 2, "URL", "javascript:alert(1)")
    edit_cell(folder, "講座", 3, "講座名", "変えたはずの名前")

    assert run_cli("sync", folder, "--data", data) == 1

    assert "講座!D2" in capsys.readouterr().out
    assert files_state(data) == before
    assert "変えたはずの名前" not in (data / "courses.json").read_text(encoding="utf-8")


def test_an_interrupted_swap_is_recovered_on_the_next_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("sync", MINIMAL, "--data", data) == 0
    # The state between the two renames of a swap: only the retired copy exists.
    data.rename(tmp_path / ".data.old")
    loaded = snapshot.load(data)
    assert loaded.data["settings"]["site_name"] == "テストまなび"
    assert data.is_dir()


def test_a_missing_snapshot_is_explained(tmp_path: Path) -> None:
    with pytest.raises(snapshot.SnapshotError, match="manabi sync"):
        snapshot.load(tmp_path / "nowhere")
