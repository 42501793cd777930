"""What in the sheet the learning figures depend on: the basis a record was computed from.

Light on purpose (no pandas, no NumPy): the site compares the current
sheet's basis with the one each record carries, and a build should not load
the export reader to do so.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from manabi.schema import TABS_BY_KEY, display_order
from manabi.stats.groups import division_groups

Record = dict[str, Any]
# A snapshot from before the column existed has no threshold: the schema's default.
DEFAULT_THRESHOLD = TABS_BY_KEY["settings"].column("min_group").default


def basis(data: Record) -> Record:
    """What in the sheet the figures depend on (and nothing else).

    A change here changes how people are counted: ``manabi stats`` says so,
    and the site notes it until the next run.
    """
    settings = data["settings"]
    divisions = sorted(data["divisions"], key=display_order)
    return {
        "quota": settings.get("quota"),
        "deadline": settings.get("deadline"),
        "threshold": settings.get("min_group") or DEFAULT_THRESHOLD,
        "divisions": [[d["id"], division_groups(d)] for d in divisions],
        "courses": {c["id"]: c["udemy_id"] for c in data["courses"] if c.get("udemy_id")},
    }


def basis_hash(value: Record) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
