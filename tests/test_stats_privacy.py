"""Personal data stays where it was read: every name, e-mail and ID of a test export
is searched for in every output of the whole chain — the snapshot in data/, the
built site (pages, search index, calendar feeds, sitemap), what the commands
print, and a commit of data/ — and found nowhere.

The commands run as separate processes, as the secretariat and CI run them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.exports import person, personal_values, row, write_export
from tests.helpers import ROOT

# Groups of the sample's divisions (so figures are published) and one no division has.
GROUPS = {"北区役所": 12, "都島区役所": 11, "福島区役所": 3, "研修生（臨時）": 11}
COURSES = ["4001371", "4002742", "4004113", "9100001"]  # three in the catalogue, one not


def _export_rows() -> list[dict[str, str]]:
    rows, n = [], 0
    for group, size in GROUPS.items():
        for _ in range(size):
            n += 1
            who = person(n, group)
            if n % 5 == 0:
                who["User First Name"], who["User Last Name"] = f"試験{n}子", f"架空試験{n}"
            for k, course in enumerate(COURSES[: 1 + n % 4]):
                rows.append(
                    row(
                        who,
                        course,
                        **{
                            "Course Title": f"Zqcourse {course}",
                            "First Date Completed": f"2026-12-{1 + k:02d} 01:00:00+00:00",
                            "Date Last Accessed": f"2026-12-{10 + k:02d} 01:00:00+00:00",
                            "Minutes Video Consumed": "12.5",
                            "% Marked Completed": "100.0000",
                        },
                    )
                )
    rows.append(row({**person(99, "北区役所"), "User Email": "Anonymized User"}, COURSES[0]))
    rows.append(row(person(98, "北区役所", **{"User Is Deactivated": "Yes"}), COURSES[1]))
    return rows


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1795618800"}
    return subprocess.run(
        [sys.executable, "-m", "manabi.cli", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _forms(value: str) -> set[str]:
    """The value as it could appear: as typed, lower-cased, and JSON-escaped."""
    return {value, value.casefold(), json.dumps(value)[1:-1]}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """Every output of the chain, by where it was found."""
    tmp = tmp_path_factory.mktemp("privacy")
    rows = _export_rows()
    export = write_export(tmp / "share" / "user_course_activity_report_city.csv", rows)
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    found: dict[str, str] = {}
    for fmt in ("text", "json", "markdown"):
        run = _run("stats", export, "--data", data, "--format", fmt)
        assert run.returncode == 0, run.stderr
        found[f"stats --format {fmt} (stdout)"] = run.stdout
        found[f"stats --format {fmt} (stderr)"] = run.stderr
    bad = write_export(tmp / "bad.csv", [dict(r, **{"Date Last Accessed": "x"}) for r in rows])
    run = _run("stats", bad, "--data", data, "--format", "markdown")
    assert run.returncode == 1
    found["refused stats (stdout + stderr)"] = run.stdout + run.stderr
    build = _run("build", "--data", data, "--site-dir", tmp / "site")
    assert build.returncode == 0, build.stderr
    found["build (stdout + stderr)"] = build.stdout + build.stderr
    for folder in (data, tmp / "site"):
        for path in folder.rglob("*"):
            if path.is_file():
                found[str(path.relative_to(tmp))] = path.read_bytes().decode("utf-8", "replace")
    repo = tmp / "repo"
    shutil.copytree(data, repo / "data")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    for command in (["init", "-q"], ["add", "data"], ["commit", "-qm", "データ更新"]):
        subprocess.run([*git, *command], check=True, capture_output=True)
    log = subprocess.run([*git, "log", "-p"], check=True, capture_output=True, text=True)
    found["git log -p"] = log.stdout
    found["the export's values"] = "\n".join(sorted(personal_values(rows)))
    found["the export itself"] = export.read_text(encoding="utf-8-sig")
    return found


def test_the_chain_ran_and_published_figures(outputs) -> None:
    pages = [k for k in outputs if k.endswith(".html") and "/site/" in f"/{k}"]
    assert len(pages) > 100
    record = json.loads(outputs["stats --format json (stdout)"])
    assert record["as_of"] == "2026-12-13"
    assert record["divisions"]["kita"]["learners"] == 12  # published: the search has targets
    assert record["divisions"]["fukushima"]["learners"] is None
    assert "研修生（臨時）" in record["unmatched_groups"]


def test_no_name_email_or_id_reaches_any_output(outputs) -> None:
    outputs = dict(outputs)
    values = outputs.pop("the export's values").splitlines()
    assert len(values) > 100  # 38 people × first, last, e-mail, ID (and the skipped ones)
    export = outputs.pop("the export itself")
    assert all(value in export for value in values)  # the search finds what is there
    hits = {
        (where, value)
        for value in values
        for form in _forms(value)
        for where, text in outputs.items()
        if form in text
    }
    assert hits == set()
