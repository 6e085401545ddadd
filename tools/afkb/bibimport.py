"""BibTeX as found in the wild -> the bibliographic part of new entries."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import bibtexparser
from anyascii import anyascii
from bibtexparser import middlewares

from afkb.errors import AfkbError
from afkb.graph import normalise_title
from afkb.problems import for_terminal

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from afkb.schema import Entry

STOP_WORDS = {"a", "an", "the", "on", "of", "are", "do", "is", "how", "in", "to", "for", "and", "when", "why", "what"}


@dataclass(frozen=True, slots=True)
class BibRecord:
    """What a BibTeX record says about a paper, cleaned of LaTeX."""

    key: str
    line: int
    title: str
    authors: tuple[str, ...]
    year: int | None
    venue: str | None
    venue_type: str
    arxiv: str | None
    doi: str | None
    url: str | None
    truncated_authors: bool = False


@dataclass(slots=True)
class BibParseResult:
    records: list[BibRecord] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def _clean(text: str) -> str:
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def _name(person: object) -> str:
    first = " ".join(getattr(person, "first", []))
    von = " ".join(getattr(person, "von", []))
    last = " ".join(getattr(person, "last", []))
    jr = " ".join(getattr(person, "jr", []))
    return _clean(" ".join(p for p in (first, von, last) if p) + (f", {jr}" if jr else ""))


def _arxiv_id(fields: dict[str, str]) -> str | None:
    eprint = fields.get("eprint", "")
    candidates = [
        eprint,
        fields.get("journal", ""),
        fields.get("url", ""),
        fields.get("note", ""),
        fields.get("volume", ""),
    ]
    for text in candidates:
        match = re.search(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?", text)
        if match and ("arxiv" in text.lower() or text is eprint):
            return match.group(1)
    return None


def _venue(entry_type: str, fields: dict[str, str]) -> tuple[str | None, str]:
    venue = fields.get("booktitle") or fields.get("journal") or fields.get("institution") or fields.get("publisher")
    venue = _clean(venue) if venue else None
    if venue and re.search(r"arxiv|corr|preprint", venue, re.IGNORECASE):
        return "arXiv preprint", "preprint"
    kind = {
        "inproceedings": "conference",
        "conference": "conference",
        "article": "journal",
        "techreport": "report",
    }.get(entry_type.lower(), "preprint")
    if venue is None:
        return ("arXiv preprint" if kind == "preprint" else None), kind
    if kind == "conference" and re.search(r"workshop", venue, re.IGNORECASE):
        kind = "workshop"
    return venue, kind


MAX_BIB_BYTES = 8 * 1024 * 1024
ID_PART_MAX = 30  # a family name or first word longer than this is cut, so ids stay short
MAX_FIELD_CHARS = 20_000  # far above any real title or author list; LaTeX decoding is slow on more


def read_bibtex(path: Path) -> str:
    """A BibTeX file's text; a file that is too large or not UTF-8 is an :class:`AfkbError`."""
    shown = for_terminal(str(path))
    data = path.read_bytes()
    if len(data) > MAX_BIB_BYTES:
        raise AfkbError(f"{shown}: {len(data)} bytes; BibTeX files of at most {MAX_BIB_BYTES} bytes are read")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise AfkbError(f"{shown}:{line}: not UTF-8 text (byte {error.start}); save the file as UTF-8") from None


def parse_bibtex(text: str) -> BibParseResult:
    """Parse BibTeX with @string macros, month macros, LaTeX accents and comments."""
    quiet = logging.getLogger("bibtexparser")
    previous = quiet.level
    quiet.setLevel(logging.CRITICAL)  # failures are reported below, with their line
    try:
        library, oversized = _parse(text)
    finally:
        quiet.setLevel(previous)
    result = _records(library)
    result.failures += oversized
    result.failures.sort()
    return result


_MIDDLEWARES = (
    middlewares.MonthIntMiddleware,
    middlewares.LatexDecodingMiddleware,
    middlewares.SeparateCoAuthors,
    middlewares.SplitNameParts,
)


def _parse(text: str) -> tuple[bibtexparser.Library, list[tuple[int, str]]]:
    """Parse, set aside records with an over-long field, then decode LaTeX in the rest."""
    library = bibtexparser.parse_string(text)
    oversized: list[tuple[int, str]] = []
    for entry in list(library.entries):
        long_field = next((f.key for f in entry.fields if len(str(f.value)) > MAX_FIELD_CHARS), None)
        if long_field is not None:
            library.remove(entry)
            field_name, key = for_terminal(long_field), for_terminal(entry.key)
            message = f"record '{key}': field '{field_name}' is over {MAX_FIELD_CHARS} characters"
            oversized.append(((entry.start_line or 0) + 1, message))
    for middleware in _MIDDLEWARES:
        library = middleware(allow_inplace_modification=True).transform(library)
    return library, oversized


