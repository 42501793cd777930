"""Reading: every cell as text, with the row and column a spreadsheet program shows."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from manabi.errors import SourceError
from manabi.sources import Table, a1, cell_text, column_letter, read_source
from tests.grids import read_folder, write_xlsx
from tests.helpers import MINIMAL, SAMPLE, require, run_cli


def test_column_letters_follow_the_spreadsheet_alphabet() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip
    assert a1(12, 2) == "C12"


def test_cells_become_the_text_a_person_sees() -> None:
    assert cell_text(None) == ""
    assert cell_text(float("nan")) == ""
    assert cell_text(3.0) == "3"
    assert cell_text(1.5) == "1.5"
    assert cell_text("007") == "007"
    assert cell_text(dt.datetime(2026, 12, 1)) == "2026-12-01"
    assert cell_text(dt.datetime(2026, 12, 1, 15, 30)) == "2026-12-01 15:30"
    assert cell_text(dt.time(9, 5)) == "09:05"
    assert cell_text(True) == "TRUE"


def test_blank_rows_are_skipped_but_row_numbers_keep_counting() -> None:
    table = Table.from_grid(
        "講座", [["ID", "名前", ""], ["a", "x"], ["", "  "], ["b", "y", "", ""]]
    )
    assert table.header == ["ID", "名前"]
    assert [(r.number, r.cells) for r in table.rows] == [(2, ("a", "x")), (4, ("b", "y"))]


def test_a_csv_folder_is_read_one_tab_per_file_with_or_without_bom(tmp_path: Path) -> None:
    (tmp_path / "部署.csv").write_bytes("\ufeff部署ID,部署名\nkita,北区役所\n".encode())
    (tmp_path / "分野.csv").write_text("分野ID,分野名\n\n\ndata,データ活用\n", encoding="utf-8")
    workbook = read_source(str(tmp_path))
    assert set(workbook.tables) == {"部署", "分野"}
    assert workbook.tables["部署"].header == ["部署ID", "部署名"]  # BOM gone
    assert workbook.tables["分野"].rows[0].number == 4


def test_the_sample_folder_holds_every_tab_of_the_schema() -> None:
    from manabi.schema import TABS

    workbook = read_source(str(SAMPLE))
    assert {tab.name for tab in TABS} <= set(workbook.tables)


def test_an_xlsx_workbook_keeps_text_leading_zeros_and_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "窓口担当"
    sheet.append(["部署ID", "内線", "日付", "時間"])
    sheet.append(["kita", "03125", dt.datetime(2026, 12, 3), 1.5])
    sheet.append([None, None, None, None])
    sheet.append(["somu", 4001, dt.date(2027, 1, 7), 3])
    path = tmp_path / "book.xlsx"
    book.save(path)

    table = read_source(str(path)).tables["窓口担当"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ("kita", "03125", "2026-12-03", "1.5")),
        (4, ("somu", "4001", "2027-01-07", "3")),
    ]


def test_an_ods_workbook_is_read_like_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "book.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame(
            [["kita", "北区役所"], ["", ""], ["somu", "総務局"]], columns=["部署ID", "部署名"]
        ).to_excel(writer, sheet_name="部署", index=False)
    table = read_source(str(path)).tables["部署"]
    assert table.header == ["部署ID", "部署名"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ("kita", "北区役所")),
        (4, ("somu", "総務局")),
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.xlsx", None, "見つかりません"),
        ("notes.txt", b"hello", "読み込めない形式"),
        ("broken.xlsx", b"not a zip file", "ブックとして読めません"),
    ],
)
def test_unreadable_sources_say_why_in_japanese(
    tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=expected):
        read_source(str(path))


def test_a_csv_that_is_not_utf8_asks_to_save_as_utf8(tmp_path: Path) -> None:
    (tmp_path / "部署.csv").write_bytes("部署ID,部署名\nkita,北区役所\n".encode("cp932"))
    with pytest.raises(SourceError, match="CSV UTF-8"):
        read_source(str(tmp_path))


def test_the_minimal_fixture_is_a_complete_workbook() -> None:
    assert len(read_source(str(MINIMAL)).tables) == 10


def test_a_password_protected_workbook_says_so_and_how_to_fix_it(tmp_path: Path, capsys) -> None:
    plain = write_xlsx(read_folder(MINIMAL), tmp_path / "plain.xlsx")
    locked = tmp_path / "まなび.xlsx"
    with plain.open("rb") as source, locked.open("wb") as out:
        OOXMLFile(source).encrypt(
            "himitsu", out
        )  # what Excel writes for 「パスワードを使用して暗号化」
    assert locked.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # not a zip any more

    assert run_cli("check", locked) == 2
    err = capsys.readouterr().err
    assert "「まなび.xlsx」はパスワードで保護されているため読めません。" in err
    assert "パスワードを消して（空にして）保存し直してください" in err
    assert "壊れている" not in err and "Traceback" not in err
    assert run_cli("check", plain) == 0  # the same workbook without the password is fine


def test_an_old_xls_saved_as_xlsx_is_named_as_such(tmp_path: Path) -> None:
    require(bool(shutil.which("soffice")), "LibreOffice (soffice)", "MANABI_REQUIRE_LIBREOFFICE")
    plain = write_xlsx(read_folder(MINIMAL), tmp_path / "book.xlsx")
    out = tmp_path / "xls"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(out), str(plain)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    renamed = (out / "book.xls").rename(tmp_path / "renamed.xlsx")  # Excel 97-2003, wrong name
    with pytest.raises(SourceError) as refused:
        read_source(str(renamed))
    assert "「renamed.xlsx」は古い Excel 97-2003 形式（.xls）のファイルです。" in str(refused.value)


def test_office_lock_files_in_a_csv_folder_are_not_tabs(tmp_path: Path) -> None:
    folder = tmp_path / "sheet"
    shutil.copytree(MINIMAL, folder)
    # Excel keeps "~$講座.csv" (binary, not UTF-8) beside a CSV it has open.
    (folder / "~$講座.csv").write_bytes(b"\x0b\x83\x8esecretariat" + bytes(150))
    assert set(read_source(str(folder)).tables) == set(read_source(str(MINIMAL)).tables)
