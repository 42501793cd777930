"""The city's skill map against national standards: the 標準 tab as the site shows it.

The secretariat lists the categories of each standard it explains its
curriculum against (one row per category of the 標準 tab: IPA's
DXリテラシー標準 and its four areas, the DX推進スキル標準 and its 人材類型, a
prefecture's own framework…) and ties each skill of the スキル tab to the
categories it covers (its 標準区分 column). Nothing here is about one
particular standard: a new standard is rows in the sheet, not code.

- ``crosswalk``: per standard, its categories in 表示順; per category, the
  skills covering it grouped by 分野 and レベル, the catalogue courses that
  teach those skills, and whether it is a gap (no skill covers it); per
  skill, the categories it covers (the badges on the area pages). Worked
  out once per site in O(rows).
- ``nav``: the standards index is in the navigation only when the tab has rows.
"""
