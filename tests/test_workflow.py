"""The publish workflow: its safety settings, actionlint and zizmor, and its own scripts run for real.

The sync, stats and commit steps are shell scripts inside the YAML; they are
run here as GitHub runs them (bash -eo pipefail) with the real `manabi`, a
real git repository and a local bare repository standing in for GitHub. The
jobs' `if:` conditions are evaluated by a small reading of GitHub's expression
language (below), so a condition that would skip or run the wrong job fails a test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from manabi import snapshot
from manabi.stats import synthetic
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
# types compare as numbers (null and '' are 0), as GitHub does. A job's condition with
# no status function is `success() && (…)`, and success() is false when any job
# upstream, needed directly or not, did not succeed (skipped included).

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


STATUS_FUNCTIONS = ("success", "failure", "cancelled", "always")


def evaluate(
    text: str,
    *,
    cancelled: bool = False,
    upstream: tuple[str, ...] = (),
    value: bool = False,
    **context: Any,
) -> Any:
    """The value of a GitHub Actions expression (``${{ }}`` optional) in ``context``.

    A job's ``if:`` unless ``value`` (then a value such as a ``with:`` input);
    ``upstream`` holds the results of the jobs further up than ``needs``.
    """
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    tokens = _tokens(text)
    results = [job.get("result") for job in context.get("needs", {}).values()] + list(upstream)
    if not value and not any(kind == "name" and t in STATUS_FUNCTIONS for kind, t in tokens):
        tokens = _tokens(f"success() && ({text})")
    at = 0
    functions = {
        "cancelled": lambda: cancelled,
        "always": lambda: True,
        "success": lambda: not cancelled and all(r == "success" for r in results),
        "failure": lambda: any(r == "failure" for r in results),
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
    needs = {
        "stats": {"result": "skipped", "outputs": {}},
        "sync": {"result": "success", "outputs": {"sha": "abc"}},
    }
    sha = "${{ needs.stats.outputs.sha || needs.sync.outputs.sha }}"
    assert evaluate(sha, needs=needs, value=True) == "abc"
    assert evaluate("!cancelled() && needs.stats.result == 'SKIPPED'", needs=needs) is True
    assert not evaluate("needs.stats.result == 'skipped'", needs=needs)  # implicit success()
    built = {"build": {"result": "success"}}
    assert evaluate("true", needs=built)
    assert not evaluate("true", needs=built, upstream=("skipped",))
    assert evaluate("!cancelled() && (false || 'x' != 'y')") is True
    assert evaluate("!cancelled() && true", cancelled=True) is False
    assert evaluate("!cancelled() && vars.X != ''", vars={}) is False  # null and '' are alike
    assert evaluate("always() && 'a' && ''") == ""


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


# --- the stats job: where it runs, what it may touch, when build follows -------------


def test_the_stats_job_runs_on_the_intranet_runner_after_sync_and_before_build(workflow):
    stats = jobs(workflow)["stats"]
    assert stats["runs-on"] == ["self-hosted", "intranet"]
    assert stats["needs"] == "sync"
    checkout = stats["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {
        "ref": "${{ needs.sync.outputs.sha }}",
        "persist-credentials": False,
    }
    assert sorted(jobs(workflow)["build"]["needs"]) == ["stats", "sync"]
    # Only on main and only when the share is configured.
    for ref, variable, runs in (
        ("refs/heads/main", "//fs01/dx/udemy", True),
        ("refs/heads/main", "", False),
        ("refs/heads/topic", "//fs01/dx/udemy", False),
    ):
        given = {"MANABI_STATS_DIR": variable} if variable else {}
        synced = {"sync": {"result": "success"}}
        assert bool(evaluate(stats["if"], needs=synced, github={"ref": ref}, vars=given)) is runs
        failed = {"sync": {"result": "failure"}}
        assert not evaluate(stats["if"], needs=failed, github={"ref": ref}, vars=given)


def test_the_export_never_travels_with_an_artifact_a_cache_or_the_log(workflow):
    stats = jobs(workflow)["stats"]
    uses = [step["uses"].split("@")[0] for step in stats["steps"] if "uses" in step]
    assert uses == ["actions/checkout"]  # no upload/download-artifact, no cache, no setup-*
    for step in stats["steps"]:
        code = [ln for ln in step.get("run", "").splitlines() if not ln.strip().startswith("#")]
        tracing = [ln for ln in code if re.search(r"\bset\b.*(-\w*x|xtrace)", ln)]
        assert not tracing, step.get("name")
    run = step_named(workflow, "stats", "manabi stats")["run"]
    assert run.index("unset MANABI_DEBUG") < run.index("manabi stats ")
    # The export is handed to manabi and to nothing else that reads files: the other uses
    # look at its name, its size and its time only.
    allowed = re.compile(r"(if |\{ )?\[ |basename -- |(TZ=\S+ )?date -r |stat -c |manabi stats ")
    for line in run.splitlines():
        for command in re.split(r";|&&|\|\|?|\$\(", line):
            if '"$export_file"' in command:
                assert allowed.match(command.strip()), command
    assert '--format markdown >> "$GITHUB_STEP_SUMMARY"' in run


def test_only_the_stats_job_knows_the_share(workflow):
    assert "MANABI_STATS_DIR" not in json.dumps(workflow.get("env", {}))
    knowing = {
        name for name, job in jobs(workflow).items() if "MANABI_STATS_DIR" in json.dumps(job)
    }
    assert knowing == {"stats"}
    for name, job in jobs(workflow).items():
        if hosted(job):
            assert "MANABI_STATS_DIR" not in json.dumps(job), name
            assert "tool_cache" not in json.dumps(job), name


def test_the_stats_job_commits_only_data_stats(workflow):
    adds, commits, pushes = [], [], []
    for step in jobs(workflow)["stats"]["steps"]:
        for line in step.get("run", "").splitlines():
            line = line.strip()
            if line.startswith("git add"):
                adds.append(line)
            if line.startswith("git commit"):
                commits.append(line)
            if "push" in line.split():
                pushes.append(line)
    assert adds == ["git add -- data/stats"]
    assert len(commits) == 1 and commits[0].endswith("-- data/stats")
    assert pushes == ["push --quiet origin HEAD:main"]
    commit = step_named(workflow, "stats", "Commit")

    # The push is the sync job's, line for line (token in a header, never in the URL).
    def pushing(run: str) -> list[str]:
        lines = [line.strip() for line in run.splitlines()]
        start = next(i for i, line in enumerate(lines) if line.startswith("auth="))
        return lines[start : start + 3]

    assert pushing(commit["run"]) == pushing(step_named(workflow, "sync", "Commit")["run"])
    assert commit["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    # The token is in the commit step only, never beside the export.
    assert "GITHUB_TOKEN" not in str(step_named(workflow, "stats", "manabi stats"))


SHEET_SHA, STATS_SHA = "1" * 40, "2" * 40


def build_runs(workflow: dict, event: str, sync: dict, stats: dict) -> bool:
    needs = {"sync": sync, "stats": stats}
    return bool(evaluate(jobs(workflow)["build"]["if"], needs=needs, github={"event_name": event}))


def test_build_runs_after_stats_or_without_it_but_never_after_it_failed(workflow):
    synced = {"result": "success", "outputs": {"changed": "true", "sha": SHEET_SHA}}
    quiet = {"result": "success", "outputs": {"changed": "false", "sha": SHEET_SHA}}
    skipped: dict = {"result": "skipped", "outputs": {}}
    figures = {"result": "success", "outputs": {"changed": "true", "held": "false"}}
    nothing = {"result": "success", "outputs": {"changed": "false", "held": "false"}}
    owed = {"result": "success", "outputs": {"changed": "false", "held": "true"}}
    failed = {"result": "failure", "outputs": {}}
    # MANABI_STATS_DIR unset: stats is skipped and build runs as before.
    assert build_runs(workflow, "schedule", synced, skipped)
    assert build_runs(workflow, "push", quiet, skipped)
    assert build_runs(workflow, "workflow_dispatch", quiet, skipped)
    # A scheduled run with neither a new sheet nor new figures has nothing to build.
    assert not build_runs(workflow, "schedule", quiet, skipped)
    assert not build_runs(workflow, "schedule", quiet, nothing)
    # New figures alone, or a build a failed stats job held back, are worth a build.
    assert build_runs(workflow, "schedule", quiet, figures)
    assert build_runs(workflow, "schedule", quiet, owed)
    # A failed stats job holds back this run's build, whatever else changed.
    for event in ("schedule", "push", "workflow_dispatch"):
        assert not build_runs(workflow, event, synced, failed)
        assert not build_runs(workflow, event, synced, {"result": "cancelled", "outputs": {}})
    # A failed sync builds nothing (stats is then skipped).
    assert not build_runs(workflow, "push", {"result": "failure", "outputs": {}}, skipped)


def test_build_builds_the_stats_commit_when_stats_ran_else_the_sheet_commit(workflow):
    checkout = jobs(workflow)["build"]["steps"][0]
    assert checkout["with"]["persist-credentials"] is False
    ref = checkout["with"]["ref"]
    sync = {"result": "success", "outputs": {"sha": SHEET_SHA}}
    ran = {"result": "success", "outputs": {"sha": STATS_SHA}}
    assert evaluate(ref, value=True, needs={"sync": sync, "stats": ran}) == STATS_SHA
    skipped = {"result": "skipped", "outputs": {}}
    assert evaluate(ref, value=True, needs={"sync": sync, "stats": skipped}) == SHEET_SHA
    outputs = jobs(workflow)["stats"]["outputs"]
    assert outputs["sha"] == "${{ steps.commit.outputs.sha }}"


def test_the_deploys_survive_a_skipped_stats_job(workflow):
    # GitHub skips a job when a job upstream was skipped unless its `if:` uses a status
    # function: without `!cancelled()` every deploy would stop when stats is skipped.
    on_main = {"ref": "refs/heads/main", "event_name": "schedule"}
    given = {"MANABI_DEPLOY_TARGET": "/srv/manabi", "MANABI_PAGES": "true"}
    built, not_built = {"build": {"result": "success"}}, {"build": {"result": "skipped"}}
    for name in ("deploy-intranet", "deploy-pages"):
        condition = jobs(workflow)[name]["if"]
        for stats in ("skipped", "success"):
            upstream = ("success", stats)  # sync, stats
            assert evaluate(condition, needs=built, upstream=upstream, github=on_main, vars=given)
        upstream = ("success", "failure")
        assert not evaluate(
            condition, needs=not_built, upstream=upstream, github=on_main, vars=given
        )


# --- the stats step, run for real -------------------------------------------------------

PEOPLE_COLUMNS = ("User First Name", "User Last Name", "User Email", "External ID")
SURNAMES = ("Quellwarden", "Vostrikova", "Zanzibarro", "Ormsgill", "Pettifrond")


def fictional_export(day: dt.date, seed: int) -> tuple[Any, set[str]]:
    """An export of fictional staff with distinctive names, addresses and IDs; and those values.

    Its latest date is ``day`` (noon in Tokyo), so ``manabi stats`` dates the figures ``day``.
    """
    story = synthetic.history(snapshot.load(ROOT / "data").data, seed=seed)
    frame = synthetic.anonymize_some(synthetic.export_at(story, day))
    person = frame["External ID"].str.removeprefix("EX")
    real = person != ""
    number = person[real].astype(int)
    frame.loc[real, "User First Name"] = "Mizunarabel" + person[real]
    frame.loc[real, "User Last Name"] = [f"{SURNAMES[n % len(SURNAMES)]}{n:04d}" for n in number]
    frame.loc[real, "User Email"] = "mizu" + person[real] + ".q@pii-check.invalid"
    frame.loc[real, "External ID"] = "PII-EXT-" + person[real] + "-X"
    frame.loc[0, "Date Last Accessed"] = f"{day.isoformat()} 03:00:00+00:00"
    values = {str(v) for column in PEOPLE_COLUMNS for v in frame.loc[real, column].unique()}
    return frame, values


def users_list(path: Path) -> set[str]:
    """A Udemy Business Users list (the wrong report) with fictional people."""
    rows = [
        ("Tamsinora", "Brackenfold", "tamsinora.b@pii-check.invalid", "USR-7781-Q"),
        ("Ysolde", "Crumpwhistle", "ysolde.c@pii-check.invalid", "USR-7782-Q"),
    ]
    header = "Name,Surname,Email,Role,Status,Group,LMS User ID,License type\n"
    lines = [f"{a},{b},{c},Student,Active,北区役所,{d},Enterprise\n" for a, b, c, d in rows]
    path.write_text(header + "".join(lines), encoding="utf-8")
    return {value for row in rows for value in row}


def set_mtime(path: Path, day: dt.datetime) -> None:
    stamp = day.timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Any]:
    """Two monthly exports: the newer by date and by modification time has the first name."""
    folder = tmp_path_factory.mktemp("exports")
    older, older_values = fictional_export(dt.date(2026, 12, 20), seed=7)
    newer, newer_values = fictional_export(dt.date(2027, 1, 20), seed=8)
    files = {
        # Names sort the other way round: a choice by name would take the older one.
        "older": synthetic.write_export(older, folder / "z_user_course_activity_2026-12.csv"),
        "newer": synthetic.write_export(newer, folder / "a_user_course_activity_2027-01.csv"),
    }
    return {"files": files, "personal": older_values | newer_values}


@pytest.fixture
def intranet(tmp_path: Path) -> dict[str, Path]:
    """A clone of a bare origin whose main holds the project's data/, a share, and runner state."""
    origin, seed, work = tmp_path / "origin.git", tmp_path / "seed", tmp_path / "work"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git(tmp_path, "init", "--quiet", "--initial-branch=main", str(seed))
    shutil.copytree(ROOT / "data", seed / "data")
    git(seed, "add", ".")
    git(seed, "-c", "user.name=t", "-c", "user.email=t@example.jp", "commit", "-qm", "start")
    git(seed, "push", "--quiet", str(origin), "HEAD:main")
    git(tmp_path, "clone", "--quiet", str(origin), str(work))
    paths = {"origin": origin, "work": work, "share": tmp_path / "share"}
    paths["share"].mkdir()
    for name in ("summary.md", "output.txt"):
        paths[name] = tmp_path / name
        paths[name].touch()
    paths["state"] = tmp_path / "runner-tool-cache" / "manabi" / "state"
    return paths


