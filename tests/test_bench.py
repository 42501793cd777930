"""The benchmark script runs end to end at a tiny scale (its figures are never asserted)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from manabi.sources import read_source
from manabi.synthetic import scale_sample
from manabi.validate import validate
from tests.helpers import ROOT, SAMPLE


def test_the_bench_prints_its_table_and_ratios_and_writes_the_results_page(
    tmp_path: Path,
) -> None:
    out, raw = tmp_path / "benchmark.md", tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            ROOT / "scripts" / "bench.py",
            "--quick",
            "--scales",
            "1,2",
            "--out",
            out,
            "--json",
            raw,
            "--work",
            tmp_path / "work",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    printed = proc.stdout
    headings = (
        "計測値（中央値）",
        "比: ours / floor",
        "比: 受講状況あり / なし（目標 ≤ 1.15）",
        "比: 1 ページあたりの伸び",
        "受講データの集計: 使った受講データ（合成）",
        "受講データの集計: ours / floor（中央値、目標 ≤ 2）",
    )
    for heading in headings:
        assert heading in printed
    labels = (
        "build ours 実時間 (s)",
        "build floor 実時間 (s)",
        "再 sync・変更なし (s)",
        "build 受講状況あり 実時間 (s)",
        "build 受講状況あり CPU (s)",
        "最大メモリ build 受講状況あり (MB)",
    )
    for label in labels:
        assert label in printed
    assert "2× / 1×" in printed
    # Both builds made the same pages; an unchanged re-sync touched no file.
    pages = next(line for line in printed.splitlines() if line.startswith("ページ数"))
    counts = re.findall(r"([\d,]+) / ([\d,]+)", pages)
    assert len(counts) == 2 and all(ours == floor for ours, floor in counts), pages
    touched = next(line for line in printed.splitlines() if line.startswith("再 sync で変わった"))
    assert touched.split()[-2:] == ["0", "0"]
    # Read from the Sheets stand-in: one token, two API requests, however big the sheet.
    requests = next(line for line in printed.splitlines() if "リクエスト（トークン + API）" in line)
    assert requests.split("）", 1)[1].split() == ["1", "+", "2", "1", "+", "2"], requests
    answered = next(
        line for line in printed.splitlines() if line.startswith("Google Sheets の応答")
    )
    one, two = map(float, answered.split()[-2:])
    assert 0 < one < two, answered
    # Built with four monthly records of an export made for each scaled sheet.
    records = next(line for line in printed.splitlines() if line.startswith("受講状況の記録"))
    assert re.findall(r"(\d+) / [\d,]+", records) == ["4", "4"], records
    assert len(list((tmp_path / "work" / "x2" / "data-stats" / "stats").glob("*.json"))) == 4
    # The export's aggregation, ours beside the floor: the small export of --quick.
    rows = next(line for line in printed.splitlines() if line.startswith("行数"))
    assert rows.split()[-1] == "20,000", rows
    for label in ("実時間 (s)", "CPU 時間 (s)", "最大メモリ (MB)"):
        line = next(line for line in printed.splitlines() if line.startswith(label))
        assert re.search(r"[\d.]+ +[\d.]+ +[\d.]+ [✓✗]$", line), line

    figures = json.loads(raw.read_text(encoding="utf-8"))
    assert [s["scale"] for s in figures["scales"]] == [1, 2]
    for scale in figures["scales"]:
        assert len(scale["runs"]["build_stats"]) == 1 and scale["records"]["records"] == 4
    stats = figures["stats"]
    assert stats["rows"] == 20_000 and stats["people"] == 2_000
    assert [len(stats["runs"][k]) for k in ("stats", "stats_floor")] == [1, 1]
    assert all(run["max_rss_mb"] > 0 for k in ("stats", "stats_floor") for run in stats["runs"][k])
    assert stats["runs"]["stats_floor"][0]["groups"] == 2_000  # minutes summed per person
    # The floor reads what ours reads, and that is never a name.
    assert {"User Email", "Minutes Video Consumed"} <= set(stats["columns"])
    assert not {"User First Name", "User Last Name"} & set(stats["columns"])

    page = out.read_text(encoding="utf-8")
    assert page.startswith("---\ntitle: ベンチマーク")
    assert "## 計測した環境" in page and "| CPU |" in page and "| mkdocs-material |" in page
    assert "2× / 1×" in page
    assert "## 比: 受講状況あり / なし" in page and "## 受講データの集計: ours / floor" in page
    assert "{{" not in page  # hand-written pages are rendered by mkdocs-macros
    assert not (tmp_path / "work" / "x1" / "source").exists()  # the workbook copies are cleaned


@pytest.mark.parametrize("factor", [1, 3])
def test_a_scaled_sample_is_valid_and_every_tab_grows_but_levels_and_settings(
    tmp_path: Path, factor: int
) -> None:
    base = validate(read_source(str(SAMPLE)))
    scaled = validate(read_source(str(scale_sample(SAMPLE, tmp_path / "x", factor))))
    assert scaled.ok, [p.message for p in scaled.errors][:5]
    for key in (
        "divisions",
        "contacts",
        "areas",
        "skills",
        "courses",
        "steps",
        "events",
        "letters",
    ):
        assert len(scaled.data[key]) == factor * len(base.data[key]), key
    assert scaled.data["levels"] == base.data["levels"]
    assert scaled.data["settings"] == base.data["settings"]


def test_a_copied_division_gets_the_copies_of_its_areas_so_its_page_stays_the_same_size(
    tmp_path: Path,
) -> None:
    scaled = validate(read_source(str(scale_sample(SAMPLE, tmp_path / "x", 3))))
    divisions = {d["id"]: d for d in scaled.data["divisions"]}
    assert divisions["kita-3"]["areas"] == [f"{a}-3" for a in divisions["kita"]["areas"]]
    assert divisions["kita-3"]["name"] == "北区役所（3）"
    # "every area" (an empty 担当分野) would mean all copies: the sample's areas are named instead
    everything = [a["id"] for a in validate(read_source(str(SAMPLE))).data["areas"]]
    assert sorted(divisions["higashiyodogawa"]["areas"]) == sorted(everything)
    assert len(divisions["higashiyodogawa-2"]["areas"]) == len(everything)


def test_a_copied_division_is_reached_by_as_many_events_as_every_other_copy(
    tmp_path: Path,
) -> None:
    """A copy's events aimed at everyone or at a 種別 are aimed at its own copy's divisions,
    so the events on a division page and in its feed do not grow with the copies."""
    from manabi import agenda
    from manabi.model import Site

    def reach(factor: int) -> dict[str, int]:
        source = scale_sample(SAMPLE, tmp_path / f"x{factor}", factor)
        site = Site(validate(read_source(str(source))).data)
        return {d["id"]: len(agenda.events_for(site, d)) for d in site.divisions}

    three, five = reach(3), reach(5)
    for division in ("kita", "somu", "digital-tokatsu"):
        assert three[division] == five[division]
        assert three[f"{division}-2"] == three[f"{division}-3"] == five[f"{division}-5"]
        assert three[f"{division}-2"] < 2 * three[division] + 1
