"""Benchmark: how manabi's cost grows from 1× to 100× the sample, beside a plain Material floor.

    .venv/bin/python scripts/bench.py            # 1×, 10×, 100×; writes docs/maintainers/benchmark.md
    .venv/bin/python scripts/bench.py --quick --out /tmp/b.md   # 1× once: a smoke test

For each scale the sample is copied ``N`` times over (``manabi.synthetic``),
then, repeated and reported as medians, each stage runs in a fresh Python
process so that its peak memory is its own: read+validate, a first sync, a
re-sync of the unchanged source, our build from the snapshot, and the
*floor*: a plain Material build of the very pages ours produced (their HTML
bodies as static Markdown files holding raw HTML), with the same theme
settings, search plugin and navigation, but no data pipeline and no macros.
The workbook is also read from Google Sheets as a loopback stand-in serves it
(``tests/sheets_standin.py``, the real gspread and google-auth clients over
HTTP): its time, its requests and the bytes the API answered.

The learning figures (issue 12), two ways:

- at every scale our build also runs on the same snapshot plus ``data/stats/``:
  four monthly records that ``manabi stats`` computed from a synthetic export
  made for that scaled sheet (``manabi.stats.synthetic``); with / without;
- ``manabi stats`` on a big export (100,000 people × 10 courses = 1,000,000
  rows for the 1× sheet, 20,000 rows with ``--quick``; made once per work
  folder, not measured), beside its floor: bare ``pandas.read_csv`` of the
  same columns and one ``groupby``; the two take turns going first.

Last, Lighthouse (``scripts/lighthouse.py``, issue 13) scores the smallest
scale's site with the learning figures: home, the largest division page and
the catalogue, mobile and desktop, served on loopback with gzip.

Times are measured inside the child around the stage itself, wall clock and
CPU (user + system; steadier on a shared machine), with interpreter start and
imports excluded as they do not grow with the data; each stage is also timed
as the whole command, start to exit, since that is what CI waits for. Peak
memory is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the child at the
end of its stage (interpreter and imports included).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html
import importlib
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
CONFIG = ROOT / "mkdocs.yml"
RESULTS = ROOT / "docs" / "maintainers" / "benchmark.md"
LARGE = 100  # scales from here on use --repeat-large repetitions

# Targets of issue 8, shown beside the ratios.
FLOOR_TARGET = 1.1  # ours / floor, at every scale
GROWTH_TARGET = 1.3  # per page, N× / 1×
# Targets of issue 12.
STATS_FLOOR_TARGET = 2.0  # `manabi stats` / bare pandas on the big export
STATS_BUILD_TARGET = 1.15  # build with the learning figures / without, at every scale

# The big export of `manabi stats`: people × courses each (1,000,000 rows), made for
# the 1× sheet; --quick makes a small one (20,000 rows).
STATS_PEOPLE, STATS_PEOPLE_QUICK, STATS_COURSES_EACH = 100_000, 2_000, 10
# The days of the figures a build "with" shows: those of scripts/sample_stats.py.
RECORD_DAYS = tuple(dt.date(2026, month, 1) for month in (9, 10, 11, 12))

PIPELINE_PLUGINS = {"manabi", "macros"}  # what the floor leaves out
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
TOC_HIDDEN = re.compile(r'data-md-type="toc" hidden')
BLANK_LINES = re.compile(r"\n\s*\n")
SHEET_KEY = "1mAnAbIsBeNcHmArKkEy_0123456789-abcdefghij"
SHEET_ACCOUNT = "manabi-bench@manabi-bench.iam.gserviceaccount.com"


# --- the child: one stage in a fresh process --------------------------------------


def _cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _preload(*modules: str) -> None:
    for module in modules:
        importlib.import_module(module)


def _stage(name: str, args: list[str]) -> dict[str, Any]:
    """Run one stage in this process and return its figures (called in the child).

    Everything a stage imports is imported before the clocks start, so the
    figures are the stage's own work.
    """
    import resource

    from manabi.cli import main

    sink = io.StringIO()
    if name in ("check", "gsheet"):
        from manabi.sources import read_source
        from manabi.validate import validate

        if name == "gsheet":
            _preload("manabi.sources.gsheets")

        def work() -> bool:
            return validate(read_source(args[0])).ok
    elif name in ("sync", "build"):
        if name == "build":  # what the build imports lazily, as the floor does before its clock
            _preload("material", "mkdocs.commands.build", "mkdocs_macros.plugin", "manabi.plugin")

        argv = {
            "sync": ["sync", args[0], "--data", args[1]],
            "build": [
                *("build", "--data", args[0], "--site-dir", args[1]),
                *("--config", str(CONFIG), "--force"),  # every repetition builds
            ],
        }[name]

        def work() -> bool:
            with contextlib.redirect_stdout(sink):
                return main(argv) == 0
    elif name == "floor":
        _preload("material", "mkdocs.commands.build")
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        def work() -> bool:
            build(load_config(args[0]))
            return True
    elif name == "stats":  # ours: the whole `manabi stats EXPORT --data DIR --as-of DAY`
        _preload("manabi.stats.run", "manabi.stats.report", "manabi.stats.store")
        argv = ["stats", args[0], "--data", args[1], "--as-of", args[2]]

        def work() -> bool:
            with contextlib.redirect_stdout(sink):
                return main(argv) == 0
    elif name == "stats-floor":  # the same columns read by bare pandas, one groupby
        import pandas as pd

        spec = json.loads(args[1])

        def work() -> dict[str, Any]:
            frame = pd.read_csv(args[0], usecols=spec["usecols"])
            sums = frame.groupby(spec["by"])[spec["sum"]].sum()
            return {"ok": len(sums) > 0, "groups": len(sums)}
    elif name == "export":  # not measured: makes the big export once per work folder
        return _make_export(Path(args[0]), Path(args[1]), people=int(args[2]), each=int(args[3]))
    elif name == "records":  # not measured: the figures a scaled sheet's build shows
        return _make_records(Path(args[0]))
    else:
        raise SystemExit(f"unknown stage {name}")
    imported_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu, start = _cpu_seconds(), time.perf_counter()
    outcome = work()
    extra = outcome if isinstance(outcome, dict) else {"ok": outcome}
    return {
        **extra,
        "imported_mb": imported_mb,  # interpreter and imports, before the stage's work
        "seconds": time.perf_counter() - start,
        "cpu_seconds": _cpu_seconds() - cpu,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "said": sink.getvalue().strip().splitlines()[-1:],
    }


def _make_export(sheet: Path, path: Path, *, people: int, each: int) -> dict[str, Any]:
    """Write the synthetic export of ``people`` × ``each`` courses for the sheet in ``sheet``,
    as downloaded on the first day it holds every row (in a child: it takes gigabytes)."""
    import numpy as np

    from manabi.snapshot import load
    from manabi.stats import synthetic

    story = synthetic.history(load(sheet).data, people=people, courses_each=each)
    last = story.enrolled.max() + np.timedelta64(9, "h")  # the latest enrolment, in Tokyo
    day: dt.date = last.astype("datetime64[D]").item()
    frame = synthetic.export_at(story, day)
    synthetic.write_export(frame, path)
    return {"ok": len(frame) == len(story.person), "rows": len(frame), "day": day.isoformat()}


def _make_records(data: Path) -> dict[str, Any]:
    """Record in ``data/stats/`` the monthly figures of a synthetic export made for the
    sheet in ``data`` (the sample's shape: divisions of their own sizes), each computed
    by ``manabi stats``, as ``scripts/sample_stats.py`` does for the sample."""
    from manabi.cli import main
    from manabi.snapshot import load
    from manabi.stats import synthetic

    story = synthetic.history(load(data).data)
    rows = 0
    with (
        tempfile.TemporaryDirectory(prefix="manabi-bench-udemy-") as tmp,
        contextlib.redirect_stdout(io.StringIO()),
    ):
        for day in RECORD_DAYS:
            frame = synthetic.anonymize_some(synthetic.export_at(story, day))
            path = synthetic.write_export(frame, Path(tmp) / f"{day}.csv")
            if main(["stats", str(path), "--data", str(data), "--as-of", day.isoformat()]):
                return {"ok": False, "day": day.isoformat()}
            rows = len(frame)
    return {"ok": True, "records": len(RECORD_DAYS), "rows": rows}


def run_stage(name: str, *args: Path | str) -> dict[str, Any]:
    """Run a stage in a fresh child process; adds its wall time from start to exit."""
    env = dict(
        os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", PYTHONHASHSEED="0"
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--stage", name, *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(
            f"段階「{name}」が失敗しました（終了コード {proc.returncode}）:\n{proc.stderr[-3000:]}"
        )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["grown_mb"] = result.get("max_rss_mb", 0.0) - result.get("imported_mb", 0.0)
    if not result.get("ok"):
        raise SystemExit(f"段階「{name}」が失敗しました: {result}\n{proc.stderr[-3000:]}")
    result["process_seconds"] = wall
    return result


@contextlib.contextmanager
def sheets_serving(source: Path, folder: Path):
    """The workbook ``source`` served by the loopback Sheets stand-in, the environment
    (inherited by the stage's child) pointing at it."""
    import pytest
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.grids import read_folder
    from tests.sheets_standin import Spreadsheet, serving

    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sheet = Spreadsheet(SHEET_KEY, read_folder(source))
    with (
        pytest.MonkeyPatch.context() as env,
        serving(sheet, key, folder, env, client_email=SHEET_ACCOUNT) as server,
    ):
        env.setenv("MANABI_SHEETS_TIMEOUT", "60")  # the stand-in's defaults are for small tests
        env.setenv("MANABI_SHEETS_DEADLINE", "300")
        yield server


# --- the floor: the same pages as static files, no pipeline ---------------------------


def _page_file(url_dir: str) -> str:
    """The floor's Markdown file for a page URL folder (``divisions/kita`` → ``divisions/kita/index.md``)."""
    return f"{url_dir}/index.md" if url_dir else "index.md"


def _url_dir(src: str) -> str:
    """The URL folder of one of our Markdown files (``contacts.md`` → ``contacts``)."""
    stem = src.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index").rstrip("/")
    return stem


def _floor_nav(nav: Any) -> Any:
    """Our navigation with every page pointing at its floor file: the same shape."""
    if isinstance(nav, list):
        return [_floor_nav(item) for item in nav]
    if isinstance(nav, dict):
        return {title: _floor_nav(value) for title, value in nav.items()}
    if isinstance(nav, str) and nav.endswith(".md") and "://" not in nav:
        return _page_file(_url_dir(nav))
    return nav


def make_floor(site: Path, floor: Path) -> Path:
    """Write a plain Material project whose pages are the bodies of ``site``'s pages.

    Returns its mkdocs.yml. Theme (and its overrides), search and any other
    plugin, Markdown extensions, extra CSS/JS and the navigation's shape are
    taken from our mkdocs.yml; the data pipeline (manabi, mkdocs-macros) is not.
    """
    from mkdocs.utils.yaml import yaml_load

    if floor.exists():
        shutil.rmtree(floor)
    docs = floor / "docs"
    for asset in (ROOT / "docs").rglob("*"):  # stylesheets and any other static file
        if asset.is_file() and asset.suffix != ".md":
            target = docs / asset.relative_to(ROOT / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(asset, target)
    with CONFIG.open(encoding="utf-8") as handle:
        ours = yaml_load(handle)
    site_name = str(ours.get("site_name", ""))
    for page in site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        body = ARTICLE.search(text)
        if body is None:
            continue
        title = html.unescape(TITLE.search(text).group(1).strip())  # type: ignore[union-attr]
        title = title.removesuffix(f" - {site_name}") if title != site_name else title
        url_dir = page.parent.relative_to(site).as_posix()
        url_dir = "" if url_dir == "." else url_dir
        front = {"title": title}
        if TOC_HIDDEN.search(text):
            front["hide"] = ["toc"]  # type: ignore[assignment]
        raw = BLANK_LINES.sub("\n", body.group(1)).strip()
        target = docs / _page_file(url_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + raw + "\n",
            encoding="utf-8",
        )
    config = {
        key: value
        for key, value in ours.items()
        if key not in ("plugins", "hooks", "docs_dir", "site_dir", "nav")
    }
    # Every plugin but the data pipeline: search as configured, and any other.
    plugins: Any = ours.get("plugins", [])
    if isinstance(plugins, dict):
        plugins = {name: value for name, value in plugins.items() if name not in PIPELINE_PLUGINS}
    else:
        plugins = [
            p for p in plugins if not set([p] if isinstance(p, str) else p) & PIPELINE_PLUGINS
        ]
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):  # the same overrides, found from here
        theme["custom_dir"] = str((ROOT / theme["custom_dir"]).resolve())
    config.update(
        site_name=site_name,
        docs_dir="docs",
        site_dir="site",
        plugins=plugins,
        nav=_floor_nav(ours.get("nav", [])),
    )
    path = floor / "mkdocs.yml"  # written as JSON, which YAML reads: no quoting to get wrong
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# --- what a built site weighs ---------------------------------------------------------


def entity_folders() -> set[str]:
    from manabi.pages import PAGE_KINDS

    return {kind.folder for kind in PAGE_KINDS.values()}


@dataclass
class SiteSize:
    pages: int = 0
    entity_pages: int = 0
    entity_avg_kb: float = 0.0
    entity_max_kb: float = 0.0
    listing_max_kb: float = 0.0
    listing_largest: str = ""
    listings: dict[str, float] = field(default_factory=dict)  # page → KB
    search_index_mb: float = 0.0
    total_mb: float = 0.0


def measure_site(site: Path) -> SiteSize:
    """Pages of one record (a division, area, course) apart from the listings that grow by design."""
    folders = entity_folders()
    size = SiteSize()
    entity: list[int] = []
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).parts
        size.pages += 1
        bytes_ = page.stat().st_size
        if len(rel) == 3 and rel[0] in folders and rel[2] == "index.html":
            entity.append(bytes_)
        else:
            name = "/".join(rel[:-1]) + "/" if len(rel) > 1 else rel[0].replace("index.html", "/")
            size.listings[name] = bytes_ / 1024
            if bytes_ / 1024 > size.listing_max_kb:
                size.listing_max_kb, size.listing_largest = bytes_ / 1024, name
    size.entity_pages = len(entity)
    if entity:
        size.entity_avg_kb = sum(entity) / len(entity) / 1024
        size.entity_max_kb = max(entity) / 1024
    index = site / "search" / "search_index.json"
    size.search_index_mb = index.stat().st_size / 2**20 if index.exists() else 0.0
    size.total_mb = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20
    return size


def fingerprint(folder: Path) -> list[tuple[str, int, int, int]]:
    """Every entry of ``folder`` with its inode, size and modification time."""
    entries = [folder, *sorted(folder.rglob("*"))]
    return [
        (str(p.relative_to(folder)), p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in entries
    ]


# --- one scale ------------------------------------------------------------------------


@dataclass
class ScaleResult:
    scale: int
    repeat: int
    rows: dict[str, int] = field(default_factory=dict)
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ours: SiteSize = field(default_factory=SiteSize)
    floor: SiteSize = field(default_factory=SiteSize)
    with_stats: SiteSize = field(default_factory=SiteSize)  # ours, built with data/stats/
    records: dict[str, Any] = field(default_factory=dict)  # how data/stats/ was made
    resync_touched: int = 0
    sheets_requests: tuple[int, int] = (0, 0)  # (token, API) per read
    sheets_mb: float = 0.0  # bytes the stand-in answered per read
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def median(self, stage: str, key: str = "seconds") -> float:
        return statistics.median(run[key] for run in self.runs[stage])

    def per_page_ms(self, stage: str, key: str = "seconds") -> float:
        pages = self.ours.pages if stage == "build" else self.floor.pages
        return self.median(stage, key) / pages * 1000

    def with_stats_ratio(self, key: str = "seconds") -> float:
        """Our build with the learning figures over the same build without them."""
        return self.median("build_stats", key) / self.median("build", key)


def count_rows(source: Path) -> dict[str, int]:
    from manabi.schema import TABS

    counts = {}
    for tab in TABS:
        path = source / f"{tab.name}.csv"
        if not tab.settings and (path.exists() or not tab.optional):
            with path.open(encoding="utf-8-sig") as handle:
                counts[tab.name] = sum(1 for line in handle if line.strip()) - 1
    return counts


def bench_scale(scale: int, repeat: int, work: Path, log) -> ScaleResult:
    from manabi.snapshot import STATS
    from manabi.synthetic import scale_sample

    here = work / f"x{scale}"
    if here.exists():
        shutil.rmtree(here)
    source = scale_sample(SAMPLE, here / "source", scale)
    result = ScaleResult(scale=scale, repeat=repeat, rows=count_rows(source))
    data, site, floor_site = here / "data", here / "site", here / "floor" / "site"
    # "with": the same snapshot plus data/stats/, computed once into `records` (a copy)
    records, data_stats, site_stats = here / "records", here / "data-stats", here / "site-stats"
    floor_config: Path | None = None
    for stage in ("check", "gsheet", "sync", "resync", "build", "floor", "build_stats"):
        result.runs[stage] = []
    sheets = contextlib.ExitStack()
    server = sheets.enter_context(sheets_serving(source, here / "sheets"))
    for rep in range(1, repeat + 1):
        log(f"  {scale}×: {rep}/{repeat} 回目")
        result.runs["check"].append(run_stage("check", source))
        server.log.clear()
        server.bytes_sent = 0
        result.runs["gsheet"].append(run_stage("gsheet", f"gsheet:{SHEET_KEY}"))
        result.sheets_requests = (len(server.token_requests), len(server.api_requests))
        result.sheets_mb = server.bytes_sent / 2**20
        shutil.rmtree(data, ignore_errors=True)
        result.runs["sync"].append(run_stage("sync", source, data))
        before = fingerprint(data)
        result.runs["resync"].append(run_stage("sync", source, data))
        after = fingerprint(data)
        result.resync_touched = max(result.resync_touched, len(set(before) ^ set(after)))
        if not result.records:  # a synthetic export for this sheet, its figures recorded
            shutil.copytree(data, records)
            result.records = run_stage("records", records)
        shutil.rmtree(data_stats, ignore_errors=True)
        shutil.copytree(data, data_stats)
        shutil.copytree(records / STATS, data_stats / STATS)
        with_stats = ("build_stats", "build", (data_stats, site_stats))  # (key, stage, args)
        if floor_config is None:  # the floor is made from our first build
            result.runs["build"].append(run_stage("build", data, site))
            floor_config = make_floor(site, here / "floor")
            builds = [("floor", "floor", (floor_config,)), with_stats]
        else:  # then they take turns going first, so none always meets a warmer machine
            builds = [("build", "build", (data, site)), ("floor", "floor", (floor_config,))]
            builds.append(with_stats)
            turn = (rep - 1) % len(builds)
            builds = builds[turn:] + builds[:turn]
        for key, stage, paths in builds:
            result.runs[key].append(run_stage(stage, *paths))
    sheets.close()
    result.ours, result.floor = measure_site(site), measure_site(floor_site)
    result.with_stats = measure_site(site_stats)
    result.load = os.getloadavg()
    shutil.rmtree(here / "source", ignore_errors=True)
    return result


# --- the learning figures: `manabi stats` on a big export ------------------------------


@dataclass
class StatsResult:
    people: int
    courses_each: int
    repeat: int
    rows: int = 0
    as_of: str = ""
    export_mb: float = 0.0
    made: bool = False  # the export was made by this run (else reused from the work folder)
    columns: list[str] = field(default_factory=list)  # what ours reads, and so the floor
    by: str = ""  # the floor's groupby column (the e-mail)
    summed: str = ""  # and the column it sums (the minutes)
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def median(self, stage: str, key: str = "seconds") -> float:
        return statistics.median(run[key] for run in self.runs[stage])


def read_columns(export: Path) -> dict[str, str]:
    """What ``manabi stats`` reads of ``export``: field key → header, found by its own lookup."""
    from manabi.stats import export as udemy

    return udemy.columns_read(export)[2]


def bench_stats(people: int, repeat: int, work: Path, log) -> StatsResult:
    """``manabi stats`` on an export of ``people`` × 10 courses for the 1× sheet, and the
    floor: bare ``pandas.read_csv`` of the same columns and one ``groupby``.

    The export is made once per work folder (not measured) and reused while the sheet
    and the size are the same; every run of ours gets a fresh copy of the sheet's data.
    """
    from manabi.snapshot import STATS

    here = work / "stats"
    sheet, data = here / "sheet", here / "data"
    export = here / f"export-{people}x{STATS_COURSES_EACH}.csv"
    about = export.with_suffix(".json")
    run_stage("sync", SAMPLE, sheet)  # the 1× sheet (writes nothing when unchanged)
    wanted = {
        "people": people,
        "courses_each": STATS_COURSES_EACH,
        "sheet": json.loads((sheet / "manifest.json").read_text(encoding="utf-8"))["hash"],
    }
    try:
        known = json.loads(about.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    made = not export.exists() or {k: known.get(k) for k in wanted} != wanted
    if made:
        rows = people * STATS_COURSES_EACH
        log(f"受講データ（{rows:,} 行）を作っています（計測しません）…")
        export.unlink(missing_ok=True)
        about.unlink(missing_ok=True)
        drawn = run_stage("export", sheet, export, str(people), str(STATS_COURSES_EACH))
        known = {**wanted, "rows": drawn["rows"], "day": drawn["day"]}
        about.write_text(json.dumps(known), encoding="utf-8")
    columns = read_columns(export)
    result = StatsResult(
        people=people,
        courses_each=STATS_COURSES_EACH,
        repeat=repeat,
        rows=known["rows"],
        as_of=known["day"],
        export_mb=export.stat().st_size / 2**20,
        made=made,
        columns=sorted(set(columns.values())),
        by=columns["email"],
        summed=columns["minutes"],
        runs={"stats": [], "stats_floor": []},
    )
    spec = json.dumps(
        {"usecols": result.columns, "by": result.by, "sum": result.summed}, ensure_ascii=False
    )
    for rep in range(1, repeat + 1):
        log(f"  受講データの集計: {rep}/{repeat} 回目")
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(sheet, data, ignore=shutil.ignore_patterns(STATS))
        runs = [
            ("stats", ("stats", export, data, result.as_of)),
            ("stats_floor", ("stats-floor", export, spec)),
        ]
        for key, (stage, *args) in runs[:: 1 if rep % 2 else -1]:  # each goes first in turn
            result.runs[key].append(run_stage(stage, *args))
        if not (data / STATS / f"{result.as_of}.json").is_file():
            raise SystemExit(f"manabi stats が {data / STATS} に集計を書き出していません")
    result.load = os.getloadavg()
    return result


# --- the report -----------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    versions = {}
    for dist in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "Markdown", "Jinja2"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "?"
    return {
        "CPU": cpu,
        "コア数": str(os.cpu_count()),
        "メモリ": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        **versions,
        "日時": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def _ratio_mark(value: float, target: float) -> str:
    return f"{value:.2f} {'✓' if value <= target else '✗'}"


def tables(
    results: list[ScaleResult], stats: StatsResult
) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) for the figures and the ratios; shared by the terminal and the page."""
    head = ["項目", *(f"{r.scale}×" for r in results)]

    def row(label: str, fmt, fn) -> list[str]:
        return [label, *(fmt.format(fn(r)) for r in results)]

    def both(label: str, fmt: str, key: str = "seconds", per_page: bool = False) -> list[list[str]]:
        """A build figure for ours, then for the floor (``{}`` in ``label`` names the side)."""
        rows = []
        for side, stage in (("ours", "build"), ("floor", "floor")):
            if per_page:
                rows.append(row(label.format(side), fmt, lambda r, s=stage: r.per_page_ms(s, key)))
            else:
                rows.append(row(label.format(side), fmt, lambda r, s=stage: r.median(s, key)))
        return rows

    figures = [
        row("ページ数（ours / floor）", "{}", lambda r: f"{r.ours.pages:,} / {r.floor.pages:,}"),
        row("部署・分野・講座のページ数", "{:,}", lambda r: r.ours.entity_pages),
        row("シートの行数（部署 / 講座 / 推奨）", "{}", _rows_label),
        row("読み込み+検証 (s)", "{:.2f}", lambda r: r.median("check")),
        row("Google Sheets（代役）から読み込み+検証 (s)", "{:.2f}", lambda r: r.median("gsheet")),
        row(
            "Google Sheets へのリクエスト（トークン + API）",
            "{}",
            lambda r: " + ".join(map(str, r.sheets_requests)),
        ),
        row("Google Sheets の応答 (MB)", "{:.2f}", lambda r: r.sheets_mb),
        row("sync 初回 (s)", "{:.2f}", lambda r: r.median("sync")),
        row("再 sync・変更なし (s)", "{:.2f}", lambda r: r.median("resync")),
        row("再 sync・コマンド全体 (s)", "{:.2f}", lambda r: r.median("resync", "process_seconds")),
        row("再 sync で変わったファイル", "{}", lambda r: r.resync_touched),
        row(
            "受講状況の記録（日数 / 最新の受講データの行数）",
            "{}",
            lambda r: f"{r.records.get('records', 0)} / {r.records.get('rows', 0):,}",
        ),
        *both("build {} 実時間 (s)", "{:.2f}"),
        *both("build {} コマンド全体 (s)", "{:.2f}", "process_seconds"),
        *both("build {} CPU (s)", "{:.2f}", "cpu_seconds"),
        row("build 受講状況あり 実時間 (s)", "{:.2f}", lambda r: r.median("build_stats")),
        row(
            "build 受講状況あり コマンド全体 (s)",
            "{:.2f}",
            lambda r: r.median("build_stats", "process_seconds"),
        ),
        row(
            "build 受講状況あり CPU (s)", "{:.2f}", lambda r: r.median("build_stats", "cpu_seconds")
        ),
        *both("1 ページあたり {} 実時間 (ms)", "{:.2f}", per_page=True),
        *both("1 ページあたり {} CPU (ms)", "{:.2f}", "cpu_seconds", per_page=True),
        row("平均ページ ours (KB)", "{:.1f}", lambda r: r.ours.entity_avg_kb),
        row("平均ページ floor (KB)", "{:.1f}", lambda r: r.floor.entity_avg_kb),
        row("最大ページ ours (KB)", "{:.1f}", lambda r: r.ours.entity_max_kb),
        row(
            "一覧ページの最大 (KB)",
            "{}",
            lambda r: f"{r.ours.listing_max_kb:,.0f} ({r.ours.listing_largest})",
        ),
        row("検索インデックス ours (MB)", "{:.2f}", lambda r: r.ours.search_index_mb),
        row("検索インデックス floor (MB)", "{:.2f}", lambda r: r.floor.search_index_mb),
        row("サイト全体 ours (MB)", "{:.1f}", lambda r: r.ours.total_mb),
        row(
            "ページ数・サイト全体 受講状況あり",
            "{}",
            lambda r: f"{r.with_stats.pages:,} / {r.with_stats.total_mb:.1f} MB",
        ),
        row("最大メモリ 読み込み+検証 (MB)", "{:.0f}", lambda r: r.median("check", "max_rss_mb")),
        row(
            "最大メモリ Google Sheets 読み込み+検証 (MB)",
            "{:.0f}",
            lambda r: r.median("gsheet", "max_rss_mb"),
        ),
        row("最大メモリ sync (MB)", "{:.0f}", lambda r: r.median("sync", "max_rss_mb")),
        *both("最大メモリ build {} (MB)", "{:.0f}", "max_rss_mb"),
        row(
            "最大メモリ build 受講状況あり (MB)",
            "{:.0f}",
            lambda r: r.median("build_stats", "max_rss_mb"),
        ),
        *both("build {} の import 後の増え (MB)", "{:.0f}", "grown_mb"),
        row("繰り返し回数", "{}", lambda r: r.repeat),
        row("負荷（uptime 1/5/15 分）", "{}", lambda r: " ".join(f"{x:.2f}" for x in r.load)),
    ]
    floor_ratios = [
        row(
            "build 実時間",
            "{}",
            lambda r: _ratio_mark(r.median("build") / r.median("floor"), FLOOR_TARGET),
        ),
        row(
            "build コマンド全体（起動・import 込み）",
            "{}",
            lambda r: _ratio_mark(
                r.median("build", "process_seconds") / r.median("floor", "process_seconds"),
                FLOOR_TARGET,
            ),
        ),
        row(
            "build CPU 時間",
            "{}",
            lambda r: _ratio_mark(
                r.median("build", "cpu_seconds") / r.median("floor", "cpu_seconds"), FLOOR_TARGET
            ),
        ),
        row(
            "平均ページの大きさ",
            "{}",
            lambda r: _ratio_mark(r.ours.entity_avg_kb / r.floor.entity_avg_kb, FLOOR_TARGET),
        ),
        row(
            "検索インデックス",
            "{}",
            lambda r: _ratio_mark(r.ours.search_index_mb / r.floor.search_index_mb, FLOOR_TARGET),
        ),
        row(
            "最大メモリ（build）",
            "{}",
            lambda r: _ratio_mark(
                r.median("build", "max_rss_mb") / r.median("floor", "max_rss_mb"), FLOOR_TARGET
            ),
        ),
    ]
    names = sorted(
        {name for r in results for name in r.ours.listings},
        key=lambda n: -results[-1].ours.listings.get(n, 0),
    )
    listings = [
        [name, *(f"{r.ours.listings.get(name, 0):,.0f}" for r in results)] for name in names
    ]
    with_stats = [
        row(
            label,
            "{}",
            lambda r, key=key: _ratio_mark(r.with_stats_ratio(key), STATS_BUILD_TARGET),
        )
        for label, key in (
            ("build 実時間", "seconds"),
            ("build コマンド全体（起動・import 込み）", "process_seconds"),
            ("build CPU 時間", "cpu_seconds"),
            ("最大メモリ（build）", "max_rss_mb"),
        )
    ]
    out = [
        ("計測値（中央値）", head, figures),
        ("一覧ページの大きさ (KB): 件数に比例して大きくなる設計、比の対象外", head, listings),
        (f"比: ours / floor（目標 ≤ {FLOOR_TARGET}）", head, floor_ratios),
        (f"比: 受講状況あり / なし（目標 ≤ {STATS_BUILD_TARGET}）", head, with_stats),
    ]
    base = results[0]
    if len(results) > 1:
        grow_head = ["項目", *(f"{r.scale}× / {base.scale}×" for r in results[1:])]

        def grow(label: str, fn, target: float | None = GROWTH_TARGET) -> list[str]:
            cells = []
            for r in results[1:]:
                value = fn(r) / fn(base)
                cells.append(_ratio_mark(value, target) if target else f"{value:.2f}")
            return [label, *cells]

        growth = [
            grow("1 ページあたり build 実時間 ours", lambda r: r.per_page_ms("build")),
            grow("1 ページあたり build 実時間 floor", lambda r: r.per_page_ms("floor")),
            grow(
                "1 ページあたり build CPU 時間 ours",
                lambda r: r.per_page_ms("build", "cpu_seconds"),
            ),
            grow(
                "1 ページあたり build CPU 時間 floor",
                lambda r: r.per_page_ms("floor", "cpu_seconds"),
            ),
            grow("平均ページの大きさ ours", lambda r: r.ours.entity_avg_kb),
            grow("最大ページの大きさ ours", lambda r: r.ours.entity_max_kb),
            grow(
                "検索インデックス / ページ数",
                lambda r: r.ours.search_index_mb / r.ours.pages,
            ),
            grow(
                "最大メモリ build / ページ数（参考）",
                lambda r: r.median("build", "max_rss_mb") / r.ours.pages,
                None,
            ),
        ]
        out.append((f"比: 1 ページあたりの伸び（目標 ≤ {GROWTH_TARGET}）", grow_head, growth))
    return out + stats_tables(stats)


def stats_tables(stats: StatsResult) -> list[tuple[str, list[str], list[list[str]]]]:
    """What the export was, then ours beside the floor and their ratios."""
    about = [
        ["行数", f"{stats.rows:,}"],
        ["人数 × 1 人あたりの講座", f"{stats.people:,} × {stats.courses_each}"],
        ["大きさ (MB)", f"{stats.export_mb:.0f}"],
        ["集計日（--as-of）", stats.as_of],
        ["読む列（ours も floor も）", f"{len(stats.columns)} 列"],
        ["受講データ", "この回に作成" if stats.made else "作業フォルダのものを再利用"],
        ["繰り返し回数", str(stats.repeat)],
        ["負荷（uptime 1/5/15 分）", " ".join(f"{x:.2f}" for x in stats.load)],
    ]

    def line(
        label: str, fmt: str, key: str, target: float | None = STATS_FLOOR_TARGET
    ) -> list[str]:
        ours, floor = stats.median("stats", key), stats.median("stats_floor", key)
        if floor <= 0:  # a small export need not grow the floor past its imports
            ratio = "—"
        else:
            ratio = _ratio_mark(ours / floor, target) if target else f"{ours / floor:.2f}"
        return [label, fmt.format(ours), fmt.format(floor), ratio]

    figures = [
        line("実時間 (s)", "{:.2f}", "seconds"),
        line("コマンド全体（起動・import 込み） (s)", "{:.2f}", "process_seconds"),
        line("CPU 時間 (s)", "{:.2f}", "cpu_seconds"),
        line("最大メモリ (MB)", "{:.0f}", "max_rss_mb"),
        line("import 後の増え (MB)", "{:.0f}", "grown_mb", None),
    ]
    return [
        ("受講データの集計: 使った受講データ（合成）", ["項目", "値"], about),
        (
            f"受講データの集計: ours / floor（中央値、目標 ≤ {STATS_FLOOR_TARGET:g}）",
            ["項目", "ours", "floor", "ours / floor"],
            figures,
        ),
    ]


def _rows_label(r: ScaleResult) -> str:
    return " / ".join(f"{r.rows.get(tab, 0):,}" for tab in ("部署", "講座", "推奨"))


def _width(text: str) -> int:
    """Columns a string takes in a terminal (East Asian wide characters count two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_text(results: list[ScaleResult], stats: StatsResult) -> str:
    lines = []
    for title, head, rows in tables(results, stats):
        widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
        lines.append(f"\n{title}")
        for r in [head, *rows]:
            cells = [
                cell + " " * (widths[i] - _width(cell))
                if i == 0
                else " " * (widths[i] - _width(cell)) + cell
                for i, cell in enumerate(r)
            ]
            lines.append("  ".join(cells))
    return "\n".join(lines) + "\n"


def format_markdown(
    results: list[ScaleResult],
    stats: StatsResult,
    info: dict[str, str],
    command: str,
    lighthouse: list[str],
) -> str:
    parts = [
        "---",
        "title: ベンチマーク（規模と速度）",
        "description: 保守担当者向けの、サンプルを 1 倍・10 倍・100 倍に増やしたときのビルドの時間とページの大きさを、素の Material のビルドと比べた計測結果です。",
        "search:",
        "  exclude: true",
        "---",
        "",
        "# ベンチマーク（規模と速度）",
        "",
        "保守担当者向けのページです。`scripts/bench.py` が書き出します（手で直さないでください）。",
        "サンプルを 1 倍・10 倍・100 倍に増やした合成ブック（`manabi/synthetic.py`）で、",
        "各段階を新しい Python プロセスで繰り返し実行した中央値です。",
        "floor は、同じページ本文を静的な Markdown（生の HTML）として置き、",
        "同じテーマ設定・検索プラグイン・ナビゲーションの形で、データ処理もマクロもなしに",
        "素の Material で作ったときの値です。",
        "「受講状況あり」は、同じスナップショットに、その倍率のシート用に作った合成の受講データから",
        "`manabi stats` で集計した記録（`data/stats/`、月ごと）を加えて作ったときの値です。",
        f"受講データの集計は、合成の受講データ（{stats.rows:,} 行）を `manabi stats` で集計したとき（ours）と、",
        "同じ列を素の `pandas.read_csv` で読んで `groupby` を 1 回したとき（floor）の比較です。",
        "",
        f"実行したコマンド: `{command}`",
        "",
        "## 計測した環境",
        "",
        "| 項目 | 値 |",
        "| --- | --- |",
        *(f"| {key} | {value} |" for key, value in info.items()),
        "",
    ]
    for title, head, rows in tables(results, stats):
        parts += [f"## {title}", "", "| " + " | ".join(head) + " |"]
        parts.append("| " + " | ".join(["---"] + ["--:"] * (len(head) - 1)) + " |")
        parts += ["| " + " | ".join(r) + " |" for r in rows]
        parts.append("")
    parts += [f"## Lighthouse（{results[0].scale}× のサイト、受講状況あり）", "", *lighthouse, ""]
    parts += [
        "## 読み方",
        "",
        "- 時間は子プロセスの中で段階そのものを測ったもの（Python の起動と import は含まない）。",
        "  実時間（経過時間）と CPU 時間（user + system）の両方を示します。",
        "  他の作業と共有するマシンでは CPU 時間のほうが揺れにくい値です。",
        "  「コマンド全体」は子プロセスの起動から終了までの時間です（Python の起動と import、",
        "  ours では mkdocs-macros など floor にないプラグインの import を含む）。",
        "- 最大メモリは各段階の子プロセスの `getrusage(RUSAGE_SELF).ru_maxrss`（起動と import を含む）。",
        "  「import 後の増え」はそこから段階を始める前の値を引いたもの（データとページに比例する部分）。",
        "  ours の import には floor にない mkdocs-macros（requests、babel、hjson など）と icalendar が入り、",
        "  ほかにテンプレートの読み込みなど、ページ数によらない固定分があります。1× の最大メモリの差はこの固定分です。",
        "- 検索インデックスは、ours では UTF-8 で書き直している（日本語 1 文字 3 バイト、floor は `\\uXXXX` の 6 バイト）ぶん小さくなります。",
        "- Google Sheets は、Sheets API とトークン発行の代役（`tests/sheets_standin.py`、同じマシンの",
        "  ループバック）から、本物の gspread と google-auth で読んだ値です。ネットワークの遅延は含みません。",
        "  リクエスト数はシートの大きさによらず一定（トークン 1 回、メタデータ 1 回、全タブの値 1 回）です。",
        "- 「平均ページ」「最大ページ」は部署・分野・講座のページ（1 件 1 ページ）のみ。",
        "  トップ・部署一覧・講座一覧・相談窓口などの一覧ページは、件数に比例して大きくなる設計なので別に示します。",
        "- 検索インデックス（`search/search_index.json`）は全ページの本文を含み、ページを開くたびに読み込まれます。",
        "- 「受講状況あり」の受講データは `manabi.stats.synthetic` の架空の職員（部署ごとに人数が違う、サンプルと同じ形）で、",
        "  倍率とともに人数も増えます。"
        + "・".join(f"{d.month} 月 {d.day} 日" for d in RECORD_DAYS)
        + "の記録を `manabi stats` で作ります。",
        "  「受講状況あり / なし」は、同じ回に順番を入れ替えながら測った build どうしの比です。",
        f"- 受講データの集計の受講データは、1 倍のシートの部署と講座に {stats.people:,} 人 × "
        f"{stats.courses_each} 講座の架空の職員を割り当てたもので、",
        "  すべての行がそろう日にダウンロードしたものとしています（作るのは作業フォルダごとに 1 回で、計測しません）。",
        "  ours は `manabi stats 受講データ --data <1 倍のデータのコピー> --as-of <集計日>` のコマンドそのもの",
        "  （毎回新しいデータのコピーに書き出す）、floor は同じ列を `pandas.read_csv(path, usecols=…)` で読み、",
        f"  `{stats.by}` ごとに `{stats.summed}` を `groupby(…).sum()` したものです。"
        "ours と floor は交互に先に実行します。",
        f"  読む列: {'、'.join(f'`{c}`' for c in stats.columns)}。",
        "- 2 コアのマシンを他の作業と共有して測っています。絶対値よりも、同じ回に測った floor との比を見てください。",
        "",
    ]
    return "\n".join(parts)


# --- Lighthouse on the smallest site ------------------------------------------------------


def bench_lighthouse(site: Path, runs: int, log) -> list[str]:
    """The page's Lighthouse section (scripts/lighthouse.py), or why it was not measured."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import lighthouse

    if runs <= 0:
        return ["測っていません（`--lighthouse-runs 0`、または `--quick`）。"]
    why = lighthouse.available()
    if why:
        log(f"Lighthouse は測りません: {why}")
        return [f"測っていません: {why}。"]
    log(f"Lighthouse で採点しています（各 {runs} 回）…")
    scores = lighthouse.score(site, runs, log)
    print("\n".join(lighthouse.markdown(scores)))
    return lighthouse.markdown(scores)


# --- command line ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="manabi のベンチマーク（1×・10×・100×、floor との比）"
    )
    parser.add_argument("--scales", help="倍率のリスト（既定: 1,10,100）")
    parser.add_argument("--repeat", type=int, default=3, help="繰り返し回数（既定: 3）")
    parser.add_argument(
        "--repeat-large",
        type=int,
        default=1,
        help=f"{LARGE} 倍以上の繰り返し回数（既定: 1）",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="各倍率 1 回だけ、--scales がなければ 1 倍のみ（動作確認用）",
    )
    parser.add_argument(
        "--out", type=Path, help=f"結果のページ（既定: {RESULTS.relative_to(ROOT)}）"
    )
    parser.add_argument(
        "--stats-people",
        type=int,
        help=f"受講データの集計に使う人数（× {STATS_COURSES_EACH} 講座。既定: "
        f"{STATS_PEOPLE:,}、--quick では {STATS_PEOPLE_QUICK:,}）",
    )
    parser.add_argument("--json", type=Path, help="生の結果を JSON で書き出す先")
    parser.add_argument(
        "--work",
        type=Path,
        help="作業フォルダ（指定すると残し、受講データの集計に使う大きな受講データを次回も使います）",
    )
    parser.add_argument(
        "--lighthouse-runs",
        type=int,
        help="Lighthouse の各ページ・端末の回数（既定: --repeat、--quick では 0 = 測らない）",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.stage:  # we are a child
        print(json.dumps(_stage(args.stage, rest)))
        return 0
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    scales = sorted(
        {int(s) for s in (args.scales or ("1" if args.quick else "1,10,100")).split(",")}
    )
    repeat = 1 if args.quick else args.repeat
    people = args.stats_people or (STATS_PEOPLE_QUICK if args.quick else STATS_PEOPLE)
    out = args.out or RESULTS

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    sys.path.insert(0, str(ROOT))
    started = os.getloadavg()
    with contextlib.ExitStack() as stack:
        work = args.work or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="manabi-bench-"))
        )
        work = work.resolve()  # the children run in the repository
        work.mkdir(parents=True, exist_ok=True)
        results = []
        for scale in scales:
            times = args.repeat_large if scale >= LARGE and not args.quick else repeat
            log(f"{scale}× を計測しています（{times} 回）…")
            results.append(bench_scale(scale, times, work, log))
        log(f"受講データの集計を計測しています（{repeat} 回）…")
        stats = bench_stats(people, repeat, work, log)
        lighthouse = bench_lighthouse(
            work / f"x{scales[0]}" / "site-stats",
            args.lighthouse_runs
            if args.lighthouse_runs is not None
            else (0 if args.quick else repeat),
            log,
        )
    info = machine()
    info["負荷（開始時 → 終了時, 1/5/15 分）"] = (
        " ".join(f"{x:.2f}" for x in started)
        + " → "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(format_text(results, stats))
    shown, given = [], list(argv if argv is not None else sys.argv[1:])
    while given:  # the options that change the figures; not where files went
        option = given.pop(0)
        if option.split("=")[0] in ("--out", "--json", "--work"):
            if "=" not in option and given:
                given.pop(0)
            continue
        shown.append(option)
    command = " ".join(["python scripts/bench.py", *shown])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        format_markdown(results, stats, info, command.strip(), lighthouse), encoding="utf-8"
    )
    print(f"結果を書き出しました: {out}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"scales": [asdict(r) for r in results], "stats": asdict(stats)},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
