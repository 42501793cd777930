"""The site's address (設定!サイトURL or MANABI_SITE_URL): sitemap, canonical links, 404 page.

The intranet server publishes the site under a sub-path (``/dx/manabi/``) and
answers every missing address with ``404.html``, whatever its depth: that page
finds its styles, scripts and search index only through the address. Here a
loopback server does the same, and real Chromium opens a missing page.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from manabi import kinds
from manabi.plugin import SITE_URL_VARIABLE, site_address
from tests.helpers import BUILD_EPOCH, MINIMAL, SAMPLE, build_from, run_cli
from tests.staff_pages import screenshot, visit
from tests.test_check import append_row

PREFIX = "/dx/manabi/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _UnderPrefix(http.server.SimpleHTTPRequestHandler):
    """The site folder at ``PREFIX``, and its 404.html (status 404) for anything else."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(PREFIX):
            local = Path(self.directory) / unquote(path[len(PREFIX) :])
            if local.is_file() or (local / "index.html").is_file():
                self.path = "/" + self.path[len(PREFIX) :]
                return super().do_GET()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """``(site folder, address)``: the sample built for, and served at, a sub-path."""
    site = tmp_path_factory.mktemp("prefixed") / "site"
    handler = functools.partial(_UnderPrefix, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", str(BUILD_EPOCH))
        env.setenv(SITE_URL_VARIABLE, address)
        build_from(SAMPLE, site)
    yield site, address
    server.shutdown()


def _pages(site: Path) -> list[str]:
    """Every page's path in the site (``""`` for home, ``divisions/kita/`` …)."""
    found = []
    for html in site.rglob("index.html"):
        path = html.parent.relative_to(site).as_posix()
        found.append("" if path == "." else path + "/")
    return sorted(found)


def test_the_sitemap_lists_every_page_at_its_address_and_pages_name_it(prefixed) -> None:
    site, address = prefixed
    listed = [
        loc.text
        for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP_NS}loc")
        if loc.text
    ]
    assert sorted(listed) == sorted(address + path for path in _pages(site))
    assert len(listed) > 100  # the sample: every division, area and course page
    assert (
        gzip.decompress((site / "sitemap.xml.gz").read_bytes())
        == (site / "sitemap.xml").read_bytes()
    )
    for path in ("", "divisions/kita/", "courses/c001/", "contacts/"):
        soup = BeautifulSoup(
            (site / path / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        assert soup.select_one("link[rel=canonical]")["href"] == address + path


@pytest.mark.browser
def test_a_missing_page_under_the_sub_path_is_styled_and_its_search_works(
    browser, prefixed
) -> None:
    _, address = prefixed
    with visit(browser, address + "divisions/no-such-division/") as page:
        assert page.locator("h1").first.inner_text() == "ページが見つかりません"
        assert page.get_by_role("link", name="トップページ").get_attribute("href") == address
        sheets = page.evaluate(
            """() => [...document.querySelectorAll('link[rel=stylesheet]')].map(
                 l => [l.getAttribute('href'), !!l.sheet && l.sheet.cssRules.length])"""
        )
        assert len(sheets) == 3  # Material's two, and ours (one file)
        for href, rules in sheets:
            assert href.startswith(PREFIX) and rules, (href, rules)
        header = page.evaluate(
            "getComputedStyle(document.querySelector('.md-header')).backgroundColor"
        )
        assert header == "rgb(64, 81, 181)"  # Material's indigo (#4051b5): its stylesheet applies
        screenshot(page, "404-under-sub-path", full_page=False)
        box = page.locator(".md-search__input")
        box.click()
        box.press_sequentially("北区")
        box.press("End")
        first = page.locator(".md-search-result__item").first
        first.locator("h1").filter(has_text="北区役所").wait_for()
        screenshot(page, "404-under-sub-path-search", full_page=False)
        box.press("Enter")
        page.wait_for_url(address + "divisions/kita/")
        assert page.locator("h1").first.inner_text() == "北区役所"


def test_without_an_address_there_is_no_sitemap_and_no_canonical_link(sample_site: Path) -> None:
    assert not (sample_site / "sitemap.xml").exists()
    assert not (sample_site / "sitemap.xml.gz").exists()
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in home


def _canonical(site: Path) -> str:
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    return soup.select_one("link[rel=canonical]")["href"]


def test_the_sheets_address_is_used_and_the_variable_overrides_it(
    copy_of, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    append_row(folder, "設定", ["サイトURL", "https://intranet.city.example.jp/dx/manabi"])
    site = tmp_path / "site"
    monkeypatch.delenv(SITE_URL_VARIABLE, raising=False)
    assert run_cli("build", "--source", folder, "--site-dir", site) == 0
    assert _canonical(site) == "https://intranet.city.example.jp/dx/manabi/"
    assert "https://intranet.city.example.jp/dx/manabi/divisions/" in (
        site / "sitemap.xml"
    ).read_text(encoding="utf-8")

    # Only the variable changes: the site is not 「変更なし」, it is rebuilt at the new address.
    monkeypatch.setenv(SITE_URL_VARIABLE, "https://ci.example.jp/preview/")
    assert run_cli("build", "--source", folder, "--site-dir", site) == 0
    assert _canonical(site) == "https://ci.example.jp/preview/"


def test_a_bad_address_in_the_sheet_names_its_cell_and_the_fix(
    copy_of, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_of(MINIMAL, tmp_path)
    row = append_row(folder, "設定", ["サイトURL", "javascript:alert(1)"])
    capsys.readouterr()
    assert run_cli("check", folder) == 1
    out = capsys.readouterr().out
    assert f"設定!B{row}" in out
    assert "https://" in out


def test_a_bad_address_in_the_variable_stops_the_build_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(SITE_URL_VARIABLE, "ftp://files.example.jp/manabi/")
    assert run_cli("build", "--source", MINIMAL, "--site-dir", tmp_path / "site") == 2
    out = capsys.readouterr()
    assert f"環境変数 {SITE_URL_VARIABLE} の値が使えません" in out.out + out.err
    assert "Traceback" not in out.out + out.err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("https://intranet.example.jp/dx/manabi/", "https://intranet.example.jp/dx/manabi/"),
        ("https://intranet.example.jp/dx/manabi", "https://intranet.example.jp/dx/manabi/"),
        ("http://10.0.0.5:8080", "http://10.0.0.5:8080/"),
    ],
)
def test_an_address_is_an_http_url_of_a_folder(typed: str, address: str) -> None:
    assert kinds.SITE_URL.parse(typed) == address
    assert site_address({"site_url": None}, {SITE_URL_VARIABLE: f" {typed} "}) == address


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("javascript:alert(1)", "https://"),
        ("mailto:dx@city.example.jp", "サイトのアドレスは https://"),
        ("intranet.example.jp/dx/", "https://intranet.example.jp/dx/"),
        ("https://intranet.example.jp/dx/?page=1", "「?」や「#」"),
        ("https://intranet.example.jp/dx/#top", "「?」や「#」"),
        ('https://intranet.example.jp/"dx"/', "引用符"),
    ],
)
def test_an_address_that_is_not_one_says_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(kinds.Invalid, match=says.replace("?", r"\?")):
        kinds.SITE_URL.parse(typed)


def test_without_the_variable_the_sheets_address_or_none() -> None:
    assert site_address({"site_url": "https://a.example.jp/"}, {}) == "https://a.example.jp/"
    assert site_address({}, {SITE_URL_VARIABLE: "  "}) == ""
