"""A page per author (every paper, name variants merged) and the index of authors."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from anyascii import anyascii

from afkb.authors import Author, authors_of
from afkb.render.indexes import index_page

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.render.page import GeneratedPage

AUTHORS_DIR = "authors"


def author_path(author: Author) -> str:
    return f"{AUTHORS_DIR}/{author.slug}.md"


def _sort_key(author: Author) -> tuple[str, str]:
    return (anyascii(author.family).lower(), anyascii(author.name).lower())


def author_pages(ctx: SiteContext) -> list[GeneratedPage]:
    people = sorted(ctx.authors.values(), key=_sort_key)
    pages = []
    for person in people:
        entries = sorted(person.entries, key=lambda e: (-e.year, e.title.lower()))
        pages.append(
            index_page(
                author_path(person),
                person.name,
                "author.md",
                search=False,
                author=person,
                entries=entries,
                variants=sorted(v for v in person.variants if v != person.name),
            )
        )
    letters = [
        (letter, list(group)) for letter, group in groupby(people, key=lambda p: (_sort_key(p)[0][:1] or "#").upper())
    ]
    pages.append(
        index_page(
            f"{AUTHORS_DIR}/index.md",
            "Authors",
            "authors_index.md",
            search=False,
            letters=letters,
            total=len(people),
            author_path=author_path,
        )
    )
    return pages


__all__ = ["AUTHORS_DIR", "author_pages", "author_path", "authors_of"]