def stats_env(intranet: dict[str, Path]) -> dict[str, str]:
    return {
        "MANABI_STATS_DIR": str(intranet["share"]),
        "MANABI_STATE": str(intranet["state"]),
        "GITHUB_STEP_SUMMARY": str(intranet["summary.md"]),
        "GITHUB_OUTPUT": str(intranet["output.txt"]),
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SERVER_URL": "https://github.example.jp",
        "GITHUB_TOKEN": "not-a-real-token",
        "MANABI_DEBUG": "1",  # the step must unset it: a traceback could quote a cell
    }


def run_stats_job(workflow: dict, intranet: dict[str, Path]) -> dict[str, Any]:
    """The stats step, then (when it passed) the commit step, as the job runs them."""
    for name in ("summary.md", "output.txt"):
        intranet[name].write_text("", encoding="utf-8")
    env = stats_env(intranet)
    stats = run_step(step_named(workflow, "stats", "manabi stats"), intranet["work"], env)
    printed = stats.stdout + stats.stderr
    commit = None
    if stats.returncode == 0:
        commit = run_step(step_named(workflow, "stats", "Commit"), intranet["work"], env)
        assert commit.returncode == 0, commit.stdout + commit.stderr
        printed += commit.stdout + commit.stderr
    outputs = dict(
        line.split("=", 1)
        for line in intranet["output.txt"].read_text(encoding="utf-8").splitlines()
    )
    return {
        "code": stats.returncode,
        "printed": printed,
        "summary": intranet["summary.md"].read_text(encoding="utf-8"),
        "outputs": outputs,
        "committed": commit is not None and outputs.get("changed") == "true",
    }


