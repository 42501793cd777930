"""The publish workflow: its safety settings, actionlint and zizmor, and its own scripts run for real.

The sync, stats and commit steps are shell scripts inside the YAML; they are
run here as GitHub runs them (bash -eo pipefail) with the real `manabi`, a
real git repository and a local bare repository standing in for GitHub. The
jobs' `if:` conditions are evaluated by a small reading of GitHub's expression
language (below), so a condition that would skip or run the wrong job fails a test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import MINIMAL, ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def jobs(workflow: dict) -> dict[str, dict]:
    return workflow["jobs"]


def steps(workflow: dict) -> list[tuple[str, dict]]:
    return [(name, step) for name, job in jobs(workflow).items() for step in job["steps"]]


def step_named(workflow: dict, job: str, prefix: str) -> dict:
    return next(s for s in jobs(workflow)[job]["steps"] if s.get("name", "").startswith(prefix))


def hosted(job: dict) -> bool:
    labels = job["runs-on"] if isinstance(job["runs-on"], list) else [job["runs-on"]]
    return "self-hosted" not in labels


# --- GitHub's expression language, as far as our conditions use it ---------------
#
# Literals ('text', true, false, null, numbers), property paths (needs.stats.result),
# ! && || == != and parentheses, and the status functions. `a || b` is the first truthy
# operand (else the last), `a && b` the first falsy one (else the last); a missing
# property is null; strings compare without regard to case; operands of different
# types compare as numbers (null and '' are 0), as GitHub does.

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>&&|\|\||==|!=|!|\(|\)|,)"
    r"|(?P<number>-?[0-9]+(?:\.[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_.-]*))"
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, at = [], 0
    text = text.strip()
    while at < len(text):
        match = TOKEN.match(text, at)
        assert match and match.end() > at, f"cannot read the expression at: {text[at:]!r}"
        kind = match.lastgroup
        assert kind is not None
        out.append((kind, match.group(kind)))
        at = match.end()
    return out


def _number(value: Any) -> float:
    if value is None or value is False or value == "":
        return 0.0
    if value is True:
        return 1.0
    try:
        return float(value)
    except ValueError:
        return float("nan")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if type(a) is type(b):
        return a == b
    return _number(a) == _number(b)


def evaluate(text: str, *, cancelled: bool = False, **context: Any) -> Any:
    """The value of a GitHub Actions expression (``${{ }}`` optional) in ``context``."""
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    tokens = _tokens(text)
    at = 0
    functions = {
        "cancelled": lambda: cancelled,
        "always": lambda: True,
        "success": lambda: not cancelled,  # enough for conditions that test results themselves
        "failure": lambda: False,
    }

    def peek() -> str | None:
        return tokens[at][1] if at < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal at
        at += 1
        return tokens[at - 1]

    def either() -> Any:
        value = both()
        while peek() == "||":
            take()
            other = both()
            value = value if value else other
        return value

    def both() -> Any:
        value = unary()
        while peek() == "&&":
            take()
            other = unary()
            value = other if value else value
        return value

    def unary() -> Any:
        if peek() == "!":
            take()
            return not unary()
        return comparison()

    def comparison() -> Any:
        value = primary()
        if peek() in ("==", "!="):
            op = take()[1]
            same = _equal(value, primary())
            return same if op == "==" else not same
        return value

    def primary() -> Any:
        kind, token = take()
        if token == "(":
            value = either()
            assert take()[1] == ")"
            return value
        if kind == "string":
            return token[1:-1].replace("''", "'")
        if kind == "number":
            return float(token)
        assert kind == "name", token
        if token in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token]
        if peek() == "(":
            take()
            assert take()[1] == ")", "only functions without arguments are read here"
            return functions[token]()
        value: Any = context
        for part in token.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    value = either()
    assert at == len(tokens), f"left over: {tokens[at:]}"
    return value


def test_the_expression_reader_reads_like_github():
    needs = {"stats": {"result": "skipped", "outputs": {}}, "sync": {"outputs": {"sha": "abc"}}}
    assert (
        evaluate("${{ needs.stats.outputs.sha || needs.sync.outputs.sha }}", needs=needs) == "abc"
    )
    assert evaluate("needs.stats.result == 'SKIPPED'", needs=needs) is True
    assert evaluate("!cancelled() && (false || 'x' != 'y')") is True
    assert evaluate("!cancelled() && true", cancelled=True) is False
    assert evaluate("vars.X != ''", vars={}) is False  # null and '' are alike
    assert evaluate("'a' && ''") == ""


def test_it_runs_on_a_schedule_on_demand_and_on_pushes_to_main(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "workflow_dispatch" in triggers
    assert triggers["push"] == {"branches": ["main"]}


def test_a_publish_is_never_cancelled_half_way(workflow):
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert "${{" not in str(workflow["concurrency"]["group"])  # one queue for every trigger


def test_every_job_has_its_own_least_permissions_and_a_timeout(workflow):
    assert workflow["permissions"] == {}
    for name, job in jobs(workflow).items():
        assert isinstance(job["permissions"], dict), name
        assert 0 < job["timeout-minutes"] <= 30, name
    granted = {name: job["permissions"] for name, job in jobs(workflow).items()}
    assert granted["sync"] == {"contents": "write"}
    assert granted["stats"] == {"contents": "write"}
    assert granted["build"] == {"contents": "read"}
    assert granted["deploy-intranet"] == {"contents": "read"}
    assert granted["deploy-pages"] == {"pages": "write", "id-token": "write"}


def test_no_expression_is_spliced_into_a_shell_script(workflow):
    for job, step in steps(workflow):
        run = step.get("run", "")
        assert "${{" not in run, (job, step.get("name"))


def test_every_action_is_pinned_to_a_full_commit(workflow):
    used = [step["uses"] for _, step in steps(workflow) if "uses" in step]
    assert used
    for uses in used:
        assert SHA_PIN.match(uses), uses


def test_the_key_is_written_privately_never_echoed_and_always_removed(workflow):
    sync = jobs(workflow)["sync"]["steps"]
    write = step_named(workflow, "sync", "Write the service-account key")
    assert write["env"]["SERVICE_ACCOUNT_KEY"] == "${{ secrets.GOOGLE_SERVICE_ACCOUNT_KEY }}"
    key_file = write["env"]["GOOGLE_APPLICATION_CREDENTIALS"]
    assert key_file.startswith("${{ runner.temp }}/")
    assert write["run"].index("umask 077") < write["run"].index("$SERVICE_ACCOUNT_KEY")
    secret_lines = [
        line
        for _, s in steps(workflow)
        for line in s.get("run", "").splitlines()
        if "SERVICE_ACCOUNT_KEY" in line
    ]
    assert secret_lines == [
        'printf \'%s\' "$SERVICE_ACCOUNT_KEY" > "$GOOGLE_APPLICATION_CREDENTIALS"'
    ]
    remove = step_named(workflow, "sync", "Remove the service-account key")
    assert remove["if"] == "always()"
    assert remove["env"]["GOOGLE_APPLICATION_CREDENTIALS"] == key_file
    assert remove["run"].startswith("rm -f")
    run_sync = step_named(workflow, "sync", "manabi sync")
    assert sync.index(write) < sync.index(run_sync) < sync.index(remove)
    # Nothing after the removal needs the key.
    for later in sync[sync.index(remove) + 1 :]:
        assert "GOOGLE_APPLICATION_CREDENTIALS" not in str(later)


def test_the_steps_are_the_projects_own_commands(workflow):
    assert "manabi sync" in step_named(workflow, "sync", "manabi sync")["run"]
    assert step_named(workflow, "build", "manabi build")["run"] == "manabi build --site-dir site"
    deploy = jobs(workflow)["deploy-intranet"]
    assert deploy["runs-on"] == ["self-hosted", "intranet"]
    assert "-m manabi.cli deploy" in step_named(workflow, "deploy-intranet", "manabi deploy")["run"]
    uploads = [
        s for s in jobs(workflow)["build"]["steps"] if "upload-artifact@" in s.get("uses", "")
    ]
    assert uploads and uploads[0]["with"]["path"] == "site/"


def test_publishing_outside_the_intranet_is_opt_in_and_only_from_main(workflow):
    for job, variable, value in (
        ("deploy-pages", "MANABI_PAGES", "true"),
        ("deploy-intranet", "MANABI_DEPLOY_TARGET", "/srv/manabi"),
    ):
        condition = jobs(workflow)[job]["if"]
        built = {"build": {"result": "success"}}
        on_main = {"ref": "refs/heads/main", "event_name": "schedule"}
        assert evaluate(condition, needs=built, github=on_main, vars={variable: value}), job
        assert not evaluate(condition, needs=built, github=on_main, vars={}), job
        on_branch = {"ref": "refs/heads/topic", "event_name": "workflow_dispatch"}
        assert not evaluate(condition, needs=built, github=on_branch, vars={variable: value}), job
        for result in ("skipped", "failure", "cancelled"):
            needs = {"build": {"result": result}}
            assert not evaluate(condition, needs=needs, github=on_main, vars={variable: value}), job
    for step in jobs(workflow)["build"]["steps"]:
        if "upload-pages-artifact@" in step.get("uses", ""):
            assert step["if"] == "vars.MANABI_PAGES == 'true'"


def test_the_workflow_passes_actionlint_with_shellcheck():
    actionlint, shellcheck = BIN / "actionlint", BIN / "shellcheck"
    assert actionlint.exists() and shellcheck.exists(), "pip install -e '.[dev]' brings both"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(
        [str(actionlint), "-color=false", str(WORKFLOW)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_workflow_passes_zizmor_offline():
    zizmor = BIN / "zizmor"
    assert zizmor.exists(), "pip install -e '.[dev]' brings zizmor"
    run = subprocess.run(
        [str(zizmor), "--offline", "--no-progress", "--color=never", str(WORKFLOW)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings" in run.stdout + run.stderr


# --- the steps' scripts, run for real ----------------------------------------


def run_step(step: dict, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a step's script as GitHub does: bash --noprofile --norc -eo pipefail."""
    script = cwd.parent / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    full_env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_MKDOCS_2_WARNING": "1",
        **env,
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
    )


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def checkout(tmp_path: Path) -> dict[str, Path]:
    """A clone of a repository whose main holds a sheet and its committed snapshot."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "init", "--quiet", "--initial-branch=main", str(work))
    shutil.copytree(MINIMAL, work / "sheet")
    subprocess.run([BIN / "manabi", "sync", "sheet"], cwd=work, check=True, capture_output=True)
    git(work, "add", ".")
    git(
        work,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.jp",
        "commit",
        "--quiet",
        "-m",
        "start",
    )
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "--quiet", "origin", "HEAD:main")
    files = {name: tmp_path / name for name in ("summary.md", "output.txt")}
    for path in files.values():
        path.touch()
    return {"origin": origin, "work": work, **files}


def step_env(checkout: dict[str, Path], **extra: str) -> dict[str, str]:
    return {
        "MANABI_SOURCE": "sheet",
        "GITHUB_STEP_SUMMARY": str(checkout["summary.md"]),
        "GITHUB_OUTPUT": str(checkout["output.txt"]),
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SERVER_URL": "https://github.example.jp",
        "GITHUB_TOKEN": "not-a-real-token",
        **extra,
    }


def test_invalid_data_fails_the_job_with_the_japanese_report_in_the_summary(workflow, checkout):
    work = checkout["work"]
    courses = work / "sheet" / "講座.csv"
    courses.write_text(
        courses.read_text(encoding="utf-8").replace(
            "https://udemy.example.com/course/c001/", "<b>javascript:x</b>"
        ),
        encoding="utf-8",
    )
    run = run_step(step_named(workflow, "sync", "manabi sync"), work, step_env(checkout))
    assert run.returncode == 1
    summary = checkout["summary.md"].read_text(encoding="utf-8")
    assert summary.startswith("## ❌ スプレッドシートに誤りが 1 件あります")
    assert "講座!D2" in summary
    assert "&lt;b&gt;javascript:x&lt;/b&gt;" in summary and "<b>" not in summary
    assert "サイトとデータは前のまま変わっていません" in summary
    assert git(work, "status", "--porcelain", "--", "data") == ""


def test_an_unchanged_sheet_commits_nothing(workflow, checkout):
    work = checkout["work"]
    run = run_step(step_named(workflow, "sync", "manabi sync"), work, step_env(checkout))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "changed=false" in checkout["output.txt"].read_text(encoding="utf-8")
    commit = run_step(
        step_named(workflow, "sync", "Commit"), work, step_env(checkout, CHANGED="false")
    )
    assert commit.returncode == 0, commit.stderr
    assert git(checkout["origin"], "log", "--format=%s", "main").splitlines() == ["start"]


def test_a_changed_sheet_is_committed_with_a_japanese_message_saying_what_changed(
    workflow, checkout
):
    work = checkout["work"]
    with open(work / "sheet" / "講座.csv", "a", encoding="utf-8") as handle:
        handle.write(
            "c004,はじめての生成AI,庁内研修,https://learning.example.jp/c004,1,intro,,公開,\n"
        )
        handle.write("c005,表計算の関数,庁内研修,https://learning.example.jp/c005,2,basic,,公開,\n")
    contacts = work / "sheet" / "窓口担当.csv"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("03125", "03126"), "utf-8")
    run = run_step(step_named(workflow, "sync", "manabi sync"), work, step_env(checkout))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "changed=true" in checkout["output.txt"].read_text(encoding="utf-8")
    commit = run_step(
        step_named(workflow, "sync", "Commit"), work, step_env(checkout, CHANGED="true")
    )
    assert commit.returncode == 0, commit.stderr
    assert "not-a-real-token" not in commit.stdout + commit.stderr
    log = git(checkout["origin"], "log", "--format=%s", "main").splitlines()
    assert log == ["データ更新: 窓口担当 1件更新 / 講座 +2", "start"]
    changed = git(checkout["origin"], "show", "--name-only", "--format=", "main").split()
    assert "data/history.json" in changed and "data/courses.json" in changed
    assert all(name.startswith("data/") for name in changed)
    outputs = checkout["output.txt"].read_text(encoding="utf-8")
    assert f"sha={git(work, 'rev-parse', 'HEAD').strip()}" in outputs
