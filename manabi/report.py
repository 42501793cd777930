"""Problem reports for people (text) and for programs (JSON, as in the contract)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from manabi.errors import Problem
from manabi.schema import TABS

_TAB_ORDER = {tab.name: i for i, tab in enumerate(TABS)}


def _ordered(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (_TAB_ORDER.get(p.sheet, len(_TAB_ORDER)), p.sheet, p.row or 0, p.cell or ""),
    )


def _line(problem: Problem) -> str:
    parts = [f"  {problem.where}"]
    if problem.column:
        parts.append(f"〔{problem.column}〕")
    if problem.value:
        shown = problem.value if len(problem.value) <= 40 else problem.value[:40] + "…"
        parts.append(f"「{shown}」")
    return "".join(parts) + f" … {problem.message}"


def format_text(problems: Sequence[Problem]) -> str:
    """Errors then warnings, grouped by sheet in row order, counts first."""
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level == "warning"]
    lines: list[str] = []
    for title, group in (("誤り", errors), ("注意", warnings)):
        if not group:
            continue
        counts = Counter(p.sheet for p in group)
        summary = "、".join(f"{sheet} {n} 件" for sheet, n in counts.items())
        lines.append(f"{title} {len(group)} 件（{summary}）")
        current = None
        for problem in _ordered(group):
            if problem.sheet != current:
                current = problem.sheet
                lines.append(f"■ {current}")
            lines.append(_line(problem))
        lines.append("")
    if errors:
        lines.append(
            "誤りを直してから、もう一度実行してください。サイトとデータは前のまま変わっていません。"
        )
    elif warnings:
        lines.append("誤りはありません（注意は公開を止めません）。")
    else:
        lines.append("誤りはありません。")
    return "\n".join(lines)


def format_json(problems: Sequence[Problem]) -> str:
    ordered = _ordered(problems)
    payload = {
        "ok": not any(p.level == "error" for p in problems),
        "errors": [p.to_json() for p in ordered if p.level == "error"],
        "warnings": [p.to_json() for p in ordered if p.level == "warning"],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
