"""Calendar feeds (RFC 5545 ``.ics``): one with every event, one per division.

Written by the ``icalendar`` library, so text is escaped and lines folded as
the standard requires. Times carry ``TZID=Asia/Tokyo`` with its VTIMEZONE;
an event without a start time is an all-day event. UIDs come from
:func:`manabi.agenda.uid`, so a calendar that subscribed to a feed updates
its events instead of doubling them after a rebuild.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import icalendar

from manabi import agenda
from manabi.model import Record, Site

FOLDER = "calendar"
PRODID = "-//manabi//DXまなびナビ//JA"


def feed_path(division: Record | None = None) -> str:
    """Site path of a feed: ``calendar/all.ics`` or ``calendar/divisions/<id>.ics``.

    Division feeds have their own folder so that no 部署ID can clash with ``all``.
    """
    if division is None:
        return f"{FOLDER}/all.ics"
    return f"{FOLDER}/divisions/{division['id']}.ics"


def _time(event: Record, key: str) -> dt.datetime | None:
    value = event.get(key)
    if not value:
        return None
    return dt.datetime.combine(
        dt.date.fromisoformat(event["date"]), dt.time.fromisoformat(value), agenda.TOKYO
    )


def _description(site: Site, event: Record) -> str:
    lines = [f"種別: {event['kind']}"]
    if event.get("capacity") is not None:
        lines.append(f"定員: {event['capacity']}人")
    lines.append(f"対象: {site.audience_label(event['audience'])}")
    if event.get("url"):
        lines.append(f"申込: {event['url']}")
    return "\n".join(lines)


def vevent(site: Site, event: Record, stamp: dt.datetime) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", agenda.uid(event))
    item.add("dtstamp", stamp)
    start, end = _time(event, "start"), _time(event, "end")
    if start is None:
        day = dt.date.fromisoformat(event["date"])
        item.add("dtstart", day)
        item.add("dtend", day + dt.timedelta(days=1))
    else:
        item.add("dtstart", start)
        if end is not None and end > start:
            item.add("dtend", end)
    item.add("summary", event["title"])
    if event.get("place"):
        item.add("location", event["place"])
    if event.get("url"):
        item.add("url", event["url"])
    item.add("categories", [event["kind"]])
    item.add("description", _description(site, event))
    item.add("transp", "OPAQUE")
    return item


@functools.cache
def _tokyo() -> bytes:
    # Worked out once per build: deriving a VTIMEZONE scans decades of offsets.
    return icalendar.Timezone.from_tzinfo(agenda.TOKYO).to_ical()


_END = b"END:VCALENDAR\r\n"


def calendar(
    site: Site,
    events: Iterable[Record],
    name: str,
    stamp: dt.datetime,
    *,
    cache: dict[str, bytes] | None = None,
) -> bytes:
    """One feed; ``cache`` (UID → the VEVENT's text) lets many feeds share an event's.

    An event reaches many division feeds: it is serialized once by icalendar and
    its text put in each feed, where the library would serialize it again for
    every feed (a fifth of a build at 10× the sample). The bytes are the same.
    """
    cache = {} if cache is None else cache
    ordered = agenda.events_sorted(events)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", agenda.TOKYO.key)
    cal.add("refresh-interval", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    head = cal.to_ical()  # properties, then END:VCALENDAR; components go before the END
    parts = [head.removesuffix(_END)]
    if any(event.get("start") for event in ordered):
        parts.append(_tokyo())
    for event in ordered:
        key = agenda.uid(event)
        if key not in cache:
            cache[key] = vevent(site, event, stamp).to_ical()
        parts.append(cache[key])
    parts.append(_END)
    return b"".join(parts)


def calendar_files(site: Site, stamp: dt.datetime) -> dict[str, bytes]:
    """Every feed of the site: site path → ``.ics`` content.

    ``stamp`` (DTSTAMP) is when the data was read, so two builds of one
    snapshot give identical files.
    """
    site_name = site.settings["site_name"]
    cache: dict[str, bytes] = {}
    files = {feed_path(): calendar(site, site.events, f"{site_name} 予定", stamp, cache=cache)}
    for division in site.divisions:
        files[feed_path(division)] = calendar(
            site,
            agenda.events_for(site, division),
            f"{site_name} 予定（{division['name']}）",
            stamp,
            cache=cache,
        )
    return files


def stamp_of(manifest: dict[str, object]) -> dt.datetime:
    """The snapshot's read time in UTC, or now when the manifest has none."""
    try:
        read_at = dt.datetime.fromisoformat(str(manifest["read_at"]))
    except (KeyError, ValueError):
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if read_at.tzinfo is None:
        read_at = read_at.replace(tzinfo=dt.UTC)
    return read_at.astimezone(dt.UTC)
