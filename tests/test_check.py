"""`manabi check`: exit codes, and errors that name the exact sheet and cell in Japanese."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tests.helpers import MINIMAL, SAMPLE, run_cli

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def edit_cell(folder: Path, tab: str, row: int, column: str, value: str) -> None:
    """Set one cell of ``<tab>.csv`` (``row`` as a spreadsheet shows it: header = 1)."""
    path = folder / f"{tab}.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def append_row(folder: Path, tab: str, cells: list[str]) -> int:
    path = folder / f"{tab}.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        count = sum(1 for _ in csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(cells)
    return count + 1


def check_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = run_cli("check", folder, "--format", "json")
    return code, json.loads(capsys.readouterr().out)


def test_the_embedded_sample_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check_json(SAMPLE, capsys)
    assert code == 0
    assert report["ok"] is True
    assert report["errors"] == []


@pytest.mark.parametrize(
    ("tab", "row", "column", "value", "cell", "says"),
    [
        ("講座", 2, "講座ID", "", "A2", "必ず入力"),
        ("講座", 3, "講座ID", "c001", "A3", "2 行目と重複"),
        ("部署", 2, "種別", "区", "C2", "区役所・局・室・委員会・その他 のどれか"),
        ("推奨", 2, "講座ID", "c999", "D2", "「講座」タブにありません"),
        ("窓口担当", 2, "部署ID", "nowhere", "A2", "「部署」タブにありません"),
        ("講座", 2, "URL", "javascript:alert(1)", "D2", "https://"),
        ("部署", 3, "部署ID", "Somu Kyoku", "A3", "半角の英小文字"),
        ("推奨", 3, "対象", "局、nowhere", "F3", "「nowhere」"),
    ],
)
def test_a_bad_cell_fails_with_its_sheet_and_cell_in_japanese(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    tab: str, row: int, column: str, value: str, cell: str, says: str,
) -> None:  # fmt: skip
    folder = copy_of(MINIMAL, tmp_path)
    edit_cell(folder, tab, row, column, value)

    code, report = check_json(folder, capsys)

    assert code == 1
    assert report["ok"] is False
    matching = [e for e in report["errors"] if e["sheet"] == tab and e["cell"] == cell]
    assert matching, report["errors"]
    error = matching[0]
    assert error["row"] == row
    assert error["column"] == column
    assert error["value"] == value
    assert says in error["message"]
    assert JAPANESE.search(error["message"])


def test_every_problem_is_reported_at_once(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    edit_cell(folder, "講座", 2, "URL", "ftp://example.jp/x")
    edit_cell(folder, "講座", 3, "時間", "たくさん")
    edit_cell(folder, "部署", 2, "表示順", "一番")
    code, report = check_json(folder, capsys)
    assert code == 1
    assert {(e["sheet"], e["cell"]) for e in report["errors"]} == {
        ("講座", "D2"),
        ("講座", "E3"),
        ("部署", "D2"),
    }


def test_the_text_report_names_cells_like_a_spreadsheet(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    edit_cell(folder, "講座", 4, "URL", "javascript:alert(1)")
    assert run_cli("check", folder) == 1
    out = capsys.readouterr().out
    assert "講座!D4" in out
    assert "〔URL〕「javascript:alert(1)」" in out
    assert "Traceback" not in out


def test_a_missing_tab_and_a_renamed_header_are_clear_errors(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    (folder / "DXレター.csv").unlink()
    text = (folder / "講座.csv").read_text(encoding="utf-8").replace("講座名", "講座の名前", 1)
    (folder / "講座.csv").write_text(text, encoding="utf-8")

    code, report = check_json(folder, capsys)

    assert code == 1
    by_sheet = {e["sheet"]: e for e in report["errors"]}
    assert by_sheet["DXレター"]["cell"] is None
    assert "タブ「DXレター」がありません" in by_sheet["DXレター"]["message"]
    assert by_sheet["講座"]["cell"] == "B1"
    assert "「講座の名前」を「講座名」に直して" in by_sheet["講座"]["message"]


def test_full_width_digits_and_spaces_are_normalized(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    edit_cell(folder, "講座", 2, "時間", "１．５")
    edit_cell(folder, "部署", 2, "表示順", "\u3000１２ ")
    edit_cell(folder, "設定", 4, "値", "２")
    code, report = check_json(folder, capsys)
    assert code == 0, report


def test_an_unreadable_source_exits_2_with_a_japanese_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("check", tmp_path / "nothing.xlsx") == 2
    err = capsys.readouterr().err
    assert "見つかりません" in err
    code, report = check_json(tmp_path / "nothing.xlsx", capsys)
    assert code == 2
    assert report["ok"] is False
    assert "見つかりません" in report["errors"][0]["message"]


def test_a_division_without_contacts_is_a_warning_not_an_error(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    lines = (folder / "窓口担当.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("somu,")]
    (folder / "窓口担当.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, report = check_json(folder, capsys)
    assert code == 0
    assert any("総務局" in w["message"] for w in report["warnings"])
