"""Replacing a whole folder (the snapshot, the site) so readers never see half of one.

The new folder is prepared beside the old one, then two renames put it in
place. If a process dies between them, :func:`recover` finishes the job on
the next run: the target is briefly absent, never mixed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def staging_dir(target: Path) -> Path:
    """A fresh empty folder beside ``target`` (same file system, so rename works)."""
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))


def _retired(target: Path) -> Path:
    return target.parent / f".{target.name}.old"


def replace_dir(staging: Path, target: Path) -> None:
    """Put the finished ``staging`` folder in place of ``target``."""
    target = Path(target).resolve()
    staging.chmod(0o755)  # mkdtemp makes it private; a site is served to others
    retired = _retired(target)
    if retired.exists():
        shutil.rmtree(retired)
    if target.exists():
        os.rename(target, retired)
    os.rename(staging, target)
    shutil.rmtree(retired, ignore_errors=True)


def recover(target: Path) -> None:
    """Finish a replacement that was interrupted between its two renames."""
    target = Path(target).resolve()
    retired = _retired(target)
    if not target.exists() and retired.is_dir():
        os.rename(retired, target)


def clear_staging(target: Path) -> list[Path]:
    """Remove the staging folders of replacements that died before their renames.

    Only for a caller that knows no other replacement of ``target`` is under way
    (``manabi publish`` holds its lock); returns what was removed.
    """
    target = Path(target).resolve()
    if not target.parent.is_dir():
        return []
    stale = sorted(target.parent.glob(f".{target.name}.new-*"))
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale
