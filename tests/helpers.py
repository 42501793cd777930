"""Paths and small helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from manabi.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
CHROMIUM = os.environ.get("MANABI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# The build day of the test sites (SOURCE_DATE_EPOCH): 2026-11-26 00:00 in Tokyo, when
# some of the sample's events are past and some ahead.
BUILD_EPOCH = 1795618800


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


def require(present: bool, what: str, env: str) -> None:
    """Skip a test whose tool is missing, unless ``env`` is set (CI): then fail it."""
    if not present:
        if os.environ.get(env):
            pytest.fail(f"{what} is required ({env}) but not installed")
        pytest.skip(f"{what} is not installed")
