"""`manabi deploy`: releases, the atomic switch of `current`, refusals, rollback, pruning.

Every test publishes real builds of tests/fixtures/minimal (built once for the
module) and reads what a visitor would get: files through `TARGET/current`,
served over loopback HTTP where it matters.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from manabi import __version__, deploy
from tests.helpers import MINIMAL, ROOT, build_from, run_cli

MANIFEST = deploy.BUILD_MANIFEST


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture built once with `manabi build --source`."""
    return build_from(MINIMAL, tmp_path_factory.mktemp("minimal") / "site")


@pytest.fixture
def make_site(built: Path, tmp_path: Path):
    """``make_site(read_at, name)``: a copy of the build whose data was read at ``read_at``."""

    def _make(read_at: str = "2026-11-26T06:00:00+00:00", name: str | None = None) -> Path:
        site = tmp_path / (name or f"site-{read_at[:19].replace(':', '')}")
        shutil.copytree(built, site)
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        manifest["read_at"] = read_at
        (site / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        (site / "which.txt").write_text(name or read_at, encoding="utf-8")
        return site

    return _make


def deploy_command(*args: Path | str) -> list[str]:
    """`manabi deploy` as the intranet server runs it: from a checkout, with -S so
    that no installed package (MkDocs, Jinja2, …) is importable."""
    return [sys.executable, "-S", "-m", "manabi.cli", "deploy", *map(str, args)]


def bare_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def live(target: Path) -> str:
    """What a visitor gets now: the marker file read through `current`."""
    return (target / "current" / "which.txt").read_text(encoding="utf-8")


def test_every_build_carries_a_manifest_with_its_snapshot_and_version(built: Path) -> None:
    manifest = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    expected = {"snapshot_hash", "stats_hash", "read_at", "version", "inputs_hash", "built_at"}
    assert set(manifest) == expected
    assert len(manifest["snapshot_hash"]) == 64
    assert manifest["version"] == __version__


def test_deploy_runs_from_a_checkout_with_only_the_standard_library(make_site, tmp_path):
    target = tmp_path / "www"
    run = subprocess.run(
        deploy_command(make_site(name="bare"), target),
        cwd=ROOT,
        env=bare_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "公開しました" in run.stdout
    assert live(target) == "bare"
    probe = subprocess.run(
        [sys.executable, "-S", "-c", "import mkdocs"], env=bare_env(), capture_output=True
    )
    assert probe.returncode != 0  # the run above really had no third-party packages


def test_a_deploy_publishes_the_site_through_current(make_site, tmp_path, capsys, serve_site):
    site = make_site(name="first")
    target = tmp_path / "www"
    assert run_cli("deploy", site, target) == 0
    out = capsys.readouterr().out
    assert "公開しました" in out
    assert (target / "current").is_symlink()
    assert not os.readlink(target / "current").startswith("/")  # relative: TARGET can move
    assert deploy.releases(target) == [deploy.live_release(target)]
    base = serve_site(target / "current")
    page = urllib.request.urlopen(base).read().decode("utf-8")
    assert "テストまなび" in page


def test_a_second_deploy_switches_current_and_keeps_the_first(make_site, tmp_path, serve_site):
    target = tmp_path / "www"
    first = make_site("2026-11-26T06:00:00+00:00", "first")
    second = make_site("2026-11-26T06:15:00+00:00", "second")
    assert run_cli("deploy", first, target) == 0
    base = serve_site(target / "current")
    assert urllib.request.urlopen(base + "which.txt").read() == b"first"
    assert run_cli("deploy", second, target) == 0
    assert urllib.request.urlopen(base + "which.txt").read() == b"second"
    assert len(deploy.releases(target)) == 2


def test_rollback_returns_to_the_previous_release(make_site, tmp_path, capsys):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site("2026-11-26T06:00:00+00:00", "first"), target) == 0
    assert run_cli("deploy", make_site("2026-11-26T06:15:00+00:00", "second"), target) == 0
    capsys.readouterr()
    assert run_cli("deploy", "--rollback", target) == 0
    assert live(target) == "first"
    assert "前のリリースに戻しました" in capsys.readouterr().out
    # The release rolled back from is gone, so it can never become "previous" again.
    assert len(deploy.releases(target)) == 1


def test_rollback_with_no_previous_release_is_refused(make_site, tmp_path, capsys):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site(name="only"), target) == 0
    capsys.readouterr()
    assert run_cli("deploy", "--rollback", target) == 1
    assert "戻せる前のリリースがありません" in capsys.readouterr().err
    assert live(target) == "only"


