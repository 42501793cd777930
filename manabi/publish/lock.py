"""One publish at a time: an exclusive ``flock`` held for the whole run.

The lock file sits beside the data folder, not in it: a sync replaces the
data folder whole (a rename), and a lock on a file inside it would then be a
lock on a file no later run opens. ``flock`` belongs to the open file, so
the kernel releases it when the process ends in any way (SIGKILL, a crash,
a power cut): a dead run never blocks the next one, and there is no stale
PID file to clean up. The file holds the holder's process ID, for messages.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(data_dir: Path) -> Path:
    """``/var/lib/manabi/.data.publish.lock`` for ``/var/lib/manabi/data``."""
    data_dir = Path(data_dir).resolve()
    return data_dir.parent / f".{data_dir.name}.publish.lock"


def holder(path: Path) -> str:
    """The process ID written by the run holding ``path`` (``?`` when unknown)."""
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "?"
    return text if text.isdigit() else "?"


@contextmanager
def exclusive(path: Path, wait: float = 0.0, poll: float = 0.2) -> Iterator[bool]:
    """Hold the lock for the block; yields False (not held) when another run kept
    it for ``wait`` seconds."""
    import fcntl  # POSIX only, like manabi.deploy's lock

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
