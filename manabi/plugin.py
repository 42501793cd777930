"""The MkDocs plugin: loads the snapshot, adds the generated pages and feeds, sets titles.

Generated pages are virtual files (never written into ``docs/``) whose
source is front matter only; their HTML body is rendered here, after
Markdown, which has nothing to do for them (and mkdocs-macros is told by
``render_macros: false`` to leave them alone). Their
titles come from spreadsheet text, so they are set only after mkdocs-macros
has run (which would otherwise treat ``{{`` in a title as Jinja) and are
handed to the theme already escaped.

The site's address (``site_url``: sitemap, canonical links, a 404 page that
finds its assets under a sub-path) is the 設定 tab's サイトURL, or
``MANABI_SITE_URL`` when set (CI, a test server); without one the site has
no sitemap, rather than an empty one.

Every built site carries ``manabi-build.json`` (which snapshot, read when,
by which version): ``manabi deploy`` checks it before publishing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from manabi import __version__, feeds, kinds, pages, snapshot, theme
from manabi.deploy import BUILD_MANIFEST
from manabi.errors import ManabiError
from manabi.model import Site
from manabi.standards import nav
from manabi.stats import store

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

SITE_URL_VARIABLE = "MANABI_SITE_URL"
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def site_address(settings: Mapping[str, object], environ: Mapping[str, str] = os.environ) -> str:
    """The site's address: ``MANABI_SITE_URL`` when set, else the sheet's サイトURL, else ``""``.

    The variable passes the sheet's rule (``kinds.SITE_URL``); the sheet's
    value already did when it was read.
    """
    named = environ.get(SITE_URL_VARIABLE, "").strip()
    if not named:
        return str(settings.get("site_url") or "")
    try:
        return str(kinds.SITE_URL.parse(named))
    except kinds.Invalid as exc:
        raise PluginError(f"環境変数 {SITE_URL_VARIABLE} の値が使えません: {exc}") from None


def inputs_fingerprint(config: MkDocsConfig) -> str:
    """A hash of everything besides the data that shapes the site.

    The config file, the hand-written pages, theme overrides, the macros module
    and this package's code and templates: a site built from the same data but
    older templates is not current.
    """
    root = Path(config.config_file_path).parent
    folders = [Path(config.docs_dir), root / "macros", Path(__file__).parent]
    if config.theme.custom_dir:
        folders.append(Path(config.theme.custom_dir))
    digest = hashlib.sha256(Path(config.config_file_path).read_bytes())
    digest.update(os.environ.get(SITE_URL_VARIABLE, "").strip().encode())  # the address
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class ManabiConfig(base.Config):
    data_dir = opt.Type(str, default="data")


class ManabiPlugin(BasePlugin[ManabiConfig]):
    site: Site | None = None
    snapshot: snapshot.Snapshot | None = None
    data_dir: Path = Path("data")

    @event_priority(100)  # before mkdocs-macros, whose macros read self.site
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        data_dir = Path(self.config.data_dir)
        if not data_dir.is_absolute():
            data_dir = Path(config.config_file_path).parent / data_dir
        self.data_dir = data_dir
        try:
            self.snapshot = snapshot.load(data_dir)
            records = store.load_all(data_dir)
        except ManabiError as exc:
            raise PluginError(str(exc)) from None
        self.site = Site(self.snapshot.data, learning=records)
        config.nav = nav.without_empty_index(config.nav, bool(self.site.standards))
        # The theme prints site_name unescaped in places; Markup keeps `| e` from doubling.
        config.site_name = Markup(escape(self.site.settings["site_name"]))
        config.site_url = site_address(self.site.settings) or config.site_url
        # "最終更新" under every page (overrides/main.html escapes it): when the data last changed.
        read_at = self.snapshot.manifest.get("read_at")
        config.extra["manabi_updated"] = pages.datetime_ja(read_at)
        config.extra["manabi_updated_iso"] = str(read_at or "")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for page in pages.generated_pages(self.site):
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(
                    f"docs/{page.src_uri} は自動で作るページと同じ場所です。別の名前にしてください。"
                )
            files.append(File.generated(config, page.src_uri, content=page.source))
        assert self.snapshot is not None
        # Calendar feeds are virtual static files: written by the build, served by `serve`.
        for path, content in feeds.calendar_files(
            self.site, feeds.stamp_of(self.snapshot.manifest)
        ).items():
            files.append(File.generated(config, path, content=content))
        return files

    @event_priority(-100)  # after mkdocs-macros has rendered the page body
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        kind, id_ = page.meta.get("manabi_kind"), page.meta.get("manabi_id")
        if kind is not None:
            assert self.site is not None
            page.meta["title"] = Markup(escape(pages.title_of(self.site, kind, id_)))
            page.meta["description"] = Markup(escape(pages.description_of(self.site, kind, id_)))
        return markdown

    @event_priority(100)  # first, so that other plugins see the page's HTML
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The body of a generated page, put in after Markdown (its source is front matter only).

        It is one raw HTML block that Python-Markdown would only pass through,
        after parsing it tag by tag: at 100× the sample that parsing was a third
        of the build. Every page, generated or written, gets its skip-link
        target; a table in a written page gets a keyboard-reachable region.
        """
        kind, id_ = page.meta.get("manabi_kind"), page.meta.get("manabi_id")
        if kind is not None:
            assert self.site is not None
            html = pages.render_page(self.site, kind, id_, page.url).rstrip("\n")
        else:
            html = theme.wrap_tables(html)
            theme.complete_toc(page, html)
        theme.add_skip_target(page, html)
        return html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return theme.drop_checkbox_autocomplete(output)

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if template_name.endswith(".html"):  # 404.html: Material's page template, no Page
            return theme.drop_checkbox_autocomplete(output_content)
        return output_content

    @event_priority(-100)  # after Material's search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.snapshot is not None
        build = {
            "snapshot_hash": self.snapshot.hash,
            "stats_hash": store.fingerprint(self.data_dir),
            "read_at": self.snapshot.manifest.get("read_at"),
            "version": __version__,
            "inputs_hash": inputs_fingerprint(config),
            "built_at": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        }
        text = json.dumps(build, ensure_ascii=False, indent=2) + "\n"
        (Path(config.site_dir) / BUILD_MANIFEST).write_text(text, encoding="utf-8")
        if not config.site_url:  # a sitemap without addresses lists no page: publish none
            for name in SITEMAPS:
                (Path(config.site_dir) / name).unlink(missing_ok=True)
        sizes = theme.compact_search_index(Path(config.site_dir))
        if sizes:
            log.debug("search index: %d bytes → %d bytes", *sizes)
