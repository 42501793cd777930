"""Outside checkers nobody here tuned: the W3C Nu HTML Checker and HTML_CodeSniffer.

- The Nu HTML Checker (``vnu.jar`` from npm's ``vnu-jar``, run by Debian's
  Java) reads every HTML file of the built sample: no error and no warning.
- HTML_CodeSniffer (npm ``html_codesniffer``) runs its WCAG2AA standard
  inside real Chromium on every page type: no error, and none of the rows of
  links written as one paragraph it warns about (H48).

Both come pinned from ``tools/checkers/package-lock.json`` (``npm ci`` in
``.ci/run``). A test skips only when its tool is absent and
MANABI_REQUIRE_CHECKERS is unset; CI sets it. Findings we judged to be the
checker's mistake would be filtered here, each named exactly, with the reason
in DESIGN.md; at present there are none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT, require
from tests.staff_pages import PAGE_TYPES, visit

CHECKERS = ROOT / "tools" / "checkers" / "node_modules"
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMLCS_JS = CHECKERS / "html_codesniffer" / "build" / "HTMLCS.js"
REQUIRE = "MANABI_REQUIRE_CHECKERS"

# HTML_CodeSniffer's message types.
HTMLCS_ERROR, HTMLCS_WARNING = 1, 2


def _finding(message: dict) -> str:
    where = message.get("url", "").rsplit("/site/", 1)[-1]
    return (
        f"{where}:{message.get('lastLine')}: {message['message']} — {message.get('extract', '')!r}"
    )


def test_the_nu_html_checker_finds_no_error_or_warning_in_the_whole_sample(
    sample_site: Path,
) -> None:
    java = shutil.which("java")
    require(VNU_JAR.is_file() and java is not None, "vnu.jar and Java", REQUIRE)
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 100
    done = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", str(sample_site)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(done.stderr)["messages"]
    found = [
        _finding(m)
        for m in messages
        if m["type"] in ("error", "non-document-error")
        or (m["type"] == "info" and m.get("subType") == "warning")
    ]
    assert found == [], f"{len(found)} findings in {len(pages)} files"
    assert done.returncode == 0


@pytest.fixture(scope="module")
def htmlcs() -> str:
    require(HTMLCS_JS.is_file(), "HTML_CodeSniffer", REQUIRE)
    return HTMLCS_JS.read_text(encoding="utf-8")


RUN_HTMLCS = """() => new Promise(done => HTMLCS.process('WCAG2AA', document, () => done(
    HTMLCS.getMessages().map(m => ({type: m.type, code: m.code, msg: m.msg,
      element: (m.element.outerHTML || m.element.nodeName || '').slice(0, 160)})))))"""


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_html_codesniffer_wcag2aa_finds_no_error_on_any_page_type(
    name: str, htmlcs: str, browser, sample_url: str
) -> None:
    with visit(browser, sample_url + PAGE_TYPES[name]) as page:
        page.add_script_tag(content=htmlcs)
        messages = page.evaluate(RUN_HTMLCS)
    assert len(messages) > 0  # it ran: every page gets notices
    errors = [m for m in messages if m["type"] == HTMLCS_ERROR]
    link_rows = [m for m in messages if m["type"] == HTMLCS_WARNING and m["code"].endswith(".H48")]
    assert errors == [], name
    assert link_rows == [], name


def test_a_listing_page_with_sections_has_them_in_its_table_of_contents(
    sample_site: Path,
) -> None:
    """The sections come from a macro, in raw HTML; Material saw no contents (H91, F68)."""
    from bs4 import BeautifulSoup

    for path in ("contacts", "courses", "divisions", "guide"):
        soup = BeautifulSoup(
            (sample_site / path / "index.html").read_text(encoding="utf-8"), "html.parser"
        )
        headings = [(f"#{h['id']}", h.get_text(strip=True)) for h in soup.select("article h2[id]")]
        contents = [
            (a["href"], a.get_text(strip=True))
            for a in soup.select(".md-sidebar--secondary nav.md-nav--secondary > ul > li > a")
        ]
        assert len(headings) >= 2, path
        assert contents == headings, path
        assert soup.select_one('label[for="__toc"]') is not None, path


@pytest.mark.browser
@pytest.mark.parametrize("name", ["home", "division"])
def test_a_row_of_links_is_a_list_that_reads_as_one_row(name: str, browser, sample_url) -> None:
    """「すべての予定 ・ カレンダーに追加」 was one paragraph (H48); as a list it keeps its look."""
    with visit(browser, sample_url + PAGE_TYPES[name]) as page:
        row = page.locator("ul.manabi-link-row").first
        items = [li.bounding_box() for li in row.locator("> li").all()]
        heading = page.locator("article h2").first.bounding_box()
        assert len(items) == 2
        assert abs(items[0]["y"] - items[1]["y"]) < 1  # side by side at 1280 px
        assert items[0]["x"] + items[0]["width"] <= items[1]["x"]
        assert abs(row.bounding_box()["x"] - heading["x"]) < 1  # flush with the text
        marker = row.locator("> li").first.evaluate("li => getComputedStyle(li).listStyleType")
        assert marker == "none"


def test_the_accessibility_policy_names_the_checkers_that_are_run() -> None:
    lock = json.loads((ROOT / "tools" / "checkers" / "package-lock.json").read_text())
    policy = (ROOT / "docs" / "accessibility.md").read_text(encoding="utf-8")
    htmlcs = lock["packages"]["node_modules/html_codesniffer"]["version"]
    vnu = lock["packages"]["node_modules/vnu-jar"]["version"]
    assert f"HTML_CodeSniffer {htmlcs} の WCAG2AA" in policy
    assert f"Nu HTML Checker {vnu}" in policy