def test_rollback_of_a_target_never_deployed_is_refused(tmp_path, capsys):
    (tmp_path / "www").mkdir()
    assert run_cli("deploy", "--rollback", tmp_path / "www") == 1
    assert "戻せません" in capsys.readouterr().err


def test_a_build_older_than_the_live_one_is_refused(make_site, tmp_path, capsys):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site("2026-11-26T06:15:00+00:00", "newer"), target) == 0
    capsys.readouterr()
    before = deploy.releases(target)
    # 15:10 in Tokyo is 06:10 UTC: older than the live 06:15 UTC, whatever the offsets.
    older = make_site("2026-11-26T15:10:00+09:00", "older")
    assert run_cli("deploy", older, target) == 1
    err = capsys.readouterr().err
    assert "古いため、公開しませんでした" in err
    assert (
        "2026-11-26T15:10:00+09:00 読み込み" in err and "2026-11-26T06:15:00+00:00 読み込み" in err
    )
    assert "公開中のサイトは変わっていません" in err
    assert "Traceback" not in err
    assert live(target) == "newer"
    assert deploy.releases(target) == before


def test_force_publishes_an_older_build(make_site, tmp_path):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site("2026-11-26T06:15:00+00:00", "newer"), target) == 0
    older = make_site("2026-11-26T06:10:00+00:00", "older")
    assert run_cli("deploy", older, target, "--force") == 0
    assert live(target) == "older"


def test_a_build_of_the_same_data_time_is_not_older(make_site, tmp_path):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site("2026-11-26T06:15:00+00:00", "a"), target) == 0
    assert run_cli("deploy", make_site("2026-11-26T06:15:00+00:00", "b"), target) == 0
    assert live(target) == "b"


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("not a site", "完成したサイトではありません（index.html、404.html"),
        ("no 404 page", "404.html がありません"),
        ("no search index", "search/search_index.json がありません"),
        ("no manifest", "manabi-build.json がありません"),
        ("broken manifest", "manabi-build.json が壊れています"),
        ("manifest without read_at", "manabi-build.json が壊れています"),
    ],
)
def test_a_folder_that_is_not_a_complete_build_is_refused(
    damage, expected, make_site, tmp_path, capsys
):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site(name="good"), target) == 0
    bad = make_site("2026-11-26T07:00:00+00:00", "bad")
    if damage == "not a site":
        shutil.rmtree(bad)
        bad.mkdir()
        (bad / "README.txt").write_text("メモ", encoding="utf-8")
    elif damage == "no 404 page":
        (bad / "404.html").unlink()
    elif damage == "no search index":
        shutil.rmtree(bad / "search")
    elif damage == "no manifest":
        (bad / MANIFEST).unlink()
    elif damage == "broken manifest":
        (bad / MANIFEST).write_text("{", encoding="utf-8")
    else:
        (bad / MANIFEST).write_text('{"snapshot_hash": "x", "version": "0"}', encoding="utf-8")
    capsys.readouterr()
    assert run_cli("deploy", bad, target) == 1
    err = capsys.readouterr().err
    assert expected in err and "manabi build" in err
    assert live(target) == "good"
    assert len(deploy.releases(target)) == 1
    assert not [p for p in (target / "releases").iterdir() if p.name.startswith(".")]


def test_a_missing_site_folder_is_refused(tmp_path, capsys):
    assert run_cli("deploy", tmp_path / "nowhere", tmp_path / "www") == 1
    assert "フォルダ" in capsys.readouterr().err
    assert not (tmp_path / "www" / "current").exists()


