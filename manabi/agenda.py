"""Dates and what comes next: 予定 (events) and DXレター as the pages and feeds need them.

The day that counts is the day in Asia/Tokyo, where the events happen and the
deadline falls. Pages are rendered with the build day's split (upcoming /
past) so that they read well without JavaScript; ``manabi.js`` re-splits them
in the browser with the day the page is read, from the ISO dates each item
carries in its ``data-*`` attributes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from manabi.model import Site
from manabi.schema import EVENT_KINDS, TABS_BY_KEY

Record = dict[str, Any]

TOKYO = ZoneInfo("Asia/Tokyo")
STUDY_SESSION = EVENT_KINDS[0]  # もくもく会: what the "next session" hints point to
UID_DOMAIN = "dx-manabi.invalid"  # fixed, so a UID never changes with the host the site is on


# A page's "next events" box holds at most this many events upcoming on the build
# day, for manabi.js to show the first few still ahead on the day the page is read:
# a page stays the same size however many events the sheet holds (the 予定 page
# lists them all). Thirty lasts a division months without a rebuild.
UPCOMING_KEPT = 30


def today() -> dt.date:
    """The build day in Tokyo; ``SOURCE_DATE_EPOCH`` (reproducible builds) sets it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), TOKYO).date()
    return dt.datetime.now(TOKYO).date()


# --- events -------------------------------------------------------------------


def _event_order(event: Record) -> tuple[str, str, str]:
    return (event["date"], event.get("start") or "", event["title"])


def events_sorted(events: Iterable[Record]) -> list[Record]:
    """Earliest first; events of one day by start time (all-day first), then title."""
    return sorted(events, key=_event_order)


def events_for(site: Site, division: Record) -> list[Record]:
    """The events aimed at a division (its ID or its 種別 in 対象, or 対象 empty)."""
    return [e for e in events_sorted(site.events) if Site.reaches(e["audience"], division)]


def ranks(events: Iterable[Record]) -> dict[str, int]:
    """UID → place in date order: how the script re-sorts items it moves."""
    return {uid(e): i for i, e in enumerate(events_sorted(events))}


def study_sessions(events: Iterable[Record]) -> list[Record]:
    return [e for e in events_sorted(events) if e["kind"] == STUDY_SESSION]


def split(events: Iterable[Record], day: dt.date | str) -> tuple[list[Record], list[Record]]:
    """(upcoming earliest first, past latest first); an event stays upcoming on its day."""
    iso = day if isinstance(day, str) else day.isoformat()
    ordered = events_sorted(events)
    upcoming = [e for e in ordered if e["date"] >= iso]
    past = [e for e in reversed(ordered) if e["date"] < iso]
    return upcoming, past


@dataclass(frozen=True, slots=True)
class Month:
    key: str  # 2026-12
    label: str  # 2026年12月
    events: list[Record]


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def by_month(events: Iterable[Record]) -> list[Month]:
    """Consecutive events of one month grouped, keeping the order they come in."""
    months: list[Month] = []
    for event in events:
        key = event["date"][:7]
        if not months or months[-1].key != key:
            months.append(Month(key, month_label(key), []))
        months[-1].events.append(event)
    return months


def time_range(event: Record) -> str:
    """``15:00–17:00``, ``15:00–`` or empty for an all-day event."""
    start, end = event.get("start"), event.get("end")
    if not start:
        return ""
    return f"{start}–{end}" if end else f"{start}–"


def machine_time(event: Record) -> str:
    """The ``datetime`` attribute of a ``<time>``: ``2026-12-03T15:00+09:00`` or the date."""
    if not event.get("start"):
        return event["date"]
    return f"{event['date']}T{event['start']}+09:00"


EVENT_KEY = TABS_BY_KEY["events"].unique[0]  # the row key the sheet already keeps unique


def uid(event: Record) -> str:
    """A calendar UID that stays the same across builds as long as the event's key does.

    Derived from the 予定 tab's unique key (日付+開始+タイトル), so reordering
    rows or editing the place keeps it; changing the date or title makes it a
    new event, as the sheet itself treats it.
    """
    key = "\x1f".join(str(event.get(column) or "") for column in EVENT_KEY)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


# --- DXレター -----------------------------------------------------------------


def _letter_order(letter: Record) -> tuple[str, int]:
    return (letter["date"], letter["number"])


def letters_by_year(letters: Iterable[Record]) -> list[tuple[int, list[Record]]]:
    """Newest year first, newest issue first within a year."""
    years: list[tuple[int, list[Record]]] = []
    for letter in sorted(letters, key=_letter_order, reverse=True):
        year = int(letter["date"][:4])
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append(letter)
    return years


def latest_letter(letters: Iterable[Record]) -> Record | None:
    return max(letters, key=_letter_order, default=None)
