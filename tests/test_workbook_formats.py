"""The sample saved as .xlsx and as .ods validates exactly like the CSV folder:
the same data in the snapshot, the same problems in the same cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from manabi.sources import read_source
from manabi.validate import Result, validate
from tests.grids import Grids, copy, read_folder, set_cell, write_folder, write_ods, write_xlsx
from tests.helpers import SAMPLE

TODAY = dt.date(2026, 11, 26)


def _with_mistakes(grids: Grids) -> Grids:
    """The sample with one mistake of each common sort, so 'same problems' means something."""
    grids = copy(grids)
    set_cell(grids, "講座!D3", "javascript:alert(1)")
    set_cell(grids, "講座!E4", "1時間くらい")
    set_cell(grids, "部署!C5", "区")
    set_cell(grids, "推奨!D6", "c999")
    set_cell(grids, "予定!A4", "2026/2/30")
    set_cell(grids, "窓口担当!A7", "")
    return grids


def _check(path: Path) -> Result:
    return validate(read_source(str(path)), today=TODAY)


def _key(result: Result) -> list[tuple[object, ...]]:
    return [(p.level, p.sheet, p.cell, p.column, p.value, p.message) for p in result.problems]


@pytest.mark.parametrize("mistakes", [False, True], ids=["sample", "sample with mistakes"])
def test_the_sample_as_xlsx_and_ods_validates_like_the_csv_folder(
    mistakes: bool, tmp_path: Path
) -> None:
    grids = read_folder(SAMPLE)
    if mistakes:
        grids = _with_mistakes(grids)
    folder = _check(write_folder(grids, tmp_path / "csv"))
    xlsx = _check(write_xlsx(grids, tmp_path / "sample.xlsx"))
    ods = _check(write_ods(grids, tmp_path / "sample.ods"))

    assert folder.ok is not mistakes
    assert len(folder.errors) == (6 if mistakes else 0)
    for other in (xlsx, ods):
        assert _key(other) == _key(folder)
        assert other.data == folder.data


def test_an_xlsx_holding_numbers_and_dates_as_cells_reads_like_text(tmp_path: Path) -> None:
    """Numbers, real date and time cells (not text) give the same snapshot as the CSVs."""
    grids = read_folder(SAMPLE)
    typed = _check(write_xlsx(grids, tmp_path / "typed.xlsx", as_typed=True))
    text = _check(write_xlsx(grids, tmp_path / "text.xlsx", as_typed=False))
    assert typed.data == text.data
    assert _key(typed) == _key(text)
    contact = next(c for c in typed.data["contacts"] if c["division"] == "kita")
    assert contact["extension"] == "03125"  # text cell: the leading zero stays
