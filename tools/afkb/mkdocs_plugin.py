"""The MkDocs plugin: a thin adapter that hands the core's site source to MkDocs virtually.

The pages, downloads and assets are the same files that ``afkb pages --out DIR`` writes;
here they are ``File.generated`` (nothing is written into ``docs/``), so ``mkdocs serve``
rebuilds them when an entry changes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from afkb.collection import load_collection
from afkb.errors import AfkbError
from afkb.sitesource import SCRIPTS, STYLESHEETS, THEME_DIR, site_files
from afkb.taxonomy import TAXONOMY_FILE

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.afkb")


class AfkbPluginConfig(base.Config):
    entries = c.Type(str, default="entries")
    edit_base_url = c.Type(str, default="")
    node_modules = c.Type(str, default="node_modules")
    anchors = c.ListOfItems(c.Type(str), default=[])


class AfkbPlugin(BasePlugin[AfkbPluginConfig]):
    def _path(self, config: MkDocsConfig, value: str) -> Path:
        return (Path(config.config_file_path).parent / value).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config.theme.dirs.insert(0, str(THEME_DIR))
        config.extra_css.extend(STYLESHEETS)
        config.extra_javascript.extend(SCRIPTS)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        entries_dir = self._path(config, self.config.entries)
        try:
            collection = load_collection(entries_dir)
        except AfkbError as error:
            raise PluginError(str(error)) from None
        if not collection.ok:
            for problem in collection.problems:
                log.error(str(problem))
            msg = f"{len(collection.problems)} problems in {entries_dir}; run `afkb validate`"
            raise PluginError(msg)
        try:
            generated = site_files(
                collection,
                self._path(config, self.config.node_modules),
                edit_base_url=self.config.edit_base_url,
                anchors=list(self.config.anchors),
                site_url=config.site_url or "",
            )
        except AfkbError as error:
            raise PluginError(str(error)) from None
        for path, data in generated.items():
            if isinstance(data, Path):
                file = File.generated(config, path, abs_src_path=str(data))
            else:
                file = File.generated(config, path, content=data)
            file.edit_uri = None  # no file in docs/ to edit: an entry's page links its own source
            files.append(file)
        log.info("afkb: %d entries, %d generated files", len(collection.entries), len(generated))
        return files

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        server.watch(str(self._path(config, self.config.entries)))
        server.watch(str(TAXONOMY_FILE))
        return server
