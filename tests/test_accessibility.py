"""JIS X 8341-3:2016 level AA (WCAG 2.x AA) on every page type, in real Chromium.

axe-core (bundled by axe-playwright-python) checks each page type at desktop
and phone width; the keyboard checks press real keys. The accessibility
policy page (docs/accessibility.md) states this method, and a test keeps it
true to what is run here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from tests.staff_pages import DESKTOP, PAGE_TYPES, PHONE, ROOT, SCREENS, screenshot, visit

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
AXE = Axe()
AXE_VERSION = re.search(r"axe v(\d+\.\d+\.\d+)", AXE.axe_script).group(1)
POLICY = ROOT / "docs" / "accessibility.md"
GENERIC_LINK_TEXT = {
    "こちら",
    "ここ",
    "詳細",
    "詳しく",
    "リンク",
    "クリック",
    "more",
    "here",
    "click here",
}


def axe_violations(page, options: dict) -> list[str]:
    results = AXE.run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]


WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(
    scope="module",
    params=[(name, width) for width in WIDTHS for name in PAGE_TYPES],
    ids=lambda param: f"{param[0]}-{param[1]}",
)
def page_type(request, browser, sample_url):
    """``(name, page)``: one page of each type at each width, shared by the checks below."""
    name, width = request.param
    with visit(browser, sample_url + PAGE_TYPES[name], WIDTHS[width]) as page:
        yield f"{name} at {WIDTHS[width]['width']} px", page


@pytest.mark.browser
def test_axe_finds_no_wcag_a_or_aa_violation(page_type):
    name, page = page_type
    if name.endswith(f" {DESKTOP['width']} px"):  # phone ones: tests/test_phone_print.py
        screenshot(page, name.replace(" at ", "-").replace(" px", ""))
    found = axe_violations(page, {"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert found == [], name


@pytest.mark.browser
def test_open_search_dialog_with_results_has_a_name_and_no_violation(browser, sample_url):
    with visit(browser, sample_url + PAGE_TYPES["division"]) as page:
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").fill("データ活用")
        page.locator(".md-search__input").dispatch_event("keyup")
        page.locator(".md-search-result__item").first.wait_for()
        screenshot(page, "search-1280", full_page=False)
        dialog = page.locator(".md-search[role=dialog]")
        assert dialog.get_attribute("aria-label") == "サイト内検索"
        found = axe_violations(page, {"runOnly": {"type": "tag", "values": AXE_TAGS}})
        # Material's dialog had no name: a best-practice rule, checked on its own.
        found += axe_violations(page, {"runOnly": {"type": "rule", "values": ["aria-dialog-name"]}})
    assert found == []


@pytest.mark.browser
def test_checklist_panel_with_last_years_record_and_a_refusal_has_no_violation(
    browser, sample_url, tmp_path
):
    """The panel's parts that show only with ticks of an earlier period, or after a file."""
    not_a_record = tmp_path / "メモ.txt"
    not_a_record.write_text("受講メモ", encoding="utf-8")
    with visit(browser, sample_url + PAGE_TYPES["division"]) as page:
        page.evaluate(
            """localStorage.setItem('manabi.checklist', JSON.stringify({version: 2, periods: {
                 '2026-03-31': {c001: 'done', c002: 'done'}, '2027-03-31': {c003: 'started'}}}))"""
        )
        page.reload()
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="ファイルから読み込む").click()
        chooser.value.set_files(not_a_record)
        refusal = page.locator('[data-manabi-says="not-record"]')
        refusal.wait_for()
        assert page.locator("[data-manabi-earlier]").is_visible()
        assert page.locator("[data-manabi-earlier-mark]:visible").count() >= 1
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.locator("[data-manabi-checklist]").screenshot(
            path=str(SCREENS / "checklist-panel-1280.png"), animations="disabled"
        )
        found = axe_violations(page, {"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert found == []


@pytest.mark.browser
@pytest.mark.parametrize("name", ["division", "home"])
def test_skip_link_is_the_first_tab_stop_and_jumps_past_header_and_navigation(
    browser, sample_url, name
):
    with visit(browser, sample_url + PAGE_TYPES[name]) as page:
        page.keyboard.press("Tab")
        skip = page.evaluate(
            "() => [document.activeElement.classList.contains('md-skip'),"
            " document.activeElement.textContent.trim()]"
        )
        assert skip == [True, "コンテンツにスキップ"]
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "() => !!document.activeElement.closest('.md-content') "
            "&& !document.activeElement.closest('.md-header, .md-tabs, .md-sidebar')"
        )
        assert inside, "after the skip link, Tab should land in the page's own content"


def _tab_through(page, presses: int) -> list[dict]:
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                """() => {
                  const el = document.activeElement, style = getComputedStyle(el);
                  return {
                    key: el.outerHTML.slice(0, 120),
                    where: el === document.body ? 'out of the page'
                      : el.closest('.md-footer') ? 'footer'
                      : el.closest('.md-content') ? 'content' : 'other',
                    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                  };
                }"""
            )
        )
    return seen


