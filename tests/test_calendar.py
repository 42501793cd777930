"""Calendar feeds: every 予定 row is in the .ics the site publishes, in Tokyo time, with stable UIDs.

The expected events are read straight from the sample's 予定.csv with the csv
module (what the secretariat typed), not from manabi's own parsing.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from manabi import agenda, feeds
from manabi.model import Site
from manabi.sources import read_source
from manabi.validate import validate
from tests.helpers import MINIMAL, ROOT, SAMPLE, run_cli

TOKYO = ZoneInfo("Asia/Tokyo")


def sheet_rows(tab: str) -> list[dict[str, str]]:
    with open(SAMPLE / f"{tab}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def audience(row: dict[str, str]) -> set[str]:
    return {item.strip() for item in re.split("[,、]", row["対象"]) if item.strip()}


def feed(site_dir: Path, path: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site_dir / path).read_bytes())


def summaries(calendar: icalendar.Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built a second time, as CI does on the next sheet change."""
    site = tmp_path_factory.mktemp("again") / "site"
    assert (
        run_cli("build", "--source", SAMPLE, "--site-dir", site, "--config", ROOT / "mkdocs.yml")
        == 0
    )
    return site


def test_the_all_events_feed_has_every_row_of_the_sheet_with_its_title_and_tokyo_times(
    sample_site: Path,
) -> None:
    rows = sheet_rows("予定")
    events = list(feed(sample_site, "calendar/all.ics").walk("VEVENT"))

    assert len(events) == len(rows) == 14
    by_title = {str(e["SUMMARY"]): e for e in events}
    assert set(by_title) == {row["タイトル"] for row in rows}
    for row in rows:
        event = by_title[row["タイトル"]]
        day = dt.date.fromisoformat(row["日付"])
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        assert start == dt.datetime.combine(day, dt.time.fromisoformat(row["開始"]), TOKYO)
        assert end == dt.datetime.combine(day, dt.time.fromisoformat(row["終了"]), TOKYO)
        assert start.tzinfo.key == end.tzinfo.key == "Asia/Tokyo"  # named zone, not a bare offset
        assert str(event["LOCATION"]) == row["場所"]
        assert str(event["URL"]) == row["申込URL"]
        assert [str(c) for c in event["CATEGORIES"].cats] == [row["種別"]]
        assert f"種別: {row['種別']}" in str(event["DESCRIPTION"])


def test_the_feed_names_asia_tokyo_and_carries_its_vtimezone(sample_site: Path) -> None:
    text = (sample_site / "calendar/all.ics").read_bytes().decode("utf-8")
    calendar = icalendar.Calendar.from_ical(text)

    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    # The 12月3日 training at 14:00 in Tokyo, as a calendar program reads the line.
    assert "DTSTART;TZID=Asia/Tokyo:20261203T140000" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "VERSION:2.0\r\n" in text
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))  # RFC 5545 folding


def test_uids_are_unique_and_the_same_after_a_second_build(
    sample_site: Path, second_build: Path
) -> None:
    first = {str(e["UID"]): str(e["SUMMARY"]) for e in feed(sample_site, "calendar/all.ics").events}
    again = {
        str(e["UID"]): str(e["SUMMARY"]) for e in feed(second_build, "calendar/all.ics").events
    }

    assert len(first) == 14  # no two events share a UID
    assert first == again
    kita_first = {str(e["UID"]) for e in feed(sample_site, "calendar/divisions/kita.ics").events}
    kita_again = {str(e["UID"]) for e in feed(second_build, "calendar/divisions/kita.ics").events}
    assert kita_first == kita_again <= set(first)  # one event, one UID, in every feed


