"""The MkDocs plugin: loads the snapshot, adds the generated pages, sets their titles.

Generated pages are virtual files (never written into ``docs/``) whose
source is front matter only; their HTML body is rendered here, after
Markdown, which has nothing to do for them (and mkdocs-macros is told by
``render_macros: false`` to leave them alone). Their
titles come from spreadsheet text, so they are set only after mkdocs-macros
has run (which would otherwise treat ``{{`` in a title as Jinja) and are
handed to the theme already escaped.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from manabi import pages, snapshot
from manabi.errors import ManabiError
from manabi.model import Site

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class ManabiConfig(base.Config):
    data_dir = opt.Type(str, default="data")


class ManabiPlugin(BasePlugin[ManabiConfig]):
    site: Site | None = None
    snapshot: snapshot.Snapshot | None = None

    @event_priority(100)  # before mkdocs-macros, whose macros read self.site
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        data_dir = Path(self.config.data_dir)
        if not data_dir.is_absolute():
            data_dir = Path(config.config_file_path).parent / data_dir
        try:
            self.snapshot = snapshot.load(data_dir)
        except ManabiError as exc:
            raise PluginError(str(exc)) from None
        self.site = Site(self.snapshot.data)
        # The theme prints site_name unescaped in places; Markup keeps `| e` from doubling.
        config.site_name = Markup(escape(self.site.settings["site_name"]))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        for page in pages.generated_pages(self.site):
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(
                    f"docs/{page.src_uri} は自動で作るページと同じ場所です。別の名前にしてください。"
                )
            files.append(File.generated(config, page.src_uri, content=page.source))
        return files

    @event_priority(-100)  # after mkdocs-macros has rendered the page body
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        kind, id_ = page.meta.get("manabi_kind"), page.meta.get("manabi_id")
        if kind is not None:
            assert self.site is not None
            page.meta["title"] = Markup(escape(pages.title_of(self.site, kind, id_)))
        return markdown

    @event_priority(100)  # first, so that other plugins see the page's HTML
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The body of a generated page, put in after Markdown (its source is front matter only).

        It is one raw HTML block that Python-Markdown would only pass through,
        after parsing it tag by tag: at 100× the sample that parsing was a third
        of the build.
        """
        kind, id_ = page.meta.get("manabi_kind"), page.meta.get("manabi_id")
        if kind is not None:
            assert self.site is not None
            return pages.render_page(self.site, kind, id_, page.url).rstrip("\n")
        return html
