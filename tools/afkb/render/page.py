"""A generated page: its place, its title, its Markdown and its front matter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import markupsafe
import yaml

from afkb.errors import AfkbError

_DUMPER = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper
_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


@dataclass(slots=True)
class GeneratedPage:
    """A complete Markdown page: HTML blocks for everything made from entries, no slots."""

    path: str  # relative to the docs directory, e.g. papers/zhou2024emulated.md
    title: str  # plain text
    markdown: str
    search: bool = True  # False: left out of the builder's search index
    search_boost: float | None = None  # rank in search, where the builder supports it
    wide: bool = False  # hide the side navigation and table of contents
    meta_tags: list[tuple[str, str]] = field(default_factory=list)  # <meta name content> for the head
    property_tags: list[tuple[str, str]] = field(default_factory=list)  # <meta property content>: OpenGraph
    description: str | None = None  # the page's meta description

    def front_matter(self) -> dict[str, Any]:
        """The page's YAML front matter. The title is HTML-escaped: MkDocs themes print it as is."""
        meta: dict[str, Any] = {"title": str(markupsafe.escape(self.title))}
        if not self.search:
            meta["search"] = {"exclude": True}
        elif self.search_boost is not None:
            meta["search"] = {"boost": self.search_boost}
        if self.wide:
            meta["hide"] = ["navigation", "toc"]
        if self.description:
            meta["description"] = self.description
        if self.meta_tags:  # [name, content] pairs: few YAML nodes, since builders parse front matter slowly
            meta["afkb_meta"] = [[name, content] for name, content in self.meta_tags]
        if self.property_tags:
            meta["afkb_property"] = [[name, content] for name, content in self.property_tags]
        return meta

    def source_text(self) -> str:
        """Front matter and Markdown, as a file a builder reads.

        The front matter is written by PyYAML and read back before use, so no title (an emoji,
        a line separator, quotes) can make a builder drop it and read it as Markdown.
        """
        meta = self.front_matter()
        text = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=2**31 - 1)
        if yaml.load(text, Loader=_LOADER) != meta:  # noqa: S506 - a safe loader; a PyYAML bug, not an input
            raise AfkbError(f"{self.path}: front matter does not read back")
        return f"---\n{text}---\n\n{self.markdown}"
