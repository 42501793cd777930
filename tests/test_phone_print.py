"""Phone and paper: every page type at 375 px, and a division's page printed on A4.

At phone width nothing may make the page scroll sideways; a table that is
wider than the screen scrolls inside its own box. A division's page prints
with its contacts and its whole learning path, each course's address written
out, and none of the site's navigation, header, footer or search.
"""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from tests.staff_pages import DESKTOP, PAGE_TYPES, PHONE, SAMPLE_SITE, screenshot, visit

A4_POINTS = (595.3, 841.9)

# Runs in the page: elements that stick out past the right edge of the
# screen, other than those inside a table's own scrolling box.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => !el.closest('.manabi-table-wrap, .md-sidebar, .md-search, [hidden]'))
    .filter(el => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
    .map(el => el.tagName + '.' + el.className)
    .slice(0, 10);
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_sideways_scrolling_at_375_px(browser, sample_url, name):
    with visit(browser, sample_url + PAGE_TYPES[name], PHONE, is_mobile=True) as page:
        screenshot(page, f"{name}-375")
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        sticking_out = page.evaluate(STICKING_OUT)
        wide_tables = page.evaluate(
            """() => [...document.querySelectorAll('.manabi-table-wrap')]
                 .filter(w => w.scrollWidth > w.clientWidth)
                 .map(w => [w.getAttribute('role'), w.getAttribute('tabindex'),
                            !!document.getElementById(w.getAttribute('aria-labelledby'))])"""
        )
    assert client_width == PHONE["width"]
    assert scroll_width <= client_width, f"{name}: the page scrolls sideways"
    assert sticking_out == []
    # A table wider than the phone scrolls in a named region the keyboard can reach.
    assert all(t == ["region", "0", True] for t in wide_tables), wide_tables


def _division():
    """The sample's division with the longest learning path (most to print)."""
    return max(
        SAMPLE_SITE.divisions,
        key=lambda d: sum(len(level.steps) for level in SAMPLE_SITE.path_of(d)),
    )


def _squeeze(text: str) -> str:
    # PDF text comes back with line breaks inside long lines, spaces between
    # scripts, some kanji as their compatibility forms (⽤ for 用: NFKC folds
    # those) and the middle dot as U+2027 (the font's glyph for both).
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("\u2027", "・")


def _printed(expected: str, printed: str) -> bool:
    """``expected`` appears in the squeezed PDF text.

    A few kanji come back as CJK radicals that NFKC does not fold (⺠ for 民),
    so a kanji may also match any radical.
    """
    pattern = "".join(
        f"(?:{re.escape(c)}|[\u2e80-\u2fdf])" if "\u4e00" <= c <= "\u9fff" else re.escape(c)
        for c in _squeeze(expected)
    )
    return re.search(pattern, printed) is not None


def printed_on_a4(page) -> str:
    """``page`` printed on A4 (every sheet checked for its size), as squeezed text."""
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    for sheet in reader.pages:
        size = (float(sheet.mediabox.width), float(sheet.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=1)
    return _squeeze("".join(sheet.extract_text() for sheet in reader.pages))


@pytest.mark.browser
def test_division_page_prints_on_a4_with_its_contacts_and_whole_path(browser, sample_url):
    division = _division()
    steps = [step for level in SAMPLE_SITE.path_of(division) for step in level.steps]
    contacts = SAMPLE_SITE.contacts_of(division)
    assert len(steps) > 20 and contacts, "expected a long path and contacts to print"
    with visit(browser, sample_url + f"divisions/{division['id']}/", DESKTOP) as page:
        nav_labels = page.evaluate(
            """() => {
              const article = document.querySelector('.md-content').innerText;
              const labels = [...document.querySelectorAll(
                '.md-tabs a, .md-nav a, .md-header, .md-footer, .md-search, .md-skip')]
                .map(el => el.innerText.replace(/\\s+/g, ' ').trim()).filter(Boolean);
              return [...new Set(labels)].filter(label => !article.includes(label));
            }"""
        )
        printed = printed_on_a4(page)
    for step in steps:
        assert _printed(step.course["title"], printed), step.course["title"]
        assert _printed(step.course["url"], printed), step.course["url"]
    for contact in contacts:
        assert _printed(contact["name"], printed), contact["name"]
        if contact.get("email"):
            assert contact["email"] in printed
    assert {"部署から探す", "講座一覧", "シートの書き方"} <= set(nav_labels)
    assert [label for label in nav_labels if _printed(label, printed)] == []


CHROME = [
    ".md-header",
    ".md-tabs",
    ".md-sidebar--primary",
    ".md-sidebar--secondary",
    ".md-search",
    ".md-footer",
    ".md-skip",
    ".md-top",
]
# What each printed page type must still show.
PRINTED = {
    "division": [".manabi-print-url", ".manabi-contacts", ".manabi-steps", ".manabi-learning"],
    "division-withheld": [".manabi-contacts", ".manabi-steps", ".manabi-learning"],
    "stats": [".manabi-asof", ".manabi-figures", ".manabi-chart__svg", ".manabi-table-wrap"],
    "standard": [".manabi-standard-gaps", ".manabi-standard-gap", ".manabi-table-wrap"],
}


@pytest.mark.browser
@pytest.mark.parametrize("name", PRINTED)
def test_print_view_hides_navigation_header_footer_and_search(browser, sample_url, name):
    with visit(browser, sample_url + PAGE_TYPES[name], DESKTOP) as page:
        page.emulate_media(media="print")
        shown = page.evaluate(
            """(selectors) => Object.fromEntries(selectors.map(s =>
                 [s, [...document.querySelectorAll(s)].some(el => el.getClientRects().length > 0)]))""",
            CHROME + PRINTED[name],
        )
        fits = page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        screenshot(page, f"{name}-print")
    assert [s for s in CHROME if shown[s]] == []
    assert [s for s in PRINTED[name] if not shown[s]] == []
    assert fits
