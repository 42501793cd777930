"""Shared fixtures: the project's paths, a built sample site, and real Chromium."""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import (
    ARTIFACTS,
    BUILD_EPOCH,
    CHROMIUM,
    MINIMAL,
    ROOT,
    SAMPLE,
    build_from,
    require,
    run_cli,
)

__all__ = ["ARTIFACTS", "CHROMIUM", "MINIMAL", "ROOT", "SAMPLE", "run_cli"]


@pytest.fixture
def copy_of():
    """``copy_of(folder, tmp_path)``: a writable copy of a CSV folder to edit in a test."""

    def _copy(source: Path, dest: Path) -> Path:
        target = dest / source.name
        shutil.copytree(source, target)
        return target

    return _copy


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built once per test session with ``manabi build --source sample/``.

    Built as on ``BUILD_EPOCH``: the browser tests set the day a page is read, and a
    page holds the events still ahead on the day it was built.
    """
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", str(BUILD_EPOCH))
        return build_from(SAMPLE, tmp_path_factory.mktemp("sample") / "site")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A browser page closed mid-download (a test ending) is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def serve_site() -> Iterator[object]:
    """``serve_site(folder)`` → base URL of a loopback HTTP server for that folder."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def _serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = _QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield _serve
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no browser download).

    Skips only when Chromium is absent and MANABI_REQUIRE_BROWSER is unset;
    CI sets it, so there a missing browser fails the run.
    """
    require(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}", "MANABI_REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def sample_url(sample_site: Path, serve_site) -> str:
    """The built sample served on loopback: its base URL, ending in ``/``."""
    return serve_site(sample_site)


@pytest.fixture(scope="session")
def private_key():
    """One RSA key for the service-account key files of the Sheets stand-in tests."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
