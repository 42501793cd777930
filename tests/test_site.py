"""The built site, end to end: the pages a member of staff opens, and what they read there."""

from __future__ import annotations

import json
import posixpath
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from manabi import snapshot
from manabi.schema import DIVISION_KINDS, TABS
from manabi.synthetic import scale_divisions
from tests.helpers import MINIMAL, ROOT, SAMPLE, run_cli
from tests.test_check import edit_cell

DATA = snapshot.load(ROOT / "data").data


def page(site: Path, path: str) -> BeautifulSoup:
    file = site / path / "index.html" if not path.endswith(".html") else site / path
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def article(soup: BeautifulSoup) -> BeautifulSoup:
    return soup.select_one("article")


def test_every_division_area_and_course_has_its_own_page(sample_site: Path) -> None:
    for tab, folder, title in (
        ("divisions", "divisions", "name"),
        ("areas", "areas", "name"),
        ("courses", "courses", "title"),
    ):
        for record in DATA[tab]:
            soup = page(sample_site, f"{folder}/{record['id']}")
            assert soup.h1.get_text() == record[title]
            assert soup.title.get_text() == f"{record[title]} - DXまなびナビ"
            assert soup.html["lang"] == "ja"


def test_generated_pages_are_never_written_into_docs(sample_site: Path) -> None:
    assert not (ROOT / "docs" / "divisions" / "kita.md").exists()
    assert sorted(p.name for p in (ROOT / "docs" / "courses").iterdir()) == ["index.md"]


def test_home_lets_staff_pick_their_division_grouped_by_type(sample_site: Path) -> None:
    home = article(page(sample_site, ""))
    headings = [h.get_text() for h in home.select(".manabi-picker h2")]
    assert headings == [k for k in DIVISION_KINDS if any(d["kind"] == k for d in DATA["divisions"])]
    links = {a.get_text(): a["href"] for a in home.select(".manabi-picker a")}
    assert len(links) == len(DATA["divisions"])
    assert links["北区役所"] == "divisions/kita/"
    text = home.get_text()
    assert "必須受講数: 3 講座" in text
    assert "受講期限: 2027年3月31日(水)" in text


def test_a_division_page_shows_its_contacts_and_its_path_by_level(sample_site: Path) -> None:
    kita = article(page(sample_site, "divisions/kita"))
    names = [n.get_text() for n in kita.select(".manabi-contact__name")]
    expected = [c for c in DATA["contacts"] if c["division"] == "kita"]
    assert sorted(names) == sorted(c["name"] for c in expected)
    assert kita.select_one(".manabi-contact__name").find_next("span").get_text() == "主担当"
    mails = {a["href"] for a in kita.select(".manabi-contact a")}
    assert {f"mailto:{c['email']}" for c in expected if c["email"]} <= mails

    levels = [h.get_text() for h in kita.select(".manabi-level h3")]
    order = [lv["name"] for lv in sorted(DATA["levels"], key=lambda lv: lv["order"])]
    assert levels == [lv for lv in order if lv in levels]
    assert levels[0] == "入門"

    kita_areas = {a for d in DATA["divisions"] if d["id"] == "kita" for a in d["areas"]}
    stopped = {c["id"] for c in DATA["courses"] if c["status"] == "停止"}
    expected_courses = {
        s["course"]
        for s in DATA["steps"]
        if s["area"] in kita_areas
        and s["course"] not in stopped
        and (not s["audience"] or "kita" in s["audience"] or "区役所" in s["audience"])
    }
    shown = [li["data-course"] for li in kita.select("li.manabi-step")]
    assert set(shown) == expected_courses
    assert len(shown) == len(set(shown))  # a course shared by two areas is listed once


def test_an_area_page_shows_its_skill_map(sample_site: Path) -> None:
    area = article(page(sample_site, "areas/data"))
    table = area.select_one("table")
    assert "スキルマップ" in table.caption.get_text()
    cells = table.get_text()
    for skill in (s for s in DATA["skills"] if s["area"] == "data"):
        assert skill["name"] in cells
        assert skill["can_do"] in cells


def test_a_course_page_shows_its_facts_and_which_paths_recommend_it(sample_site: Path) -> None:
    course = DATA["courses"][0]
    soup = article(page(sample_site, f"courses/{course['id']}"))
    external = soup.select_one("a.manabi-external")
    assert external["href"] == course["url"]
    assert external.get_text().startswith(f"「{course['title']}」を開く")
    steps = [s for s in DATA["steps"] if s["course"] == course["id"]]
    rows = soup.select("#paths ~ div table tbody tr")
    assert len(rows) == len(steps)