def origin_log(intranet: dict[str, Path]) -> list[str]:
    return git(intranet["origin"], "log", "--format=%s", "main").splitlines()


def assert_nothing_personal(intranet: dict[str, Path], run: dict[str, Any], personal: set[str]):
    history = git(intranet["origin"], "log", "-p", "--all")
    places = {
        "git log -p --all": history,
        "the step summary": run["summary"],
        "GITHUB_OUTPUT": intranet["output.txt"].read_text(encoding="utf-8"),
        "stdout/stderr": run["printed"],
    }
    for where, text in places.items():
        leaked = sorted(value for value in personal if value in text)
        assert not leaked, f"{len(leaked)} personal values in {where}, e.g. {leaked[:3]}"


def test_the_personal_values_checked_are_really_in_the_exports(exports):
    texts = "".join(p.read_text(encoding="utf-8-sig") for p in exports["files"].values())
    personal = exports["personal"]
    assert len(personal) > 1000  # first and last names, addresses and IDs of hundreds of people
    assert all(value in texts for value in personal)
    assert any(value.endswith("@pii-check.invalid") for value in personal)
    assert any(value.startswith("PII-EXT-") for value in personal)


def test_the_stats_step_takes_the_newest_export_and_pushes_only_its_figures(
    workflow, intranet, exports
):
    share = intranet["share"]
    older = shutil.copy2(exports["files"]["older"], share)
    newer = shutil.copy2(exports["files"]["newer"], share)
    set_mtime(Path(older), dt.datetime(2026, 12, 21, 9, 0))
    set_mtime(Path(newer), dt.datetime(2027, 1, 21, 9, 0))
    # Newer still, but not exports: Excel's lock file while the newer one is open, a hidden file.
    for other in ("~$a_user_course_activity_2027-01.csv", ".partial.csv"):
        (share / other).write_text("Tamsinora Brackenfold\n", encoding="utf-8")
        set_mtime(share / other, dt.datetime(2027, 1, 22, 9, 0))
    run = run_stats_job(workflow, intranet)
    assert run["code"] == 0, run["printed"] + run["summary"]

    # The newest by modification time, though its name sorts first.
    assert f"集計するファイル: {Path(newer).name}" in run["printed"]
    assert Path(newer).name in run["summary"] and Path(older).name not in run["summary"]
    assert "### 受講状況（2027-01-20 時点）" in run["summary"]
    assert "### 受講状況を更新しました: 2027-01-20 時点" in run["summary"]

    # One commit on main, holding data/stats/2027-01-20.json and nothing else.
    assert origin_log(intranet) == ["受講状況更新: 2027-01-20 時点", "start"]
    changed = git(intranet["origin"], "show", "--name-only", "--format=", "main").split()
    assert changed == ["data/stats/2027-01-20.json"]
    assert all(re.fullmatch(r"data/stats/[0-9-]+\.json", name) for name in changed)
    figures = json.loads(git(intranet["origin"], "show", "main:data/stats/2027-01-20.json"))
    assert figures["as_of"] == "2027-01-20" and figures["total"]["learners"] > 0
    head = git(intranet["origin"], "rev-parse", "main").strip()
    assert run["outputs"] == {"held": "false", "changed": "true", "sha": head}
    assert "not-a-real-token" not in run["printed"]
    assert_nothing_personal(intranet, run, exports["personal"] | {"Tamsinora", "Brackenfold"})

    # The next run finds the same figures: nothing to commit, nothing to build.
    again = run_stats_job(workflow, intranet)
    assert again["code"] == 0, again["printed"]
    assert "変更なし" in again["summary"]
    assert again["outputs"] == {"held": "false", "changed": "false", "sha": head}
    assert origin_log(intranet) == ["受講状況更新: 2027-01-20 時点", "start"]
    assert_nothing_personal(intranet, again, exports["personal"])


