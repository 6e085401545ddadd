"""What page renderers need to know about the whole collection, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from afkb.authors import Author, author_key, authors_of
from afkb.export.bibtex import export_bibtex
from afkb.graph import build_graph, incoming, outgoing

if TYPE_CHECKING:
    import networkx as nx

    from afkb.collection import Collection
    from afkb.schema import Entry
    from afkb.taxonomy import Taxonomy


@dataclass(slots=True)
class SiteContext:
    collection: Collection
    edit_base_url: str = ""
    site_url: str = ""
    graph: nx.MultiDiGraph[str] = field(init=False)
    authors: dict[str, Author] = field(init=False)
    _bibtex: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.graph = build_graph(self.collection.entries.values())
        self.authors = authors_of(self.collection.sorted_entries())

    def bibtex(self, entry: Entry) -> str:
        """The entry's BibTeX, made once for the cite box and the download."""
        if entry.id not in self._bibtex:
            self._bibtex[entry.id] = export_bibtex([entry])
        return self._bibtex[entry.id]

    @property
    def taxonomy(self) -> Taxonomy:
        return self.collection.taxonomy

    def incoming(self, entry_id: str) -> list[tuple[str, str]]:
        return incoming(self.graph, entry_id)

    def outgoing(self, entry_id: str) -> list[tuple[str, str]]:
        return outgoing(self.graph, entry_id)

    def author_of(self, printed: str) -> Author:
        return self.authors[author_key(printed)]

    def relation_label(self, rel_type: str) -> str:
        return rel_type.replace("-", " ").capitalize()
