"""Make the sample's learning figures: a synthetic export and the monthly aggregates.

    .venv/bin/python scripts/sample_stats.py      # or: make sample-stats

Writes ``sample/udemy/`` (the latest month's export of obviously fictional
staff, for a newcomer to run ``manabi stats`` on) and the aggregates of the
first day of each month from September to December into ``data/stats/``,
each computed by ``manabi stats`` from that month's export (the earlier
exports are made in a temporary folder and not kept). Deterministic: running
it again changes nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from manabi.cli import main  # noqa: E402
from manabi.snapshot import load  # noqa: E402
from manabi.stats import synthetic  # noqa: E402

MONTHS = [dt.date(2026, month, 1) for month in (9, 10, 11, 12)]
EXPORT = ROOT / "sample" / "udemy" / "user_course_activity_report_sample_2026-12-01.csv"


def main_(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the sample's synthetic export and figures")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the snapshot (data/)")
    parser.add_argument("--export", type=Path, default=EXPORT, help="where the export goes")
    args = parser.parse_args(argv)
    data, export = args.data, args.export
    story = synthetic.history(load(data).data)
    with tempfile.TemporaryDirectory() as tmp:
        for day in MONTHS:
            frame = synthetic.anonymize_some(synthetic.export_at(story, day))
            path = export if day == MONTHS[-1] else Path(tmp) / f"{day}.csv"
            synthetic.write_export(frame, path)
            code = main(["stats", str(path), "--data", str(data), "--as-of", day.isoformat()])
            if code != 0:
                return code
    return 0


if __name__ == "__main__":
    sys.exit(main_())