def test_a_current_that_is_a_real_folder_is_left_alone(make_site, tmp_path, capsys):
    target = tmp_path / "www"
    (target / "current").mkdir(parents=True)
    (target / "current" / "index.html").write_text("手で置いたサイト", encoding="utf-8")
    assert run_cli("deploy", make_site(), target) == 1
    assert "シンボリックリンクではありません" in capsys.readouterr().err
    assert (target / "current" / "index.html").read_text(encoding="utf-8") == "手で置いたサイト"


def test_keep_prunes_old_releases_but_never_the_live_or_previous_one(make_site, tmp_path, capsys):
    target = tmp_path / "www"
    for minute in range(10, 50, 10):
        site = make_site(f"2026-11-26T06:{minute}:00+00:00", f"m{minute}")
        assert run_cli("deploy", site, target, "--keep", "2") == 0
    names = deploy.releases(target)
    assert len(names) == 2
    assert live(target) == "m40"
    assert (target / "releases" / names[0] / "which.txt").read_text(encoding="utf-8") == "m30"
    assert "削除したリリース" in capsys.readouterr().out
    # --keep 1 still keeps the previous release, so a rollback always has somewhere to go.
    assert (
        run_cli("deploy", make_site("2026-11-26T06:50:00+00:00", "m50"), target, "--keep", "1") == 0
    )
    assert len(deploy.releases(target)) == 2
    assert run_cli("deploy", "--rollback", target) == 0
    assert live(target) == "m40"


def test_keep_must_be_at_least_one(make_site, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        run_cli("deploy", make_site(), tmp_path / "www", "--keep", "0")
    assert stop.value.code == 2
    assert "1 以上の数" in capsys.readouterr().err


def test_rollback_takes_only_the_target(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        run_cli("deploy", "--rollback", tmp_path / "a", tmp_path / "b")
    assert stop.value.code == 2
    assert "公開先（TARGET）を 1 つだけ" in capsys.readouterr().err


def test_a_copy_that_fails_half_way_leaves_current_intact(make_site, tmp_path, capsys):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site(name="good"), target) == 0
    bad = make_site("2026-11-26T07:00:00+00:00", "bad")
    os.mkfifo(bad / "assets" / "pipe")  # a real special file: the copy fails on it
    capsys.readouterr()
    assert run_cli("deploy", bad, target) == 2
    err = capsys.readouterr().err
    assert "コピーできませんでした" in err and "前のまま変わっていません" in err
    assert live(target) == "good"
    assert len(deploy.releases(target)) == 1
    assert not [p for p in (target / "releases").iterdir() if p.name.startswith(".")]


def test_a_deploy_killed_mid_copy_leaves_current_serving_the_previous_release(
    make_site, tmp_path, serve_site
):
    target = tmp_path / "www"
    assert run_cli("deploy", make_site(name="good"), target) == 0
    base = serve_site(target / "current")
    big_site = make_site("2026-11-26T07:00:00+00:00", "big")
    size = 512 * 1024 * 1024
    with open(big_site / "big.bin", "wb") as handle:
        handle.truncate(size)  # sparse: cheap to make, real bytes to copy
    process = subprocess.Popen(
        deploy_command(big_site, target),
        cwd=ROOT,
        env=bare_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        partial = None
        while partial is None and process.poll() is None:
            for incoming in (target / "releases").glob(".incoming-*/big.bin"):
                if 0 < incoming.stat().st_size < size:
                    partial = incoming
            time.sleep(0.001)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert partial is not None, "the deploy finished before it could be interrupted"
    assert partial.exists()  # killed half-way: the partial copy is still there
    assert urllib.request.urlopen(base + "which.txt").read() == b"good"
    assert "テストまなび" in urllib.request.urlopen(base).read().decode("utf-8")
    assert len(deploy.releases(target)) == 1
    # The next deploy clears what the killed one left, then publishes.
    (big_site / "big.bin").unlink()
    assert run_cli("deploy", big_site, target) == 0
    assert urllib.request.urlopen(base + "which.txt").read() == b"big"
    assert not [p for p in (target / "releases").iterdir() if p.name.startswith(".")]
