"""Layout measured in Chromium: chip lists wrap into rows, the division picker fits a screen.

Material styles every list in an article as a block (``.md-typeset ul:not([hidden])
{ display: flow-root }``); a rule of ours that loses to it turns a row of chips into
one chip per line, which no test of the markup would see. These tests read the
boxes the browser laid out.
"""

from __future__ import annotations

import itertools

import pytest

from tests.staff_pages import DESKTOP, PHONE, SAMPLE_SITE, screenshot, visit

pytestmark = pytest.mark.browser

# Runs in the page: each chip list under `selector` as its rows of chips, with the
# list's own box; a chip is the <li>, its box that of the link it holds.
CHIP_ROWS = """(selector) => [...document.querySelectorAll(selector)].map(list => {
  const box = list.getBoundingClientRect();
  const chips = [...list.children].map(li => {
    const r = li.getBoundingClientRect();
    return {text: li.innerText.trim(), top: r.top, left: r.left, right: r.right,
            width: r.width, height: r.height};
  });
  return {left: box.left, right: box.right, gap: parseFloat(getComputedStyle(list).columnGap) || 0,
          display: getComputedStyle(list).display, chips};
})"""


def rows_of(chips: list[dict]) -> list[list[dict]]:
    """Chips grouped by their top edge, in reading order."""
    rows: list[list[dict]] = []
    for chip in chips:
        if rows and abs(rows[-1][0]["top"] - chip["top"]) < 0.5:
            rows[-1].append(chip)
        else:
            rows.append([chip])
    return rows


def assert_wraps_into_rows(chip_list: dict, where: str) -> int:
    """The chips of one list share rows, left to right, and a row ends only when full."""
    chips = chip_list["chips"]
    rows = rows_of(chips)
    assert chip_list["display"] == "flex", where
    for row in rows:
        tops = {round(chip["top"], 1) for chip in row}
        assert len(tops) == 1, f"{where}: chips of one row are not aligned"
        lefts = [chip["left"] for chip in row]
        assert lefts == sorted(lefts), f"{where}: a row is not left to right"
        assert row[-1]["right"] <= chip_list["right"] + 0.5, f"{where}: a chip sticks out"
    for above, below in itertools.pairwise(rows):
        assert below[0]["top"] > above[0]["top"], where
        room = chip_list["right"] - above[-1]["right"] - chip_list["gap"]
        assert below[0]["width"] > room, (
            f"{where}: 「{below[0]['text']}」 would fit on the row above"
        )
    if len(chips) > 1:
        assert len(rows) < len(chips), f"{where}: one chip per line"
    return len(rows)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_home_pickers_chips_wrap_into_rows_and_46_divisions_fit_one_screen(
    browser, sample_url, viewport
) -> None:
    with visit(browser, sample_url, viewport) as page:
        lists = page.evaluate(CHIP_ROWS, ".manabi-picker ul.manabi-chips")
        picker = page.locator(".manabi-picker").bounding_box()
        header = page.locator(".md-header").bounding_box()
        screenshot(page, f"home-picker-{viewport['width']}")
    chips = sum(len(chip_list["chips"]) for chip_list in lists)
    assert chips == len(SAMPLE_SITE.divisions) == 46  # the city's divisions, in the sample
    rows = [
        assert_wraps_into_rows(chip_list, f"picker list {i}") for i, chip_list in enumerate(lists)
    ]
    if viewport is DESKTOP:
        # 24 区役所 fill 4 rows; the whole picker shows at once under the fixed header
        # (measured: 612 px of the 900 px window, 5 kinds in 9 rows).
        assert sum(rows) <= 10, rows
        assert picker["height"] + header["height"] <= viewport["height"], picker
    else:
        assert sum(rows) < chips / 2, rows  # a phone still fits two or more chips a row


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_a_divisions_areas_share_rows(browser, sample_url, viewport) -> None:
    division = max(SAMPLE_SITE.divisions, key=lambda d: len(SAMPLE_SITE.areas_of(d)))
    with visit(browser, sample_url + f"divisions/{division['id']}/", viewport) as page:
        (chip_list,) = page.evaluate(CHIP_ROWS, ".manabi-division ul.manabi-chips")
        screenshot(page, f"division-areas-{viewport['width']}")
    assert [c["text"] for c in chip_list["chips"]] == [
        a["name"] for a in SAMPLE_SITE.areas_of(division)
    ]
    rows = assert_wraps_into_rows(chip_list, f"areas of {division['id']}")
    if viewport is DESKTOP:
        assert rows <= 2, rows  # 8 areas
