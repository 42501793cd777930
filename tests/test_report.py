"""Reports as the secretariat and CI read them: text, JSON (the contract) and Markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest

from manabi import report
from manabi.errors import Problem
from tests.grids import append_row, read_folder, set_cell, write_folder
from tests.helpers import MINIMAL, run_cli

HOSTILE = "<script>alert(1)</script> | **太字** [x](javascript:alert(1)) `code` @someone\n2行目"


def _broken_minimal(tmp_path: Path) -> Path:
    grids = read_folder(MINIMAL)
    set_cell(grids, "講座!D3", "javascript:alert(1)")  # 講座, row 3
    set_cell(grids, "部署!C3", "区")  # 部署, row 3
    set_cell(grids, "講座!A4", "")  # 講座, row 4: blank ID (so 推奨!D4 loses its course)
    set_cell(grids, "推奨!D2", "c999")  # 推奨
    return write_folder(grids, tmp_path / "broken")


def test_the_text_report_counts_per_sheet_first_then_lists_cells_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run_cli("check", _broken_minimal(tmp_path)) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    # counts first, sheets in the workbook's tab order (部署 before 講座 before 推奨)
    assert lines[0] == "誤り 5 件（部署 1 件、講座 2 件、推奨 2 件）"
    assert lines[1] == "■ 部署（1 件）"
    cells = re.findall(r"^  (\S+?!\w+)〔", out, flags=re.M)
    assert cells == ["部署!C3", "講座!D3", "講座!A4", "推奨!D2", "推奨!D4"]
    url_line = next(line for line in lines if line.startswith("  講座!D3"))
    # cell, column, the value found, and what to type instead
    assert url_line.startswith("  講座!D3〔URL〕「javascript:alert(1)」 … URL は https://")
    blank = next(line for line in lines if line.startswith("  講座!A4"))
    assert "〔講座ID〕（空欄） … 「講座ID」は必ず入力してください" in blank
    assert lines[-1].startswith("誤りを直してから")


def test_a_long_or_multiline_value_stays_on_one_short_line() -> None:
    problem = Problem("講座", "I2", 2, "説明", "あ" * 100 + "\n" + "い" * 100, "…", "error")
    text = report.format_text([problem])
    line = next(line for line in text.splitlines() if line.startswith("  講座!I2"))
    assert "あ" * 40 + "…」" in line
    assert "い" not in line


def test_the_json_report_follows_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run_cli("check", _broken_minimal(tmp_path), "--format", "json") == 1
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {"ok", "errors", "warnings"}
    assert payload["ok"] is False
    first = payload["errors"][0]
    assert set(first) == {"sheet", "cell", "row", "column", "value", "message"}
    assert first == {
        "sheet": "部署",
        "cell": "C3",
        "row": 3,
        "column": "種別",
        "value": "区",
        "message": first["message"],
    }


def _render(md: str) -> str:
    return markdown.markdown(md, extensions=["tables", "md_in_html"])


def test_the_markdown_report_escapes_cell_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grids = read_folder(MINIMAL)
    set_cell(grids, "講座!A2", HOSTILE)  # an ID: refused, and quoted back in the message
    set_cell(grids, "部署!C2", HOSTILE)
    capsys.readouterr()
    assert run_cli("check", write_folder(grids, tmp_path / "x"), "--format", "markdown") == 1
    md = capsys.readouterr().out
    assert "<script" not in md
    assert "`code`" not in md
    html = _render(md.replace("<details open>", '<details open markdown="1">'))
    assert "<script" not in html
    assert "<strong>" not in html
    assert "<a " not in html
    assert "<code>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # each problem stays one table row of exactly four cells
    rows = [line for line in md.splitlines() if line.startswith(("| 講座!", "| 部署!"))]
    assert rows
    for row in rows:
        assert len(re.split(r"(?<!\\)\|", row)) == 6, row


def test_escaped_text_renders_as_the_same_plain_text_in_one_table_cell() -> None:
    table = f"| a | b |\n| --- | --- |\n| {report.md_escape(HOSTILE)} | end |\n"
    html = _render(table)
    for tag in ("<script", "<a ", "<strong", "<em", "<code", "<br"):
        assert tag not in html
    cells = re.findall(r"<td>(.*?)</td>", html)
    assert cells[1] == "end"
    assert cells[0] == (
        "&lt;script&gt;alert(1)&lt;/script&gt; | **太字** [x](javascript:alert(1)) "
        "`code` @someone 2行目"
    )


def test_the_markdown_report_puts_counts_first_and_folds_each_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run_cli("check", _broken_minimal(tmp_path), "--format", "markdown") == 1
    md = capsys.readouterr().out
    assert md.startswith("## ❌ スプレッドシートに誤りが 5 件あります\n")
    counts = md.index("| シート | 誤り | 注意 |")
    assert counts < md.index("<details")
    assert "| 講座 | 2 | 0 |" in md
    assert "<details open><summary>講座（2 件）</summary>" in md
    assert "| 講座!D3 | URL | javascript:alert(1) |" in md


def test_a_long_markdown_report_is_cut_per_sheet_and_says_so() -> None:
    problems = [
        Problem("講座", f"D{row}", row, "URL", "x", "URL を直してください。", "error")
        for row in range(2, 302)
    ]
    md = report.format_markdown(problems)
    assert md.count("| 講座!D") == report.MARKDOWN_ROWS_PER_SHEET
    assert "ほか 200 件は `manabi check` の出力を見てください。" in md
    assert "| 講座 | 300 | 0 |" in md


def test_warnings_only_give_a_green_markdown_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grids = read_folder(MINIMAL)
    append_row(grids, "部署", ["nishi", "西区役所", "区役所", "3", "", ""])
    capsys.readouterr()
    assert run_cli("check", write_folder(grids, tmp_path / "w"), "--format", "markdown") == 0
    md = capsys.readouterr().out
    assert md.startswith("## ✅ スプレッドシートに誤りはありません")
    assert "<details open><summary>部署（1 件）</summary>" in md
    assert "西区役所" in md


def test_an_unreadable_source_gives_a_markdown_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run_cli("check", tmp_path / "ない.xlsx", "--format", "markdown") == 2
    md = capsys.readouterr().out
    assert md.startswith("## ❌ スプレッドシートを読み込めません")
    assert "見つかりません" in md
