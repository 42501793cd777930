"""The built pages that keep learning going: events, DXレター, deadline, checklist markup.

These read the HTML of the built sample site as it is served (no JavaScript);
tests/test_keep_learning_browser.py runs the same pages in Chromium.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from manabi.agenda import UPCOMING_KEPT
from tests.grids import read_folder, write_folder
from tests.helpers import BUILD_EPOCH, MINIMAL, SAMPLE, build_from, run_cli


def page(site: Path, path: str) -> Tag:
    """The page body as served (no nav, no search), parsed."""
    html = (site / path / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("article")


def sheet_rows(tab: str, folder: Path = SAMPLE) -> list[dict[str, str]]:
    with open(folder / f"{tab}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def squash(text: str) -> str:
    return " ".join(text.split())


# --- events page -----------------------------------------------------------------


def test_the_events_page_lists_every_event_of_the_sheet_once(sample_site: Path) -> None:
    items = {
        li.select_one(".manabi-event__title").get_text(): li
        for li in page(sample_site, "events").select("li[data-date]")
    }
    rows = sheet_rows("予定")

    assert len(items) == len(rows) == 14
    assert set(items) == {row["タイトル"] for row in rows}
    for row in rows:
        item = items[row["タイトル"]]
        assert item["data-date"] == row["日付"]
        assert item.select_one("a.manabi-event__apply")["href"] == row["申込URL"]
        assert row["種別"] in item.get_text() and row["場所"] in item.get_text()


def test_an_event_shows_its_japanese_date_with_weekday_times_place_capacity_and_audience(
    sample_site: Path,
) -> None:
    items = page(sample_site, "events").select('li[data-date="2026-12-15"]')

    assert len(items) == 1
    text = squash(items[0].get_text())
    assert "2026年12月15日(火) 10:00–12:00" in text
    assert "北区役所 4階 会議室" in text
    assert "定員 16人" in text
    assert "対象: 北区役所、都島区役所、福島区役所、淀川区役所" in text
    assert "対面研修" in text
    assert items[0].time["datetime"] == "2026-12-15T10:00+09:00"
    apply = items[0].select_one("a.manabi-event__apply")
    assert squash(apply.get_text()).startswith("申し込む（ピボットテーブル集計 実践演習。")


def test_upcoming_events_come_first_by_month_and_past_ones_are_folded_away(
    sample_site: Path,
) -> None:
    events = page(sample_site, "events")
    upcoming = events.select_one('[data-manabi-list="upcoming"]')
    past = events.select_one('[data-manabi-list="past"]')
    up_dates = [li["data-date"] for li in upcoming.select("li[data-date]")]
    past_dates = [li["data-date"] for li in past.select("li[data-date]")]

    assert len(up_dates) + len(past_dates) == 14
    assert up_dates == sorted(up_dates)  # soonest first
    assert past_dates == sorted(past_dates, reverse=True)  # latest first
    assert not up_dates or not past_dates or min(up_dates) > max(past_dates)
    assert past.find_parent("details") is not None  # folded away
    assert upcoming.find_parent("details") is None
    assert events.select_one("h2#upcoming").find_next("div") is upcoming  # upcoming first
    for section in events.select("section[data-month]"):
        month = section["data-month"]
        dates = [li["data-date"] for li in section.select("li[data-date]")]
        assert dates and all(d.startswith(month) for d in dates)
        year, number = month.split("-")
        assert section.h3.get_text() == f"{int(year)}年{int(number)}月"
    assert events.select_one("[data-manabi-count]").get_text() == str(len(past_dates))


# --- DXレター -----------------------------------------------------------------------


def test_the_letter_archive_lists_every_issue_by_year_newest_first(sample_site: Path) -> None:
    letters = page(sample_site, "letters")
    rows = sheet_rows("DXレター")
    items = letters.select("li[data-number]")

    assert [int(li["data-number"]) for li in items] == sorted(
        (int(r["号"]) for r in rows), reverse=True
    )
    assert [h.get_text() for h in letters.select("h2")] == ["2026年", "2025年"]
    for row in rows:
        (item,) = letters.select(f'li[data-number="{row["号"]}"]')
        assert item.a["href"] == row["URL"]
        assert row["タイトル"] in item.a.get_text()
        assert row["概要"] in item.get_text()
        assert f"第{row['号']}号" in item.get_text()
    assert "2026年11月1日(日)" in letters.select_one('li[data-number="14"]').get_text()


def test_the_home_page_shows_the_latest_letter_and_the_quota_with_its_deadline(
    sample_site: Path,
) -> None:
    home = page(sample_site, ".")
    latest = home.select_one(".manabi-latest-letter")
    quota = home.select_one("[data-manabi-quota]")

    assert "第14号" in latest.get_text() and "必須講座の受講はお済みですか" in latest.get_text()
    assert latest.a["href"] == "https://intra.example.jp/dx-letter/14.pdf"
    assert home.select_one('.manabi-latest-letter a[href="letters/"]') is not None
    text = squash(quota.get_text())
    assert "必須受講数: 3 講座" in text
    assert "受講期限: 2027年3月31日(水)" in text
    assert quota["data-deadline"] == "2027-03-31"
    # The number of days is the browser's to say; the build never prints a stale one.
    assert quota.select_one("[data-manabi-days]").get_text() == ""
    assert home.select('[data-manabi-next="3"] li[data-date]')


# --- division pages ---------------------------------------------------------------------


def test_every_division_page_has_quota_deadline_next_events_and_its_calendar(
    sample_site: Path,
) -> None:
    for row in sheet_rows("部署"):
        division = page(sample_site, f"divisions/{row['部署ID']}")
        quota = division.select_one("[data-manabi-quota]").get_text()
        assert "必須受講数: 3 講座" in quota and "2027年3月31日(水)" in quota
        items = division.select('[data-manabi-next="3"] li[data-date]')
        assert len([li for li in items if not li.has_attr("hidden")]) <= 3
        link = division.select_one("a.manabi-calendar-link")
        assert link["href"] == f"../../calendar/divisions/{row['部署ID']}.ics"
        assert (sample_site / "calendar/divisions" / f"{row['部署ID']}.ics").is_file()


def test_a_division_lists_only_the_events_aimed_at_it(sample_site: Path) -> None:
    def titles(division: str) -> set[str]:
        listed = page(sample_site, f"divisions/{division}").select(
            '[data-manabi-next="3"] .manabi-event__title'
        )
        return {title.get_text() for title in listed}

    assert "ピボットテーブル集計 実践演習" in titles("kita")
    assert "ピボットテーブル集計 実践演習" not in titles("somu")
    assert "EBPM実践ワークショップ" in titles("somu")
    assert "EBPM実践ワークショップ" not in titles("kita")


def test_each_path_step_has_two_labelled_ticks_hidden_until_the_script_can_store_them(
    sample_site: Path,
) -> None:
    kita = page(sample_site, "divisions/kita")
    steps = kita.select("li[data-course]")
    panel = kita.select_one("[data-manabi-checklist]")

    assert steps
    assert panel.has_attr("hidden") and panel["data-quota"] == "3"
    assert panel.progress["max"] == "3"
    for step in steps:
        title = step.a.get_text()
        ticks = step.select_one("[data-manabi-check]")
        assert ticks.has_attr("hidden")  # without JavaScript: a plain list
        labels = ticks.select("label")
        assert [squash(label.get_text()) for label in labels] == ["受講中", "受講済み"]
        boxes = [label.input for label in labels]  # inside their labels
        assert [b["type"] for b in boxes] == ["checkbox", "checkbox"]
        assert [b["aria-label"] for b in boxes] == [
            f"「{title}」を受講中",
            f"「{title}」を受講済み",
        ]
    # Area pages show the same path without a checklist.
    assert not page(sample_site, "areas/data").select("[data-manabi-check]")


def test_the_checklist_panel_names_its_period_and_offers_to_keep_the_record_in_a_file(
    sample_site: Path,
) -> None:
    panel = page(sample_site, "divisions/kita").select_one("[data-manabi-checklist]")
    heading = panel.select_one("#" + panel["aria-labelledby"])

    # The period the ticks count toward is the sheet's 受講期限, named in the heading.
    assert panel["data-deadline"] == "2027-03-31"
    assert heading.name == "h3"
    assert squash(heading.get_text()) == "受講の記録（受講期限 2027年3月31日(水) まで）"
    assert panel.select_one("[data-manabi-earlier] h4").get_text() == "前年度までの記録"
    # The identity a saved file is checked against, and the size limit its message states.
    assert panel["data-site-name"] == "DXまなびナビ" and panel["data-site-root"] == "../.."
    limit_kb = int(panel["data-max-bytes"]) // 1024
    assert (
        f"（{limit_kb} KB まで）" in panel.select_one('[data-manabi-says="too-large"]').get_text()
    )
    buttons = [b.get_text() for b in panel.select("button[type=button]")]
    assert buttons == ["記録をファイルに保存", "ファイルから読み込む"]
    assert panel.select_one("input[type=file]")["accept"] == ".json,application/json"
    status = panel.select_one("[role=status]")
    messages = status.select("[data-manabi-says]")
    assert len(messages) == 7 and all(m.has_attr("hidden") for m in messages)
    refusals = [m for m in messages if "manabi-warning" in m.get("class", [])]
    assert len(refusals) == 5
    assert all(squash(m.get_text()).endswith("チェックは変えていません。") for m in refusals)


# --- spreadsheet text stays text --------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal sheet with markup and template syntax typed into event and letter cells."""
    folder = tmp_path_factory.mktemp("hostile") / "sheet"
    folder.mkdir()
    for source in MINIMAL.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "予定.csv").write_text(
        "日付,開始,終了,種別,タイトル,場所,定員,申込URL,対象\n"
        '2026-12-03,15:00,17:00,もくもく会,"<script>alert(1)</script>{{ 7*7 }}",'
        '"<b>会議室</b>",20,https://forms.example.jp/m12,\n',
        encoding="utf-8",
    )
    (folder / "DXレター.csv").write_text(
        "号,発行日,タイトル,URL,概要\n"
        '1,2026-11-01,"<img src=x onerror=alert(1)>","","{% raw %}x\n2行目 & <i>"\n',
        encoding="utf-8",
    )
    site = tmp_path_factory.mktemp("hostile") / "site"
    assert run_cli("build", "--source", folder, "--site-dir", site) == 0
    return site


