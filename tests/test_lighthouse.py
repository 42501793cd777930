"""scripts/lighthouse.py, the benchmark's Lighthouse phase: its server and one real run.

The server must answer as the intranet server is told to (gzip when asked, the
site's 404 page), or Lighthouse would score a server nobody runs. One real
Lighthouse run (mobile, the home page) checks what does not depend on the
machine's speed: accessibility and best practices score 100. Performance is only
reported, by ``make bench`` (machines are noisy).
"""

from __future__ import annotations

import gzip
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.helpers import ROOT, require

sys.path.insert(0, str(ROOT / "scripts"))
import lighthouse


def fetch(url: str, gzip_ok: bool) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_server_compresses_text_when_asked_and_answers_a_missing_page_with_the_404_page(
    sample_site: Path,
) -> None:
    with lighthouse.serving(sample_site) as base:
        status, headers, body = fetch(base + "courses/", gzip_ok=True)
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert gzip.decompress(body) == (sample_site / "courses" / "index.html").read_bytes()

        status, headers, body = fetch(base + "search/search_index.json", gzip_ok=False)
        assert status == 200 and "Content-Encoding" not in headers
        assert body == (sample_site / "search" / "search_index.json").read_bytes()

        status, _, body = fetch(base + "no/such/page/", gzip_ok=False)
        assert status == 404 and body == (sample_site / "404.html").read_bytes()
        status, _, _ = fetch(base + "../../etc/passwd", gzip_ok=False)
        assert status == 404


def test_the_pages_scored_are_home_the_largest_division_page_and_the_catalogue(
    sample_site: Path,
) -> None:
    chosen = lighthouse.pages(sample_site)
    largest = max(
        (sample_site / "divisions").glob("*/index.html"), key=lambda p: p.stat().st_size
    ).parent.name
    assert list(chosen.values()) == ["", f"divisions/{largest}/", "courses/"]


def test_one_lighthouse_run_scores_the_home_page_accessible_and_clean(
    sample_site: Path, tmp_path: Path
) -> None:
    require(
        lighthouse.available() is None, "Lighthouse (make lighthouse)", "MANABI_REQUIRE_LIGHTHOUSE"
    )
    with lighthouse.serving(sample_site) as base:
        report = lighthouse.run_once(base, "mobile", tmp_path)
    scores = {name: category["score"] for name, category in report["categories"].items()}
    failed = [
        audit["id"]
        for audit in report["audits"].values()
        if audit["scoreDisplayMode"] == "binary" and audit["score"] == 0
    ]
    assert scores["accessibility"] == 1, failed
    assert scores["best-practices"] == 1, failed
    # our own assets arrive minified and compressed; our script does not block the first paint
    assert report["audits"]["unminified-css"]["score"] == 1
    assert report["audits"]["unminified-javascript"]["score"] == 1
    assert report["audits"]["uses-text-compression"]["score"] == 1
    blocking = report["audits"]["render-blocking-resources"]["details"]["items"]
    ours = [item["url"].rsplit("/", 1)[-1] for item in blocking if "/manabi." in item["url"]]
    assert ours == [] or [name.rsplit(".", 3)[-1] for name in ours] == ["css"], (
        ours
    )  # one stylesheet, never our script
    shutil.rmtree(tmp_path, ignore_errors=True)
