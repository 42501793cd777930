"""The pages staff open, as the browser tests visit them.

Every page type of the built sample: each hand-written page in ``docs/`` and
one generated page of each kind in ``manabi.pages.PAGE_KINDS``. Both lists
are read, not typed in, so a page type added later (events, letters, …) is
tested without touching the tests. The sample is read the way ``manabi
build --source sample`` reads it, with the learning figures of ``data/stats/``.

A division page looks different with its own learning figures and without
them (withheld), so those are two page types: ``division`` is the first
division whose figures are published, ``division-withheld`` the first whose
figures are withheld in the latest record.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from manabi.model import Site
from manabi.pages import PAGE_KINDS
from manabi.sources import read_source
from manabi.stats import store
from manabi.validate import validate
from tests.helpers import ARTIFACTS, ROOT, SAMPLE

LEARNING_RECORDS = store.load_all(ROOT / "data")
SAMPLE_SITE = Site(validate(read_source(str(SAMPLE))).data, learning=LEARNING_RECORDS)
SCREENS = ARTIFACTS / "screens"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _docs_pages() -> dict[str, str]:
    """Hand-written pages: ``docs/contacts.md`` → ``contacts/``, ``docs/index.md`` → home."""
    found = {}
    docs = ROOT / "docs"
    for md in sorted(docs.rglob("*.md")):
        parts = md.relative_to(docs).with_suffix("").parts
        if parts[-1] == "index":
            parts = parts[:-1]
        path = "/".join(parts) + "/" if parts else ""
        found[parts[-1] if parts else "home"] = path
    return found


def _generated_pages() -> dict[str, str]:
    """The first page of each generated kind: ``area`` → ``areas/data/``; divisions by figures."""
    found = {}
    for kind in PAGE_KINDS.values():
        records = getattr(SAMPLE_SITE, kind.records)
        if records:
            found[kind.name] = f"{kind.folder}/{records[0]['id']}/"
    latest = LEARNING_RECORDS[-1]["divisions"] if LEARNING_RECORDS else {}
    for name, withheld in (("division", False), ("division-withheld", True)):
        for division in SAMPLE_SITE.divisions:
            figures = latest.get(division["id"])
            if figures is not None and (figures["learners"] is None) == withheld:
                found[name] = f"divisions/{division['id']}/"
                break
    return found


PAGE_TYPES: dict[str, str] = {**_docs_pages(), **_generated_pages()}


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Keep a screenshot under ``test-artifacts/screens/`` (for people to look at)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    # Material's fades (tabs, search dialog) are shown finished, not halfway.
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


@contextmanager
def visit(browser, url: str, viewport: dict[str, int] = DESKTOP, **options) -> Iterator:
    """A fresh page of its own (no shared cookies or cache) at ``url``, loaded.

    Material's script has run by then; the search worker may still be starting.
    """
    context = browser.new_context(viewport=viewport, **options)
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()