def test_the_catalogue_and_the_contact_directory_list_everything(sample_site: Path) -> None:
    catalogue = article(page(sample_site, "courses"))
    assert len(catalogue.select("tbody tr")) == len(DATA["courses"])
    directory = article(page(sample_site, "contacts"))
    assert len(directory.select(".manabi-contact")) == len(DATA["contacts"])


def test_the_fill_in_guide_is_generated_from_the_schema(sample_site: Path) -> None:
    guide = article(page(sample_site, "guide"))
    for tab in TABS:
        section = guide.select_one(f"#tab-{tab.key}").find_parent("section")
        headers = [th.get_text() for th in section.select("tbody th")]
        assert headers == [c.name for c in tab.columns]


def _internal_links(site: Path):
    for html in site.rglob("*.html"):
        if html.name == "404.html":  # served at any depth, so MkDocs links it from the root
            continue
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag):
                value = element.get(attr)
                if value:
                    yield html, tag, value


def test_every_link_inside_the_site_resolves_and_nothing_loads_from_outside(
    sample_site: Path,
) -> None:
    broken, outside = [], []
    for html, tag, value in _internal_links(sample_site):
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            if tag != "a":  # a stylesheet, script or image from another host
                outside.append((html, value))
            continue
        if not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(str(html.parent), parts.path))
        path = Path(target)
        if not (path.is_file() or (path / "index.html").is_file()):
            broken.append((str(html.relative_to(sample_site)), value))
    assert broken == []
    assert outside == []


def test_a_division_page_stays_the_same_size_with_ten_times_the_divisions(
    sample_site: Path, tmp_path: Path
) -> None:
    big = scale_divisions(SAMPLE, tmp_path / "x10", 10)
    site = tmp_path / "site"
    assert run_cli("build", "--source", big, "--site-dir", site) == 0
    assert len(list((site / "divisions").iterdir())) == 10 * len(DATA["divisions"]) + 1
    for division in ("kita", "somu", "digital-tokatsu"):
        small_size = (sample_site / "divisions" / division / "index.html").stat().st_size
        big_size = (site / "divisions" / division / "index.html").stat().st_size
        assert 0.75 <= big_size / small_size <= 1.25, (division, small_size, big_size)


# --- bad input -----------------------------------------------------------------


