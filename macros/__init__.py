"""The mkdocs-macros face of manabi: thin glue, no logic.

Every macro returns one raw HTML block rendered by ``manabi.pages`` from the
snapshot, escaped there. Hand-written pages call these macros; they never
print a spreadsheet value as Markdown.
Generated pages do not pass through here: the manabi plugin renders them.
"""

from __future__ import annotations

from markupsafe import Markup

from manabi import pages
from manabi.model import Site


def define_env(env) -> None:
    def site() -> Site:
        loaded = env.conf.plugins["manabi"].site
        if loaded is None:  # the manabi plugin must come before macros in mkdocs.yml
            raise RuntimeError("manabi plugin has not loaded the snapshot")
        return loaded

    def part(template: str) -> Markup:
        return pages.render(template, site(), env.page.url)

    @env.macro
    def quota_notice() -> Markup:
        return part("quota.html")

    @env.macro
    def division_picker() -> Markup:
        return part("picker.html")

    @env.macro
    def area_list() -> Markup:
        return part("areas.html")

    @env.macro
    def course_catalogue() -> Markup:
        return part("catalogue.html")

    @env.macro
    def standard_list() -> Markup:
        return part("standards.html")

    @env.macro
    def contact_directory() -> Markup:
        return part("contacts.html")

    @env.macro
    def fill_in_guide() -> Markup:
        return part("guide.html")

    @env.macro
    def update_history() -> Markup:
        history = env.conf.plugins["manabi"].snapshot.history
        return pages.render("history.html", site(), env.page.url, history=history)

    @env.macro
    def event_list() -> Markup:
        return part("events.html")

    @env.macro
    def next_events() -> Markup:
        return part("home_events.html")

    @env.macro
    def letter_archive() -> Markup:
        return part("letters.html")

    @env.macro
    def latest_letter() -> Markup:
        return part("latest_letter.html")

    @env.macro
    def learning_status() -> Markup:
        return part("stats.html")
