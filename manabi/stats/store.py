"""The figures in the snapshot: one file per as-of day in ``data/stats/``.

``manabi stats`` owns this folder and ``manabi sync`` owns the rest of
``data/`` (sync carries the folder over when it swaps the snapshot in). Each
file is one aggregate record (:func:`manabi.stats.figures.compute`): a re-run
for the same day replaces that day's file, written beside it and renamed into
place; an unchanged record leaves the file untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from manabi.errors import SnapshotError
from manabi.snapshot import STATS

Record = dict[str, Any]
DAY_FILE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\.json")


def folder_of(data_dir: Path) -> Path:
    return Path(data_dir) / STATS


def dump(record: Record) -> str:
    """The file's text: what ``--format json`` prints, byte for byte."""
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def load_all(data_dir: Path) -> list[Record]:
    """Every recorded day, oldest first; empty when nothing has been computed yet."""
    folder = folder_of(data_dir)
    if not folder.is_dir():
        return []
    records = []
    for path in sorted(folder.iterdir()):
        if not DAY_FILE.fullmatch(path.name):
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = None
        if not isinstance(record, dict) or record.get("as_of") != path.stem:
            raise SnapshotError(
                f"受講状況のデータ「{path}」を読めません。git で前の版に戻すか、"
                "削除してから `manabi stats` を実行し直してください。"
            )
        records.append(record)
    return records


def write(data_dir: Path, record: Record) -> tuple[Path, bool]:
    """Put ``record`` in place for its day; returns (path, whether the file changed)."""
    folder = folder_of(data_dir)
    path = folder / f"{record['as_of']}.json"
    text = dump(record)
    try:
        if path.read_text(encoding="utf-8") == text:
            return path, False
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(staging, 0o644)  # mkstemp makes it private; the snapshot is shared
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return path, True


def fingerprint(data_dir: Path) -> str:
    """A hash of every recorded day (names and bytes); ``""`` when there is none.

    A site is current only when it was built from these same figures.
    """
    folder = folder_of(data_dir)
    if not folder.is_dir():
        return ""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if DAY_FILE.fullmatch(path.name):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def copy(source_dir: Path, data_dir: Path) -> None:
    """Carry the figures of ``source_dir`` into another snapshot (a build from a source)."""
    source = folder_of(source_dir)
    if source.is_dir():
        shutil.copytree(source, folder_of(data_dir), dirs_exist_ok=True)
