"""Publishing a built site: releases under ``TARGET/releases/``, one symlink ``TARGET/current``.

The web server serves ``TARGET/current``. A deploy copies the site into a
hidden folder inside ``releases/``, renames it to its release ID only when
the copy is complete, then switches ``current`` by renaming a new symlink
over it (``os.replace``): a visitor gets the old release or the new one,
never a mixture, and a deploy that dies at any point leaves ``current`` on
the release it had. Leftovers of such a deploy are removed by the next one.

Release IDs sort in deploy order (``000007-20261126T060400Z``), so "the
previous release" is the one before the live one. A rollback switches to it
and removes the release it left, so that release is never "previous" again.
Deploys to one TARGET take turns (a lock file). Only a complete build is
published, and never one whose data is older than the live one's
(``manabi-build.json``, written by the MkDocs plugin): out-of-order CI runs
must not put old data back.

Only the standard library is used here (and by ``manabi.cli`` at import), so
an intranet server can run ``python3 -m manabi.cli deploy`` from a checkout
with nothing installed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from manabi.errors import ManabiError

BUILD_MANIFEST = "manabi-build.json"  # written by manabi.plugin into every built site
RELEASES = "releases"
CURRENT = "current"
LOCK = ".deploy.lock"
# What every complete build has: the pages MkDocs always writes, the search
# index the theme loads on every page, and our build manifest.
REQUIRED_FILES = ("index.html", "404.html", "search/search_index.json", BUILD_MANIFEST)
MANIFEST_KEYS = ("snapshot_hash", "read_at", "version", "built_at")
_RELEASE_ID = re.compile(r"^(\d{6})-\d{8}T\d{6}Z$")
_INCOMING, _RETIRED = ".incoming-", ".retired-"


class DeployRefused(ManabiError):
    """The deploy was refused on purpose; ``current`` is unchanged (exit code 1)."""


class DeployError(ManabiError):
    """The deploy could not be carried out (copy failed); ``current`` is unchanged."""


@dataclass(frozen=True, slots=True)
class Build:
    """What ``manabi-build.json`` says about a built site."""

    snapshot_hash: str
    read_at: dt.datetime
    version: str
    built_at: str


@dataclass(slots=True)
class Outcome:
    release: str  # now live
    left: str | None  # live before
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_build(site: Path) -> Build:
    """The build manifest of a complete build; refuses anything else, saying why."""
    site = Path(site)
    if not site.is_dir():
        raise DeployRefused(
            f"フォルダ「{site}」がありません。`manabi build` で作ったサイトのフォルダを指定してください。"
        )
    missing = [name for name in REQUIRED_FILES if not (site / name).is_file()]
    if missing:
        raise DeployRefused(
            f"「{site}」は完成したサイトではありません（{'、'.join(missing)} がありません）。"
            "`manabi build` でサイトを作ってから、もう一度実行してください。"
        )
    try:
        info = json.loads((site / BUILD_MANIFEST).read_text(encoding="utf-8"))
        values = {key: info[key] for key in MANIFEST_KEYS}
        read_at = dt.datetime.fromisoformat(values["read_at"])
        if read_at.tzinfo is None or not all(isinstance(v, str) for v in values.values()):
            raise ValueError(read_at)
    except (OSError, ValueError, TypeError, KeyError):
        raise DeployRefused(
            f"「{site}」の {BUILD_MANIFEST} が壊れています（{'、'.join(MANIFEST_KEYS)} が必要です）。"
            "`manabi build` でサイトを作り直してください。"
        ) from None
    return Build(values["snapshot_hash"], read_at, values["version"], values["built_at"])


def releases(target: Path) -> list[str]:
    """Release IDs in deploy order (oldest first)."""
    folder = Path(target) / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if _RELEASE_ID.match(p.name) and p.is_dir())


def live_release(target: Path) -> str | None:
    """The release ``current`` points at, or None when there is no ``current`` yet."""
    current = Path(target) / CURRENT
    if not current.is_symlink():
        if current.exists():
            raise DeployRefused(
                f"「{current}」がシンボリックリンクではありません。中身を別の場所に移してから、"
                "もう一度実行してください（manabi deploy がリンクを作ります）。"
            )
        return None
    pointed = (current.parent / os.readlink(current)).resolve()
    releases_dir = (Path(target) / RELEASES).resolve()
    if pointed.parent != releases_dir or not _RELEASE_ID.match(pointed.name):
        return None
    return pointed.name


def deploy(site_dir: Path, target: Path, *, keep: int = 5, force: bool = False) -> Outcome:
    """Publish the build in ``site_dir`` as the new live release of ``target``."""
    site_dir, target = Path(site_dir), Path(target)
    if keep < 1:
        raise DeployRefused("--keep には 1 以上の数を指定してください。")
    build = read_build(site_dir)
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        _clear_leftovers(target)
        left = live_release(target)
        notes = []
        if left is not None:
            try:
                live = read_build(target / RELEASES / left)
            except DeployRefused:
                notes.append(
                    f"公開中のリリース {left} には {BUILD_MANIFEST} がないため、古さは比べていません。"
                )
            else:
                if build.read_at < live.read_at and not force:
                    raise DeployRefused(
                        f"このサイトのデータ（{build.read_at.isoformat()} 読み込み）は、"
                        f"公開中のサイトのデータ（{live.read_at.isoformat()} 読み込み）より古いため、"
                        "公開しませんでした。前のサイトに戻すときは `manabi deploy --rollback` を使ってください"
                        "（どうしても古いデータを公開するときだけ --force を付けます）。"
                    )
        release = _copy_in(site_dir, target)
        _switch(target, release)
        outcome = Outcome(release, left, notes=notes)
        outcome.removed = _prune(target, keep)
        return outcome


def rollback(target: Path) -> Outcome:
    """Switch ``current`` to the release before the live one, and remove the one it left."""
    target = Path(target)
    if not target.is_dir():
        raise DeployRefused(f"公開先「{target}」がありません。")
    with _locked(target):
        _clear_leftovers(target)
        left = live_release(target)
        known = releases(target)
        if left is None or left not in known:
            raise DeployRefused(
                f"「{target / CURRENT}」が公開中のリリースを指していないため、戻せません。"
            )
        index = known.index(left)
        if index == 0:
            raise DeployRefused(f"戻せる前のリリースがありません（公開中: {left}）。")
        previous = known[index - 1]
        _switch(target, previous)
        _retire(target, left)
        return Outcome(previous, left, removed=[left])


# --- steps ------------------------------------------------------------------


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    import fcntl  # POSIX only; imported here so that the plugin's import of this module works anywhere

    with open(target / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("manabi: 同じ公開先への別の公開が終わるのを待っています…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clear_leftovers(target: Path) -> None:
    """Remove what an interrupted deploy left (only ever called under the lock)."""
    folder = target / RELEASES
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name.startswith((_INCOMING, _RETIRED)):
                shutil.rmtree(path, ignore_errors=True)
    for path in target.glob(f".{CURRENT}.new-*"):
        path.unlink(missing_ok=True)


def _next_id(target: Path) -> str:
    known = releases(target)
    number = int(known[-1][:6]) + 1 if known else 1
    return f"{number:06d}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"


def _copy_in(site_dir: Path, target: Path) -> str:
    folder = target / RELEASES
    folder.mkdir(exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=_INCOMING, dir=folder))
    try:
        shutil.copytree(site_dir, incoming, dirs_exist_ok=True)
        incoming.chmod(0o755)  # mkdtemp makes it private; the web server must read it
        os.sync()  # the copy is on disk before anything points at it (power loss)
        release = _next_id(target)
        os.rename(incoming, folder / release)
    except OSError as exc:
        shutil.rmtree(incoming, ignore_errors=True)
        raise DeployError(
            f"サイトを公開先にコピーできませんでした（{type(exc).__name__}: {_first_line(exc)}）。"
            "公開中のサイトは前のまま変わっていません。空き容量と書き込み権限を確かめてください。"
        ) from None
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return release


def _switch(target: Path, release: str) -> None:
    """Point ``current`` at ``release`` with one atomic rename."""
    link = target / f".{CURRENT}.new-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(f"{RELEASES}/{release}", link)  # relative: TARGET can be moved or mounted
    os.replace(link, target / CURRENT)
    _fsync_dir(target)


def _prune(target: Path, keep: int) -> list[str]:
    """Remove all but the newest ``keep`` releases, never the live one or the one before it."""
    known = releases(target)
    live = live_release(target)
    protected = set(known[-keep:])
    if live in known:
        index = known.index(live)
        protected.update(known[max(index - 1, 0) : index + 1])
    removed = [name for name in known if name not in protected]
    for name in removed:
        _retire(target, name)
    return removed


def _retire(target: Path, release: str) -> None:
    """Rename first, so a half-deleted release is never taken for a whole one."""
    folder = target / RELEASES
    retired = folder / f"{_RETIRED}{release}"
    os.rename(folder / release, retired)
    shutil.rmtree(retired, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _first_line(exc: OSError) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else ""
