"""The sample site in real Chromium: the checklist, the countdown and the events on the day read.

"Today" is set with Playwright's clock, so these hold whatever day the suite runs.
Every request a page makes is recorded; none may leave 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import MINIMAL, run_cli

pytestmark = pytest.mark.browser

TOKYO = ZoneInfo("Asia/Tokyo")
FIRST_COURSE = "ゼロから始めるデータ活用入門"  # first step of 北区役所's path (入門)


def tokyo(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TOKYO)


@pytest.fixture(scope="module")
def base_url(sample_site: Path, serve_site) -> str:
    return serve_site(sample_site)


class Visit:
    """A fresh browser profile (empty localStorage) that records every request."""

    def __init__(self, browser, **context_options: object) -> None:
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).hostname != "127.0.0.1"]


@pytest.fixture
def visit(browser) -> Iterator[object]:
    visits: list[Visit] = []

    def _open(**context_options: object) -> Visit:
        visits.append(Visit(browser, **context_options))
        return visits[-1]

    yield _open
    for v in visits:
        assert v.outside_requests() == [], "a request left the machine"
        assert v.errors == [], "the page raised a script error"
        v.context.close()


def done_box(page, course: str):
    return page.get_by_role("checkbox", name=f"「{course}」を受講済み")


def started_box(page, course: str):
    return page.get_by_role("checkbox", name=f"「{course}」を受講中")


def squash(text: str) -> str:
    return " ".join(text.split())


def progress_value(page) -> int:
    return int(page.locator("[data-manabi-checklist] progress").get_attribute("value"))


# --- the checklist -------------------------------------------------------------------


def test_a_ticked_course_stays_ticked_after_a_reload_and_moves_the_progress_bar(
    visit, base_url: str
) -> None:
    v = visit()
    page = v.page
    page.goto(base_url + "divisions/kita/", wait_until="networkidle")  # search index too
    panel = page.locator("[data-manabi-checklist]")
    assert panel.is_visible()
    assert progress_value(page) == 0
    loaded = len(v.requests)

    done_box(page, FIRST_COURSE).check()
    assert progress_value(page) == 1
    assert "3 講座のうち 1 講座を受講済み" in panel.inner_text()
    assert len(v.requests) == loaded  # ticking sends nothing anywhere

    page.reload()
    assert done_box(page, FIRST_COURSE).is_checked()
    assert not started_box(page, FIRST_COURSE).is_checked()
    assert progress_value(page) == 1
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('manabi.checklist'))")
    # Keyed by the period's 受講期限 and the course ID, so it survives a rebuild.
    assert stored == {"version": 2, "periods": {"2027-03-31": {"c001": "done"}}}


def test_started_and_done_exclude_each_other_and_unticking_clears_the_course(
    visit, base_url: str
) -> None:
    page = visit().page
    page.goto(base_url + "divisions/kita/")

    started_box(page, FIRST_COURSE).check()
    assert progress_value(page) == 0
    assert "受講中 1 講座" in page.locator("[data-manabi-checklist]").inner_text()
    done_box(page, FIRST_COURSE).check()
    assert not started_box(page, FIRST_COURSE).is_checked()
    assert progress_value(page) == 1
    done_box(page, FIRST_COURSE).uncheck()
    assert progress_value(page) == 0
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('manabi.checklist'))")
    assert stored == {"version": 2, "periods": {}}


def test_a_course_can_be_ticked_with_the_keyboard_alone(visit, base_url: str) -> None:
    page = visit().page
    page.goto(base_url + "divisions/kita/")
    target = done_box(page, FIRST_COURSE)
    started = started_box(page, FIRST_COURSE)

    for _ in range(400):  # Tab through the page, as a keyboard user does
        page.keyboard.press("Tab")
        if started.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first course's 受講中 box")
    page.keyboard.press("Space")
    assert started.is_checked()
    page.keyboard.press("Tab")
    assert target.evaluate("el => el === document.activeElement")
    page.keyboard.press("Space")
    assert target.is_checked() and not started.is_checked()
    assert progress_value(page) == 1


def test_meeting_the_quota_points_to_the_next_level_and_the_next_session(
    visit, base_url: str
) -> None:
    v = visit()
    page = v.page
    page.clock.set_fixed_time(tokyo(2027, 1, 25))
    page.goto(base_url + "divisions/kita/")
    met = page.locator("[data-manabi-met]")
    entry_steps = page.locator('section[data-level="intro"] li[data-course]')

    for i in range(2):
        entry_steps.nth(i).get_by_role("checkbox", name="受講済み").check()
    assert progress_value(page) == 2
    assert not met.is_visible()

    entry_steps.nth(2).get_by_role("checkbox", name="受講済み").check()
    assert progress_value(page) == 3
    assert met.is_visible()
    text = met.inner_text()
    assert "目標の 3 講座を達成しました" in text
    assert "次は「基礎」レベルの講座です" in text
    assert "ピボットテーブルで集計を速くする実践講座" in text  # a 基礎 course of the path
    # The next session for 北区役所 after 2027-01-25 (EBPM on 01-28 is for 局・室 only).
    assert "RPAシナリオ作成ハンズオン" in text
    assert "EBPM実践ワークショップ" not in text

    # A fourth course, this time at 基礎: the pointer moves on to 応用.
    page.locator('section[data-level="basic"] li[data-course]').first.get_by_role(
        "checkbox", name="受講済み"
    ).check()
    assert progress_value(page) == 3  # the bar is full; it does not overflow
    assert "次は「応用」レベルの講座です" in met.inner_text()


# --- the deadline --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "divisions/kita/"])
def test_before_the_deadline_the_days_remaining_are_counted_from_the_day_read(
    visit, base_url: str, path: str
) -> None:
    page = visit().page
    page.clock.set_fixed_time(tokyo(2027, 3, 1))
    page.goto(base_url + path)
    quota = page.locator("[data-manabi-quota]")

    assert "受講期限まで あと 30 日です。" in quota.inner_text()  # 3月1日 → 3月31日
    assert not page.locator('[data-manabi-phase="after"]').is_visible()

    page.clock.set_fixed_time(tokyo(2027, 3, 31, 20))
    page.reload()
    assert "今日が受講期限です。" in quota.inner_text()


def test_the_count_uses_tokyo_days_whatever_the_computers_time_zone(visit, base_url: str) -> None:
    # 2027-03-01 08:00 in Tokyo is still 28 February in New York.
    page = visit(timezone_id="America/New_York").page
    page.clock.set_fixed_time(tokyo(2027, 3, 1, 8))
    page.goto(base_url)

    assert "あと 30 日" in page.locator("[data-manabi-quota]").inner_text()


@pytest.mark.parametrize("path", ["", "divisions/kita/"])
def test_after_the_deadline_a_message_points_to_the_next_level_and_study_session(
    visit, base_url: str, path: str
) -> None:
    page = visit().page
    page.clock.set_fixed_time(tokyo(2027, 3, 10))
    page.goto(base_url + path)
    assert "あと 21 日" in page.locator("[data-manabi-quota]").inner_text()

    page.clock.set_fixed_time(tokyo(2027, 4, 1))
    page.reload()
    quota = page.locator("[data-manabi-quota]")
    text = quota.inner_text()
    assert "受講期限（2027年3月31日(水)）を過ぎました。" in text
    assert "あと" not in text  # no countdown once it has passed
    assert "次のレベルへ" in text and "一つ上のレベルの講座に進みましょう" in text
    # The sample's last もくもく会 is on 3月18日: nothing scheduled, say so.
    assert "次のもくもく会" in text
    assert "日程が決まりしだい「予定」ページでお知らせします。" in text

    page.clock.set_fixed_time(tokyo(2027, 3, 15))
    page.reload()
    # Before the deadline the after-message and its もくもく会 hint stay hidden.
    assert not page.locator('[data-manabi-phase="after"]').is_visible()


@pytest.fixture(scope="module")
def early_deadline_url(tmp_path_factory: pytest.TempPathFactory, serve_site) -> str:
    """The minimal sheet with a deadline of 2026-12-01 and sessions on both sides of a day."""
    sheet = tmp_path_factory.mktemp("early") / "sheet"
    sheet.mkdir()
    for source in MINIMAL.iterdir():
        (sheet / source.name).write_bytes(source.read_bytes())
    settings = (sheet / "設定.csv").read_text(encoding="utf-8")
    (sheet / "設定.csv").write_text(settings.replace("2027-03-31", "2026-12-01"), encoding="utf-8")
    (sheet / "予定.csv").write_text(
        "日付,開始,終了,種別,タイトル,場所,定員,申込URL,対象\n"
        "2026-12-03,15:00,17:00,もくもく会,12月のもくもく会,本庁舎 会議室,20,,\n"
        "2026-12-10,10:00,12:00,対面研修,表計算の研修,本庁舎 研修室,10,,\n"
        "2027-01-14,15:00,17:00,もくもく会,1月のもくもく会,オンライン,,,\n",
        encoding="utf-8",
    )
    site = tmp_path_factory.mktemp("early") / "site"
    assert run_cli("build", "--source", sheet, "--site-dir", site) == 0
    return serve_site(site)


@pytest.mark.parametrize("path", ["", "divisions/kita/"])
def test_after_the_deadline_the_next_study_session_is_the_first_one_after_the_day_read(
    visit, early_deadline_url: str, path: str
) -> None:
    page = visit().page
    page.clock.set_fixed_time(tokyo(2026, 12, 5))
    page.goto(early_deadline_url + path)
    after = page.locator('[data-manabi-phase="after"]')

    assert after.is_visible()
    assert "受講期限（2026年12月1日(火)）を過ぎました。" in after.inner_text()
    sessions = after.locator("li[data-date]:visible")
    # Not the past 12月3日 one, not the 対面研修 on 12月10日: the next もくもく会.
    assert sessions.count() == 1
    assert "1月のもくもく会" in sessions.inner_text()
    assert "2027年1月14日(木) 15:00–17:00" in sessions.inner_text()


# --- events on the day read ------------------------------------------------------------


def test_the_events_page_moves_what_is_past_on_the_day_read_into_the_folded_section(
    visit, base_url: str
) -> None:
    page = visit().page
    page.clock.set_fixed_time(tokyo(2027, 1, 25))
    page.goto(base_url + "events/")
    upcoming = page.locator('[data-manabi-list="upcoming"]')
    past = page.locator("details[data-manabi-past]")

    first = upcoming.locator("li[data-date]").first
    assert "EBPM実践ワークショップ" in first.inner_text()
    assert "2027年1月28日(木) 10:00–16:00" in first.inner_text()
    assert upcoming.locator("li[data-date]").count() == 5
    assert upcoming.locator("h3").all_inner_texts() == ["2027年1月", "2027年2月", "2027年3月"]
    assert "終わった予定（9 件）" in past.locator("summary").inner_text()
    assert not past.locator("li").first.is_visible()  # folded
    past.locator("summary").click()
    assert "1月のもくもく会" in past.locator("li[data-date]").first.inner_text()  # latest first
    assert past.locator("h3").first.inner_text() == "2027年1月"

    page.clock.set_fixed_time(tokyo(2026, 10, 1))
    page.reload()
    assert upcoming.locator("li[data-date]").count() == 14
    assert not past.is_visible()  # nothing is past yet


def test_a_division_page_shows_its_next_three_events_on_the_day_read(visit, base_url: str) -> None:
    page = visit().page
    page.clock.set_fixed_time(tokyo(2027, 1, 25))
    page.goto(base_url + "divisions/kita/")
    listed = page.locator('[data-manabi-next="3"] li[data-date]:visible')

    assert listed.locator(".manabi-event__title").all_inner_texts() == [
        "RPAシナリオ作成ハンズオン",
        "2月のもくもく会",
        "書かない窓口の設計ワークショップ",
    ]

    page.clock.set_fixed_time(tokyo(2027, 3, 19))
    page.reload()
    assert listed.count() == 0
    assert page.get_by_text("この部署が対象の、これからの予定はまだありません。").is_visible()


# --- without JavaScript ---------------------------------------------------------------------


def test_without_javascript_the_quota_shows_and_the_path_is_a_plain_list(
    visit, base_url: str
) -> None:
    page = visit(java_script_enabled=False).page
    page.goto(base_url + "divisions/kita/")

    quota = page.locator("[data-manabi-quota]").inner_text()
    assert "必須受講数: 3 講座" in quota and "受講期限: 2027年3月31日(水)" in quota
    assert "あと" not in quota
    assert page.get_by_role("link", name=FIRST_COURSE).is_visible()
    assert page.get_by_role("checkbox").count() == 0  # hidden: nothing to tick that cannot be kept
    assert not page.locator("[data-manabi-checklist]").is_visible()

    page.goto(base_url + "events/")
    assert page.locator("li[data-date]").count() == 14


# --- the checklist by period: a new 受講期限 starts a new count ---------------------------

SOMU = "divisions/somu/"  # the minimal sheet's 総務局: はじめてのデータ活用 and セキュリティ入門
STORED = "() => JSON.parse(localStorage.getItem('manabi.checklist'))"


def minimal_sheet(folder: Path, deadline: str, quota: int) -> Path:
    """A copy of the minimal sheet with its own 受講期限 and 必須受講数."""
    folder.mkdir(parents=True)
    for source in MINIMAL.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    settings = (folder / "設定.csv").read_text(encoding="utf-8")
    settings = settings.replace("2027-03-31", deadline).replace(
        "必須受講数,3", f"必須受講数,{quota}"
    )
    (folder / "設定.csv").write_text(settings, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def years_url(tmp_path_factory: pytest.TempPathFactory, serve_site) -> str:
    """One origin (one localStorage) serving the same sheet published with three deadlines.

    ``this-year/`` has 2027-03-31, ``next-year/`` the next fiscal year's 2028-03-31,
    ``extended/`` this year's deadline put off to 2027-05-31; each asks for 2 courses.
    """
    root = tmp_path_factory.mktemp("years")
    for name, deadline in (
        ("this-year", "2027-03-31"),
        ("next-year", "2028-03-31"),
        ("extended", "2027-05-31"),
    ):
        sheet = minimal_sheet(root / "sheets" / name, deadline, 2)
        assert run_cli("build", "--source", sheet, "--site-dir", root / "sites" / name) == 0
    return serve_site(root / "sites")


def checked_boxes(page) -> list[str]:
    return [
        box.get_attribute("aria-label")
        for box in page.locator("input[data-manabi-state]").all()
        if box.is_checked()
    ]


def test_a_new_deadline_starts_a_new_count_and_keeps_last_years_as_a_record(
    visit, years_url: str
) -> None:
    page = visit().page
    page.clock.set_fixed_time(tokyo(2027, 2, 1))
    page.goto(years_url + "this-year/" + SOMU)
    done_box(page, "はじめてのデータ活用").check()
    done_box(page, "セキュリティ入門").check()
    panel = page.locator("[data-manabi-checklist]")
    assert "2 講座のうち 2 講座を受講済み" in panel.inner_text()
    assert page.locator("[data-manabi-met]").is_visible()
    assert not page.locator("[data-manabi-earlier]").is_visible()

    # April: the secretariat has set next year's deadline; same browser, same storage.
    page.clock.set_fixed_time(tokyo(2027, 4, 10))
    page.goto(years_url + "next-year/" + SOMU)
    assert "受講の記録（受講期限 2028年3月31日(金) まで）" in panel.inner_text()
    assert "2 講座のうち 0 講座を受講済み" in panel.inner_text()
    assert progress_value(page) == 0
    assert not page.locator("[data-manabi-met]").is_visible()  # last year's do not count
    assert checked_boxes(page) == []
    earlier = page.locator("[data-manabi-earlier]")
    assert earlier.is_visible()
    assert earlier.get_by_role("heading", name="前年度までの記録").is_visible()
    assert squash(earlier.locator("li").inner_text()) == squash(
        "受講期限 2027年3月31日 まで: 受講済み 2 講座"
        "（この学習パスでは はじめてのデータ活用、セキュリティ入門）"
    )
    marks = page.locator("li[data-course] [data-manabi-earlier-mark]:visible")
    assert marks.all_inner_texts() == ["前年度までに受講済み"] * 2

    # This year's first course: counted alone; its mark of last year gives way to the tick.
    done_box(page, "はじめてのデータ活用").check()
    assert "2 講座のうち 1 講座を受講済み" in panel.inner_text()
    assert marks.count() == 1
    assert page.evaluate(STORED) == {
        "version": 2,
        "periods": {
            "2027-03-31": {"c001": "done", "c002": "done"},
            "2028-03-31": {"c001": "done"},
        },
    }

    # Last year's pages still show last year's count, not this year's ticks as well.
    page.goto(years_url + "this-year/" + SOMU)
    assert "2 講座のうち 2 講座を受講済み" in panel.inner_text()
    assert not page.locator("[data-manabi-earlier]").is_visible()


def test_a_deadline_put_off_within_the_year_keeps_the_count(visit, years_url: str) -> None:
    page = visit().page
    page.clock.set_fixed_time(tokyo(2027, 3, 20))
    page.goto(years_url + "this-year/" + SOMU)
    done_box(page, "はじめてのデータ活用").check()

    page.goto(years_url + "extended/" + SOMU)  # 受講期限 moved to 2027-05-31
    assert "2 講座のうち 1 講座を受講済み" in page.locator("[data-manabi-checklist]").inner_text()
    assert done_box(page, "はじめてのデータ活用").is_checked()
    assert not page.locator("[data-manabi-earlier]").is_visible()
    assert page.evaluate(STORED) == {"version": 2, "periods": {"2027-05-31": {"c001": "done"}}}


def test_ticks_stored_before_periods_existed_become_the_current_periods(
    visit, years_url: str
) -> None:
    page = visit().page
    page.goto(years_url + "this-year/" + SOMU)
    # What the first version of the script stored: course ID → state, no period.
    page.evaluate(
        'localStorage.setItem(\'manabi.checklist\', \'{"c001":"done","c002":"started"}\')'
    )
    page.reload()

    assert done_box(page, "はじめてのデータ活用").is_checked()
    assert started_box(page, "セキュリティ入門").is_checked()
    assert progress_value(page) == 1
    assert page.evaluate(STORED) == {
        "version": 2,
        "periods": {"2027-03-31": {"c001": "done", "c002": "started"}},
    }


# --- keeping one's record in a file -------------------------------------------------------


def save_record(page, folder: Path) -> Path:
    """Clicks 「記録をファイルに保存」 and keeps the download in ``folder``."""
    with page.expect_download() as download:
        page.get_by_role("button", name="記録をファイルに保存").click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def load_record(page, path: Path) -> str:
    """Chooses ``path`` with 「ファイルから読み込む」; returns the panel's message."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="ファイルから読み込む").click()
    chooser.value.set_files(path)
    message = page.locator("[data-manabi-says]:visible")
    message.wait_for()
    return squash(message.inner_text())


