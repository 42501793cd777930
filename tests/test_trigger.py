"""The sheet-edit trigger (scripts/apps-script/trigger.gs): its debounce, run in Node.js.

Apps Script's services do not exist outside Google, so the decision of when
to start the workflow is a pure function in the script; Node runs the real
file and asks it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "apps-script" / "trigger.gs"
MINUTE = 60 * 1000
QUIET = 5 * MINUTE


def debounce(*cases: tuple[int, int, int]) -> list[dict[str, object]]:
    """``debounce_(now, lastDispatch, followUpAt, QUIET)`` for each case, from the real script."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    program = (
        "const vm = require('vm'), fs = require('fs');"
        "const context = {}; vm.createContext(context);"
        "vm.runInContext(fs.readFileSync(process.argv[1], 'utf8'), context);"
        "const cases = JSON.parse(process.argv[2]);"
        "console.log(JSON.stringify(cases.map(c => context.debounce_(c[0], c[1], c[2], c[3]))));"
    )
    args = json.dumps([[*case, QUIET] for case in cases])
    run = subprocess.run(
        [node, "-e", program, str(SCRIPT), args], capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout)


def test_the_first_change_starts_the_workflow_at_once():
    now = 1_800_000_000_000
    assert debounce((now, 0, 0)) == [{"dispatch": True, "followUpAt": 0}]


def test_a_burst_of_changes_starts_one_more_run_when_the_quiet_period_ends():
    last = 1_800_000_000_000
    first, second, late = debounce(
        (last + 1 * MINUTE, last, 0),  # a change one minute after a run started
        (last + 2 * MINUTE, last, last + QUIET),  # another, with the follow-up already planned
        (last + QUIET - 10_000, last, 0),  # ten seconds before the quiet period ends
    )
    assert first == {"dispatch": False, "followUpAt": last + QUIET}
    assert second == {"dispatch": False, "followUpAt": 0}
    assert late == {"dispatch": False, "followUpAt": last + QUIET - 10_000 + MINUTE}


def test_a_change_after_the_quiet_period_starts_the_workflow_again():
    last = 1_800_000_000_000
    assert debounce((last + QUIET, last, 0)) == [{"dispatch": True, "followUpAt": 0}]


def test_the_token_comes_from_script_properties_and_is_never_logged():
    source = SCRIPT.read_text(encoding="utf-8")
    assert "get('GITHUB_TOKEN')" in source and "getScriptProperties()" in source
    assert "'/dispatches'" in source and "method: 'post'" in source
    assert "onChange()" in source and "LockService.getScriptLock()" in source
    for line in source.splitlines():
        if re.search(r"console\.|Logger\.|throw new Error", line):
            assert "token" not in line.lower(), line
    assert not re.search(r"ghp_|github_pat_", source)  # no token pasted into the file
