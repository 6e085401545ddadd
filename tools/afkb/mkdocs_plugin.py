"""The MkDocs plugin: a thin adapter that hands the core's pages and files to MkDocs.

Pages are virtual (``File.generated``); nothing is written into ``docs/``.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import write_file

from afkb.collection import EntriesDirError, load_collection
from afkb.render.html import esc
from afkb.render.search import search_documents
from afkb.site import ASSETS_DIR, SiteContent, build_site_content
from afkb.taxonomy import TAXONOMY_FILE

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.afkb")
THEME_DIR = Path(__file__).with_name("theme")
SLOT_RE = re.compile(r"<!--afkb-slot:([a-z-]+)-->")
GRAPH_LIBRARY = Path("cytoscape/dist/cytoscape.min.js")
ASSET_PREFIX = "assets/afkb"


class AfkbPluginConfig(base.Config):
    entries = c.Type(str, default="entries")
    edit_base_url = c.Type(str, default="")
    node_modules = c.Type(str, default="node_modules")
    anchors = c.ListOfItems(c.Type(str), default=[])


def front_matter(title: str, *, search: bool, wide: bool) -> str:
    """YAML front matter with an HTML-escaped title (MkDocs templates print it unescaped).

    Written by the YAML library itself and read back before use, so no title (emoji, line
    separators, quotes) can make MkDocs drop the front matter and read it as Markdown.
    """
    meta: dict[str, object] = {"title": esc(title)}
    if not search:
        meta["search"] = {"exclude": True}
    if wide:
        meta["hide"] = ["navigation", "toc"]
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=2**31 - 1)
    if yaml.safe_load(text) != meta:  # pragma: no cover - a PyYAML bug, not an input
        raise PluginError(f"front matter for {title!r} does not read back")
    return f"---\n{text}---\n"


class AfkbPlugin(BasePlugin[AfkbPluginConfig]):
    def __init__(self) -> None:
        self.content: SiteContent | None = None
        self.page_slots: dict[str, dict[str, str]] = {}
        self.page_head: dict[str, str] = {}
        self.search_documents: list[dict[str, object]] = []

    def _path(self, config: MkDocsConfig, value: str) -> Path:
        return (Path(config.config_file_path).parent / value).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.theme.dirs.insert(0, str(THEME_DIR))
        config.extra_css.append(f"{ASSET_PREFIX}/afkb.css")
        config.extra_javascript.append(f"{ASSET_PREFIX}/afkb.js")
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        entries_dir = self._path(config, self.config.entries)
        try:
            collection = load_collection(entries_dir)
        except EntriesDirError as error:
            raise PluginError(str(error)) from None
        if not collection.ok:
            for problem in collection.problems:
                log.error(str(problem))
            msg = f"{len(collection.problems)} problems in {entries_dir}; run `afkb validate`"
            raise PluginError(msg)
        log.info("afkb: %d entries loaded", len(collection.entries))
        self.content = build_site_content(collection, self.config.edit_base_url, list(self.config.anchors))
        self.page_slots = {}
        self.page_head = {}
        self.search_documents = []
        for page in self.content.pages:
            text = front_matter(page.title, search=page.search, wide=page.wide) + page.markdown
            generated = File.generated(config, page.path, content=text)
            if page.source:
                generated.edit_uri = None
            files.append(generated)
            self.page_slots[page.path] = page.slots
            self.page_head[page.path] = page.head
            self.search_documents += search_documents(generated.url, page.search_records)
        for path, data in self.content.files.items():
            files.append(File.generated(config, path, content=data))
        for asset in sorted(ASSETS_DIR.iterdir()):
            files.append(File.generated(config, f"{ASSET_PREFIX}/{asset.name}", abs_src_path=str(asset)))
        library = self._path(config, self.config.node_modules) / GRAPH_LIBRARY
        if not library.is_file():
            msg = f"{library} is missing; run `npm ci` (make setup does) to install the site's JavaScript"
            raise PluginError(msg)
        files.append(File.generated(config, f"{ASSET_PREFIX}/cytoscape.min.js", abs_src_path=str(library)))
        log.info("afkb: %d pages and %d downloads generated", len(self.content.pages), len(self.content.files))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        head = self.page_head.get(page.file.src_uri)
        if head:
            page.meta["afkb_head"] = head
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        slots = self.page_slots.get(page.file.src_uri)
        if slots is None:
            slots = self.content.slots if self.content else {}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in slots:
                log.warning("afkb: %s has no content for slot '%s'", page.file.src_uri, name)
                return ""
            return slots[name]

        return SLOT_RE.sub(fill, html)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        index_path = Path(config.site_dir) / "search" / "search_index.json"
        if not self.search_documents or not index_path.is_file():
            return  # search is off: nothing to add to
        index = json.loads(index_path.read_text(encoding="utf-8"))
        index["docs"].extend(self.search_documents)
        write_file(json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), str(index_path))

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(str(self._path(config, self.config.entries)))
        server.watch(str(TAXONOMY_FILE))
        return server
