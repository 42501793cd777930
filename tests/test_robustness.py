"""Any edit of the sample ends in a report (exit 0 or 1), never a traceback.

Hypothesis makes random edits of ``sample/`` the way a person might ruin a
sheet: blank or overwritten cells, deleted, duplicated or swapped rows,
5,000 characters, emoji, formulas, ``#REF!``, line breaks, deleted header
cells, extra columns, a missing tab. Each edited workbook is saved as real
files and checked by the real command. ``MANABI_DEBUG=1`` lets an unexpected
exception through, so a crash fails here with its traceback instead of
becoming exit 2.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manabi import report
from manabi.errors import Problem
from tests.grids import Grids, copy, read_folder, write_folder, write_xlsx
from tests.helpers import SAMPLE, run_cli

BASE = read_folder(SAMPLE)
SHEETS = sorted(BASE)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
A1 = re.compile(r"([A-Z]+)([1-9][0-9]*)")

# Existing values of the sample, so that edits also move real IDs around.
KNOWN = sorted({cell for grid in BASE.values() for row in grid for cell in row if len(cell) < 60})

cell_text = st.one_of(
    st.just(""),
    st.sampled_from(KNOWN),
    st.sampled_from(
        [
            "=SUM(A1)",
            "#REF!",
            "#N/A",
            "あ" * 5000,
            "😀🎉👩‍💻",
            "1行目\n2行目\r\n3行目",
            " 　 ",
            "javascript:alert(1)",
            "<script>alert(1)</script>",
            "{{ config }}",
            "{% raw %}",
            "2026/2/30",
            "令和8年12月1日",
            "１時間３０分",
            "9" * 5000,
            "a" * 300,
            "-1",
            "0",
            "1e308",
            "NaN",
            "TRUE",
            "kita、、,",
        ]
    ),
    # Any text but lone surrogates (they are not UTF-8, so no file can hold them).
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
)


@st.composite
def edits(draw: st.DrawFn) -> Grids:
    grids = copy(BASE)
    for _ in range(draw(st.integers(1, 6))):
        sheet = draw(st.sampled_from(sorted(grids)))
        grid = grids[sheet]
        rows = len(grid)
        op = draw(
            st.sampled_from(
                ["set", "set", "set", "delete", "duplicate", "swap", "header", "extra", "drop"]
            )
        )
        if op == "set" or (op in ("delete", "duplicate", "swap") and rows < 2):
            row = draw(st.integers(0, rows + 1))
            width = max((len(r) for r in grid), default=1)
            col = draw(st.integers(0, width))
            while len(grid) <= row:
                grid.append([])
            grid[row].extend([""] * (col + 1 - len(grid[row])))
            grid[row][col] = draw(cell_text)
        elif op == "delete":
            del grid[draw(st.integers(1, rows - 1))]
        elif op == "duplicate":
            grid.append(list(grid[draw(st.integers(1, rows - 1))]))
        elif op == "swap":
            a, b = draw(st.integers(1, rows - 1)), draw(st.integers(1, rows - 1))
            grid[a], grid[b] = grid[b], grid[a]
        elif op == "header" and grid:
            col = draw(st.integers(0, max(len(grid[0]) - 1, 0)))
            if grid[0]:
                grid[0][col] = draw(st.sampled_from(["", "見出し", grid[0][col] + " ", "部署ID"]))
        elif op == "extra" and grid:
            grid[0].append(draw(st.sampled_from(["メモ", "", "URL", "=A1"])))
            for r in range(1, len(grid)):
                grid[r].extend([""] * (len(grid[0]) - 1 - len(grid[r])))
                grid[r].append(draw(cell_text))
        elif op == "drop" and len(grids) > 1:
            del grids[sheet]
    return grids


@pytest.fixture(scope="module", autouse=True)
def crash_loudly() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MANABI_DEBUG", "1")
        yield


def _check_json(source: Path) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run_cli("check", source, "--format", "json")
    return code, json.loads(out.getvalue())


def _assert_reported(code: int, payload: dict) -> None:
    assert code in (0, 1)
    assert payload["ok"] is (code == 0)
    problems = [Problem(**p, level="error") for p in payload["errors"]] + [
        Problem(**p, level="warning") for p in payload["warnings"]
    ]
    for problem in problems:
        assert problem.sheet and isinstance(problem.sheet, str)
        assert JAPANESE.search(problem.message), problem.message
        assert len(problem.message) < 600, "a message quotes a long cell only in part"
        if problem.cell is not None:
            match = A1.fullmatch(problem.cell)
            assert match, problem.cell
            assert int(match.group(2)) == problem.row
    text = report.format_text(problems)
    for problem in problems:
        assert problem.where in text  # e.g. 講座!D4
    assert "Traceback" not in text
    report.format_markdown(problems)  # must not fail either


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(grids=edits())
def test_any_edit_of_the_csv_sample_ends_in_a_report(grids: Grids) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code, payload = _check_json(write_folder(grids, Path(tmp) / "sample"))
    _assert_reported(code, payload)


def _storable(grids: Grids) -> Grids:
    """An .xlsx cannot store control characters (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return {
        name: [[ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row] for row in grid]
        for name, grid in grids.items()
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids=edits())
def test_any_edit_of_the_sample_as_xlsx_with_real_formulas_ends_in_a_report(
    grids: Grids,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_xlsx(_storable(grids), Path(tmp) / "sample.xlsx", formulas=True)
        code, payload = _check_json(path)
    _assert_reported(code, payload)


def test_the_sample_itself_has_no_errors() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code, payload = _check_json(write_folder(copy(BASE), Path(tmp) / "sample"))
    assert code == 0
    assert payload["errors"] == []


def test_a_cell_too_long_for_the_csv_reader_is_refused_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grids = copy(BASE)
    grids["講座"][1][8] = "あ" * 200_000  # past the csv module's field limit
    capsys.readouterr()
    assert run_cli("check", write_folder(grids, tmp_path / "sample")) == 2
    err = capsys.readouterr().err
    assert "「講座.csv」を CSV として読めません" in err
    assert "Traceback" not in err
