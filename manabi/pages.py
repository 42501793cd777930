"""Pages: which generated pages exist, and their HTML rendered from the model.

Spreadsheet text only ever reaches the site through :func:`render`, which
uses a Jinja environment of our own with autoescaping: it is data handed to
fixed templates, never template or Markdown source. The Markdown source of a
generated page is front matter only, naming the page by kind and ID (an ID is
a checked slug) and telling mkdocs-macros not to render it; the manabi plugin
puts the page's HTML in. So mkdocs-macros never sees a cell's text, and does
not compile a Jinja template per generated page (most of the site).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateSyntaxError
from markupsafe import Markup, escape

from manabi import agenda, feeds
from manabi.errors import TemplateError
from manabi.guidance import how_to_write
from manabi.kinds import ALLOWED_SCHEMES, SLUG
from manabi.model import Site, Step
from manabi.schema import TABS
from manabi.stats import view as learning

WEEKDAYS = "月火水木金土日"
TOKYO = agenda.TOKYO  # the city's time, whatever the build machine's zone


@dataclass(frozen=True, slots=True)
class PageKind:
    """A kind of generated page: its folder, template and where its records live."""

    name: str
    folder: str
    template: str
    records: str  # attribute of Site holding the records
    lookup: str  # attribute of Site: dict id → record
    title_key: str


PAGE_KINDS = {
    kind.name: kind
    for kind in (
        PageKind("division", "divisions", "division.html", "divisions", "division", "name"),
        PageKind("area", "areas", "area.html", "areas", "area", "name"),
        PageKind("course", "courses", "course.html", "courses", "course", "title"),
        PageKind("standard", "standards", "standard.html", "standards", "standard", "name"),
    )
}


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    kind: PageKind
    id: str

    @property
    def src_uri(self) -> str:
        return f"{self.kind.folder}/{self.id}.md"

    @property
    def source(self) -> str:
        # Fixed text: the only variable part is a slug that validation checked.
        assert SLUG.fullmatch(self.id)
        return (
            "---\n"
            f"manabi_kind: {self.kind.name}\n"
            f"manabi_id: {self.id}\n"
            "render_macros: false\n"
            "hide:\n  - toc\n"
            "---\n"
        )


def generated_pages(site: Site) -> list[GeneratedPage]:
    return [
        GeneratedPage(kind, record["id"])
        for kind in PAGE_KINDS.values()
        for record in getattr(site, kind.records)
    ]


def record_of(site: Site, kind: str, id_: str) -> dict[str, Any]:
    return getattr(site, PAGE_KINDS[kind].lookup)[id_]


def title_of(site: Site, kind: str, id_: str) -> str:
    return str(record_of(site, kind, id_)[PAGE_KINDS[kind].title_key])


DESCRIPTION_LIMIT = 120  # characters: about what search results show of a Japanese description


def shorten_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """``text`` on one line, cut to ``limit`` characters where a sentence ends.

    Japanese has no spaces between words: a long text is cut after its last
    「。」 that keeps at least half of it, else after its last 「、」, else at
    the limit, and then ends in 「…」.
    """
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    head = line[: limit - 1]
    for mark in "。！？":
        cut = head.rfind(mark)
        if cut >= limit // 2:
            return head[: cut + 1]
    cut = head.rfind("、")
    return (head[:cut] if cut >= limit // 2 else head) + "…"


def description_of(site: Site, kind: str, id_: str) -> str:
    """A generated page's meta description, from its own record (plain text, not escaped)."""
    record = record_of(site, kind, id_)
    if kind == "division":
        areas = "・".join(a["name"] for a in site.areas_of(record))
        text = (
            f"{record['name']}（{record['kind']}）の学習パス（{areas}）と相談窓口、次の予定です。"
        )
        text += record.get("note") or ""
    elif kind == "area":
        text = f"担当分野「{record['name']}」のスキルマップと学習パスです。"
        text += record.get("description") or ""
    elif kind == "standard":
        categories = record["categories"]
        text = f"{record['name']}の{len(categories)}区分と、それぞれに対応する市のスキルマップのスキル・講座です。"
        if record["gaps"]:
            text += (
                "対応するスキルがまだない区分: "
                + "、".join(c.record["name"] for c in record["gaps"])
                + "。"
            )
    else:
        length = hours(record["hours"]) if record.get("hours") is not None else ""
        facts = "、".join(part for part in (record.get("provider") or "", length) if part)
        text = f"講座「{record['title']}」" + (f"（{facts}）" if facts else "") + "。"
        text += record.get("description") or ""
    return shorten_description(text)


# --- filters ------------------------------------------------------------------


def text(value: object) -> Markup:
    """Escaped text with its line breaks kept as ``<br>`` (never a blank line)."""
    if value is None:
        return Markup("")
    lines = str(value).split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def safe_url(value: object) -> str:
    """The URL if its scheme is allowed, else ``#`` (validation already refused it)."""
    url = str(value or "")
    return url if urlsplit(url).scheme.lower() in ALLOWED_SCHEMES else "#"


