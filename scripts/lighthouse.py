"""Lighthouse scores of a built site: home, the largest division page and the catalogue.

    .venv/bin/python scripts/lighthouse.py SITE [--runs 3]   # prints a table
    (scripts/bench.py runs it last, on the 1× site it built, and puts the table on its page)

Lighthouse comes from the npm registry, pinned in ``tools/lighthouse/package-lock.json``
(``make lighthouse`` installs it there; Lighthouse 12, the last line that runs on
Node.js 20) and drives Debian's Chromium (``/usr/bin/chromium``). Each page is
scored on Lighthouse's mobile settings (a mid-range phone on a slow 4G link,
simulated) and its desktop preset, ``--runs`` times each; the run with the median
performance score is reported, with its other scores and metrics.

The site is served on loopback the way the intranet server is told to serve it
(docs/maintainers/publishing.md): text compressed with gzip when the browser asks
for it, the site's own 404 page for a missing address. Python's own
``http.server`` does not compress, and what Lighthouse would then measure is a
server nobody should run; the dozen lines that add gzip are below rather than a
web server dependency for one benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "lighthouse"
BIN = TOOL / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
# As the browser tests start Chromium: without the background-networking flags it
# tries Google's hosts, which this closed network refuses.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync "
    "--disable-background-networking --disable-component-update --disable-quic"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {  # audit id → label
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}
FORMS = ("mobile", "desktop")
# The aims of issue 13 (mobile performance; the others on both forms).
AIMS = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 95}
COMPRESSED = ("text/", "application/json", "application/javascript", "image/svg+xml")


def available() -> str | None:
    """None when Lighthouse and Chromium are here, else why not (in Japanese)."""
    if not BIN.exists():
        return "Lighthouse が入っていません（`make lighthouse` で tools/lighthouse/ に入ります）"
    if not CHROMIUM.exists():
        return f"Chromium がありません（{CHROMIUM}）"
    return None


# --- the server -------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    site: Path

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = (self.site / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file() or not path.is_relative_to(self.site):
            status, path = 404, self.site / "404.html"
        body = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_response(status)
        if kind.startswith("text/") or kind == "application/javascript":
            kind += "; charset=utf-8"
        self.send_header("Content-Type", kind)
        if kind.startswith(COMPRESSED) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serving(site: Path):
    """The site on http://127.0.0.1:<port>/ (gzip, its 404 page) while the block runs."""
    handler = type("Handler", (_Handler,), {"site": site.resolve()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- the runs ---------------------------------------------------------------------------


def pages(site: Path) -> dict[str, str]:
    """label → address under the site: home, the division page with the most HTML, catalogue."""
    divisions = sorted(
        (p for p in (site / "divisions").glob("*/index.html")),
        key=lambda p: (-p.stat().st_size, p.parent.name),
    )
    chosen = {"ホーム": ""}
    if divisions:
        chosen[f"部署（{divisions[0].parent.name}、最大）"] = (
            f"divisions/{divisions[0].parent.name}/"
        )
    chosen["講座一覧"] = "courses/"
    return chosen


@dataclass
class Score:
    page: str
    form: str
    runs: int
    categories: dict[str, int] = field(default_factory=dict)  # 0-100
    metrics: dict[str, str] = field(default_factory=dict)  # label → displayed value
    benchmark_index: float = 0.0  # Lighthouse's measure of this machine's speed


def run_once(url: str, form: str, scratch: Path) -> dict[str, Any]:
    out = scratch / "report.json"
    command = [
        str(BIN),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS} --user-data-dir={scratch / 'profile'}",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=str(CHROMIUM))
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, timeout=600)
    report = json.loads(out.read_text(encoding="utf-8"))
    shutil.rmtree(scratch / "profile", ignore_errors=True)
    return report


def score(site: Path, runs: int = 3, log=lambda message: None) -> list[Score]:
    results = []
    with serving(site) as base, tempfile.TemporaryDirectory(prefix="manabi-lh-") as scratch:
        for label, address in pages(site).items():
            for form in FORMS:
                reports = []
                for n in range(1, runs + 1):
                    log(f"  Lighthouse {label} {form}: {n}/{runs} 回目")
                    reports.append(run_once(base + address, form, Path(scratch)))
                reports.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
                median = reports[len(reports) // 2]
                results.append(
                    Score(
                        page=label,
                        form=form,
                        runs=runs,
                        categories={
                            c: round((median["categories"][c]["score"] or 0) * 100)
                            for c in CATEGORIES
                        },
                        metrics={
                            name: median["audits"][audit].get("displayValue", "")
                            for audit, name in METRICS.items()
                        },
                        benchmark_index=statistics.median(
                            r["environment"]["benchmarkIndex"] for r in reports
                        ),
                    )
                )
    return results


def failing(scores: list[Score]) -> list[str]:
    """What misses the aims, for the page's last line."""
    missed = []
    for s in scores:
        for category, aim in AIMS.items():
            if category == "performance" and s.form != "mobile":
                continue
            if s.categories[category] < aim:
                missed.append(f"{s.page} {s.form} {category} {s.categories[category]} < {aim}")
    return missed


def table(scores: list[Score]) -> tuple[list[str], list[list[str]]]:
    head = ["ページ", "端末", *CATEGORIES, *METRICS.values()]
    rows = []
    for s in scores:
        marks = []
        for category in CATEGORIES:
            aim = AIMS[category] if category != "performance" or s.form == "mobile" else None
            value = s.categories[category]
            marks.append(f"{value}" + ("" if aim is None else (" ✓" if value >= aim else " ✗")))
        rows.append([s.page, s.form, *marks, *(s.metrics[m] for m in METRICS.values())])
    return head, rows


def markdown(scores: list[Score]) -> list[str]:
    """The section of the benchmark page."""
    head, rows = table(scores)
    index = statistics.median(s.benchmark_index for s in scores) if scores else 0
    lines = [
        "| " + " | ".join(head) + " |",
        "| " + " | ".join(["---", "---"] + ["--:"] * (len(head) - 2)) + " |",
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
        f"Lighthouse {tool_version()}、Chromium（{CHROMIUM}）。各ページ・端末 {scores[0].runs if scores else 0} 回の"
        "うち performance が中央値の回の値です。mobile は Lighthouse の既定（低速 4G と中位のスマートフォンを模擬）、",
        "desktop は `--preset=desktop` です。サイトはループバックで、gzip 圧縮をして配信しています"
        "（イントラネットのサーバーにも圧縮を設定してください。docs/maintainers/publishing.md）。",
        f"目標（issue 13）: mobile の performance ≥ {AIMS['performance']}、accessibility と best-practices は "
        f"{AIMS['accessibility']}、SEO ≥ {AIMS['seo']}。"
        f"このマシンの速さ（Lighthouse の benchmarkIndex、中央値）: {index:.0f}。",
        "performance はマシンの負荷で揺れます（特に TBT）。",
    ]
    missed = failing(scores)
    if missed:
        lines += ["", "目標に届いていないもの: " + "、".join(missed)]
    return lines


def tool_version() -> str:
    with contextlib.suppress(OSError, ValueError, KeyError):
        package = TOOL / "node_modules" / "lighthouse" / "package.json"
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="作ったサイトの Lighthouse の点数")
    parser.add_argument("site", type=Path, help="mkdocs build の出力フォルダ")
    parser.add_argument("--runs", type=int, default=3, help="各ページ・端末の回数（既定: 3）")
    parser.add_argument("--json", type=Path, help="結果を JSON で書き出す先")
    args = parser.parse_args(argv)
    why = available()
    if why:
        print(why, file=sys.stderr)
        return 2
    if not (args.site / "index.html").is_file():
        print(f"サイトが見つかりません: {args.site}", file=sys.stderr)
        return 2
    scores = score(args.site, args.runs, log=lambda m: print(m, file=sys.stderr, flush=True))
    print("\n".join(markdown(scores)))
    if args.json:
        args.json.write_text(
            json.dumps([s.__dict__ for s in scores], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
