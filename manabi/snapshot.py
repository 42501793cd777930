"""The snapshot: validated, normalized data in ``data/``, one diffable file per tab.

Each row tab is ``data/<key>.json``: a JSON array with one record per line,
so a changed row is a changed line in ``git diff``. ``manifest.json`` holds
the content hash; a sync whose hash is unchanged writes nothing at all.
``stats/`` holds the learning figures, which ``manabi stats`` writes and
sync leaves as they are. ``history.json`` lists the syncs that changed something (the 更新履歴 page),
oldest first and bounded; it is outside the hash, so it never makes an
unchanged sheet look changed. A new snapshot, history included, is written
into a sibling folder and swapped in whole, so a reader never sees half of one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from manabi import atomic
from manabi.errors import SnapshotError
from manabi.schema import SCHEMA_VERSION, TABS, Tab
from manabi.validate import Data

MANIFEST = "manifest.json"
HISTORY = "history.json"
STATS = "stats"  # folder of learning figures: `manabi stats` owns it, sync carries it over
HISTORY_LIMIT = 200  # entries kept; git keeps the older ones


def content_hash(data: Data) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _dump_rows(records: list[dict[str, object]]) -> str:
    if not records:
        return "[]\n"
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    return f"[\n{lines}\n]\n"


def _dump_object(value: dict[str, object]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@dataclass(slots=True)
class TabChange:
    tab: str  # the Japanese tab name
    added: int = 0
    removed: int = 0
    changed: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append(f"+{self.added}")
        if self.removed:
            parts.append(f"-{self.removed}")
        if self.changed:
            parts.append(f"{self.changed}件更新")
        return f"{self.tab} {' '.join(parts)}"


@dataclass(slots=True)
class Changes:
    tabs: list[TabChange] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return any(t.any for t in self.tabs)

    def describe(self) -> str:
        """``講座 +2 / 窓口担当 1件更新``, or 変更なし."""
        changed = [t.describe() for t in self.tabs if t.any]
        return " / ".join(changed) if changed else "変更なし"


def _identity(tab_key: str, record: dict[str, object]) -> tuple[object, ...]:
    tab = next(t for t in TABS if t.key == tab_key)
    keys = tab.unique[0] if tab.unique else tuple(record)
    return tuple(json.dumps(record.get(k), ensure_ascii=False) for k in keys)


def diff(old: Data | None, new: Data) -> Changes:
    """Rows added, removed and changed per tab, matched by each tab's first key."""
    changes = Changes()
    for tab in TABS:
        change = TabChange(tab.name)
        before = (old or {}).get(tab.key)
        after = new.get(tab.key)
        if tab.settings:
            before_items = before if isinstance(before, dict) else {}
            after_items = after if isinstance(after, dict) else {}
            for key in set(before_items) | set(after_items):
                if key not in before_items:
                    change.added += 1
                elif key not in after_items:
                    change.removed += 1
                elif before_items[key] != after_items[key]:
                    change.changed += 1
        else:
            old_rows = {_identity(tab.key, r): r for r in before or []}  # type: ignore[union-attr]
            new_rows = {_identity(tab.key, r): r for r in after or []}  # type: ignore[union-attr]
            change.added = len(new_rows.keys() - old_rows.keys())
            change.removed = len(old_rows.keys() - new_rows.keys())
            change.changed = sum(
                1 for k in new_rows.keys() & old_rows.keys() if new_rows[k] != old_rows[k]
            )
        changes.tabs.append(change)
    return changes


@dataclass(slots=True)
class Snapshot:
    data: Data
    manifest: dict[str, object]
    history: list[dict[str, object]] = field(default_factory=list)  # oldest first

    @property
    def hash(self) -> str:
        return str(self.manifest.get("hash", ""))


