"""BibTeX and BibLaTeX, written through bibtexparser 2.

Every value is escaped for LaTeX, so contributor text can never run a LaTeX
command; acronyms in titles are braced so styles keep their capitals.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import bibtexparser
from bibtexparser import model

from afkb.export import venue_without_year
from afkb.export.titles import split_title
from afkb.names import author_names
from afkb.uri import as_uri

if TYPE_CHECKING:
    from collections.abc import Iterable

    from afkb.names import PersonName
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
    "preprint": "misc",  # like BibTeX's; pandoc reads @online as a web page and prints its year twice
}


# Text with no special character and only single spaces between words needs no work (most names).
_ALREADY_SAFE_RE = re.compile(r"[^\\{}&%$#_~^\s]+(?: [^\\{}&%$#_~^\s]+)*")
_WORD_INITIAL_NON_ASCII = re.compile(r"(?<![^\s-])([^\x00-\x7f])")
_AND_RE = re.compile(r"(?i)(^|\s)and(\s|$)")


def escape_latex(text: str) -> str:
    """Escape every LaTeX special character; line breaks become spaces."""
    if _ALREADY_SAFE_RE.fullmatch(text):
        return text
    text = _SPACE_RE.sub(" ", text).strip()
    return _SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], text)


def protect_title(text: str) -> str:
    """Escape a title and brace what sentence-case styles must not lowercase (see ``titles``)."""
    title = _SPACE_RE.sub(" ", text).strip()
    runs = split_title(title)
    return "".join("{" + _escape_specials(run) + "}" if protected else _escape_specials(run) for run, protected in runs)


def _escape_specials(text: str) -> str:
    return _SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], text)


def _name_part(text: str, *, abbreviable: bool = False) -> str:
    """One part of a name, escaped; in given names a word whose first letter is not ASCII gets it
    as ``{\\relax Ł}ukasz``, so abbreviating styles cut it whole ("Ł.") and never mid-character."""
    escaped = escape_latex(text)
    if not abbreviable or escaped.isascii():
        return escaped
    return _WORD_INITIAL_NON_ASCII.sub(r"{\\relax \1}", escaped)


def _braced_if_needed(part: str, *, several_words: bool = False) -> str:
    """A name part BibTeX must take whole: one with a comma, the word 'and', or (for a family
    name) several words."""
    if "," in part or _AND_RE.search(part) or (several_words and " " in part):
        return "{" + part + "}"
    return part


def bibtex_name(name: PersonName) -> str:
    """A name as BibTeX reads it unambiguously: "von Last, Jr., First", an organisation braced."""
    if name.literal:
        return "{" + escape_latex(name.literal) + "}"
    last = _braced_if_needed(_name_part(name.family), several_words=True)
    if name.particle:
        last = f"{_braced_if_needed(escape_latex(name.particle))} {last}"
    parts = [last]
    if name.suffix:
        parts.append(_braced_if_needed(escape_latex(name.suffix)))
    if name.given:
        parts.append(_braced_if_needed(_name_part(name.given, abbreviable=True)))
    return ", ".join(parts)


_CONTAINER_FIELD = {"inproceedings": "booktitle", "article": "journal"}


def _fields(entry: Entry, *, biblatex: bool) -> list[model.Field]:
    names = author_names(entry)
    fields: list[tuple[str, str]] = [
        ("title", protect_title(entry.title)),
        ("author", " and ".join(bibtex_name(name) for name in names)),
        ("year", str(entry.year)),
    ]
    container = _CONTAINER_FIELD.get((BIBLATEX_TYPES if biblatex else BIBTEX_TYPES)[entry.venue_type])
    venue = escape_latex(venue_without_year(entry))
    if container:
        fields.append((container, venue))
    elif entry.venue_type == "report":
        fields.append(("institution", venue))
    elif entry.arxiv:
        # plain and natbib styles print howpublished for @misc, and nothing of eprint
        fields.append(("howpublished", f"arXiv preprint arXiv:{entry.arxiv}"))
    elif not entry.arxiv:
        fields.append(("howpublished", venue))
    if entry.arxiv:
        fields.append(("eprint", entry.arxiv))
        fields.append(("archiveprefix" if not biblatex else "eprinttype", "arXiv"))
    if entry.doi:
        # DOIs are printed by url.sty-style commands (\doi, \url): verbatim, URI characters only
        fields.append(("doi", as_uri(entry.doi)))
    if entry.url:
        # url.sty and biber read the field verbatim: no LaTeX escapes, only URI characters,
        # so no brace or backslash can close the field or reach TeX.
        fields.append(("url", as_uri(entry.url)))
    if any(name.particle for name in names):
        # "van der Weij" is cited with its particle, as CSL's non-dropping-particle says;
        # biblatex and pandoc read this option, classic BibTeX styles ignore the field.
        fields.append(("options", "useprefix=true"))
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
