"""Problem reports: text for people, JSON for programs (as in the contract), and
Markdown for a CI job summary.

Every form lists errors before warnings, sheets in the schema's tab order and
problems in row order, with the counts per sheet first so a long report can
be read from the top. Cell text is untrusted: the text form shows it on one
line, the Markdown form escapes it for both Markdown and HTML.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Sequence

from manabi.errors import Problem
from manabi.kinds import shorten
from manabi.schema import TABS

_TAB_ORDER = {tab.name: i for i, tab in enumerate(TABS)}
VALUE_CHARS = 40  # characters of a cell's value shown in a report line
MARKDOWN_ROWS_PER_SHEET = 100  # a job summary is capped at 1 MiB; the text form has all


def _ordered(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (
            _TAB_ORDER.get(p.sheet, len(_TAB_ORDER)),
            p.sheet or "",
            p.row or 0,
            len(p.cell or ""),
            p.cell or "",
        ),
    )


def _split(problems: Sequence[Problem]) -> tuple[list[Problem], list[Problem]]:
    ordered = _ordered(problems)
    return [p for p in ordered if p.level == "error"], [p for p in ordered if p.level == "warning"]


def _counts(group: Sequence[Problem]) -> list[tuple[str, int]]:
    """(sheet, count) in tab order; ``group`` is already ordered."""
    return list(Counter(p.sheet for p in group).items())


def _shown_value(value: str | None) -> str | None:
    """A cell's value for a report line; ``None`` when the report should not show one."""
    if value is None:
        return None
    return shorten(value, VALUE_CHARS) if value.strip() else ""


# --- text ---------------------------------------------------------------------


def problem_line(problem: Problem) -> str:
    parts = [f"  {problem.where}"]
    if problem.column:
        parts.append(f"〔{shorten(problem.column, VALUE_CHARS)}〕")
    value = _shown_value(problem.value)
    if value:
        parts.append(f"「{value}」")
    elif value == "" and problem.cell:
        parts.append("（空欄）")
    return "".join(parts) + f" … {problem.message}"


def format_text(problems: Sequence[Problem]) -> str:
    """Errors then warnings, grouped by sheet in row order, counts first."""
    errors, warnings = _split(problems)
    lines: list[str] = []
    for title, group in (("誤り", errors), ("注意", warnings)):
        if not group:
            continue
        counts = _counts(group)
        summary = "、".join(f"{sheet} {n} 件" for sheet, n in counts)
        lines.append(f"{title} {len(group)} 件（{summary}）")
        current = None
        for problem in group:
            if problem.sheet != current:
                current = problem.sheet
                lines.append(f"■ {current}（{dict(counts)[current]} 件）")
            lines.append(problem_line(problem))
        lines.append("")
    lines.append(_verdict(errors, warnings))
    return "\n".join(lines)


def _verdict(errors: Sequence[Problem], warnings: Sequence[Problem]) -> str:
    if errors:
        return (
            "誤りを直してから、もう一度実行してください。サイトとデータは前のまま変わっていません。"
        )
    if warnings:
        return "誤りはありません（注意は公開を止めません）。"
    return "誤りはありません。"


# --- JSON ---------------------------------------------------------------------


def format_json(problems: Sequence[Problem]) -> str:
    errors, warnings = _split(problems)
    payload = {
        "ok": not errors,
        "errors": [p.to_json() for p in errors],
        "warnings": [p.to_json() for p in warnings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


# --- Markdown -----------------------------------------------------------------

# Characters that open something in CommonMark/GFM inline text or a table cell
# (escape, code, emphasis, link, column, strikethrough, math) are
# backslash-escaped; then <, >, & and quotes become HTML entities, so no cell
# can open a tag, a link, an emphasis or a new column. Line-start syntax (#, -,
# 1.) cannot occur: every value sits inside a table row or after other text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md_escape(text: str) -> str:
    """Untrusted text as inert Markdown inline text (one line, for a table cell).

    ``<b>`` becomes ``&lt;b&gt;``, ``|`` is backslash-escaped, line breaks become spaces.
    """
    # Markdown first: the entities html.escape makes (``&#x27;``) must stay whole.
    return html.escape(_MD_SPECIAL.sub(r"\\\1", " ".join(text.split())), quote=True)


def md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def format_markdown(problems: Sequence[Problem], *, source: str | None = None) -> str:
    """A report for a CI job summary (``$GITHUB_STEP_SUMMARY``): counts, then tables."""
    errors, warnings = _split(problems)
    lines: list[str] = []
    if errors:
        lines.append(f"## ❌ スプレッドシートに誤りが {len(errors)} 件あります")
    else:
        lines.append("## ✅ スプレッドシートに誤りはありません")
    if source:
        lines += ["", f"読み込んだもの: {md_escape(source)}"]
    lines += ["", md_escape(_verdict(errors, warnings))]
    if not problems:
        return "\n".join(lines) + "\n"

    error_counts, warning_counts = dict(_counts(errors)), dict(_counts(warnings))
    sheets = [s for s, _ in _counts(_ordered(problems))]
    lines += ["", md_row(["シート", "誤り", "注意"]), md_row(["---", "---:", "---:"])]
    for sheet in sheets:
        lines.append(
            md_row(
                [
                    md_escape(sheet),
                    str(error_counts.get(sheet, 0)),
                    str(warning_counts.get(sheet, 0)),
                ]
            )
        )

    for title, group, is_open in (("誤り", errors, True), ("注意", warnings, not errors)):
        if not group:
            continue
        lines += ["", f"### {title} {len(group)} 件"]
        for sheet, count in _counts(group):
            rows = [p for p in group if p.sheet == sheet]
            summary = f"{html.escape(sheet)}（{count} 件）"  # inside HTML: entities only
            lines += [
                "",
                f"<details{' open' if is_open else ''}><summary>{summary}</summary>",
                "",
                md_row(["セル", "列", "入力されていた値", "直し方"]),
                md_row(["---", "---", "---", "---"]),
            ]
            for problem in rows[:MARKDOWN_ROWS_PER_SHEET]:
                value = _shown_value(problem.value)
                lines.append(
                    md_row(
                        [
                            md_escape(problem.where),
                            md_escape(problem.column or "—"),
                            "（空欄）" if value == "" else md_escape(value or "—"),
                            md_escape(problem.message),
                        ]
                    )
                )
            if count > MARKDOWN_ROWS_PER_SHEET:
                lines += [
                    "",
                    f"ほか {count - MARKDOWN_ROWS_PER_SHEET} 件は `manabi check` の出力を見てください。",
                ]
            lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def format_unreadable_markdown(message: str, source: str | None = None) -> str:
    """The job summary when the source could not be read at all (exit 2)."""
    lines = ["## ❌ スプレッドシートを読み込めません", ""]
    if source:
        lines += [f"読み込もうとしたもの: {md_escape(source)}", ""]
    lines.append(md_escape(message))
    return "\n".join(lines) + "\n"