def test_a_bad_sheet_keeps_the_old_site_and_says_which_cell_to_fix(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    assert run_cli("build", "--source", MINIMAL, "--site-dir", site) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    data_before = (ROOT / "data" / "manifest.json").read_bytes()
    folder = copy_of(MINIMAL, tmp_path)
    edit_cell(folder, "推奨", 2, "講座ID", "c999")
    capsys.readouterr()

    assert run_cli("build", "--source", folder, "--site-dir", site) == 1

    out = capsys.readouterr()
    assert "推奨!D2" in out.out
    assert "講座ID「c999」は「講座」タブにありません" in out.out
    assert "Traceback" not in out.out + out.err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert (ROOT / "data" / "manifest.json").read_bytes() == data_before
    assert not list(tmp_path.glob(".site*"))  # no half-built folder left behind


def test_building_without_a_snapshot_exits_2_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("build", "--data", tmp_path / "none", "--site-dir", tmp_path / "site") == 2
    err = capsys.readouterr().err
    assert "manabi sync" in err
    assert not (tmp_path / "site").exists()


# --- spreadsheet text is data, never code ----------------------------------------

HOSTILE_NAME = "{{ 7*7 }}<script>alert(1)</script>"
HOSTILE_NOTE = '[x](javascript:alert(1)) *em* {% raw %} --8<-- "/etc/passwd" &amp;'
HOSTILE_TITLE = "<img src=x onerror=alert(1)>{{ config.site_dir }}"
HOSTILE_CONTACT = "</title><script>alert(2)</script>"
HOSTILE_COURSE = "<script>alert(1)</script>{{ 7*7 }}"  # a course title from the Udemy export


def hostile_figures() -> dict:
    """A learning record as ``manabi stats`` writes it, with a title from the export."""
    nulls = dict.fromkeys(("learners", "quota_met", "continuing", "minutes"))
    return {
        "as_of": "2026-12-01",
        "threshold": 10,
        "total": {"learners": 30, "quota_met": 12, "continuing": 8, "minutes": 2000},
        "divisions": {
            "kita": {"learners": 12, "quota_met": 5, "continuing": 3, "minutes": 700},
            "somu": nulls,
        },
        "unmatched_groups": {"<b>グループ</b>{{ 7*7 }}": None},
        "courses": {"c001": {"learners": 15, "completed": 11}},
        "other_courses": [{"title": HOSTILE_COURSE, "learners": 12}],
        "sheet": {"read_at": "2026-12-02T01:30:00+00:00", "basis": "0" * 64},
        "basis": {"quota": 3, "deadline": "2027-03-31", "threshold": 10},
    }


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "minimal"
    import shutil

    shutil.copytree(MINIMAL, folder)
    edit_cell(folder, "部署", 2, "部署名", HOSTILE_NAME)
    edit_cell(folder, "部署", 2, "備考", HOSTILE_NOTE)
    edit_cell(folder, "講座", 2, "講座名", HOSTILE_TITLE)
    edit_cell(folder, "窓口担当", 2, "担当者名", HOSTILE_CONTACT)
    edit_cell(folder, "設定", 2, "値", "{{ 7*7 }}&<b>まなび</b>")
    data, site = root / "data", root / "site"
    assert run_cli("sync", folder, "--data", data) == 0
    (data / "stats").mkdir()
    (data / "stats" / "2026-12-01.json").write_text(
        json.dumps(hostile_figures(), ensure_ascii=False), encoding="utf-8"
    )
    assert run_cli("build", "--data", data, "--site-dir", site) == 0
    return site


def test_hostile_export_and_cell_text_in_the_learning_figures_shows_literally(
    hostile_site: Path,
) -> None:
    stats = article(page(hostile_site, "stats"))
    assert [li.get_text() for li in stats.select(".manabi-other-courses li")] == [HOSTILE_COURSE]
    assert HOSTILE_NAME in [t.get_text() for t in stats.select("svg text")]  # a chart label
    assert stats.find("a", string=HOSTILE_NAME)["href"] == "../divisions/kita/"
    assert not stats.select(".manabi-other-courses script, svg script, svg b")
    html = (hostile_site / "stats" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html
    assert "<b>グループ</b>" not in stats.get_text()  # group names from the export: not shown
    kita = article(page(hostile_site, "divisions/kita")).select_one(".manabi-learning")
    assert (
        kita.select("caption")[0].get_text()
        == f"{HOSTILE_NAME}と市全体の受講状況（2026年12月1日時点）"
    )


def test_hostile_cell_text_shows_literally_and_nothing_in_it_runs(hostile_site: Path) -> None:
    html = (hostile_site / "divisions" / "kita" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == HOSTILE_NAME
    assert soup.title.get_text() == f"{HOSTILE_NAME} - {{{{ 7*7 }}}}&<b>まなび</b>"
    body = article(soup)
    assert HOSTILE_NOTE in body.get_text()
    assert HOSTILE_CONTACT in body.get_text()
    assert HOSTILE_TITLE in body.get_text()
    assert not body.select("a[href^=javascript], img, em, b")
    for file in hostile_site.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        assert "<script>alert" not in text, file
        assert "onerror=alert" not in text.replace("onerror=alert(1)&gt;", ""), file
        if file.parent.name == "benchmark":  # the maintainers' figures: 49 is a number there
            continue
        shown = BeautifulSoup(text, "html.parser")
        for stamp in shown.select(".manabi-updated"):  # the build's time may read 16:49
            stamp.decompose()
        assert "49" not in shown.get_text().replace("2049", ""), file


@pytest.mark.browser
def test_hostile_text_runs_nothing_in_a_real_browser(
    hostile_site: Path, browser, serve_site
) -> None:
    base = serve_site(hostile_site)
    page_ = browser.new_page()
    dialogs: list[str] = []
    page_.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("", "divisions/kita/", "courses/c001/", "contacts/", "stats/"):
        page_.goto(base + path)
    page_.goto(base + "divisions/kita/")
    assert page_.locator("h1").first.text_content() == HOSTILE_NAME
    assert page_.title().startswith(HOSTILE_NAME)
    # Search results render the same text; typing it must not run it either.
    page_.keyboard.press("/")
    page_.locator("input.md-search__input").fill("alert")
    page_.wait_for_timeout(1500)
    assert dialogs == []
    assert page_.evaluate("document.querySelectorAll('img[src=x]').length") == 0
    page_.close()


def test_search_index_holds_text_not_markup(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    raw = json.dumps(index, ensure_ascii=False)
    assert "<script>alert" not in raw


def test_a_broken_page_fails_the_build_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    for name in ("docs", "macros", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "docs" / "broken.md").write_text("# 壊れたページ\n\n{{ no_such_macro() }}\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("前のサイト")

    code = run_cli(
        "build", "--data", ROOT / "data", "--site-dir", site, "--config", tmp_path / "mkdocs.yml"
    )

    assert code == 2
    captured = capsys.readouterr()
    assert "サイトを作れませんでした。公開中のサイトは前のまま変わっていません。" in captured.err
    assert "broken.md" in captured.err  # which page, for the maintainer
    assert "Traceback" not in captured.err + captured.out
    assert (site / "index.html").read_text() == "前のサイト"


def test_an_unchanged_source_skips_the_build_until_a_page_or_template_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    for name in ("docs", "macros", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    config = tmp_path / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    site = tmp_path / "site"
    build = ("build", "--source", MINIMAL, "--site-dir", site, "--config", config)
    assert run_cli(*build) == 0
    capsys.readouterr()

    assert run_cli(*build) == 0
    assert capsys.readouterr().out.startswith("変更なし")

    guide = tmp_path / "docs" / "contacts.md"
    guide.write_text(
        guide.read_text(encoding="utf-8") + "\n窓口は平日 9 時から。\n", encoding="utf-8"
    )
    assert run_cli(*build) == 0
    assert capsys.readouterr().out.startswith("サイトを作りました")
    assert "窓口は平日 9 時から。" in (site / "contacts" / "index.html").read_text(encoding="utf-8")


def test_a_build_from_an_unchanged_snapshot_is_skipped_until_the_data_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, site = tmp_path / "data", tmp_path / "site"
    assert run_cli("sync", MINIMAL, "--data", data) == 0
    build = ("build", "--data", data, "--site-dir", site)
    assert run_cli(*build) == 0
    record = (site / "manabi-build.json").read_text(encoding="utf-8")
    capsys.readouterr()

    assert run_cli(*build) == 0
    assert capsys.readouterr().out.startswith("変更なし")
    assert (site / "manabi-build.json").read_text(encoding="utf-8") == record  # not rebuilt

    assert run_cli(*build, "--force") == 0
    assert capsys.readouterr().out.startswith("サイトを作りました")

    source = tmp_path / "source"
    shutil.copytree(MINIMAL, source)
    edit_cell(source, "部署", 2, "部署名", "北区役所（新）")
    assert run_cli("sync", source, "--data", data) == 0
    capsys.readouterr()
    assert run_cli(*build) == 0
    assert capsys.readouterr().out.startswith("サイトを作りました")
    assert "北区役所（新）" in (site / "index.html").read_text(encoding="utf-8")


def test_a_broken_template_of_ours_is_reported_with_its_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from manabi import pages

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "manabi" / "templates", templates)
    area = templates / "area.html"
    area.write_text(
        area.read_text(encoding="utf-8").replace(
            "{% if area.description %}", "{% if area.description %"
        ),
        encoding="utf-8",
    )
    from jinja2 import FileSystemLoader

    monkeypatch.setattr(pages._env, "loader", FileSystemLoader(templates))
    pages._env.cache.clear()
    try:
        code = run_cli("build", "--data", ROOT / "data", "--site-dir", tmp_path / "site")
    finally:
        pages._env.cache.clear()
    assert code == 2
    err = capsys.readouterr().err
    assert "area.html の 4 行目" in err
    assert "Traceback" not in err


def test_a_division_is_found_by_what_is_its_own_not_by_what_every_division_repeats(
    sample_site: Path,
) -> None:
    """The search index holds a division's name, note, contacts and areas once.

    Its path steps, events and checklist panel repeat the area, course and 予定
    pages (on every division that shares them): in the index they would make a
    course's name find dozens of division pages and the index several times
    bigger.
    """
    index = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for doc in index["docs"]:
        where = doc["location"].split("#")[0]
        texts[where] = texts.get(where, "") + doc["title"] + " " + doc["text"]
    kita = texts["divisions/kita/"]
    assert "北区役所" in kita and "区DX支援グループ" in kita and "森本 沙織" in kita
    assert "生成AI活用" in kita  # one of its areas
    course = DATA["courses"][0]["title"]
    event = DATA["events"][0]["title"]
    for text in (course, event, "受講済み", "あと  日です"):
        assert text not in kita, text
    has_course = {where for where, text in texts.items() if course in text}
    assert f"courses/{DATA['courses'][0]['id']}/" in has_course
    assert not any(where.startswith("divisions/") for where in has_course), has_course
    assert event in texts["events/"]
    # and what staff read on the page is unchanged
    shown = article(page(sample_site, "divisions/kita")).get_text()
    assert course in shown and "受講済み" in shown
