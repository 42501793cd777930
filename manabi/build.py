"""Building the site: a strict MkDocs build into a fresh folder, swapped in when complete.

The live ``site/`` is replaced only by a build that finished without a single
warning; any failure leaves it exactly as it was.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from manabi import __version__
from manabi.atomic import recover, replace_dir, staging_dir
from manabi.deploy import BUILD_MANIFEST
from manabi.errors import BuildError
from manabi.plugin import inputs_fingerprint


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings so a failed build can say why."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _first_line(message: str) -> str:
    """A log record without its traceback: what went wrong and where, on one line."""
    for cut in ("Traceback", "```"):
        message = message.split(cut, 1)[0]
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return line if len(line) <= 300 else line[:300] + "…"


def build_site(data_dir: Path, site_dir: Path, config_file: Path) -> None:
    """Build from the snapshot in ``data_dir`` and put the result at ``site_dir``."""
    site_dir = Path(site_dir).resolve()
    if not Path(config_file).is_file():
        raise BuildError(f"設定ファイル「{config_file}」が見つかりません。")
    recover(site_dir)
    staging = staging_dir(site_dir)
    collector = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collector)
    try:
        config = load_config(str(config_file), strict=True, site_dir=str(staging))
        config.plugins["manabi"].config.data_dir = str(Path(data_dir).resolve())
        mkdocs_build(config)
    except (Abort, MkDocsException, OSError, SystemExit) as exc:
        # SystemExit: mkdocs-macros with on_error_fail exits instead of raising.
        shutil.rmtree(staging, ignore_errors=True)
        reasons = collector.messages or [str(exc)]
        details = "\n".join(f"  - {_first_line(m)}" for m in reasons)
        raise BuildError(
            f"サイトを作れませんでした。公開中のサイトは前のまま変わっていません。\n{details}"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        mkdocs_log.removeHandler(collector)
    replace_dir(staging, site_dir)


def is_current(site_dir: Path, snapshot_hash: str, stats_hash: str, config_file: Path) -> bool:
    """Whether ``site_dir`` was built from data with this hash, the same learning
    figures, and from the same templates, pages, config and version (so a change
    to any of them rebuilds)."""
    try:
        info = json.loads((Path(site_dir) / BUILD_MANIFEST).read_text(encoding="utf-8"))
        config = load_config(str(config_file))
    except (OSError, ValueError, MkDocsException):
        return False
    return (
        isinstance(info, dict)
        and info.get("snapshot_hash") == snapshot_hash
        and info.get("stats_hash", "") == stats_hash
        and info.get("version") == __version__
        and info.get("inputs_hash") == inputs_fingerprint(config)
    )
