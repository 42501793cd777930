"""Paths and small helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

from manabi.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
CHROMIUM = os.environ.get("MANABI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


def build_from(source: Path, site: Path) -> Path:
    """``manabi build --source SOURCE --site-dir SITE`` run from the project root."""
    cwd = os.getcwd()
    os.chdir(ROOT)  # the default --config is mkdocs.yml in the current folder
    try:
        assert run_cli("build", "--source", source, "--site-dir", site) == 0
    finally:
        os.chdir(cwd)
    return site


def run_cli(*args: str | os.PathLike[str]) -> int:
    """Run ``manabi`` in-process, as the console script would (returns the exit code)."""
    return main([str(a) for a in args])