def test_a_refused_export_fails_the_job_once_then_lets_the_sheet_through(
    workflow, intranet, exports
):
    share = intranet["share"]
    good = Path(shutil.copy2(exports["files"]["older"], share))
    set_mtime(good, dt.datetime(2026, 12, 21, 9, 0))
    users = share / "users_2027-01.csv"  # the newest file, but the wrong report
    personal = users_list(users) | exports["personal"]
    set_mtime(users, dt.datetime(2027, 1, 21, 9, 0))

    first = run_stats_job(workflow, intranet)
    assert first["code"] == 2
    assert "### 受講データを読めませんでした" in first["summary"]
    assert "ユーザーの一覧（Users）のようです" in first["summary"]
    assert "何もコミットしていません" in first["summary"]
    assert not first["committed"] and origin_log(intranet) == ["start"]
    assert git(intranet["work"], "status", "--porcelain") == ""
    assert "Traceback" not in first["printed"]
    assert_nothing_personal(intranet, first, personal)

    # The same file again: reported already, so the job passes with a warning and owes
    # the build the failure held back; the figures stay as they were.
    second = run_stats_job(workflow, intranet)
    assert second["code"] == 0, second["printed"]
    assert "::warning" in second["printed"]
    assert "前の実行から同じ問題が続いています" in second["summary"]
    assert second["outputs"]["held"] == "true" and second["outputs"]["changed"] == "false"
    assert origin_log(intranet) == ["start"]
    assert_nothing_personal(intranet, second, personal)

    third = run_stats_job(workflow, intranet)
    assert third["code"] == 0 and third["outputs"]["held"] == "false"
    assert origin_log(intranet) == ["start"]

    # The secretariat removes the wrong file: the good one is taken and the warning ends.
    users.unlink()
    fixed = run_stats_job(workflow, intranet)
    assert fixed["code"] == 0, fixed["printed"]
    assert origin_log(intranet) == ["受講状況更新: 2026-12-20 時点", "start"]
    assert not list(intranet["state"].iterdir())
    assert_nothing_personal(intranet, fixed, personal)


