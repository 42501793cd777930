"""The standards index belongs in the navigation only when the 標準 tab has rows."""

from __future__ import annotations

from typing import Any

INDEX = "standards/index.md"


def without_empty_index(nav: list[Any] | None, has_standards: bool) -> list[Any] | None:
    """``mkdocs.yml``'s ``nav`` as written, or without the entry for :data:`INDEX`.

    Entries are ``{title: path}``, ``{title: [entries]}`` or bare paths; a section
    left empty by the removal goes too. The page itself is still built (it says
    that no standard is registered yet), only not listed.
    """
    if nav is None or has_standards:
        return nav
    kept: list[Any] = []
    for entry in nav:
        if entry == INDEX:
            continue
        if isinstance(entry, dict):
            ((title, value),) = entry.items()
            if value == INDEX:
                continue
            if isinstance(value, list):
                value = without_empty_index(value, has_standards)
                if not value:
                    continue
            entry = {title: value}
        kept.append(entry)
    return kept