@pytest.mark.browser
def test_tab_visits_every_stop_with_a_visible_focus_ring_and_no_trap(browser, sample_url):
    with visit(browser, sample_url + PAGE_TYPES["division"]) as page:
        stops = page.evaluate(
            """() => [...document.querySelectorAll('a[href], button, input, [tabindex="0"]')]
                 .filter(el => el.offsetParent !== null || getComputedStyle(el).position === 'fixed')
                 .length"""
        )
        seen = _tab_through(page, stops + 5)
    footer = [s for s in seen if s["where"] == "footer"]
    assert footer, "Tab never reached the footer: focus is trapped before it"
    content = [s for s in seen if s["where"] == "content"]
    assert len({s["key"] for s in content}) >= 10
    focused = [s for s in seen if s["where"] != "out of the page"]
    hidden = [s["key"] for s in focused if s["outline"] == "none" or s["width"] < 2]
    assert hidden == [], "focused elements without a visible focus ring"


@pytest.mark.browser
def test_a_scrolling_table_can_be_reached_and_scrolled_with_the_keyboard(browser, sample_url):
    with visit(browser, sample_url + PAGE_TYPES["guide"], PHONE) as page:
        wrap = page.locator(".manabi-table-wrap").first
        assert wrap.evaluate("el => el.scrollWidth > el.clientWidth"), "expected a wide table"
        wrap.focus()
        assert wrap.get_attribute("role") == "region"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('.manabi-table-wrap').scrollLeft > 0", timeout=5000
        )


@pytest.mark.browser
def test_tables_have_header_cells_and_data_tables_have_captions(page_type):
    name, page = page_type
    tables = page.evaluate(
        """() => [...document.querySelectorAll('.md-content table')].map(t => ({
             caption: (t.caption && t.caption.textContent.trim()) || '',
             headers: t.querySelectorAll('th').length,
             named_by_heading: /^H[1-6]$/.test(
               (document.getElementById(
                  t.closest('.manabi-table-wrap')?.getAttribute('aria-labelledby') || '') || {}
               ).tagName || ''),
           }))"""
    )
    for table in tables:
        # Tables of the sheet's data carry a caption; a hand-written Markdown
        # table (maintainers' notes) is named by the heading above it instead.
        assert table["caption"] or table["named_by_heading"], f"{name}: a table without a name"
        assert table["headers"] > 0, f"{name}: table 「{table['caption']}」 has no header cells"


@pytest.mark.browser
def test_link_text_makes_sense_on_its_own(page_type):
    name, page = page_type
    links = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
             .filter(a => !a.closest('[hidden]'))
             .map(a => ({
               name: (a.getAttribute('aria-label') || a.textContent).replace(/\\s+/g, ' ').trim(),
               href: a.href,
             }))"""
    )
    targets: dict[str, set[str]] = {}
    for link in links:
        assert link["name"], f"{name}: a link with no text: {link['href']}"
        assert link["name"].lower() not in GENERIC_LINK_TEXT, f"{name}: {link}"
        targets.setdefault(link["name"], set()).add(link["href"].split("#")[0])
    ambiguous = {text: hrefs for text, hrefs in targets.items() if len(hrefs) > 1}
    assert ambiguous == {}, f"{name}: the same link text leads to different pages"


def test_accessibility_policy_states_the_method_that_these_tests_run():
    policy = POLICY.read_text(encoding="utf-8")
    assert "JIS X 8341-3:2016" in policy
    assert f"axe-core {AXE_VERSION}" in policy
    for tag in AXE_TAGS:
        assert tag in policy
    assert re.search(r"試験日: \d{4}年\d{1,2}月\d{1,2}日", policy)
    for path in PAGE_TYPES.values():
        assert f"`/{path}`" in policy, f"the policy does not list the page /{path}"
    for check in ("スキップ", "フォーカス", "375", "印刷"):
        assert check in policy


def test_policy_page_is_linked_from_every_page_footer(sample_site: Path):
    for name, path in PAGE_TYPES.items():
        html = (sample_site / path / "index.html").read_text(encoding="utf-8")
        assert "アクセシビリティ方針</a>" in html, name
        footer = BeautifulSoup(html, "html.parser").select_one(".md-copyright")
        assert "Made with" not in footer.get_text(), name  # Japanese only, nothing to the internet
        assert [a.get_text() for a in footer.select("a")] == ["アクセシビリティ方針"], name


def test_every_page_of_the_sample_has_a_skip_link_to_its_heading(sample_site: Path):
    pages = list(sample_site.rglob("index.html"))
    assert len(pages) > 100
    for page in pages:
        html = page.read_text(encoding="utf-8")
        skip = re.search(r'<a href="#([^"]+)" class="md-skip">', html)
        assert skip, f"{page.relative_to(sample_site)} has no skip link"
        assert re.search(rf'<h1 id="{re.escape(skip.group(1))}"', html), page


def test_every_table_of_the_sample_scrolls_in_a_named_region_a_keyboard_reaches(
    sample_site: Path,
):
    written = 0
    for page in sample_site.rglob("index.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for table in soup.select(".md-content table"):
            region = table.find_parent("div", class_="manabi-table-wrap")
            where = f"{page.relative_to(sample_site)}: {table.get_text(' ', strip=True)[:40]}"
            assert region is not None, where
            assert region["role"] == "region" and region["tabindex"] == "0", where
            name_id = region.get("aria-labelledby")
            assert (
                name_id and soup.find(id=name_id) and soup.find(id=name_id).get_text(strip=True)
            ), where
            written += table.caption is None
    assert written >= 3  # the Markdown tables of the maintainers' pages are covered too
