"""What the built site hands the browser, beyond Material's defaults.

Fixes to Material's output, run by the MkDocs plugin:

- Skip link: Material's 「コンテンツにスキップ」 link points at the page's first
  table-of-contents entry. A generated page has its ``<h1 id>`` inside a raw
  HTML block, which the ``toc`` extension never sees, so it had no skip link at
  all; :func:`add_skip_target` makes that heading the page's first entry.
- Contents of listing pages: a page whose sections come from a macro (the
  相談窓口 and 講座一覧 pages) has its ``<h2 id>`` headings in raw HTML, which
  the ``toc`` extension never sees; Material then saw an empty table of
  contents. :func:`complete_toc` adds those headings, so the page has a real
  table of contents (and the phone menu's contents toggle has its label).
- Checkboxes: Material's page template (``base.html``, not a block we can
  extend) writes ``autocomplete="off"`` on its drawer and search toggles, an
  attribute HTML allows only on text-like inputs (Nu HTML Checker error).
  :func:`drop_checkbox_autocomplete` removes exactly those two.
- Search index: Material writes ``search/search_index.json`` with ``json.dumps``'
  default ``ensure_ascii``, so each Japanese character costs six bytes
  (``\\u30c7``) instead of three, in a file every page fetches.
  :func:`compact_search_index` rewrites the same JSON value as UTF-8 text.
- Wide tables: a table scrolls sideways inside its own box on a phone, which a
  keyboard user must be able to reach (WCAG 2.1.1). Our templates put each
  data table in a focusable region named by its caption; :func:`wrap_tables`
  does the same for a table written in a Markdown page, named by the heading
  above it.

Japanese matching itself happens in the browser, in the search worker
``overrides/assets/javascripts/workers/manabi-search.js``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

SEARCH_INDEX = Path("search") / "search_index.json"
_FIRST_H1 = re.compile(r'<h1 id="([^"]+)"')
# A table, with the region our templates already put around it if there is one
# (tables do not nest in Markdown output or in our templates).
_TABLE = re.compile(r'(<div class="manabi-table-wrap"[^>]*>\s*)?<table\b.*?</table>', re.S)
_HEADING_ID = re.compile(r'<h[1-6] id="([^"]+)"')


def add_skip_target(page: Page, html: str) -> None:
    """Give a page with no Markdown heading its first ``<h1 id>`` as skip-link target."""
    if len(page.toc):
        return
    found = _FIRST_H1.search(html)
    if found:
        page.toc.items.insert(0, AnchorLink(str(page.title or ""), found.group(1), 1))


_RAW_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def complete_toc(page: Page, html: str) -> None:
    """Add a written page's ``<h2 id>`` headings from raw HTML to its table of contents.

    Only when Markdown gave the page no section of its own: the headings then
    come from a macro, in page order, under the page's ``<h1>``.
    """
    toc = page.toc.items
    if len(toc) != 1 or toc[0].children:
        return
    for found in _RAW_H2.finditer(html):
        title = _TAGS.sub("", found.group(2)).strip()
        if title:  # the title is already HTML (entities escaped): the theme prints it as is
            toc[0].children.append(AnchorLink(title, found.group(1), 2))


_CHECKBOX_AUTOCOMPLETE = (
    (
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'
    ),
    (
        '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">'
    ),
)


def drop_checkbox_autocomplete(output: str) -> str:
    """Material's two toggle checkboxes without ``autocomplete="off"`` (see the module doc)."""
    for tag in _CHECKBOX_AUTOCOMPLETE:
        output = output.replace(tag, tag.replace(' autocomplete="off"', ""), 1)
    return output


def wrap_tables(html: str) -> str:
    """Put each table that is not yet in a region into one named by the heading above it."""

    def wrap(found: re.Match[str]) -> str:
        if found.group(1):
            return found.group(0)
        headings = _HEADING_ID.findall(html, 0, found.start())
        name = f' aria-labelledby="{headings[-1]}"' if headings else ' aria-label="表"'
        return f'<div class="manabi-table-wrap" role="region"{name} tabindex="0">{found.group(0)}</div>'

    return _TABLE.sub(wrap, html)


def compact_search_index(site_dir: Path) -> tuple[int, int] | None:
    """Rewrite the search index as UTF-8 JSON; ``(bytes before, bytes after)``.

    ``None`` when the site has no search index (search plugin disabled).
    """
    path = Path(site_dir) / SEARCH_INDEX
    if not path.is_file():
        return None
    before = path.read_bytes()
    after = json.dumps(json.loads(before), ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(after)  # the site folder is a staging copy until the build completes
    return len(before), len(after)