def test_a_saved_record_brings_the_ticks_back_after_storage_is_wiped(
    visit, base_url: str, tmp_path: Path
) -> None:
    page = visit(accept_downloads=True).page
    page.clock.set_fixed_time(tokyo(2027, 1, 25))
    page.goto(base_url + "divisions/kita/")
    done_box(page, FIRST_COURSE).check()
    started_box(page, "Excel基本操作 はじめの一歩").check()
    saved = save_record(page, tmp_path)

    assert saved.name == "受講の記録_2027-01-25.json"
    assert "としてダウンロードしました" in page.locator("[data-manabi-says=saved]").inner_text()
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert record["format"] == "manabi.checklist" and record["site"]["name"] == "DXまなびナビ"
    assert record["periods"] == {"2027-03-31": {"c001": "done", "c002": "started"}}
    assert saved.stat().st_size < 1024  # small enough to mail to oneself

    # Logoff on a shared terminal: the browser's storage is gone.
    page.evaluate("localStorage.clear()")
    page.reload()
    assert progress_value(page) == 0 and checked_boxes(page) == []

    said = load_record(page, saved)
    assert said == (
        "ファイルの記録を読み込みました（今の期間: 受講済み 1 講座、受講中 1 講座）。"
        "このブラウザにあったチェックも残しています。"
    )
    assert done_box(page, FIRST_COURSE).is_checked()
    assert started_box(page, "Excel基本操作 はじめの一歩").is_checked()
    assert progress_value(page) == 1
    page.reload()  # kept, not only shown
    assert done_box(page, FIRST_COURSE).is_checked()

    # On another PC (a fresh profile), the same file does the same.
    other = visit().page
    other.goto(base_url + "divisions/kita/")
    load_record(other, saved)
    assert done_box(other, FIRST_COURSE).is_checked() and progress_value(other) == 1