def _records(library: bibtexparser.Library) -> BibParseResult:
    result = BibParseResult()
    for block in library.failed_blocks:
        error_lines = str(getattr(block, "error", "") or "").strip().splitlines()
        detail = f": {error_lines[-1].strip()}" if error_lines else " (check its braces, quotes and commas)"
        result.failures.append(((block.start_line or 0) + 1, f"unparseable BibTeX record{detail}"))
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields if not isinstance(f.value, list)}
        author_value: object = next((f.value for f in entry.fields if f.key.lower() == "author"), [])
        people = author_value if isinstance(author_value, list) else []
        names = [_name(p) for p in people]
        truncated = bool(names) and names[-1].lower() in {"others", "et al.", "et al"}
        if truncated:
            names = names[:-1]
        title = _clean(fields.get("title", ""))
        if not title:
            line = (entry.start_line or 0) + 1
            result.failures.append((line, f"record '{for_terminal(entry.key)}' has no title"))
            continue
        year_match = re.fullmatch(r"\s*((?:19|20)\d\d)\s*", fields.get("year", ""))
        venue, venue_type = _venue(entry.entry_type, fields)
        doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", fields.get("doi", "").strip()) or None
        url = fields.get("url", "").strip()
        result.records.append(
            BibRecord(
                key=entry.key,
                line=(entry.start_line or 0) + 1,
                title=title,
                authors=tuple(n for n in names if n),
                year=int(year_match.group(1)) if year_match else None,
                venue=venue,
                venue_type=venue_type,
                arxiv=_arxiv_id(fields),
                doi=doi,
                url=url if url.startswith(("http://", "https://")) else None,
                truncated_authors=truncated,
            )
        )
    return result


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters of ``text``, transliterated: "Łukasz" -> "lukasz", "Чжоу" -> "chzhou"."""
    return re.sub(r"[^a-z]", "", anyascii(text).lower())


def suggest_id(authors: tuple[str, ...], year: int | None, title: str) -> str | None:
    """<firstauthorfamily><year><firstword>, from the last word of the first author's name."""
    if not authors or not year:
        return None
    family = ascii_slug(authors[0].split(",")[0].split()[-1]) if authors[0].split() else ""
    words = [ascii_slug(w) for w in re.split(r"[\s:/]+", title)]
    first = next((w for w in words if w and w not in STOP_WORDS), "")
    if not family or not first:
        return None
    return f"{family[:ID_PART_MAX]}{year}{first[:ID_PART_MAX]}"


class Identified(Protocol):
    """What identifies a paper: its arXiv id, DOI and title."""

    @property
    def title(self) -> str: ...
    @property
    def arxiv(self) -> str | None: ...
    @property
    def doi(self) -> str | None: ...


class ExistingEntries:
    """Existing entries indexed by arXiv id, DOI and normalised title, to match records against."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.by_arxiv: dict[str, str] = {}
        self.by_doi: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        for entry in entries:
            if entry.arxiv:
                self.by_arxiv.setdefault(entry.arxiv, entry.id)
            if entry.doi:
                self.by_doi.setdefault(entry.doi.lower(), entry.id)
            if title := normalise_title(entry.title):
                self.by_title.setdefault(title, entry.id)

    def add(self, entry_id: str, record: Identified) -> None:
        """Index a paper just added, so that the same paper given twice is found."""
        if record.arxiv:
            self.by_arxiv.setdefault(record.arxiv, entry_id)
        if record.doi:
            self.by_doi.setdefault(record.doi.lower(), entry_id)
        if title := normalise_title(record.title):
            self.by_title.setdefault(title, entry_id)

    def find(self, record: Identified) -> str | None:
        """The id of an entry describing the same paper: same arXiv id, DOI or normalised title."""
        if record.arxiv and record.arxiv in self.by_arxiv:
            return self.by_arxiv[record.arxiv]
        if record.doi and record.doi.lower() in self.by_doi:
            return self.by_doi[record.doi.lower()]
        title = normalise_title(record.title)
        return self.by_title.get(title) if title else None
