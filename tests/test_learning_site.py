"""The learning figures on the built site: the 受講状況 page, division and course pages.

The sample site is built with the four monthly records of ``data/stats/``;
what a page shows is compared with the latest record read straight from its
file, not with what the view module computes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from manabi.model import display_order
from manabi.pages import datetime_ja
from tests.helpers import MINIMAL, ROOT, run_cli
from tests.staff_pages import PAGE_TYPES

RECORDS = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "data" / "stats").glob("*.json"))
]
LATEST = RECORDS[-1]


def _divisions() -> list[dict]:
    rows = json.loads((ROOT / "data" / "divisions.json").read_text(encoding="utf-8"))
    return sorted(rows, key=display_order)


DIVISIONS = _divisions()
NAMES = {d["id"]: d["name"] for d in DIVISIONS}
PUBLISHED = [d["id"] for d in DIVISIONS if LATEST["divisions"][d["id"]]["learners"] is not None]
WITHHELD = [d["id"] for d in DIVISIONS if LATEST["divisions"][d["id"]]["learners"] is None]
CITY_PARTICIPATION = round(100 * LATEST["total"]["learners"] / sum(d["staff"] for d in DIVISIONS))


def article(site: Path, path: str) -> BeautifulSoup:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("article")


def cells(row) -> list[str]:
    return [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]


def people(n: int) -> str:
    return f"{n:,}人"


# --- the 受講状況 page ------------------------------------------------------------------


def test_the_stats_page_says_as_of_which_day_and_from_which_sheet(sample_site: Path):
    page = article(sample_site, "stats")
    assert page.h1.get_text() == "受講状況"
    as_of = page.select_one(".manabi-asof").get_text()
    assert as_of.startswith("2026年12月1日時点")  # LATEST["as_of"]
    assert datetime_ja(LATEST["sheet"]["read_at"]) in as_of  # the sheet's read time, in Tokyo
    assert LATEST["as_of"] == "2026-12-01"
    assert "集計のあとでシート" not in page.get_text()  # the sample's sheet is the one counted


def test_the_city_figures_are_the_latest_records(sample_site: Path):
    page = article(sample_site, "stats")
    shown = {
        item.dt.get_text(strip=True): item.dd.get_text(" ", strip=True)
        for item in page.select(".manabi-figures > div")
    }
    total = LATEST["total"]
    assert shown["受講した人"] == people(total["learners"])
    assert shown["必須の 3 講座を達成した人"] == (
        f"{people(total['quota_met'])} 達成率 {round(100 * total['quota_met'] / total['learners'])}%"
    )
    assert shown["その後も学び続けている人"] == (
        f"{people(total['continuing'])} 継続率 "
        f"{round(100 * total['continuing'] / total['quota_met'])}%"
    )
    minutes = round(total["minutes"] / total["learners"])
    assert shown["1人あたりの学習時間"] == f"{minutes // 60}時間{minutes % 60}分"
    # Every division of the sample has 職員数: the city's participation is the published total's.
    assert all(d["staff"] for d in DIVISIONS)
    assert shown["参加率（職員のうち受講した人）"] == f"{CITY_PARTICIPATION}%"


def test_the_division_table_lists_every_division_in_display_order_withheld_ones_as_such(
    sample_site: Path,
):
    page = article(sample_site, "stats")
    table = page.select_one("#divisions-caption").find_parent("table")
    rows = table.select("tbody tr")
    assert [r["data-division"] for r in rows] == [d["id"] for d in DIVISIONS]
    for row in rows:
        division = row["data-division"]
        figures = LATEST["divisions"][division]
        shown = cells(row)
        assert shown[0] == NAMES[division]
        assert row.a["href"] == f"../divisions/{division}/"
        if figures["learners"] is None:
            assert shown[1:] == ["非公開（※）"]
        else:
            assert shown[1] == people(figures["learners"])
            assert shown[3].startswith(people(figures["quota_met"]))
            assert shown[4].startswith(people(figures["continuing"]))
    assert WITHHELD and PUBLISHED
    notes = [p.get_text() for p in page.select(".manabi-footnote") if "※" in p.get_text()]
    assert notes == [
        "※ 受講した人が10人未満の部署と、ほかの数字から計算できてしまう部署は数字を表示していません。"
    ]
    assert table["aria-describedby"] == "withheld-note"
    city = cells(table.select_one("tfoot tr"))
    assert city[:2] == ["市全体", people(LATEST["total"]["learners"])]


def test_participation_shows_only_for_divisions_with_staff(sample_site: Path):
    page = article(sample_site, "stats")
    staff = {d["id"]: d["staff"] for d in DIVISIONS}
    for row in page.select("#divisions-caption")[0].find_parent("table").select("tbody tr"):
        division = row["data-division"]
        figures = LATEST["divisions"][division]
        if figures["learners"] is None:
            continue
        shown = cells(row)[2]
        if staff[division] is None:
            assert shown == "—", division
        else:
            assert shown == f"{round(100 * figures['learners'] / staff[division])}%", division


def test_charts_are_inline_svg_with_text_labels_and_a_table_of_the_same_numbers(
    sample_site: Path,
):
    page = article(sample_site, "stats")
    figures = page.select("figure.manabi-chart")
    assert len(figures) == 2
    for figure in figures:
        assert figure.figcaption.get_text(strip=True)
        svg = figure.find("svg")
        assert svg["role"] == "img" and svg["aria-label"]
        assert re.fullmatch(r"0 0 \d+ \d+", svg["viewbox"])
        assert svg.find_all("text")
        assert not svg.find_all(["image", "foreignobject", "script", "use", "a"])
        assert not [tag for tag in svg.find_all(True) if tag.get("href") or tag.get("xlink:href")]
        assert figure.find("table").caption
        assert figure.has_attr("data-search-exclude")

    trend, bars = figures
    rows = [cells(r) for r in trend.select("tbody tr")]
    assert rows == [
        [
            f"{int(r['as_of'][:4])}年{int(r['as_of'][5:7])}月{int(r['as_of'][8:])}日",
            people(r["total"]["learners"]),
            people(r["total"]["quota_met"]),
            people(r["total"]["continuing"]),
        ]
        for r in RECORDS
    ]
    legend = [t.get_text() for t in trend.select(".manabi-chart__legend text")]
    assert legend == ["受講した人", "必須を達成した人", "学び続けている人"]
    learners = trend.select("polyline.manabi-series--learners")
    assert len(learners) == 1 and len(learners[0]["points"].split()) == len(RECORDS)
    ticks = [t.get_text() for t in trend.select(".manabi-chart__grid text")]
    assert "12月1日" in ticks and "9月1日" in ticks

    names = [t.get_text() for t in bars.select(".manabi-chart__bar > text:first-child")]
    assert names == [NAMES[d] for d in PUBLISHED]  # 表示順, every published one, no other
    for bar, division in zip(bars.select(".manabi-chart__bar"), PUBLISHED, strict=True):
        f = LATEST["divisions"][division]
        labels = [t.get_text() for t in bar.select(".manabi-seg-label")]
        widths = {
            r["class"][1].removeprefix("manabi-seg--"): float(r["width"])
            for r in bar.select("rect.manabi-seg")
        }
        whole = float(bar.select_one(".manabi-chart__frame")["width"])
        counts = {
            "continuing": f["continuing"],
            "met_only": f["quota_met"] - f["continuing"],
            "on_the_way": f["learners"] - f["quota_met"],
        }
        for key, count in counts.items():
            assert widths.get(key, 0) == pytest.approx(whole * count / f["learners"], abs=0.2)
        assert all(label.endswith("%") for label in labels)


def test_the_courses_most_taken_link_to_their_pages_with_their_counts(sample_site: Path):
    page = article(sample_site, "stats")
    table = page.select_one("#courses-caption").find_parent("table")
    published = sorted(
        ((cid, c) for cid, c in LATEST["courses"].items() if c["learners"] is not None),
        key=lambda item: (-item[1]["learners"], -item[1]["completed"], item[0]),
    )[:10]
    rows = table.select("tbody tr")
    assert [r.a["href"] for r in rows] == [f"../courses/{cid}/" for cid, _ in published]
    assert [cells(r)[1:] for r in rows] == [
        [people(c["learners"]), people(c["completed"]), f"{c['progress']}%"] for _, c in published
    ]


def test_courses_outside_the_catalogue_are_listed_by_title_only(sample_site: Path):
    page = article(sample_site, "stats")
    items = [li.get_text() for li in page.select(".manabi-other-courses li")]
    assert items == [o["title"] for o in LATEST["other_courses"]]
    listed = page.select_one(".manabi-other-courses").get_text()
    assert not re.search(r"\d+人", listed)


def test_the_definitions_explain_each_figure(sample_site: Path):
    page = article(sample_site, "stats")
    terms = [dt.get_text() for dt in page.select(".manabi-definitions dt")]
    for term in ("受講した人", "達成率", "継続率", "1人あたりの学習時間", "参加率", "非公開"):
        assert any(term in t for t in terms), term


def test_the_stats_page_is_in_the_navigation_and_found_by_searching_its_name(sample_site: Path):
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    tabs = BeautifulSoup(home, "html.parser").select(".md-tabs a")
    assert "受講状況" in [a.get_text(strip=True) for a in tabs]
    index = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    assert {"location": "stats/", "title": "受講状況"}.items() <= next(
        d for d in docs if d["location"] == "stats/"
    ).items()
    # the figures stay out of the index; the divisions' own sections too
    stats_text = " ".join(d["text"] for d in docs if d["location"].startswith("stats/"))
    assert people(LATEST["total"]["learners"]) not in stats_text
    assert LATEST["other_courses"][0]["title"] not in stats_text
    assert "数字の決め方" in " ".join(d["title"] for d in docs)
    for doc in docs:
        if doc["location"].startswith(("divisions/", "courses/")):
            assert "受講状況" not in doc["title"], doc["location"]
            assert "学んでいます" not in doc["text"], doc["location"]


# --- division and course pages -------------------------------------------------------


def _learning_section(site: Path, path: str) -> BeautifulSoup:
    page = article(site, path)
    assert page.select_one("#learning").get_text() in ("この部署の受講状況", "受講状況")
    return page.select_one(".manabi-learning")


def test_a_published_division_shows_its_figures_beside_the_citys(sample_site: Path):
    division = PAGE_TYPES["division"].split("/")[1]
    f, city = LATEST["divisions"][division], LATEST["total"]
    section = _learning_section(sample_site, PAGE_TYPES["division"])
    own, citys = (p.get_text() for p in section.select("p")[:2])
    assert section["data-manabi-learning"] == "published"
    assert own.startswith(f"2026年12月1日時点で、この部署では {f['learners']} 人が学んでいます。")
    assert citys.startswith(f"市全体では {city['learners']} 人が学んでいます。")
    table = section.find("table")
    assert [th.get_text() for th in table.select("thead th")] == ["数字", "この部署", "市全体"]
    rows = {cells(r)[0]: cells(r)[1:] for r in table.select("tbody tr")}
    assert rows["受講した人"] == [people(f["learners"]), people(city["learners"])]
    assert rows["必須を達成した人"] == [people(f["quota_met"]), people(city["quota_met"])]
    assert rows["学び続けている人"] == [people(f["continuing"]), people(city["continuing"])]
    staff = next(d["staff"] for d in DIVISIONS if d["id"] == division)
    assert rows["参加率（職員のうち受講した人）"] == [
        f"{round(100 * f['learners'] / staff)}%",
        f"{CITY_PARTICIPATION}%",
    ]
    assert section.find("a", string="市全体と部署ごとの受講状況")["href"] == "../../stats/"


@pytest.mark.parametrize("division", ["kita", "nishiyodogawa", "higashiyodogawa"])
def test_the_encouragement_matches_the_divisions_figures(sample_site: Path, division: str):
    f = LATEST["divisions"][division]
    text = _learning_section(sample_site, f"divisions/{division}").p.get_text()
    if f["continuing"] == f["quota_met"]:
        expected = f"必須の 3 講座を終えた {f['quota_met']} 人全員が、その後も学び続けています。"
    else:
        expected = (
            f"必須の 3 講座を終えた {f['quota_met']} 人のうち {f['continuing']} 人が、"
            "その後も学び続けています。"
        )
    assert expected in text


def test_a_withheld_division_shows_the_notice_and_no_number_of_its_own(sample_site: Path):
    section = _learning_section(sample_site, PAGE_TYPES["division-withheld"])
    assert section["data-manabi-learning"] == "withheld"
    text = section.get_text(" ", strip=True)
    assert text.startswith(
        "2026年12月1日時点の、この部署の数字は「非公開」です。受講した人が10人未満の部署と、"
        "ほかの数字から計算できてしまう部署は数字を表示していません。"
    )
    assert "この部署では" not in text and "この部署" not in [
        th.get_text() for th in section.select("th")
    ]
    # Every number on it is the day, the threshold, 必須受講数, 「1人あたり」 or the city's.
    city = LATEST["total"]
    minutes = round(city["minutes"] / city["learners"])
    allowed = {2026, 12, 1, 10, 3, city["learners"], city["quota_met"], city["continuing"]}
    allowed |= {round(100 * city["quota_met"] / city["learners"])}
    allowed |= {round(100 * city["continuing"] / city["quota_met"]), minutes // 60, minutes % 60}
    allowed |= {CITY_PARTICIPATION}
    numbers = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)}
    assert numbers <= allowed, numbers - allowed


def test_every_withheld_division_gets_the_same_words(sample_site: Path):
    notices = {
        _learning_section(sample_site, f"divisions/{division}").p.get_text()
        for division in WITHHELD
    }
    assert len(notices) == 1


def test_a_course_page_shows_how_many_took_and_completed_it(sample_site: Path):
    course = PAGE_TYPES["course"].split("/")[1]
    counts = LATEST["courses"][course]
    section = _learning_section(sample_site, PAGE_TYPES["course"])
    assert section.p.get_text() == (
        f"2026年12月1日時点で、市内の {counts['learners']} 人がこの講座を受講し、"
        f"{counts['completed']} 人が修了しました。"
        f"受講した人の進み具合は、平均 {counts['progress']}% です。"
    )


def test_a_course_without_a_udemy_id_says_nothing_about_figures(sample_site: Path):
    counted = set(LATEST["courses"])
    rows = json.loads((ROOT / "data" / "courses.json").read_text(encoding="utf-8"))
    uncounted = next(c["id"] for c in rows if c["id"] not in counted and not c.get("udemy_id"))
    assert article(sample_site, f"courses/{uncounted}").select_one("#learning") is None


# --- other sheets and no figures ----------------------------------------------------------


@pytest.fixture(scope="module")
def minimal_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The minimal sheet built with no figures, and with the sample's (another sheet's)."""
    root = tmp_path_factory.mktemp("learning")
    sites = {}
    for name, figures in (("none", None), ("sample", ROOT / "data" / "stats")):
        data, site = root / name / "data", root / name / "site"
        assert run_cli("sync", MINIMAL, "--data", data) == 0
        if figures:
            shutil.copytree(figures, data / "stats")
        assert run_cli("build", "--data", data, "--site-dir", site) == 0
        sites[name] = site
    return sites


def test_with_no_figures_the_stats_page_says_so_and_other_pages_say_nothing(minimal_sites):
    site = minimal_sites["none"]
    page = article(site, "stats")
    assert page.h1.get_text() == "受講状況"
    assert "まだ集計がありません" in page.get_text()
    assert not page.select("svg, table")
    assert article(site, "divisions/kita").select_one("#learning") is None
    assert article(site, "courses/c001").select_one("#learning") is None


def test_figures_from_another_sheet_carry_the_sheet_changed_note(minimal_sites):
    site = minimal_sites["sample"]
    note = (
        "集計のあとでシートの部署のグループや講座のIDなどが変わりました。次の集計で反映されます。"
    )
    assert note in article(site, "stats").get_text()
    assert note in article(site, "divisions/kita").get_text()
    # the minimal sheet's divisions are both in the sample's record: their figures show
    kita = article(site, "divisions/kita").select_one(".manabi-learning")
    assert kita["data-manabi-learning"] == "published"
