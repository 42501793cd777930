"""What to type in each column, in Japanese, worded once from the schema.

The fill-in guide page (``templates/guide.html``) and the template
workbook's header notes and dropdown messages all take their text from here,
so the two can never disagree.
"""

from __future__ import annotations

from manabi.schema import SETTINGS_HEADERS, TABS_BY_NAME, Column, Tab


def list_note(column: Column) -> str:
    """``（複数は「,」か「、」で区切る）`` from the column's separators."""
    return "（複数は" + "か".join(f"「{c}」" for c in column.separators) + "で区切る）"


def how_to_write(column: Column) -> str:
    """The form a column's value takes: ``区役所・局・… から選ぶ``, ``「分野」タブの分野ID``…"""
    if column.choices:
        text = f"{'・'.join(column.choices)} から選ぶ"
    elif column.ref:
        target = TABS_BY_NAME[column.ref].id_column
        id_name = target.name if target else "ID"
        text = f"「{column.ref}」タブの{id_name}"
        if column.also:
            text += f"、または {'・'.join(column.also)}"
    else:
        text = f"{column.kind.name}: {column.kind.hint}"
    return text + (list_note(column) if column.many else "")


def column_note(column: Column) -> str:
    """Everything about one column, for the note on its header cell (several lines)."""
    lines = [
        column.help,
        "必須です。" if column.required else "空欄でもかまいません。",
        f"書き方: {how_to_write(column)}",
    ]
    if column.example:
        lines.append(f"例: {column.example}")
    return "\n".join(lines)


def settings_notes(tab: Tab) -> tuple[str, str]:
    """Notes for the settings tab's two headers (項目, 値)."""
    items = "、".join(c.name for c in tab.columns)
    required = "、".join(c.name for c in tab.columns if c.required)
    return (
        f"{tab.about}\n使える{SETTINGS_HEADERS[0]}: {items}\n必須の{SETTINGS_HEADERS[0]}: {required}",
        f"{SETTINGS_HEADERS[0]}ごとの値です。書き方は、各行の{SETTINGS_HEADERS[0]}名のメモを見てください。",
    )


def dropdown_prompt(column: Column) -> str:
    """The message a spreadsheet shows when a dropdown cell is selected."""
    if column.many:
        return f"{how_to_write(column)}。一覧から 1 つ選ぶか、直接入力します。"
    return how_to_write(column)


def dropdown_error(column: Column) -> str:
    """The message a spreadsheet shows when a value is not in the dropdown's list."""
    if column.ref:
        return (
            f"一覧にない値です。{how_to_write(column)}を入力してください。"
            f"新しい ID なら、先に「{column.ref}」タブに行を追加します。"
        )
    return f"一覧にない値です。{how_to_write(column)}。"