def test_unusable_rows_are_listed_by_row_and_column_never_by_value(workflow, intranet, exports):
    frame, personal = fictional_export(dt.date(2027, 1, 20), seed=8)
    # A shifted row: a person's address where a date belongs.
    frame.loc[5, "Date Last Accessed"] = frame.loc[7, "User Email"]
    synthetic.write_export(frame, intranet["share"] / "user_course_activity.csv")
    run = run_stats_job(workflow, intranet)
    assert run["code"] == 1
    assert "| 7 | Date Last Accessed |" in run["summary"]  # the header is row 1
    assert not run["committed"] and origin_log(intranet) == ["start"]
    assert_nothing_personal(intranet, run, personal)


def test_an_empty_or_missing_share(workflow, intranet):
    empty = run_stats_job(workflow, intranet)
    assert empty["code"] == 0, empty["printed"]
    assert "共有フォルダに受講データ（.csv）がありません" in empty["summary"]
    assert empty["outputs"]["changed"] == "false" and origin_log(intranet) == ["start"]

    intranet["share"].rmdir()
    missing = run_stats_job(workflow, intranet)
    assert missing["code"] == 2
    assert "共有フォルダ（変数 MANABI_STATS_DIR）を開けません" in missing["summary"]
    assert origin_log(intranet) == ["start"]