def test_each_division_feed_holds_exactly_the_events_aimed_at_that_division(
    sample_site: Path,
) -> None:
    rows = sheet_rows("予定")
    divisions = sheet_rows("部署")
    assert len(list((sample_site / "calendar/divisions").glob("*.ics"))) == len(divisions)

    for division in divisions:
        expected = sorted(
            row["タイトル"]
            for row in rows
            if not audience(row) or audience(row) & {division["部署ID"], division["種別"]}
        )
        calendar = feed(sample_site, f"calendar/divisions/{division['部署ID']}.ics")
        assert sorted(summaries(calendar)) == expected, division["部署ID"]

    # Spot checks a person can verify by reading the sheet.
    assert "ピボットテーブル集計 実践演習" in summaries(
        feed(sample_site, "calendar/divisions/kita.ics")
    )
    assert "ピボットテーブル集計 実践演習" not in summaries(
        feed(sample_site, "calendar/divisions/somu.ics")
    )
    assert "EBPM実践ワークショップ" in summaries(feed(sample_site, "calendar/divisions/somu.ics"))
    assert "書かない窓口の設計ワークショップ" in summaries(
        feed(sample_site, "calendar/divisions/shimin.ics")
    )


def test_an_event_without_times_becomes_an_all_day_event_and_odd_text_survives() -> None:
    data = validate(read_source(str(MINIMAL))).data
    odd_title = 'もくもく会, 特別回; "改行"\n<script>alert(1)</script>'
    data["events"] = [
        {
            "date": "2026-12-24",
            "start": None,
            "end": None,
            "kind": "説明会",
            "title": odd_title,
            "place": "本庁舎; 7階, 会議室",
            "capacity": None,
            "url": None,
            "audience": ["kita"],
        },
        {
            "date": "2026-12-25",
            "start": "18:00",
            "end": None,
            "kind": "もくもく会",
            "title": "夜のもくもく会",
            "place": None,
            "capacity": 5,
            "url": "https://forms.example.jp/night",
            "audience": [],
        },
    ]
    site = Site(data)
    stamp = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    files = feeds.calendar_files(site, stamp)

    assert set(files) == {
        "calendar/all.ics",
        "calendar/divisions/kita.ics",
        "calendar/divisions/somu.ics",
    }
    all_day, evening = icalendar.Calendar.from_ical(files["calendar/all.ics"]).walk("VEVENT")
    assert all_day.decoded("DTSTART") == dt.date(2026, 12, 24)
    assert all_day.decoded("DTEND") == dt.date(2026, 12, 25)  # exclusive end: one whole day
    assert str(all_day["SUMMARY"]) == odd_title
    assert str(all_day["LOCATION"]) == "本庁舎; 7階, 会議室"
    assert "URL" not in all_day
    assert evening.decoded("DTSTART") == dt.datetime(2026, 12, 25, 18, 0, tzinfo=TOKYO)
    assert "DTEND" not in evening
    assert evening.decoded("DTSTAMP") == stamp
    somu = icalendar.Calendar.from_ical(files["calendar/divisions/somu.ics"])
    assert summaries(somu) == ["夜のもくもく会"]  # the first one is for kita only
    assert str(somu["X-WR-CALNAME"]) == "テストまなび 予定（総務局）"


def test_a_uid_follows_the_sheets_key_date_start_and_title() -> None:
    event = {
        "date": "2026-12-03",
        "start": "15:00",
        "end": "17:00",
        "kind": "もくもく会",
        "title": "12月のもくもく会",
        "place": "本庁舎",
        "capacity": 20,
        "url": None,
        "audience": [],
    }
    same = agenda.uid(event)

    assert re.fullmatch(r"[0-9a-f]{32}@dx-manabi\.invalid", same)
    assert (
        agenda.uid({**event, "place": "オンライン", "end": "18:00", "audience": ["kita"]}) == same
    )
    assert agenda.uid({**event, "title": "12月のもくもく会（延期）"}) != same
    assert agenda.uid({**event, "start": "16:00"}) != same
    assert agenda.uid({**event, "date": "2026-12-10"}) != same


def test_division_pages_link_to_their_own_feed_and_the_events_page_to_all(
    sample_site: Path,
) -> None:
    kita = (sample_site / "divisions/kita/index.html").read_text(encoding="utf-8")
    events = (sample_site / "events/index.html").read_text(encoding="utf-8")

    assert 'href="../../calendar/divisions/kita.ics"' in kita
    assert "北区役所の予定をカレンダーに追加" in kita
    assert 'href="../calendar/all.ics"' in events
    assert "すべての予定をカレンダーに追加" in events
    assert (sample_site / "calendar/all.ics").is_file()
