"""Golden table for the value parsers: what a person types → what the site stores,
or the Japanese message they get (a fragment of it).

Each row goes through the same path a cell does: ``normalize`` (NFKC and
trimming, as the column's kind asks), then the kind's parser.
"""

from __future__ import annotations

import pytest

from manabi import kinds

OK, BAD = "ok", "bad"

# (kind, typed text, "ok" → stored value | "bad" → message fragment)
CASES: list[tuple[kinds.Kind, str, str, object]] = [
    # --- dates: ISO, slashes, Japanese, eras, serials, full-width, stray spaces
    (kinds.DATE, "2026-12-01", OK, "2026-12-01"),
    (kinds.DATE, "2026/12/1", OK, "2026-12-01"),
    (kinds.DATE, "2026/12/01", OK, "2026-12-01"),
    (kinds.DATE, "2026.12.1", OK, "2026-12-01"),
    (kinds.DATE, "2026年12月1日", OK, "2026-12-01"),
    (kinds.DATE, "2026年 12月 1日", OK, "2026-12-01"),
    (kinds.DATE, "２０２６／１２／１", OK, "2026-12-01"),
    (kinds.DATE, "２０２６年１２月１日", OK, "2026-12-01"),
    (kinds.DATE, "令和8年12月1日", OK, "2026-12-01"),
    (kinds.DATE, "令和８年１２月１日", OK, "2026-12-01"),
    (kinds.DATE, "令和元年5月1日", OK, "2019-05-01"),
    (kinds.DATE, "平成31年4月30日", OK, "2019-04-30"),
    (kinds.DATE, "R8.12.1", OK, "2026-12-01"),
    (kinds.DATE, "r8/12/1", OK, "2026-12-01"),
    (kinds.DATE, "H30.1.5", OK, "2018-01-05"),
    (kinds.DATE, "46357", OK, "2026-12-01"),  # spreadsheet serial number
    (kinds.DATE, "46357.0", OK, "2026-12-01"),
    (kinds.DATE, "20261201", OK, "2026-12-01"),
    (kinds.DATE, "2026-12-01 00:00:00", OK, "2026-12-01"),  # a date cell read as datetime
    (kinds.DATE, "2026-12-03T00:00", OK, "2026-12-03"),
    (kinds.DATE, "2026年12月3日(木)", OK, "2026-12-03"),
    (kinds.DATE, "2026/12/3（木曜日）", OK, "2026-12-03"),
    (kinds.DATE, "  2026/12/1\u3000", OK, "2026-12-01"),
    (kinds.DATE, "2026年12月3日(金)", BAD, "木曜日です"),
    (kinds.DATE, "2026/2/30", BAD, "「2026/2/30」という日付はありません"),
    (kinds.DATE, "2026/13/1", BAD, "という日付はありません"),
    (kinds.DATE, "令和8年", BAD, "年-月-日"),
    (kinds.DATE, "12/1", BAD, "例: 2026-12-01"),
    (kinds.DATE, "26/12/1", BAD, "という日付はありません"),  # a 2-digit year is ambiguous
    (kinds.DATE, "来週", BAD, "年-月-日"),
    (kinds.DATE, "=TODAY()", BAD, "年-月-日"),
    (kinds.DATE, "#REF!", BAD, "年-月-日"),
    # --- hours
    (kinds.HOURS, "1.5", OK, 1.5),
    (kinds.HOURS, "１．５", OK, 1.5),
    (kinds.HOURS, "2", OK, 2.0),
    (kinds.HOURS, "1時間30分", OK, 1.5),
    (kinds.HOURS, "１時間３０分", OK, 1.5),
    (kinds.HOURS, "1 時間 30 分", OK, 1.5),
    (kinds.HOURS, "1時間半", OK, 1.5),
    (kinds.HOURS, "2時間", OK, 2.0),
    (kinds.HOURS, "1.5時間", OK, 1.5),
    (kinds.HOURS, "90分", OK, 1.5),
    (kinds.HOURS, "45分", OK, 0.75),
    (kinds.HOURS, "1h30m", OK, 1.5),
    (kinds.HOURS, "90min", OK, 1.5),
    (kinds.HOURS, "1:30", OK, 1.5),  # a time cell: 01:30
    (kinds.HOURS, "01:30", OK, 1.5),
    (kinds.HOURS, "0", BAD, "0 より大きく"),
    (kinds.HOURS, "0分", BAD, "0 より大きく"),
    (kinds.HOURS, "2000", BAD, "1000 以下"),
    (kinds.HOURS, "半", BAD, "例: 1.5、1時間30分、90分"),
    (kinds.HOURS, "約2時間", BAD, "時間数を数字で"),
    (kinds.HOURS, "-1", BAD, "時間数を数字で"),
    (kinds.HOURS, "9" * 5000 + "分", BAD, "時間数を数字で"),
    # --- integers
    (kinds.INTEGER, "3", OK, 3),
    (kinds.INTEGER, "３", OK, 3),
    (kinds.INTEGER, " 12 ", OK, 12),
    (kinds.INTEGER, "1,000", OK, 1000),
    (kinds.INTEGER, "１，０００", OK, 1000),
    (kinds.INTEGER, "3.0", OK, 3),  # a number cell read as float
    (kinds.INTEGER, "-2", OK, -2),
    (kinds.INTEGER, "3.5", BAD, "整数を半角数字で"),
    (kinds.INTEGER, "三", BAD, "整数を半角数字で"),
    (kinds.INTEGER, "=SUM(A1)", BAD, "整数を半角数字で"),
    (kinds.INTEGER, "9" * 5000, BAD, "数が大きすぎます"),
    # --- times
    (kinds.TIME, "15:00", OK, "15:00"),
    (kinds.TIME, "9:30", OK, "09:30"),
    (kinds.TIME, "１５：００", OK, "15:00"),
    (kinds.TIME, "15:00:00", OK, "15:00"),
    (kinds.TIME, "15時", OK, "15:00"),
    (kinds.TIME, "15時30分", OK, "15:30"),
    (kinds.TIME, "15時半", OK, "15:30"),
    (kinds.TIME, "25:00", BAD, "時:分"),
    (kinds.TIME, "15:60", BAD, "時:分"),
    (kinds.TIME, "午後3時", BAD, "例: 15:00"),
    # --- IDs: strict, they become URLs and file names
    (kinds.SLUG_ID, "kita", OK, "kita"),
    (kinds.SLUG_ID, " kita\u3000", OK, "kita"),
    (kinds.SLUG_ID, "ｋｉｔａ", OK, "kita"),  # full-width letters are the same letters
    (kinds.SLUG_ID, "c001", OK, "c001"),
    (kinds.SLUG_ID, "data-intro-1", OK, "data-intro-1"),
    (kinds.SLUG_ID, "Kita", BAD, "「kita」のように"),
    (kinds.SLUG_ID, "kita_ku", BAD, "「kita-ku」のように"),
    (kinds.SLUG_ID, "北区", BAD, "半角の英小文字・数字・ハイフン"),
    (kinds.SLUG_ID, "-kita", BAD, "先頭は英小文字か数字"),
    (kinds.SLUG_ID, "ki ta", BAD, "「ki-ta」のように"),
    (kinds.SLUG_ID, "../etc", BAD, "半角の英小文字・数字・ハイフン"),
    (kinds.SLUG_ID, "a" * 65, BAD, "64 文字以内"),
    (kinds.SLUG_ID, "#REF!", BAD, "半角の英小文字・数字・ハイフン"),
    (kinds.SLUG_ID, "😀", BAD, "半角の英小文字・数字・ハイフン"),
    # --- URLs: strict, only https/http/mailto
    (kinds.URL, "https://udemy.example.com/course/1/", OK, "https://udemy.example.com/course/1/"),
    (kinds.URL, "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｊｐ／", OK, "https://example.jp/"),
    (kinds.URL, " http://example.jp ", OK, "http://example.jp"),
    (kinds.URL, "HTTPS://EXAMPLE.JP/", OK, "HTTPS://EXAMPLE.JP/"),
    (kinds.URL, "mailto:dx@city.example.jp", OK, "mailto:dx@city.example.jp"),
    (kinds.URL, "javascript:alert(1)", BAD, "https:// または http:// で始まるもの"),
    (kinds.URL, "JavaScript:alert(1)", BAD, "https:// または http:// で始まるもの"),
    (kinds.URL, "data:text/html,<script>alert(1)</script>", BAD, "https:// または http://"),
    (kinds.URL, "file:///etc/passwd", BAD, "https:// または http://"),
    (kinds.URL, "//evil.example/", BAD, "https:// または http://"),
    (kinds.URL, "www.example.jp/course", BAD, "https://www.example.jp/course"),
    (kinds.URL, "example.jp", BAD, "https:// から入力"),
    (kinds.URL, "https://", BAD, "サイトの名前がありません"),
    (kinds.URL, "https://example.jp/a b", BAD, "空白や引用符"),
    (kinds.URL, 'https://example.jp/"onmouseover="x', BAD, "空白や引用符"),
    (kinds.URL, "mailto:", BAD, "mailto: のあとにメールアドレス"),
    # --- e-mail and extension
    (kinds.EMAIL_ADDRESS, "hanako@city.example.jp", OK, "hanako@city.example.jp"),
    (
        kinds.EMAIL_ADDRESS,
        "ｈａｎａｋｏ＠ｃｉｔｙ．ｅｘａｍｐｌｅ．ｊｐ",
        OK,
        "hanako@city.example.jp",
    ),
    (kinds.EMAIL_ADDRESS, "hanako", BAD, "メールアドレスを半角で"),
    (kinds.PHONE_EXTENSION, "03125", OK, "03125"),
    (kinds.PHONE_EXTENSION, "０３１２５", OK, "03125"),
    (kinds.PHONE_EXTENSION, "06-1234", OK, "06-1234"),
    (kinds.PHONE_EXTENSION, "内線3125", BAD, "書式なしテキスト"),
    # --- Udemy course IDs (digits kept as text), head counts, the privacy threshold
    (kinds.DIGITS_ID, "1565838", OK, "1565838"),
    (kinds.DIGITS_ID, "１５６５８３８", OK, "1565838"),
    (kinds.DIGITS_ID, "1565838.0", OK, "1565838"),  # a number cell
    (kinds.DIGITS_ID, "0123", OK, "0123"),
    (kinds.DIGITS_ID, "c1565838", BAD, "半角数字だけ"),
    (kinds.DIGITS_ID, "1565838.5", BAD, "半角数字だけ"),
    (kinds.DIGITS_ID, "1234567890123", BAD, "12 桁まで"),
    (kinds.HEADCOUNT, "120", OK, 120),
    (kinds.HEADCOUNT, "1,200", OK, 1200),
    (kinds.HEADCOUNT, "0", BAD, "1 以上の整数"),
    (kinds.HEADCOUNT, "-3", BAD, "1 以上の整数"),
    (kinds.HEADCOUNT, "約100", BAD, "整数を半角数字で"),
    (kinds.MIN_GROUP, "10", OK, 10),
    (kinds.MIN_GROUP, "5", OK, 5),
    (kinds.MIN_GROUP, "4", BAD, "5 人未満にはできません"),
    (kinds.MIN_GROUP, "0", BAD, "5 以上の整数"),
    # --- free text is kept as typed (only its ends are trimmed)
    (kinds.TEXT, "  データ活用\u3000", OK, "データ活用"),
    (kinds.TEXT, "ＤＸ（全角）", OK, "ＤＸ（全角）"),
    (kinds.TEXT, "1行目\r\n2行目", OK, "1行目\n2行目"),
    (kinds.TEXT, "=SUM(A1)", OK, "=SUM(A1)"),
    (kinds.TEXT, "<script>alert(1)</script>", OK, "<script>alert(1)</script>"),
    (kinds.TEXT, "😀" * 3, OK, "😀😀😀"),
    (kinds.CHOICE, " 区役所 ", OK, "区役所"),
    (kinds.CHOICE, "ｵﾝﾗｲﾝ研修", OK, "オンライン研修"),  # half-width katakana
]


