"""The learning figures' charts in real Chromium: they fit a phone, their text is not cut
off, their colours hold 3:1, and the 受講状況 page prints with them on A4.

The page types (the 受講状況 page, a division with figures and one without) are also
in tests/staff_pages.py, so axe, the 375 px check and the print check run on them.
"""

from __future__ import annotations

import pytest

from tests.staff_pages import DESKTOP, PAGE_TYPES, PHONE, SCREENS, visit
from tests.test_learning_site import LATEST, NAMES, PUBLISHED
from tests.test_phone_print import _printed, printed_on_a4
from tests.test_search_browser import ASK_WORKER

# Runs in the page: per chart, its box, the viewport and every text label's box.
CHART_BOXES = """() => [...document.querySelectorAll('svg.manabi-chart__svg')].map(svg => {
  const box = svg.getBoundingClientRect();
  return {
    svg: [box.left, box.right, box.width],
    viewport: document.documentElement.clientWidth,
    texts: [...svg.querySelectorAll('text')].map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
              height: r.height, inside: r.left >= box.left - 1 && r.right <= box.right + 1
                && r.top >= box.top - 1 && r.bottom <= box.bottom + 1};
    }),
  };
})"""


def _overlaps(texts: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if (
                a["left"] < b["right"] - 1
                and b["left"] < a["right"] - 1
                and a["top"] < b["bottom"] - 1
                and b["top"] < a["bottom"] - 1
            ):
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_charts_fit_the_screen_and_no_label_is_cut_off_or_on_another(browser, sample_url, viewport):
    with visit(
        browser, sample_url + PAGE_TYPES["stats"], viewport, is_mobile=viewport is PHONE
    ) as page:
        charts = page.evaluate(CHART_BOXES)
        SCREENS.mkdir(parents=True, exist_ok=True)
        for i, figure in enumerate(page.locator("figure.manabi-chart").all()):
            figure.screenshot(path=str(SCREENS / f"stats-chart-{i + 1}-{viewport['width']}.png"))
    assert len(charts) == 2
    for chart in charts:
        left, right, width = chart["svg"]
        assert left >= 0 and right <= chart["viewport"], chart["svg"]
        if viewport is PHONE:
            assert width >= 0.85 * chart["viewport"]  # as wide as the phone allows
        cut = [t["text"] for t in chart["texts"] if not t["inside"]]
        assert cut == []
        small = [t["text"] for t in chart["texts"] if t["height"] < 10]
        assert small == [], "chart text below about 10 px is hard to read"
        assert _overlaps(chart["texts"]) == []


@pytest.mark.browser
def test_the_division_table_scrolls_in_its_own_region_on_a_phone(browser, sample_url):
    with visit(browser, sample_url + PAGE_TYPES["stats"], PHONE, is_mobile=True) as page:
        region = page.locator(".manabi-table-wrap", has=page.locator("#divisions-caption"))
        assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "expected a wide table"
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        region.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert region.evaluate("el => el.scrollLeft") > 0
        assert region.get_attribute("role") == "region"


# Runs in the page: computed colours of chart marks, as "r,g,b".
MARK_COLOURS = """() => {
  const rgb = c => (c.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
  const out = {};
  for (const el of document.querySelectorAll('.manabi-seg, .manabi-line, .manabi-chart__frame')) {
    const key = [...el.classList].join(' ');
    const style = getComputedStyle(el);
    out[key] = {fill: rgb(style.fill), stroke: rgb(style.stroke), strokeNone: style.stroke === 'none'};
  }
  return out;
}"""


def _luminance(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: list[float], b: list[float]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


WHITE = [255, 255, 255]


@pytest.mark.browser
def test_chart_colours_hold_3_to_1_against_the_page_and_each_other(browser, sample_url):
    """WCAG 1.4.11: each line, and each bar segment's edge, is 3:1 against what touches it."""
    with visit(browser, sample_url + PAGE_TYPES["stats"]) as page:
        marks = page.evaluate(MARK_COLOURS)
    lines = {k: v for k, v in marks.items() if "manabi-line" in k}
    assert len(lines) == 3
    for key, colours in lines.items():
        assert _contrast(colours["stroke"], WHITE) >= 3, key
    segments = {
        k.split("manabi-seg--")[1]: v for k, v in marks.items() if k.startswith("manabi-seg ")
    }
    assert set(segments) == {"continuing", "met_only", "on_the_way"}
    filled = {k: v["fill"] for k, v in segments.items() if v["fill"] != WHITE}
    for key, fill in filled.items():
        assert _contrast(fill, WHITE) >= 3, key
    a, b = filled.values()
    assert _contrast(a, b) >= 3
    # the white segment shows by its frame, dark against the white page and the white fill
    frame = next(v for k, v in marks.items() if "manabi-chart__frame" in k)
    assert segments["on_the_way"]["fill"] == WHITE
    assert _contrast(frame["stroke"], WHITE) >= 3


@pytest.mark.browser
def test_the_stats_page_prints_on_a4_with_its_day_charts_and_figures(browser, sample_url):
    with visit(browser, sample_url + PAGE_TYPES["stats"], DESKTOP) as page:
        printed = printed_on_a4(page)
    assert _printed("2026年12月1日時点", printed)
    for legend in ("受講した人", "必須を達成した人", "学び続けている人", "継続中", "受講中"):
        assert _printed(legend, printed), legend
    for division in PUBLISHED[:3]:
        assert _printed(NAMES[division], printed), division
    assert _printed(f"{LATEST['total']['learners']}人", printed)
    assert not _printed("サイト内検索", printed)


@pytest.mark.browser
def test_searching_its_name_finds_the_stats_page_first(browser, sample_url):
    with visit(browser, sample_url) as page:
        results = page.evaluate(ASK_WORKER, {"queries": ["受講状況", "継続率"], "material": False})
    assert results[0][0] == "stats/"
    # the divisions' own sections stay out of the index: no 46 pages in the way
    assert [r for r in results[0] if r.startswith(("divisions/", "courses/"))] == []
    assert "stats/" in results[1][:3]  # a word of its definitions
