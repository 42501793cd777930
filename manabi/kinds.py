"""Value kinds of the spreadsheet: how one cell's text becomes a value.

Each kind has a Japanese name and a hint (shown in the fill-in guide, in the
template's header notes and in error messages) and a parser that raises
:class:`Invalid` with a Japanese sentence saying what to type instead.
Parsers receive text that is already normalized (NFKC, trimmed).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit


class Invalid(ValueError):
    """A cell's text does not fit its kind; ``str()`` says what to type."""


@dataclass(frozen=True, slots=True)
class Kind:
    name: str  # Japanese name of the kind, e.g. 整数
    hint: str  # what to type, e.g. 半角数字（例: 3）
    parse: Callable[[str], object]
    normalize_nfkc: bool = True  # False for free text, kept as typed


def normalize(text: str, *, nfkc: bool) -> str:
    """Full-width digits and spaces become half-width (NFKC); ends trimmed.

    Free text keeps its characters (Japanese punctuation stays full-width);
    only its line ends are unified and outer spaces removed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if nfkc:
        text = unicodedata.normalize("NFKC", text)
    return text.strip(" \t\n\u3000")


# --- parsers ---------------------------------------------------------------

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
EXTENSION = re.compile(r"[0-9][0-9-]*")
ALLOWED_SCHEMES = ("https", "http", "mailto")
# Spreadsheet serial dates count days from 1899-12-30 (Excel, LibreOffice, Sheets).
SERIAL_EPOCH = dt.date(1899, 12, 30)
ERAS = {"令和": 2018, "平成": 1988}


def parse_text(text: str) -> str:
    return text


def parse_integer(text: str) -> int:
    cleaned = text.replace(",", "")
    if re.fullmatch(r"-?[0-9]+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?[0-9]+\.0+", cleaned):  # 3.0 from a number cell
        return int(float(cleaned))
    raise Invalid("整数を半角数字で入力してください（例: 3）。")


def parse_hours(text: str) -> float:
    """Hours as a decimal: ``1.5``, ``1時間30分``, ``90分``, ``2時間``."""
    cleaned = text.replace(" ", "")
    match = re.fullmatch(r"(?:([0-9]+(?:\.[0-9]+)?)(?:時間|h))?(?:([0-9]+)分)?", cleaned)
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", cleaned):
        hours = float(cleaned)
    elif match and (match.group(1) or match.group(2)):
        hours = float(match.group(1) or 0) + int(match.group(2) or 0) / 60
    else:
        raise Invalid("時間数を数字で入力してください（例: 1.5、1時間30分、90分）。")
    if hours <= 0 or hours > 1000:
        raise Invalid("時間数は 0 より大きく 1000 以下にしてください（例: 1.5）。")
    return round(hours, 2)


def parse_date(text: str) -> str:
    """ISO date text from 2026-12-01, 2026/12/1, 2026年12月1日, 令和8年12月1日 or a serial."""
    cleaned = text.replace(" ", "")
    cleaned = re.sub(r"(?:T|\s)?00:00(?::00)?$", "", cleaned)
    try:
        if re.fullmatch(r"[0-9]{5}(?:\.0+)?", cleaned):
            return (SERIAL_EPOCH + dt.timedelta(days=int(float(cleaned)))).isoformat()
        match = re.fullmatch(
            r"(令和|平成)?([0-9]{1,4}|元)[-/年.]([0-9]{1,2})[-/月.]([0-9]{1,2})日?", cleaned
        )
        if match:
            era, year_text, month, day = match.groups()
            year = 1 if year_text == "元" else int(year_text)
            if era:
                year += ERAS[era]
            elif year < 1900:
                raise ValueError
            return dt.date(year, int(month), int(day)).isoformat()
    except ValueError:
        raise Invalid(
            f"「{text}」という日付はありません。正しい日付を入力してください（例: 2026-12-01）。"
        ) from None
    raise Invalid(
        "日付を 年-月-日 で入力してください（例: 2026-12-01、2026/12/1、令和8年12月1日）。"
    )


def parse_time(text: str) -> str:
    match = re.fullmatch(r"([0-9]{1,2})[:時]([0-9]{2})分?(?::00)?", text.replace(" ", ""))
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise Invalid("時刻を 時:分 で入力してください（例: 15:00）。")


def parse_slug(text: str) -> str:
    if SLUG.fullmatch(text):
        return text
    lowered = text.lower().replace("_", "-").replace(" ", "-")
    hint = f"「{lowered}」のように、" if SLUG.fullmatch(lowered) else ""
    raise Invalid(
        f"ID は半角の英小文字・数字・ハイフンだけで入力してください（{hint}例: kita-ku）。"
        "先頭は英小文字か数字にします。"
    )


def parse_url(text: str) -> str:
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise Invalid(
            "URL は https:// または http:// で始まるもの（メールは mailto:）だけが使えます"
            "（例: https://www.example.jp/course/1）。"
        )
    if scheme != "mailto" and not parts.netloc:
        raise Invalid(
            "URL にサイトの名前がありません。https://www.example.jp/ の形で入力してください。"
        )
    if any(ch in text for ch in " \n\t\"'<>`"):
        raise Invalid(
            "URL に空白や引用符は使えません。ブラウザのアドレス欄からコピーして貼り付けてください。"
        )
    return text


def parse_email(text: str) -> str:
    if EMAIL.fullmatch(text):
        return text
    raise Invalid("メールアドレスを半角で入力してください（例: dx-madoguchi@city.example.jp）。")


def parse_extension(text: str) -> str:
    # Kept as text: 内線 03125 must keep its leading zero.
    if EXTENSION.fullmatch(text):
        return text
    raise Invalid(
        "内線番号を半角数字で入力してください（例: 03125）。"
        "先頭の 0 が消える場合は、セルの書式を「書式なしテキスト」にしてください。"
    )


TEXT = Kind("文字列", "自由に入力できます", parse_text, normalize_nfkc=False)
INTEGER = Kind("整数", "半角数字（例: 3）", parse_integer)
HOURS = Kind("時間数", "時間（例: 1.5、1時間30分、90分）", parse_hours)
DATE = Kind("日付", "年-月-日（例: 2026-12-01、2026/12/1）", parse_date)
TIME = Kind("時刻", "時:分（例: 15:00）", parse_time)
SLUG_ID = Kind("ID", "半角英小文字・数字・ハイフン（例: kita-ku）", parse_slug)
URL = Kind("URL", "https:// で始まる URL", parse_url)
EMAIL_ADDRESS = Kind("メールアドレス", "例: dx-madoguchi@city.example.jp", parse_email)
PHONE_EXTENSION = Kind("内線番号", "半角数字（例: 03125）", parse_extension)
CHOICE = Kind("選択肢", "一覧から選びます", parse_text)

LIST_SEPARATORS = re.compile(r"[,、]")


def split_list(text: str) -> list[str]:
    """``a、b, c`` → ``['a', 'b', 'c']``; empty items are dropped."""
    return [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]