def _parse(kind: kinds.Kind, typed: str) -> object:
    return kind.parse(kinds.normalize(typed, nfkc=kind.normalize_nfkc))


@pytest.mark.parametrize(
    ("kind", "typed", "outcome", "expected"),
    CASES,
    ids=[f"{k.name}:{t[:24]!r}" for k, t, _, _ in CASES],
)
def test_a_typed_value_is_stored_or_explained(
    kind: kinds.Kind, typed: str, outcome: str, expected: object
) -> None:
    if outcome == OK:
        assert _parse(kind, typed) == expected
    else:
        with pytest.raises(kinds.Invalid) as raised:
            _parse(kind, typed)
        message = str(raised.value)
        assert str(expected) in message
        assert message.endswith("。") or message.endswith("）")
        assert len(message) < 200, "a message quotes a long cell only in part"


LISTS = [
    ("data、security", ["data", "security"]),
    ("data,security", ["data", "security"]),
    ("data, security", ["data", "security"]),
    ("data，security", ["data", "security"]),  # full-width comma (NFKC)
    ("data､security", ["data", "security"]),  # half-width ideographic comma (NFKC)
    ("data\nsecurity", ["data", "security"]),  # Alt+Enter in a cell
    ("data、、security、", ["data", "security"]),
    (" data ", ["data"]),
    ("", []),
]


@pytest.mark.parametrize(("typed", "items"), LISTS)
def test_a_list_cell_splits_on_commas_and_ideographic_commas(typed: str, items: list[str]) -> None:
    assert kinds.split_list(kinds.normalize(typed, nfkc=True)) == items


def test_a_long_value_is_quoted_shortly_and_on_one_line() -> None:
    assert kinds.shorten("あ" * 100) == "あ" * 40 + "…"
    assert kinds.shorten("1行目\n2行目") == "1行目 2行目"
