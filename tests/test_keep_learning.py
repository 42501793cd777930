"""The built pages that keep learning going: events, DXレター, deadline, checklist markup.

These read the HTML of the built sample site as it is served (no JavaScript);
tests/test_keep_learning_browser.py runs the same pages in Chromium.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import MINIMAL, SAMPLE, run_cli

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def find_all(self, tag: str | None = None, **attrs: str | bool) -> list[Node]:
        """Descendants with ``tag`` whose attributes match (``True``: present)."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (tag is None or child.tag == tag) and all(
                (name in child.attrs) if want is True else child.attrs.get(name) == want
                for name, want in ((k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items())
            ):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag: str | None = None, **attrs: str | bool) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def inside(self, tag: str) -> bool:
        node = self.parent
        while node is not None:
            if node.tag == tag:
                return True
            node = node.parent
        return False


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def page(site: Path, path: str) -> Node:
    builder = _TreeBuilder()
    builder.feed((site / path / "index.html").read_text(encoding="utf-8"))
    return builder.root.find("article")  # the page body, without nav and search


def sheet_rows(tab: str, folder: Path = SAMPLE) -> list[dict[str, str]]:
    with open(folder / f"{tab}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def squash(text: str) -> str:
    return " ".join(text.split())


# --- events page -----------------------------------------------------------------


def test_the_events_page_lists_every_event_of_the_sheet_once(sample_site: Path) -> None:
    events = page(sample_site, "events")
    items = events.find_all("li", data_date=True)
    titles = [item.find("span", class_="manabi-event__title").text for item in items]

    assert sorted(titles) == sorted(row["タイトル"] for row in sheet_rows("予定"))
    for row, item in ((r, i) for r in sheet_rows("予定") for i in items):
        if item.find("span", class_="manabi-event__title").text == row["タイトル"]:
            assert item.attrs["data-date"] == row["日付"]
            assert (
                item.find("a", class_="manabi-external manabi-event__apply").attrs["href"]
                == (row["申込URL"])
            )
            assert row["種別"] in item.text and row["場所"] in item.text


def test_an_event_shows_its_japanese_date_with_weekday_times_place_capacity_and_audience(
    sample_site: Path,
) -> None:
    items = page(sample_site, "events").find_all("li", data_date="2026-12-15")

    assert len(items) == 1
    text = squash(items[0].text)
    assert "2026年12月15日(火) 10:00–12:00" in text
    assert "北区役所 4階 会議室" in text
    assert "定員 16人" in text
    assert "対象: 北区役所、都島区役所、福島区役所、淀川区役所" in text
    assert "対面研修" in text
    time = items[0].find("time")
    assert time.attrs["datetime"] == "2026-12-15T10:00+09:00"


def test_upcoming_events_come_first_by_month_and_past_ones_are_folded_away(
    sample_site: Path,
) -> None:
    events = page(sample_site, "events")
    upcoming = events.find("div", data_manabi_list="upcoming")
    past = events.find("div", data_manabi_list="past")
    up_dates = [li.attrs["data-date"] for li in upcoming.find_all("li", data_date=True)]
    past_dates = [li.attrs["data-date"] for li in past.find_all("li", data_date=True)]

    assert len(up_dates) + len(past_dates) == 14
    assert up_dates == sorted(up_dates)  # soonest first
    assert past_dates == sorted(past_dates, reverse=True)  # latest first
    assert not up_dates or not past_dates or min(up_dates) > max(past_dates)
    assert past.inside("details")  # folded away
    assert not upcoming.inside("details")
    for section in events.find_all("section", data_month=True):
        month = section.attrs["data-month"]
        dates = [li.attrs["data-date"] for li in section.find_all("li", data_date=True)]
        assert dates and all(d.startswith(month) for d in dates)
        year, number = month.split("-")
        assert section.find("h3").text == f"{int(year)}年{int(number)}月"
    count = events.find("span", data_manabi_count=True).text
    assert count == str(len(past_dates))


# --- DXレター -----------------------------------------------------------------------


def test_the_letter_archive_lists_every_issue_by_year_newest_first(sample_site: Path) -> None:
    letters = page(sample_site, "letters")
    rows = sheet_rows("DXレター")
    items = letters.find_all("li", data_number=True)

    assert [int(li.attrs["data-number"]) for li in items] == sorted(
        (int(r["号"]) for r in rows), reverse=True
    )
    assert [h.text for h in letters.find_all("h2")] == ["2026年", "2025年"]
    for row in rows:
        (item,) = [li for li in items if li.attrs["data-number"] == row["号"]]
        link = item.find("a")
        assert link.attrs["href"] == row["URL"]
        assert row["タイトル"] in link.text
        assert row["概要"] in item.text
        assert f"第{row['号']}号" in item.text
    assert "2026年11月1日(日)" in letters.find("li", data_number="14").text


def test_the_home_page_shows_the_latest_letter_and_the_quota_with_its_deadline(
    sample_site: Path,
) -> None:
    home = page(sample_site, ".")
    latest = home.find("div", class_="manabi manabi-latest-letter")
    quota = home.find("div", data_manabi_quota=True)

    assert "第14号" in latest.text and "必須講座の受講はお済みですか" in latest.text
    assert latest.find("a").attrs["href"] == "https://intra.example.jp/dx-letter/14.pdf"
    text = squash(quota.text)
    assert "必須受講数: 3 講座" in text
    assert "受講期限: 2027年3月31日(水)" in text
    assert quota.attrs["data-deadline"] == "2027-03-31"
    # The number of days is the browser's to say; the build never prints a stale one.
    assert quota.find("strong", data_manabi_days=True).text == ""
    assert home.find("div", data_manabi_next="3").find_all("li", data_date=True)


# --- division pages ---------------------------------------------------------------------


def test_every_division_page_has_quota_deadline_next_events_and_its_calendar(
    sample_site: Path,
) -> None:
    divisions = sheet_rows("部署")
    for row in divisions:
        division = page(sample_site, f"divisions/{row['部署ID']}")
        quota = division.find("div", data_manabi_quota=True)
        assert "必須受講数: 3 講座" in quota.text and "2027年3月31日(水)" in quota.text
        nexts = division.find("div", data_manabi_next="3")
        shown = [li for li in nexts.find_all("li", data_date=True) if "hidden" not in li.attrs]
        assert len(shown) <= 3
        link = division.find("a", class_="manabi-calendar-link")
        assert link.attrs["href"] == f"../../calendar/divisions/{row['部署ID']}.ics"
        assert (sample_site / "calendar/divisions" / f"{row['部署ID']}.ics").is_file()


def test_a_division_lists_only_the_events_aimed_at_it(sample_site: Path) -> None:
    def titles(division: str) -> set[str]:
        nexts = page(sample_site, f"divisions/{division}").find("div", data_manabi_next="3")
        return {li.find("span", class_="manabi-event__title").text for li in nexts.find_all("li")}

    assert "ピボットテーブル集計 実践演習" in titles("kita")
    assert "ピボットテーブル集計 実践演習" not in titles("somu")
    assert "EBPM実践ワークショップ" in titles("somu")
    assert "EBPM実践ワークショップ" not in titles("kita")


def test_each_path_step_has_two_labelled_ticks_hidden_until_the_script_can_store_them(
    sample_site: Path,
) -> None:
    kita = page(sample_site, "divisions/kita")
    steps = kita.find_all("li", data_course=True)
    panel = kita.find("div", data_manabi_checklist=True)

    assert steps
    assert "hidden" in panel.attrs and panel.attrs["data-quota"] == "3"
    assert panel.find("progress").attrs["max"] == "3"
    for step in steps:
        title = step.find("a").text
        ticks = step.find("span", data_manabi_check=True)
        assert "hidden" in ticks.attrs  # without JavaScript: a plain list
        labels = [squash(label.text) for label in ticks.find_all("label")]
        assert labels == ["受講中", "受講済み"]  # visible; the names below say which course
        boxes = [label.find("input") for label in ticks.find_all("label")]
        assert [b.attrs["type"] for b in boxes] == ["checkbox", "checkbox"]
        assert [b.attrs["aria-label"] for b in boxes] == [
            f"「{title}」を受講中",
            f"「{title}」を受講済み",
        ]
    # Area pages show the same path without a checklist.
    assert not page(sample_site, "areas/data").find_all("span", data_manabi_check=True)


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
    title = page(hostile_site, "events").find("span", class_="manabi-event__title").text
    assert title == "<script>alert(1)</script>{{ 7*7 }}"
