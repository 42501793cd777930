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
ERAS = {"令和": 2018, "平成": 1988, "R": 2018, "H": 1988}
WEEKDAYS = "月火水木金土日"
SHORT = 40  # characters of a cell quoted back in a message


def shorten(text: str, limit: int = SHORT) -> str:
    """Cell text quoted in a message: one line, at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def parse_text(text: str) -> str:
    return text


# Bounds keep absurd input (a pasted 5,000-digit number) a message, not a crash:
# int() refuses more than 4,300 digits, and no count here needs 10 digits.
MAX_DIGITS = 9
MAX_DIGITS_ID = 12  # a Udemy course ID has 6 or 7 digits today
MAX_ID_LENGTH = 64  # an ID becomes a file and URL name; keep it well under 255 bytes


def parse_integer(text: str) -> int:
    cleaned = text.replace(",", "").replace(" ", "")
    match = re.fullmatch(r"(-?[0-9]+)(?:\.0+)?", cleaned)  # 3.0 comes from a number cell
    if not match:
        raise Invalid("整数を半角数字で入力してください（例: 3）。")
    if len(match.group(1).lstrip("-")) > MAX_DIGITS:
        raise Invalid(f"数が大きすぎます。{MAX_DIGITS} 桁以内の整数を入力してください（例: 3）。")
    return int(match.group(1))


_HOURS_WORDS = re.compile(
    r"(?:(?P<h>[0-9]{1,4}(?:\.[0-9]{1,4})?)(?:時間|h|hr|hours?))?"
    r"(?P<half>半)?"
    r"(?:(?P<m>[0-9]{1,5})(?:分|m|min|minutes?))?",
    re.IGNORECASE,
)


def parse_hours(text: str) -> float:
    """Hours as a decimal: ``1.5``, ``1時間30分``, ``1時間半``, ``90分``, ``1:30``."""
    cleaned = text.replace(" ", "")
    words = _HOURS_WORDS.fullmatch(cleaned)
    clock = re.fullmatch(r"([0-9]{1,3}):([0-5][0-9])(?::00)?", cleaned)  # a time cell: 01:30
    if re.fullmatch(r"[0-9]{1,4}(?:\.[0-9]{1,20})?", cleaned):  # 20 places: a float's repr
        hours = float(cleaned)
    elif clock:
        hours = int(clock.group(1)) + int(clock.group(2)) / 60
    elif words and (words["h"] or words["m"]) and not (words["half"] and not words["h"]):
        hours = float(words["h"] or 0) + int(words["m"] or 0) / 60 + (0.5 if words["half"] else 0)
    else:
        raise Invalid("時間数を数字で入力してください（例: 1.5、1時間30分、90分）。")
    if hours <= 0 or hours > 1000:
        raise Invalid("時間数は 0 より大きく 1000 以下にしてください（例: 1.5）。")
    return round(hours, 2)


_DATE = re.compile(
    r"(?P<era>令和|平成|R|H)?(?P<year>[0-9]{1,4}|元)[-/年.](?P<month>[0-9]{1,2})[-/月.]"
    r"(?P<day>[0-9]{1,2})日?"
    r"(?:\((?P<weekday>[月火水木金土日])(?:曜日?)?\))?",  # 2026年12月3日(木), as calendars print it
    re.IGNORECASE,
)


def parse_date(text: str) -> str:
    """ISO date text from 2026-12-01, 2026/12/1, 2026年12月1日, 令和8年12月1日, R8.12.1,
    20261201 or a spreadsheet serial number."""
    cleaned = text.replace(" ", "")
    cleaned = re.sub(r"(?:T|\s)?0?0:00(?::00)?$", "", cleaned)
    try:
        if re.fullmatch(r"[0-9]{5}(?:\.0+)?", cleaned):
            return (SERIAL_EPOCH + dt.timedelta(days=int(float(cleaned)))).isoformat()
        if re.fullmatch(r"(?:19|20)[0-9]{6}", cleaned):
            return dt.date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:])).isoformat()
        match = _DATE.fullmatch(cleaned)
        if match:
            year = 1 if match["year"] == "元" else int(match["year"])
            if match["era"]:
                year += ERAS[match["era"].upper()]
            elif year < 1900:
                raise ValueError
            day = dt.date(year, int(match["month"]), int(match["day"]))
            weekday = WEEKDAYS[day.weekday()]
            if match["weekday"] and match["weekday"] != weekday:
                raise Invalid(
                    f"{day.isoformat()} は{weekday}曜日です。日付か曜日を確かめてください"
                    "（曜日は書かなくてもかまいません）。"
                )
            return day.isoformat()
    except Invalid:
        raise
    except ValueError:  # dt.date refused it: 2026/2/30, month 13…
        raise Invalid(
            f"「{shorten(text)}」という日付はありません。正しい日付を入力してください（例: 2026-12-01）。"
        ) from None
    raise Invalid(
        "日付を 年-月-日 で入力してください（例: 2026-12-01、2026/12/1、令和8年12月1日）。"
    )


def parse_time(text: str) -> str:
    """``15:00``, ``9:30``, ``15時``, ``15時30分``, ``15時半`` → ``HH:MM``."""
    match = re.fullmatch(
        r"([0-9]{1,2})(?::([0-9]{2})(?::00)?|時(?:([0-9]{1,2})分|(半))?)", text.replace(" ", "")
    )
    if match:
        hour = int(match.group(1))
        minute = 30 if match.group(4) else int(match.group(2) or match.group(3) or 0)
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise Invalid("時刻を 時:分 で入力してください（例: 15:00）。")


def parse_digits(text: str) -> str:
    """An ID made of digits, kept as text: ``1565838`` (``1565838.0`` from a number cell)."""
    cleaned = re.sub(r"\.0+$", "", text.replace(" ", ""))
    if re.fullmatch(f"[0-9]{{1,{MAX_DIGITS_ID}}}", cleaned):
        return cleaned
    raise Invalid(
        f"半角数字だけで入力してください（{MAX_DIGITS_ID} 桁まで。例: 1565838）。"
        "先頭の 0 が消える場合は、セルの書式を「書式なしテキスト」にしてください。"
    )


def at_least(minimum: int, why: str = "") -> Callable[[str], int]:
    """A parser for whole numbers of ``minimum`` or more; ``why`` explains the bound."""

    def parse(text: str) -> int:
        value = parse_integer(text)
        if value < minimum:
            raise Invalid(
                f"{minimum} 以上の整数を入力してください{why}（例: {max(minimum, 10)}）。"
            )
        return value

    return parse


def parse_slug(text: str) -> str:
    if len(text) > MAX_ID_LENGTH:
        raise Invalid(f"ID が長すぎます。{MAX_ID_LENGTH} 文字以内にしてください（例: kita-ku）。")
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
    if not scheme and re.match(r"(?:www\.)?[A-Za-z0-9-]+\.[A-Za-z0-9.-]+(?:/|$)", text):
        raise Invalid(f"URL は https:// から入力してください（例: https://{shorten(text)}）。")
    if scheme not in ALLOWED_SCHEMES:
        raise Invalid(
            "URL は https:// または http:// で始まるもの（メールは mailto:）だけが使えます"
            "（例: https://www.example.jp/course/1）。"
        )
    if scheme == "mailto" and not EMAIL.fullmatch(parts.path):
        raise Invalid(
            "mailto: のあとにメールアドレスを入力してください（例: mailto:dx@city.example.jp）。"
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


def parse_site_url(text: str) -> str:
    """The address the site is published at: an http(s) URL of a folder, ending in ``/``.

    It passes the same allow-list as every URL first; a query or a fragment
    would end up in every page's address, so neither is accepted.
    """
    url = parse_url(text)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("https", "http"):
        raise Invalid(
            "サイトのアドレスは https:// または http:// で始まる URL を入力してください"
            "（例: https://intranet.city.example.jp/dx/manabi/）。"
        )
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise Invalid(
            "サイトのアドレスに「?」や「#」から後ろは使えません。トップページのアドレスを"
            "入力してください（例: https://intranet.city.example.jp/dx/manabi/）。"
        )
    return url if url.endswith("/") else url + "/"


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
SITE_URL = Kind("URL", "https:// で始まるトップページの URL", parse_site_url)
EMAIL_ADDRESS = Kind("メールアドレス", "例: dx-madoguchi@city.example.jp", parse_email)
PHONE_EXTENSION = Kind("内線番号", "半角数字（例: 03125）", parse_extension)
DIGITS_ID = Kind("数字のID", "半角数字（例: 1565838）", parse_digits)
HEADCOUNT = Kind("人数", "1 以上の半角数字（例: 120）", at_least(1))
# Figures about fewer people than this could point at a person: the floor of the
# privacy threshold (Workplace Analytics' "never below 5"; see DESIGN.md).
PRIVACY_FLOOR = 5
MIN_GROUP = Kind(
    "人数",
    f"{PRIVACY_FLOOR} 以上の半角数字（例: 10）",
    at_least(PRIVACY_FLOOR, "（一人ひとりの受講状況がわからないよう、5 人未満にはできません）"),
)
CHOICE = Kind("選択肢", "一覧から選びます", parse_text)

# 「,」 and 「、」 as the contract says; a line break too (Alt+Enter in a cell).
LIST_SEPARATORS = ",、"


def split_list(text: str, separators: str = LIST_SEPARATORS) -> list[str]:
    """``a、b, c`` → ``['a', 'b', 'c']``; empty items are dropped.

    A line break always separates; ``separators`` are the other characters that do.
    """
    pattern = "[" + re.escape(separators) + "\n]"
    return [item.strip() for item in re.split(pattern, text) if item.strip()]
