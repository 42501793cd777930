"""What ``manabi stats`` prints: text for the secretariat, Markdown for a CI job summary.

Both show aggregates only: the record's published figures, 非公開 where a
figure is withheld, the group names no division claims (a group name is the
sheet's business, not a person's) and the row numbers of unusable values.
Group names come from the export, so the Markdown form escapes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from manabi.errors import ExportInvalid, Problem
from manabi.report import md_escape, md_row, problem_line
from manabi.stats.figures import FIGURES, NO_GROUP
from manabi.stats.run import Outcome

Record = dict[str, Any]
LABELS = {
    "learners": "受講した人",
    "quota_met": "必須受講数を達成した人",
    "continuing": "達成後も学び続けている人",
    "minutes": "動画の視聴時間（分）",
}


WITHHELD = "非公開"


def withheld_note(threshold: int) -> str:
    """Why figures are missing: the same words whichever the reason (saying which would tell)."""
    return (
        f"「{WITHHELD}」: 受講した人が {threshold} 人未満の部署・講座・グループと、"
        "ほかの数字から引き算でわかってしまう部署は、数字を出していません。"
    )


def _number(value: int | None, unit: str = "") -> str:
    return WITHHELD if value is None else f"{value:,}{unit}"


def _division(outcome: Outcome, division: str) -> str:
    name = outcome.names.get(division)
    return f"{name}（{division}）" if name else division


def _group_name(name: str) -> str:
    return "（グループなし）" if name == NO_GROUP else name


def _division_counts(record: Record) -> tuple[int, int]:
    values = list(record["divisions"].values())
    shown = sum(1 for v in values if v["learners"] is not None)
    return shown, len(values) - shown


# --- text ---------------------------------------------------------------------


def format_text(outcome: Outcome) -> str:
    record, threshold = outcome.record, outcome.record["threshold"]
    verb = "集計して書き出しました" if outcome.written else "変更なし（同じ集計がすでにあります）"
    lines = [f"受講状況: {record['as_of']} 時点 … {verb}: {outcome.path}"]
    total = record["total"]
    lines.append("■ 市全体")
    lines += [f"  {LABELS[k]}: {_number(total[k])}" for k in FIGURES]
    shown, hidden = _division_counts(record)
    lines.append(f"■ 部署: 公開 {shown} ／ 非公開 {hidden}")
    lines += [
        f"  {_division(outcome, d)}: "
        + " ／ ".join(f"{LABELS[k]} {_number(v[k])}" for k in FIGURES)
        for d, v in record["divisions"].items()
        if v["learners"] is not None
    ]
    if record["unmatched_groups"]:
        lines.append(
            "■ どの部署にも当てはまらない Udemy グループ（市全体の数字にだけ入ります。"
            "「部署」タブの Udemyグループ に書くと、その部署に数えます）"
        )
        lines += [
            f"  {_group_name(name)}: {_number(n, ' 人')}"
            for name, n in record["unmatched_groups"].items()
        ]
    lines.append(withheld_note(threshold))
    if outcome.changes:
        lines.append(
            "■ 前回の集計のあとで、数え方にかかわるシートの内容が変わりました"
            "（前の日付の数字とは数え方が違います）"
        )
        lines += [f"  {change}" for change in outcome.changes]
    if outcome.notes:
        lines.append("■ 確かめてください")
        lines += [f"  {note}" for note in outcome.notes]
    read = outcome.read
    skipped = [
        f"匿名化された行 {_number(read['anonymized_rows'])}",
        f"非アクティブの人 {_number(read['deactivated_people'])}",
    ]
    lines.append(f"■ 読み込んだ行: {read['rows']:,}（除いたもの: {'、'.join(skipped)}）")
    return "\n".join(lines)


def format_invalid_text(error: ExportInvalid) -> str:
    lines = [str(error)]
    lines += [problem_line(problem) for problem in error.problems]
    if error.more:
        counts = "、".join(f"{column} {n:,} か所" for column, n in error.more.items())
        lines.append(f"  ほかに: {counts}")
    lines.append(
        "受講データは書き出していません（前の集計のまま変わっていません）。"
        "Udemy Business からダウンロードし直したファイルを、開かずにそのまま指定してください。"
    )
    return "\n".join(lines)


# --- Markdown -------------------------------------------------------------------


def format_markdown(outcome: Outcome) -> str:
    record, threshold = outcome.record, outcome.record["threshold"]
    out = [f"### 受講状況（{record['as_of']} 時点）", ""]
    out.append(
        "変更なし（同じ集計がすでにあります）。" if not outcome.written else "集計を更新しました。"
    )
    out += ["", md_row(["", *(LABELS[k] for k in FIGURES)]), md_row(["---", *["---:"] * 4])]
    out.append(md_row(["市全体", *(_number(record["total"][k]) for k in FIGURES)]))
    for division, values in record["divisions"].items():
        name = md_escape(_division(outcome, division))
        out.append(md_row([name, *(_number(values[k]) for k in FIGURES)]))
    out += ["", md_escape(withheld_note(threshold))]
    if record["unmatched_groups"]:
        out += ["", "#### どの部署にも当てはまらない Udemy グループ", ""]
        out += [
            f"- {md_escape(_group_name(name))}: {_number(n, ' 人')}"
            for name, n in record["unmatched_groups"].items()
        ]
    for title, items in (
        ("前回の集計のあとで変わった、数え方にかかわるシートの内容", outcome.changes),
        ("確かめてください", outcome.notes),
    ):
        if items:
            out += ["", f"#### {title}", ""]
            out += [f"- {md_escape(item)}" for item in items]
    return "\n".join(out) + "\n"


def format_invalid_markdown(error: ExportInvalid) -> str:
    out = ["### 受講データを読めませんでした", "", md_escape(str(error)), ""]
    out += [md_row(["行", "列", "内容"]), md_row(["---:", "---", "---"])]
    out += [_problem_row(p) for p in error.problems]
    if error.more:
        out.append("")
        out.append(
            "ほかに: " + "、".join(f"{md_escape(c)} {n:,} か所" for c, n in error.more.items())
        )
    return "\n".join(out) + "\n"


def _problem_row(problem: Problem) -> str:
    return md_row([str(problem.row), md_escape(problem.column or ""), md_escape(problem.message)])


def format_refused_markdown(message: str) -> str:
    lines: Sequence[str] = message.splitlines()
    return (
        "### 受講データを読めませんでした\n\n"
        + "\n".join(f"- {md_escape(line.strip())}" for line in lines)
        + "\n"
    )