def test_a_record_from_the_previous_year_comes_back_as_that_years_record(
    visit, years_url: str, tmp_path: Path
) -> None:
    page = visit(accept_downloads=True).page
    page.clock.set_fixed_time(tokyo(2027, 3, 1))
    page.goto(years_url + "this-year/" + SOMU)
    done_box(page, "はじめてのデータ活用").check()
    saved = save_record(page, tmp_path)

    fresh = visit().page  # a new PC in the new fiscal year
    fresh.clock.set_fixed_time(tokyo(2027, 4, 10))
    fresh.goto(years_url + "next-year/" + SOMU)
    assert "今の期間: 受講済み 0 講座" in load_record(fresh, saved)
    assert progress_value(fresh) == 0
    assert "受講済み 1 講座" in fresh.locator("[data-manabi-earlier]").inner_text()


TOO_LARGE = 256 * 1024 + 1


def refused_files(folder: Path, other_site_record: Path) -> dict[str, tuple[Path, str]]:
    """Files that are not this site's record, each with the start of the message it gets."""
    not_ours = "このファイルは受講の記録ではないため、読み込みませんでした。"
    files = {
        "a spreadsheet saved as CSV": ("講座.csv", "講座ID,講座名\nc001,データ活用\n", not_ours),
        "another program's JSON": ("settings.json", '{"c001": "done"}', not_ours),
        "a record with a made-up mark": (
            "受講の記録_改.json",
            json.dumps(
                {
                    "format": "manabi.checklist",
                    "version": 2,
                    "site": {"name": "DXまなびナビ", "root": ""},
                    "periods": {"2027-03-31": {"c001": "<b>済</b>"}},
                }
            ),
            not_ours,
        ),
        "a record of a newer version": (
            "受講の記録_新.json",
            json.dumps(
                {
                    "format": "manabi.checklist",
                    "version": 3,
                    "site": {"name": "DXまなびナビ"},
                    "periods": {},
                }
            ),
            "このファイルは、このサイトより新しい版で保存された記録のため",
        ),
        "a file too large": (
            "受講の記録_大.json",
            '{"format": "manabi.checklist"' + " " * TOO_LARGE + "}",
            "ファイルが大きすぎるため（256 KB まで）、読み込みませんでした。",
        ),
    }
    found = {}
    for case, (name, text, message) in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        found[case] = (folder / name, message)
    found["another site's record"] = (
        other_site_record,
        "このファイルは別のサイト（「テストまなび」）の記録のため、読み込みませんでした。",
    )
    return found


def test_a_file_that_is_not_this_sites_record_is_refused_and_the_ticks_stay(
    visit, base_url: str, years_url: str, tmp_path: Path
) -> None:
    # A real record saved on another site (the minimal sheet's テストまなび, another origin).
    elsewhere = visit(accept_downloads=True).page
    elsewhere.goto(years_url + "this-year/" + SOMU)
    done_box(elsewhere, "セキュリティ入門").check()
    other_site_record = save_record(elsewhere, tmp_path)

    page = visit().page
    page.goto(base_url + "divisions/kita/")
    done_box(page, FIRST_COURSE).check()
    before = page.evaluate(STORED)
    for case, (path, message) in refused_files(tmp_path, other_site_record).items():
        said = load_record(page, path)
        assert said.startswith(message), case
        assert said.endswith("チェックは変えていません。"), case
        assert page.locator("[data-manabi-says]:visible").count() == 1, case
        assert page.evaluate(STORED) == before, case
        assert checked_boxes(page) == [f"「{FIRST_COURSE}」を受講済み"], case
        assert progress_value(page) == 1, case