def load(folder: Path) -> Snapshot:
    """Read a snapshot; raises :class:`SnapshotError` in Japanese when it cannot."""
    folder = Path(folder)
    atomic.recover(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        data: Data = {tab.key: _load_tab(folder, tab) for tab in TABS}
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"データ「{folder}」に {Path(exc.filename).name} がありません。"
            "`manabi sync <スプレッドシート>` でデータを作り直してください。"
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise SnapshotError(
            f"データ「{folder}」を読めません（{type(exc).__name__}）。"
            "`manabi sync <スプレッドシート>` でデータを作り直してください。"
        ) from None
    if manifest.get("schema") != SCHEMA_VERSION:
        raise SnapshotError(
            f"データ「{folder}」の形式（{manifest.get('schema')}）がこの版（{SCHEMA_VERSION}）と"
            "違います。`manabi sync` で作り直してください。"
        )
    return Snapshot(data, manifest, read_history(folder))


def _load_tab(folder: Path, tab: Tab) -> object:
    """A tab's records; an optional tab that an older snapshot lacks is empty."""
    path = folder / f"{tab.key}.json"
    if tab.optional and not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


def read_history(folder: Path) -> list[dict[str, object]]:
    """The sync history in ``folder`` (oldest first); empty when there is none yet."""
    path = Path(folder) / HISTORY
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, json.JSONDecodeError):
        history = None
    if not isinstance(history, list) or not all(isinstance(e, dict) for e in history):
        raise SnapshotError(
            f"データ「{folder}」の {HISTORY} を読めません。git で前の版に戻すか、"
            "削除してから `manabi sync` を実行してください（履歴は新しく始まります）。"
        )
    return history


def try_load(folder: Path) -> Snapshot | None:
    try:
        return load(folder)
    except SnapshotError:
        return None


def write(data: Data, folder: Path, *, origin: str) -> tuple[Changes, bool]:
    """Write ``data`` as the snapshot in ``folder``; returns (changes, written).

    Nothing is touched when the content hash is unchanged.
    """
    folder = Path(folder)
    previous = try_load(folder)
    digest = content_hash(data)
    if previous and previous.hash == digest:
        return Changes(), False  # no diff to work out: the common case in CI, kept cheap
    changes = diff(previous.data if previous else None, data)
    manifest = {
        "schema": SCHEMA_VERSION,
        "hash": digest,
        "origin": origin,
        "read_at": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "changes": changes.describe(),
    }
    files = {MANIFEST: _dump_object(manifest)}
    for tab in TABS:
        value = data[tab.key]
        files[f"{tab.key}.json"] = (
            _dump_object(value) if tab.settings else _dump_rows(value)  # type: ignore[arg-type]
        )
    files[HISTORY] = _dump_rows(_next_history(folder, data, manifest))
    _swap_in(folder, files)
    return changes, True


def _next_history(folder: Path, data: Data, manifest: dict[str, object]) -> list[dict[str, object]]:
    try:
        history = read_history(folder)
    except SnapshotError:
        history = []  # a damaged history must not stop publishing; git keeps the old one
    entry: dict[str, object] = {
        "read_at": manifest["read_at"],
        "changes": manifest["changes"],
        "counts": {tab.key: len(data[tab.key]) for tab in TABS},  # type: ignore[arg-type]
        "hash": manifest["hash"],
    }
    return [*history, entry][-HISTORY_LIMIT:]


def _swap_in(folder: Path, files: dict[str, str]) -> None:
    """Write ``files`` into a staging folder, then replace ``folder`` with it whole.

    Files in ``folder`` that are not ours (a README, .gitkeep) are carried over,
    and so is the learning figures' folder, which ``manabi stats`` owns.
    """
    staging = atomic.staging_dir(folder)
    try:
        if folder.is_dir():
            for extra in folder.iterdir():
                if extra.is_file() and extra.name not in files and extra.suffix != ".json":
                    shutil.copy2(extra, staging / extra.name)
            if (folder / STATS).is_dir():
                shutil.copytree(folder / STATS, staging / STATS)
        for name, text in files.items():
            with open(staging / name, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        atomic.replace_dir(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
