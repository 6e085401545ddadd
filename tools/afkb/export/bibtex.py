"""BibTeX and BibLaTeX, written through bibtexparser 2.

Every value is escaped for LaTeX, so contributor text can never run a LaTeX
command; acronyms in titles are braced so styles keep their capitals.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import bibtexparser
from bibtexparser import model

from afkb.uri import as_uri

if TYPE_CHECKING:
    from collections.abc import Iterable

    from afkb.schema import Entry

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash, so \{ could unbalance a field: use commands.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")
# A whole ASCII word (not part of a longer word or an escape). One start per word and no nested
# quantifiers, so matching stays linear however long the word (an older pattern was cubic).
_WORD_RE = re.compile(r"(?<![\w\\])([A-Za-z0-9]+)(?!\w)")
_SPACE_RE = re.compile(r"\s+")

BIBTEX_TYPES = {
    "conference": "inproceedings",
    "workshop": "inproceedings",
    "journal": "article",
    "report": "techreport",
    "preprint": "misc",
}
BIBLATEX_TYPES = {
    "conference": "inproceedings",
    "workshop": "inproceedings",
    "journal": "article",
    "report": "report",
    "preprint": "online",
}


# Text with no special character and only single spaces between words needs no work (most names).
_ALREADY_SAFE_RE = re.compile(r"[^\\{}&%$#_~^\s]+(?: [^\\{}&%$#_~^\s]+)*")
_AND_RE = re.compile(r"(?i)(^|\s)and(\s|$)")


def escape_latex(text: str) -> str:
    """Escape every LaTeX special character; line breaks become spaces."""
    if _ALREADY_SAFE_RE.fullmatch(text):
        return text
    text = _SPACE_RE.sub(" ", text).strip()
    return _SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], text)


def protect_title(text: str) -> str:
    """Escape a title and brace words with inner capitals (LLM, GPT-4, LoRA) against lower-casing."""
    escaped = escape_latex(text)
    # Acronym detection runs on the escaped text; escapes start with a backslash and are skipped.
    return _WORD_RE.sub(lambda m: "{" + m.group(1) + "}" if _has_inner_capital(m.group(1)) else m.group(1), escaped)


def _has_inner_capital(word: str) -> bool:
    return any(c.isupper() for c in word[1:])


# A list of names (joined by NUL, which entries cannot contain) that needs no per-name work:
# no LaTeX special, only single spaces inside names, no empty name. It must still not contain
# the separate word "and", which is checked on its words.
_PLAIN_NAMES_RE = re.compile(r"[^\\{}&%$#_~^\s\x00]+(?:[ \x00][^\\{}&%$#_~^\s\x00]+)*")


def _authors(names: tuple[str, ...]) -> str:
    """BibTeX's author list; names that need no escaping or bracing (most) are joined as they are."""
    joined = "\x00".join(names)
    if _PLAIN_NAMES_RE.fullmatch(joined) and "and" not in joined.lower().replace("\x00", " ").split(" "):
        return " and ".join(names)
    return " and ".join(_author(a) for a in names)


def _author(name: str) -> str:
    """One author; a name containing the word 'and' is braced so BibTeX keeps it whole."""
    escaped = escape_latex(name)
    return "{" + escaped + "}" if _AND_RE.search(escaped) else escaped


_CONTAINER_FIELD = {"inproceedings": "booktitle", "article": "journal"}


def _fields(entry: Entry, *, biblatex: bool) -> list[model.Field]:
    fields: list[tuple[str, str]] = [
        ("title", protect_title(entry.title)),
        ("author", _authors(entry.authors)),
        ("year", str(entry.year)),
    ]
    container = _CONTAINER_FIELD.get((BIBLATEX_TYPES if biblatex else BIBTEX_TYPES)[entry.venue_type])
    if container:
        fields.append((container, escape_latex(entry.venue)))
    elif entry.venue_type == "report":
        fields.append(("institution", escape_latex(entry.venue)))
    elif not entry.arxiv:
        fields.append(("howpublished", escape_latex(entry.venue)))
    if entry.arxiv:
        fields.append(("eprint", entry.arxiv))
        fields.append(("archiveprefix" if not biblatex else "eprinttype", "arXiv"))
    if entry.doi:
        fields.append(("doi", escape_latex(entry.doi)))
    if entry.url:
        # url.sty and biber read the field verbatim: no LaTeX escapes, only URI characters,
        # so no brace or backslash can close the field or reach TeX.
        fields.append(("url", as_uri(entry.url)))
    # Values are enclosed here, so bibtexparser's default unparse middleware (which deep-copies
    # every block) is not needed.
    return [model.Field(key, "{" + value + "}") for key, value in fields]


def to_library(entries: Iterable[Entry], *, biblatex: bool = False) -> bibtexparser.Library:
    types = BIBLATEX_TYPES if biblatex else BIBTEX_TYPES
    # One add of all blocks: bibtexparser checks the keys once, not once per entry.
    return bibtexparser.Library(
        [model.Entry(types[entry.venue_type], entry.id, _fields(entry, biblatex=biblatex)) for entry in entries]
    )


def export_bibtex(entries: Iterable[Entry], *, biblatex: bool = False) -> str:
    """The entries as a BibTeX (or BibLaTeX) file, values enclosed in braces."""
    text = bibtexparser.write_string(to_library(entries, biblatex=biblatex), unparse_stack=[])
    return text.strip() + "\n"
