"""How a person's Udemy groups meet the sheet's divisions: the one matching rule.

An export's ``User Groups`` cell holds group names separated by ``;``; a
division is meant by the names in 部署!Udemyグループ, else by its 部署名.
Names are compared after NFKC, with runs of spaces made one and case ignored,
so ``北区役所`` and ``北区役所 `` (or a full-width variant) are one group.
Used by the figures, by the sheet's warnings and by the synthetic exports.
"""

from __future__ import annotations

import unicodedata
from typing import Any

SEPARATOR = ";"


def group_key(name: str) -> str:
    """A Udemy group name as compared."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def group_names(text: str) -> list[str]:
    """The groups of one ``User Groups`` cell, trimmed, in order, each once."""
    seen: dict[str, None] = {}
    for name in text.split(SEPARATOR):
        name = name.strip()
        if name:
            seen.setdefault(name, None)
    return list(seen)


def division_groups(division: dict[str, Any]) -> list[str]:
    """The Udemy groups that mean this division: 部署!Udemyグループ, else its 部署名."""
    return list(division.get("udemy_groups") or []) or [str(division["name"])]
