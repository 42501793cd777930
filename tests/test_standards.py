"""The 標準 tab: validated with cells, optional, and shown as a page per standard with its gaps.

The sample maps its skills to IPA's DXリテラシー標準 (four areas) and DX推進スキル
標準 (five 人材類型), leaving some categories uncovered. The site is the real
``manabi build`` of the sample (``sample_site``) and of the minimal sheet, which
has no 標準 tab at all.
"""

from __future__ import annotations

import csv
import json
import posixpath
from pathlib import Path

import pytest

from manabi import snapshot
from manabi.layout import workbook_layout
from manabi.schema import TABS_BY_NAME, display_order
from manabi.sources import read_source
from manabi.standards.nav import without_empty_index
from manabi.synthetic import scale_sample
from manabi.validate import validate
from tests.helpers import MINIMAL, ROOT, SAMPLE, build_from, run_cli
from tests.staff_pages import DESKTOP, SAMPLE_SITE, visit
from tests.test_check import check_json
from tests.test_phone_print import _printed, printed_on_a4
from tests.test_site import article, page

DATA = snapshot.load(ROOT / "data").data
STANDARD_HEADER = ",".join(TABS_BY_NAME["標準"].headers)
GAP = "この区分に対応するスキルはまだありません。"


def _rows(folder: Path, tab: str) -> list[dict[str, str]]:
    with (folder / f"{tab}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _with_standards(folder: Path, lines: list[str], skills: dict[str, str]) -> None:
    """Give the minimal sheet a 標準 tab and its skills a 標準区分 column."""
    (folder / "標準.csv").write_text("\n".join([STANDARD_HEADER, *lines]) + "\n", encoding="utf-8")
    path = folder / "スキル.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[0].append("標準区分")
    for row in rows[1:]:
        row.append(skills.get(row[0], ""))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# --- the sheet --------------------------------------------------------------------


def test_a_sheet_without_the_standards_tab_is_valid_and_has_none(
    copy_of, tmp_path: Path, capsys
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    assert not (folder / "標準.csv").exists()
    code, report = check_json(folder, capsys)
    assert code == 0, report["errors"]
    assert not any(p["sheet"] == "標準" for p in report["errors"] + report["warnings"])
    data = validate(read_source(str(folder))).data
    assert data["standards"] == []
    assert all(skill["standards"] == [] for skill in data["skills"])


def test_a_category_named_by_a_skill_must_be_in_the_standards_tab(
    copy_of, tmp_path: Path, capsys
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    _with_standards(
        folder,
        ["dss-l,DXリテラシー標準,dss-l-what,What,,1"],
        {"data-intro-1": "dss-l-what、dss-l-wat"},
    )
    code, report = check_json(folder, capsys)
    assert code == 1
    [error] = report["errors"]
    assert (error["sheet"], error["cell"], error["column"]) == ("スキル", "F2", "標準区分")
    assert error["value"] == "dss-l-what、dss-l-wat"
    assert "区分ID「dss-l-wat」は「標準」タブにありません" in error["message"]


def test_a_category_named_while_the_tab_is_missing_is_an_error_too(
    copy_of, tmp_path: Path, capsys
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    _with_standards(folder, [], {"sec-intro-1": "dss-p-cyber"})
    (folder / "標準.csv").unlink()
    code, report = check_json(folder, capsys)
    assert code == 1
    [error] = report["errors"]
    assert (error["sheet"], error["cell"]) == ("スキル", "F3")
    assert "「標準」タブにありません" in error["message"]


@pytest.mark.parametrize(
    ("line", "cell", "says"),
    [
        # 区分ID is unique across the whole tab, whatever the standard
        ("dss-p,DX推進スキル標準,dss-l-what,デザイナー,,2", "C3", "2 行目と重複"),
        ("dss-l,DXリテラシー標準,dss-l-how,,,2", "D3", "「区分名」は必ず入力"),
        (
            "dss-l,DXリテラシー標準,dss-l-how,What,,2",
            "D3",
            "標準ID・区分名「dss-l・What」が 2 行目と重複",
        ),
        ("dss-l,DXリテラシー標準 ver.1,dss-l-how,How,,2", "B3", "2 行目で「DXリテラシー標準」です"),
        ("DSS L,DXリテラシー標準,dss-l-how,How,,2", "A3", "半角の英小文字"),
    ],
)
def test_a_wrong_standards_row_is_reported_at_its_cell(
    copy_of, tmp_path: Path, capsys, line: str, cell: str, says: str
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    _with_standards(folder, ["dss-l,DXリテラシー標準,dss-l-what,What,,1", line], {})
    code, report = check_json(folder, capsys)
    assert code == 1
    assert [(e["sheet"], e["cell"]) for e in report["errors"]] == [("標準", cell)]
    assert says in report["errors"][0]["message"]


def test_an_older_snapshot_without_the_standards_file_still_loads(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("sync", MINIMAL, "--data", data) == 0
    (data / "standards.json").unlink()
    assert snapshot.load(data).data["standards"] == []


def test_the_template_offers_the_category_ids_for_the_skills_column() -> None:
    layout = workbook_layout(rows=50)
    skills, standards = layout.sheet("スキル"), layout.sheet("標準")
    column = [c.header for c in skills.columns].index("標準区分")
    [dropdown] = [d for d in skills.dropdowns if d.column == column]
    assert dropdown.source is not None and dropdown.source.sheet == "標準"
    # the category's own ID (区分ID), not the 標準ID that several rows share
    assert standards.columns[dropdown.source.column].header == "区分ID"
    assert dropdown.strict is False  # a list cell: several IDs separated by 「、」
    assert "「標準」タブの区分ID（複数は「、」で区切る）" in dropdown.prompt


def test_the_sample_maps_skills_to_both_standards_and_leaves_gaps() -> None:
    rows = _rows(SAMPLE, "標準")
    names = {r["標準ID"]: [] for r in rows}
    for r in rows:
        names[r["標準ID"]].append(r["区分名"])
    assert names == {
        "dss-l": [
            "Why（DXの背景）",
            "What（DXで活用されるデータ・技術）",
            "How（データ・技術の利活用）",
            "マインド・スタンス",
        ],
        "dss-p": [
            "ビジネスアーキテクト",
            "デザイナー",
            "データサイエンティスト",
            "ソフトウェアエンジニア",
            "サイバーセキュリティ",
        ],
    }
    used = {c for skill in DATA["skills"] for c in skill["standards"]}
    assert used and used < {r["区分ID"] for r in rows}  # mapped, with gaps
    assert DATA["standards"] == validate(read_source(str(SAMPLE))).data["standards"]


# --- the site ---------------------------------------------------------------------


def test_a_standard_page_lists_covering_skills_courses_and_gaps(sample_site: Path) -> None:
    skills = {s["id"]: s for s in DATA["skills"]}
    areas = {a["id"]: a for a in DATA["areas"]}
    levels = {lv["id"]: lv for lv in DATA["levels"]}
    for standard in sorted({c["standard"] for c in DATA["standards"]}):
        body = article(page(sample_site, f"standards/{standard}"))
        categories = [c for c in DATA["standards"] if c["standard"] == standard]
        assert body.h1.get_text() == categories[0]["standard_name"]
        gaps = []
        for category in categories:
            section = body.select_one(f"#category-{category['id']}").find_parent("section")
            assert section.h2.get_text() == category["name"]
            covering = [s for s in skills.values() if category["id"] in s["standards"]]
            if not covering:
                gaps.append(category["name"])
                assert GAP in section.get_text()
                assert section.select("table") == []
                continue
            assert GAP not in section.get_text()
            # every covering skill once, in the row of its area and level
            seen = []
            area = None
            for tr in section.select("tbody tr"):
                link = tr.select_one("th a")
                if link is not None:
                    area = next(a for a in areas.values() if a["name"] == link.get_text())
                    assert link["href"] == f"../../areas/{area['id']}/#skill-map"
                level_name, names = (td.get_text() for td in tr.select("td"))
                for name in names.split("、"):
                    skill = next(s for s in covering if s["name"] == name)
                    assert (skill["area"], levels[skill["level"]]["name"]) == (
                        area["id"],
                        level_name,
                    )
                    seen.append(skill["id"])
            assert sorted(seen) == sorted(s["id"] for s in covering)
            # the published catalogue courses that teach one of them, each linked
            teaching = {
                c["id"]
                for c in DATA["courses"]
                if c["status"] != "停止" and set(c["skills"]) & {s["id"] for s in covering}
            }
            links = {a["href"] for a in section.select(".manabi-standard-courses a")}
            assert links == {f"../../courses/{c}/" for c in teaching}
        summary = [a.get_text() for a in body.select(".manabi-standard-gaps li a")]
        assert summary == gaps
    assert "Why（DXの背景）" in {
        a.get_text()
        for a in article(page(sample_site, "standards/dss-l")).select(".manabi-standard-gaps a")
    }


def test_skill_maps_show_badges_that_lead_to_the_category(sample_site: Path) -> None:
    categories = {c["id"]: c for c in DATA["standards"]}
    rank = {c["id"]: i for i, c in enumerate(sorted(DATA["standards"], key=display_order))}
    skills = {s["name"]: s for s in DATA["skills"]}
    badges = 0
    for area in DATA["areas"]:
        body = article(page(sample_site, f"areas/{area['id']}"))
        for row in body.select("#skill-map ~ .manabi-table-wrap tbody tr"):
            cell = row.select("td")[0]
            if cell.get("colspan"):
                continue  # a level with no skill yet
            skill = skills[cell.contents[0].get_text()]
            links = cell.select("a.manabi-standard-badge")
            # named with their standard for screen readers, in the standards' order
            assert [a.get_text() for a in links] == [
                f"{categories[c]['standard_name']}の区分 {categories[c]['name']}"
                for c in sorted(skill["standards"], key=rank.__getitem__)
            ]
            for a in links:
                path, anchor = a["href"].split("#")
                target = posixpath.normpath(f"areas/{area['id']}/{path}")
                assert (
                    target
                    == f"standards/{categories[anchor.removeprefix('category-')]['standard']}"
                )
                assert page(sample_site, target).select_one(f"h2#{anchor}") is not None
                badges += 1
    assert badges == sum(len(s["standards"]) for s in DATA["skills"]) > 0


def test_the_standards_index_is_in_the_navigation_only_with_rows(
    sample_site: Path, tmp_path: Path
) -> None:
    def nav(site: Path) -> list[str]:
        return [a.get_text(strip=True) for a in page(site, "").select(".md-tabs__link")]

    assert "標準との対応" in nav(sample_site)
    index = article(page(sample_site, "standards"))
    assert [h.get_text() for h in index.select("h2")] == [
        "DXリテラシー標準（DSS-L）",
        "DX推進スキル標準（DSS-P）",
    ]
    assert [(a.get_text(), a["href"]) for a in index.select("h2 + p a")] == [
        ("DXリテラシー標準（DSS-L）の区分ごとのスキルと講座", "dss-l/"),
        ("DX推進スキル標準（DSS-P）の区分ごとのスキルと講座", "dss-p/"),
    ]
    bare = build_from(MINIMAL, tmp_path / "site")
    assert "標準との対応" not in nav(bare)
    assert "担当分野" in nav(bare)
    assert not (bare / "standards" / "dss-l").exists()
    # the page itself is still there (not linked), saying there is nothing yet
    assert "標準はまだ登録されていません" in article(page(bare, "standards")).get_text()


def test_the_navigation_entry_is_left_out_wherever_it_sits() -> None:
    nav = [
        {"ホーム": "index.md"},
        {"分野": [{"担当分野": "areas/index.md"}, {"標準との対応": "standards/index.md"}]},
        {"一覧": ["standards/index.md"]},
    ]
    assert without_empty_index(nav, True) == nav
    assert without_empty_index(nav, False) == [
        {"ホーム": "index.md"},
        {"分野": [{"担当分野": "areas/index.md"}]},
    ]
    assert without_empty_index(None, False) is None


def test_standard_tables_and_badges_stay_out_of_the_search_index(sample_site: Path) -> None:
    index = json.loads((sample_site / "search" / "search_index.json").read_text("utf-8"))
    docs = index["docs"]
    # a category is found by its name on its standard's page
    assert any(
        d["location"] == "standards/dss-p/#category-dss-p-data-scientist"
        and d["title"] == "データサイエンティスト"
        for d in docs
    )
    # the badges and lists repeat other pages: not indexed there
    area_text = " ".join(d["text"] for d in docs if d["location"].startswith("areas/data/"))
    assert "データサイエンティスト" not in area_text
    assert not any("学べる講座" in d["title"] for d in docs)


@pytest.mark.browser
def test_a_standard_page_prints_on_a4_with_every_category_skill_and_gap(browser, sample_url):
    standard = SAMPLE_SITE.standard["dss-p"]
    with visit(browser, sample_url + "standards/dss-p/", DESKTOP) as page:
        printed = printed_on_a4(page)
    assert _printed(standard["name"], printed)
    for category in standard["categories"]:
        assert _printed(category.record["name"], printed), category.record["name"]
        for group in category.areas:
            assert _printed(group.area["name"], printed)
            for level in group.levels:
                for skill in level.skills:
                    assert _printed(skill["name"], printed), skill["name"]
        for course in category.courses:
            assert _printed(course["title"], printed), course["title"]
    assert standard["gaps"] and _printed(GAP, printed)
    assert not _printed("部署から探す", printed)  # the site's navigation is not printed


# --- the benchmark's synthetic sheets -------------------------------------------


def test_each_synthetic_copy_gets_its_own_standards(tmp_path: Path) -> None:
    scaled = scale_sample(SAMPLE, tmp_path / "x3", 3)
    result = validate(read_source(str(scaled)))
    assert result.ok, result.errors[:3]
    standards = result.data["standards"]
    assert len(standards) == 3 * len(DATA["standards"])
    assert {c["standard"] for c in standards} == {
        f"{standard}{copy}" for standard in ("dss-l", "dss-p") for copy in ("", "-2", "-3")
    }
    sample = {s["id"]: s["standards"] for s in DATA["skills"]}
    for skill in result.data["skills"]:
        if skill["id"] in sample:
            assert skill["standards"] == sample[skill["id"]]
        else:  # copy n of a skill covers copy n of its categories
            original, copy = skill["id"].rsplit("-", 1)
            assert skill["standards"] == [f"{c}-{copy}" for c in sample[original]]
