"""The sample builds the same on ProperDocs as on MkDocs 1.6, from the same mkdocs.yml.

ProperDocs (PyPI ``properdocs``) is the continuation of MkDocs 1.6 by its former
maintainers. It runs ``mkdocs.plugins`` and ``mkdocs.themes`` entry points, and its
command line answers every ``import mkdocs...`` with its own modules
(``properdocs.replacement``). The test keeps a venv with ProperDocs and *without*
MkDocs, so every ``mkdocs`` import of Material, mkdocs-macros and manabi can only
reach ProperDocs; the other runtime packages are at this venv's versions (the
lock). It builds the sample there with ``properdocs build --strict`` and compares
the result with a MkDocs build of the same snapshot, file by file.

The venv is made once (about 2-3 minutes with an empty pip cache) under
``test-artifacts/engines/`` and reused while the pins stay the same. Without
network it cannot be made: the test then skips, unless MANABI_REQUIRE_PROPERDOCS
is set (as ``.ci/run`` does), which fails it.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from manabi.build import build_site
from manabi.deploy import BUILD_MANIFEST
from manabi.stats import store
from tests.helpers import ARTIFACTS, BUILD_EPOCH, ROOT, SAMPLE, require, run_cli

PROPERDOCS = "properdocs==1.6.7"
# Left out of the engine venv: MkDocs and what only it needs (manabi is installed editable).
NOT_PINNED = {"mkdocs", "mkdocs-get-deps"}
ENGINES = ARTIFACTS / "engines"
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def runtime_pins() -> list[str]:
    """manabi's runtime packages, at the versions installed here, without MkDocs."""
    found: dict[str, str] = {}

    def walk(name: str) -> None:
        key = canonicalize_name(name)
        if key in found or key in NOT_PINNED:
            return
        dist = importlib.metadata.distribution(key)
        found[key] = dist.version
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                walk(req.name)

    walk("manabi")
    del found["manabi"]
    return [f"{name}=={version}" for name, version in sorted(found.items())]


def _make_venv(venv: Path, pins: list[str]) -> str | None:
    """Install ProperDocs and the pins into a new venv; None, or why it failed."""
    constraints = venv.parent / f"{venv.name}-constraints.txt"
    constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
    pip = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    steps = [
        [sys.executable, "-m", "venv", venv],
        # ProperDocs and its own dependencies, at the lock's versions where shared.
        [*pip, "install", PROPERDOCS, "--constraint", constraints],
        # Material, mkdocs-macros and the rest without their dependency on MkDocs.
        [*pip, "install", "--no-deps", *pins],
        [*pip, "install", "--no-deps", "--editable", ROOT],
    ]
    for step in steps:
        try:
            proc = subprocess.run(step, capture_output=True, text=True, timeout=1200, check=False)
        except subprocess.TimeoutExpired:
            return f"{step[2:5]} timed out"
        if proc.returncode != 0:
            lines = [line for line in proc.stderr.splitlines() if line.strip()]
            return lines[-1] if lines else f"exit {proc.returncode}"
    return None


@pytest.fixture(scope="session")
def properdocs_venv() -> Path:
    """A venv with ProperDocs, no MkDocs, and manabi (editable), made once per set of pins."""
    pins = runtime_pins()
    key = "\n".join([sys.version, str(ROOT), PROPERDOCS, *pins])
    venv = ENGINES / f"properdocs-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    ready = venv / "manabi-ready"
    if not ready.is_file():
        if ENGINES.is_dir():  # venvs for other pins: each is a few hundred MB
            for old in ENGINES.iterdir():
                if old.is_dir():
                    shutil.rmtree(old)
                else:
                    old.unlink()
        ENGINES.mkdir(parents=True, exist_ok=True)
        problem = _make_venv(venv, pins)
        require(
            problem is None,
            f"ProperDocs ({PROPERDOCS} from PyPI; {problem})",
            "MANABI_REQUIRE_PROPERDOCS",
        )
        ready.write_text(PROPERDOCS + "\n", encoding="utf-8")
    return venv


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def _differences(ours: Path, theirs: Path) -> list[str]:
    """What differs between two builds, besides the generator tag and the build's time."""
    mine, other = _files(ours), _files(theirs)
    found = [f"only in the MkDocs build: {name}" for name in sorted(mine - other)]
    found += [f"only in the ProperDocs build: {name}" for name in sorted(other - mine)]
    for name in sorted(mine & other - {BUILD_MANIFEST}):
        a, b = (ours / name).read_bytes(), (theirs / name).read_bytes()
        if name.endswith(".html"):
            a, b = GENERATOR.sub(b"", a), GENERATOR.sub(b"", b)
        if a != b:
            found.append(f"differs: {name}")
            if len(found) == 1 and name.endswith((".html", ".json", ".xml", ".ics")):
                diff = difflib.unified_diff(
                    a.decode(errors="replace").splitlines(),
                    b.decode(errors="replace").splitlines(),
                    "mkdocs",
                    "properdocs",
                    lineterm="",
                )
                found.extend(list(diff)[:40])
    return found


def test_the_sample_builds_the_same_on_properdocs_as_on_mkdocs(
    properdocs_venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = properdocs_venv / "bin"
    no_mkdocs = (
        "import importlib.util, sys; sys.exit(importlib.util.find_spec('mkdocs') is not None)"
    )
    assert subprocess.run([engine / "python", "-c", no_mkdocs], check=False).returncode == 0

    # The project as a fresh clone has it: the config, pages, overrides and macros,
    # with the snapshot step of `manabi build --source sample` (the sheet, data/stats).
    project = tmp_path / "project"
    for folder in ("docs", "overrides", "macros"):
        shutil.copytree(ROOT / folder, project / folder, ignore=shutil.ignore_patterns("__py*"))
    shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    assert run_cli("sync", SAMPLE, "--data", project / "data") == 0
    store.copy(ROOT / "data", project / "data")

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(BUILD_EPOCH))
    mkdocs_site, properdocs_site = tmp_path / "mkdocs", tmp_path / "properdocs"
    build_site(project / "data", mkdocs_site, project / "mkdocs.yml")
    proc = subprocess.run(
        [engine / "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", properdocs_site],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = re.sub(r"\x1b\[[0-9;]*m", "", proc.stderr)  # its levels are coloured even in a pipe
    complaints = [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert complaints == []

    pages = sorted(properdocs_site.rglob("*.html"))
    assert len(pages) > 100 and (properdocs_site / "search" / "search_index.json").is_file()
    # Each page says which engine made it: really ProperDocs, and the one difference.
    for page in pages:
        (generator,) = GENERATOR.findall(page.read_bytes())
        assert generator.startswith(b"mkdocs-ProperDocs 1.6."), page
    (generator,) = GENERATOR.findall((mkdocs_site / "index.html").read_bytes())
    assert generator.startswith(b"mkdocs-1.6."), generator

    assert _differences(mkdocs_site, properdocs_site) == []
    ours, theirs = (
        json.loads((s / BUILD_MANIFEST).read_text()) for s in (mkdocs_site, properdocs_site)
    )
    assert ours.pop("built_at") and theirs.pop("built_at")
    assert ours == theirs
