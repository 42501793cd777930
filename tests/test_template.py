"""``manabi template``: the real .xlsx file, opened as a spreadsheet program would."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from markupsafe import escape

from manabi import guidance
from manabi.layout import TEMPLATE_ROWS, display_width, workbook_layout
from manabi.schema import SETTINGS_HEADERS, TABS, TABS_BY_NAME
from manabi.sources import read_source
from manabi.validate import validate
from tests.helpers import require, run_cli


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("template") / "t.xlsx"
    assert run_cli("template", out) == 0
    return out


@pytest.fixture(scope="module")
def book(template: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template)


def _validations(sheet) -> dict[str, object]:
    """Column letter → its data validation (each covers one column range)."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        ranges = str(validation.sqref).split()
        assert len(ranges) == 1
        first, last = ranges[0].split(":")
        letter = first.rstrip("0123456789")
        assert first == f"{letter}2" and last == f"{letter}{TEMPLATE_ROWS}"
        found[letter] = validation
    return found


def test_the_template_passes_its_own_check(
    template: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run_cli("check", template, "--format", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["errors"] == []


def test_the_templates_examples_give_no_warning_before_their_dates(template: Path) -> None:
    result = validate(read_source(str(template)), today=dt.date(2026, 1, 1))
    assert result.problems == []
    # one example row in every tab, and every setting
    assert all(result.data[tab.key] for tab in TABS)


def test_every_tab_and_header_of_the_schema_is_in_the_template(book) -> None:
    assert book.sheetnames == [tab.name for tab in TABS]
    for tab in TABS:
        headers = [cell.value for cell in book[tab.name][1]]
        assert headers == list(tab.headers)


def test_each_header_has_a_note_saying_what_to_enter(book) -> None:
    for tab in TABS:
        sheet = book[tab.name]
        if tab.settings:
            assert "サイト名" in sheet["A1"].comment.text
            for row, column in enumerate(tab.columns, start=2):
                assert sheet.cell(row=row, column=1).value == column.name
                note = sheet.cell(row=row, column=1).comment.text
                assert column.help in note
                assert guidance.how_to_write(column) in note
            continue
        for col, column in enumerate(tab.columns, start=1):
            note = sheet.cell(row=1, column=col).comment.text
            assert column.help in note
            assert f"書き方: {guidance.how_to_write(column)}" in note
            assert ("必須です。" in note) == column.required


def test_closed_lists_are_dropdowns_that_refuse_other_values(book) -> None:
    checked = 0
    for tab in TABS:
        validations = _validations(book[tab.name])
        for col, column in enumerate(tab.columns):
            if not column.choices or tab.settings:
                continue
            validation = validations[openpyxl.utils.get_column_letter(col + 1)]
            assert validation.type == "list"
            assert validation.formula1 == '"' + ",".join(column.choices) + '"'
            assert validation.showErrorMessage is True
            assert validation.showDropDown in (False, None)  # False shows the arrow
            checked += 1
    assert checked == 5  # 種別 (部署), 役割, 状態, 区分, 種別 (予定)


def test_references_are_dropdowns_drawn_from_the_id_column_of_their_tab(book) -> None:
    expected = {
        ("窓口担当", "A"): ("'部署'!$A$2:$A$1000", True),
        ("スキル", "B"): ("'分野'!$A$2:$A$1000", True),
        ("スキル", "D"): ("'レベル'!$A$2:$A$1000", True),
        ("講座", "F"): ("'レベル'!$A$2:$A$1000", True),
        ("推奨", "A"): ("'分野'!$A$2:$A$1000", True),
        ("推奨", "B"): ("'レベル'!$A$2:$A$1000", True),
        ("推奨", "D"): ("'講座'!$A$2:$A$1000", True),
        # list cells (several IDs, or 種別 names too): offered, not enforced
        ("部署", "E"): ("'分野'!$A$2:$A$1000", False),
        ("講座", "G"): ("'スキル'!$A$2:$A$1000", False),
        ("推奨", "F"): ("'部署'!$A$2:$A$1000", False),
        ("予定", "I"): ("'部署'!$A$2:$A$1000", False),
        ("スキル", "F"): ("'標準'!$C$2:$C$1000", False),  # 区分ID, not the shared 標準ID
    }
    found = {}
    for tab in TABS:
        for letter, validation in _validations(book[tab.name]).items():
            if validation.formula1.startswith("'"):
                found[(tab.name, letter)] = (validation.formula1, bool(validation.showErrorMessage))
                assert validation.prompt  # the cell says what to pick when selected
    assert found == expected


def test_the_settings_items_are_a_dropdown(book) -> None:
    validation = _validations(book["設定"])["A"]
    assert validation.formula1 == '"' + ",".join(c.name for c in TABS_BY_NAME["設定"].columns) + '"'
    assert [c.value for c in book["設定"][1]] == list(SETTINGS_HEADERS)


def test_the_header_row_is_frozen_and_columns_fit_their_headers(book) -> None:
    for tab in TABS:
        sheet = book[tab.name]
        assert sheet.freeze_panes == "A2"
        for col, header in enumerate(tab.headers, start=1):
            width = sheet.column_dimensions[openpyxl.utils.get_column_letter(col)].width
            assert width >= display_width(header)


def test_ids_and_extensions_are_text_cells_so_leading_zeros_stay(book) -> None:
    assert book["窓口担当"].column_dimensions["F"].number_format == "@"  # 内線
    assert book["窓口担当"]["F2"].value == "03125"
    assert book["講座"].column_dimensions["A"].number_format == "@"  # 講座ID
    assert isinstance(book["予定"]["A2"].value, dt.datetime)  # a real date cell


def test_the_template_does_not_overwrite_an_existing_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "研修ナビ.xlsx"
    out.write_bytes(b"the secretariat's real workbook")
    assert run_cli("template", out) == 1
    assert out.read_bytes() == b"the secretariat's real workbook"
    assert "--force" in capsys.readouterr().err
    assert run_cli("template", out, "--force") == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "設定"


def test_the_template_must_be_named_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("template", tmp_path / "t.ods") == 2
    assert "t.xlsx" in capsys.readouterr().err
    assert not (tmp_path / "t.ods").exists()


def test_the_layout_is_independent_of_the_file_format() -> None:
    layout = workbook_layout(rows=50)
    courses = layout.sheet("講座")
    assert [c.header for c in courses.columns] == list(TABS_BY_NAME["講座"].headers)
    levels = next(d for d in courses.dropdowns if d.source and d.source.sheet == "レベル")
    assert (levels.first_row, levels.last_row, levels.strict) == (2, 50, True)


def test_the_fill_in_guide_page_shows_the_same_wording_as_the_notes(sample_site: Path) -> None:
    page = (sample_site / "guide" / "index.html").read_text(encoding="utf-8")
    for tab in TABS:
        for column in tab.columns:
            assert str(escape(guidance.how_to_write(column))) in page
            assert str(escape(column.help)) in page


def test_libreoffice_opens_the_template_and_keeps_it_valid(template: Path, tmp_path: Path) -> None:
    """Skips only when LibreOffice is absent and MANABI_REQUIRE_LIBREOFFICE is unset (CI sets it)."""
    require(bool(shutil.which("soffice")), "LibreOffice (soffice)", "MANABI_REQUIRE_LIBREOFFICE")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(template)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / "t.ods"
    assert run_cli("check", converted) == 0
