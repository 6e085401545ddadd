"""What the metadata services say about one paper, cleaned and checked before it can reach an entry."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from afkb.tracking.http import ServiceError

if TYPE_CHECKING:
    import datetime as dt

MAX_AUTHORS = 500
MAX_TITLE = 500
# Inline formatting that Crossref and arXiv titles legitimately carry (JATS, MathML, HTML).
_FORMATTING = re.compile(r"</?(?:i|b|em|strong|sub|sup|scp|u|tt|jats:[a-z]+|mml:[a-z]+)(?:\s[^<>]*)?/?>", re.IGNORECASE)
_CODE_HOSTS = r"(?:github\.com|gitlab\.com|huggingface\.co|bitbucket\.org|codeberg\.org)"
_CODE_URL = re.compile(rf"https?://(?:www\.)?{_CODE_HOSTS}/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


@dataclass
class PaperRecord:
    """A paper's bibliographic fields as the services gave them, with which service gave each."""

    title: str
    authors: tuple[str, ...]
    year: int | None = None  # of the version cited
    first_year: int | None = None  # of the first public version (for the id)
    venue: str | None = None
    venue_type: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None
    code: str | None = None
    version: int | None = None  # latest arXiv version
    revised: dt.date | None = None  # when the latest arXiv version appeared
    name_structure: list[dict[str, str]] = field(default_factory=list)  # given/family per author, if known
    sources: dict[str, str] = field(default_factory=dict)  # field -> service

    def filled(self, service: str, *names: str) -> None:
        for name in names:
            if getattr(self, name) not in (None, ()):
                self.sources.setdefault(name, service)


def clean_text(value: object, service: str, ident: str, what: str) -> str:
    """One line of plain text from a service: whitespace collapsed, inline formatting dropped.
    Anything else that looks like markup is refused rather than passed on."""
    if not isinstance(value, str):
        raise ServiceError(service, ident, f"answered a {what} that is not text")
    text = unicodedata.normalize("NFC", _FORMATTING.sub("", value))
    text = " ".join(text.split())
    if re.search(r"<[A-Za-z/!?]", text):
        raise ServiceError(service, ident, f"answered a {what} with markup in it")
    if not text:
        raise ServiceError(service, ident, f"answered an empty {what}")
    if len(text) > MAX_TITLE:
        raise ServiceError(service, ident, f"answered a {what} of {len(text)} characters")
    return text


def clean_authors(names: list[object], service: str, ident: str) -> tuple[str, ...]:
    if not names:
        raise ServiceError(service, ident, "answered no authors")
    if len(names) > MAX_AUTHORS:
        raise ServiceError(service, ident, f"answered {len(names)} authors, more than {MAX_AUTHORS}")
    return tuple(clean_text(name, service, ident, "author name") for name in names)


def code_url(*texts: str | None) -> str | None:
    """The first code repository URL named in an arXiv comment or abstract."""
    for text in texts:
        match = _CODE_URL.search(text or "")
        if match:
            return match.group(0).rstrip(".").removesuffix(".git")
    return None