def hours(value: object) -> str:
    if value is None:
        return "—"
    number = float(value)  # type: ignore[arg-type]
    whole, minutes = int(number), round((number - int(number)) * 60)
    if minutes == 0:
        return f"{whole}時間"
    return f"{whole}時間{minutes}分" if whole else f"{minutes}分"


def date_ja(value: object) -> str:
    """``2026-12-03`` → ``2026年12月3日(木)``."""
    if not value:
        return ""
    day = dt.date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS[day.weekday()]})"


def datetime_ja(value: object) -> str:
    """``2026-11-26T06:04:00+00:00`` → ``2026年11月26日 15:04`` (Asia/Tokyo)."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(TOKYO)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def event_when(event: dict[str, Any]) -> str:
    """``2026年12月3日(木) 15:00–17:00`` (just the date for an all-day event)."""
    times = agenda.time_range(event)
    return f"{date_ja(event['date'])} {times}" if times else date_ja(event["date"])


# --- rendering --------------------------------------------------------------

_BLANK_LINES = re.compile(r"\n\s*\n")
_env = Environment(
    loader=PackageLoader("manabi", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    auto_reload=False,  # package templates do not change during a build; no stat per page
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(
    text=text,
    safe_url=safe_url,
    hours=hours,
    date_ja=date_ja,
    datetime_ja=datetime_ja,
    event_when=event_when,
    day_ja=learning.day_ja,
    num="{:,}".format,
    people=learning.people,
    percent=learning.percent,
    duration=learning.duration,
)
# The learning figures as pages show them: ``learning(site)`` is worked out once per site.
_env.globals.update(agenda=agenda, feeds=feeds, learning=learning.learning_view)
_env.filters["how_to_write"] = how_to_write  # the guide's wording, shared with the template


def _relative(page_url: str):
    base = page_url.rstrip("/") if page_url.endswith("/") else posixpath.dirname(page_url)
    base_parts = base.split("/") if base else []

    def href(target: str) -> str:
        """A link from the current page to a site path like ``courses/c001/``.

        Plain string work on site paths (no ``..`` in them): ``posixpath.relpath``
        asks the operating system for the working folder twice per link.
        """
        if not base:
            return target or "./"
        parts = [p for p in target.split("/") if p]
        common = 0
        for mine, theirs in zip(base_parts, parts, strict=False):
            if mine != theirs:
                break
            common += 1
        path = "/".join([".."] * (len(base_parts) - common) + parts[common:]) or "."
        return path + "/" if target.endswith("/") and not path.endswith("/") else path

    return href


# A path step looks the same on every page that links to its course by the same
# relative URL, and one step shows on many division pages: each is rendered once
# per site and kept beside it (weakly, so a rebuild in `manabi serve` starts afresh).
_rendered_steps: weakref.WeakKeyDictionary[Site, dict[tuple[int, str, bool, bool], Markup]] = (
    weakref.WeakKeyDictionary()
)


def _step_items(site: Site, href: Any):
    done = _rendered_steps.setdefault(site, {})
    step = _env.get_template("_parts.html").module.step  # type: ignore[attr-defined]

    def step_items(steps: list[Step], show_area: bool, checklist: bool) -> Markup:
        """The ``<li>`` of each step, with its course linked from the current page."""
        items = []
        for s in steps:
            link = href(page_path("course", s.course["id"]))
            key = (id(s), link, show_area, checklist)  # the site keeps its steps alive
            item = done.get(key)
            if item is None:
                item = done[key] = step(s, link, show_area, checklist)
            items.append(item)
        return Markup("").join(items)

    return step_items


def render(template: str, site: Site, page_url: str, **values: Any) -> Markup:
    """Render a template into one raw HTML block for Markdown to leave alone.

    Blank lines are removed: Python-Markdown ends a raw HTML block there.
    """
    href = _relative(page_url)
    try:
        html = _env.get_template(template).render(
            site=site,
            href=href,
            step_items=_step_items(site, href),
            page_path=page_path,
            tabs=TABS,
            today=agenda.today().isoformat(),  # the build day in Tokyo; scripts use the reader's
            **values,
        )
    except TemplateSyntaxError as exc:
        # Workaround: mkdocs-macros formats any TemplateSyntaxError against the
        # *page's* Markdown and crashes (IndexError) when the error is in another
        # file, hiding where it is. Re-raised as our own error, it is reported.
        raise TemplateError(f"{exc.name or template} の {exc.lineno} 行目: {exc.message}") from None
    return Markup(_BLANK_LINES.sub("\n", html).strip() + "\n")


def page_path(kind: str, id_: str) -> str:
    """The site path of a generated page: ``divisions/kita/``."""
    return f"{PAGE_KINDS[kind].folder}/{id_}/"


def render_page(site: Site, kind: str, id_: str, page_url: str) -> Markup:
    record = record_of(site, kind, id_)
    return render(PAGE_KINDS[kind].template, site, page_url, **{kind: record})
