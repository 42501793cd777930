"""Intranet-safe: no page makes Chromium ask anything of a host other than the site.

Every request the browser makes while opening each page type and using its
search (the index, the worker, the scripts the worker loads) is recorded; all
of them must go to the loopback server that serves the built sample. A web
font, CDN script, analytics beacon or icon from outside would show up here
(and, on the intranet, as a page that hangs while it waits for the internet).
"""

from __future__ import annotations

import pytest

from tests.staff_pages import PAGE_TYPES, visit


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_request_leaves_the_site(browser, sample_url, name):
    requested: list[str] = []
    with visit(browser, "about:blank") as page:
        page.context.on("request", lambda request: requested.append(request.url))
        page.goto(sample_url + PAGE_TYPES[name])
        page.wait_for_load_state("networkidle")
        box = page.locator(".md-search__input")
        box.focus()
        box.fill("データ")
        box.press("End")
        page.locator(".md-search-result__item").first.wait_for()
        page.wait_for_load_state("networkidle")
    outside = [url for url in requested if not url.startswith((sample_url, "data:", "blob:"))]
    assert outside == []
    # The recording saw the page's own assets, the search index and both workers.
    assert any(url.endswith("search/search_index.json") for url in requested)
    assert any("/workers/manabi-search.js" in url for url in requested)
    assert any("/workers/search." in url for url in requested)
    assert any(url.endswith(".css") for url in requested)