def test_markup_typed_into_event_and_letter_cells_is_shown_as_text(hostile_site: Path) -> None:
    events_html = (hostile_site / "events/index.html").read_text(encoding="utf-8")
    letters_html = (hostile_site / "letters/index.html").read_text(encoding="utf-8")
    home_html = (hostile_site / "index.html").read_text(encoding="utf-8")

    assert "<script>alert(1)</script>" not in events_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in events_html  # not run, not 49
    assert "&lt;b&gt;会議室&lt;/b&gt;" in events_html
    assert "<img src=x" not in letters_html and "<img src=x" not in home_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in letters_html
    assert "{% raw %}x<br>2行目 &amp; &lt;i&gt;" in letters_html
    title = page(hostile_site, "events").select_one(".manabi-event__title").get_text()
    assert title == "<script>alert(1)</script>{{ 7*7 }}"


def test_a_division_page_holds_the_events_ahead_on_its_build_day_and_no_more_than_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many events the sheet holds, a page carries at most UPCOMING_KEPT of them:
    the first three shown, the rest for the script to show as days pass. The calendar
    feed and the 予定 page still have every event."""
    grids = read_folder(SAMPLE)
    events = grids["予定"]
    header = events[0]
    extra = [
        ["2027-02-01", "", "", "もくもく会", f"追加のもくもく会 {n:02d}", "", "", "", ""]
        for n in range(1, 51)
    ]
    assert len(header) == len(extra[0])
    grids["予定"] = [header, *events[1:], *extra]
    source = write_folder(grids, tmp_path / "source")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(BUILD_EPOCH))  # 2026-11-26 in Tokyo
    site = build_from(source, tmp_path / "site")

    box = page(site, "divisions/kita").select_one('[data-manabi-next="3"]')
    dates = [li["data-date"] for li in box.select("li[data-date]")]
    assert len(dates) == UPCOMING_KEPT
    assert min(dates) >= "2026-11-26" and dates == sorted(dates)
    assert len([li for li in box.select("li[data-date]") if not li.has_attr("hidden")]) == 3
    feed = (site / "calendar/divisions/kita.ics").read_text(encoding="utf-8")
    assert feed.count("追加のもくもく会") == 50
    assert len(page(site, "events").select("li[data-date]")) == len(events) - 1 + 50
