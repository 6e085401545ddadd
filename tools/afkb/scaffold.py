"""New entry skeletons, derived from the schema declaration and written with ruamel.yaml:
every field present, each explained by its description, every value to fill in a TODO
placeholder that fails validation until it is replaced."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Protocol

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, PlainScalarString

from afkb.fieldtypes import PLACEHOLDER, Choice, Date, FieldType, Integer, ListOf, Object, Text, field_specs
from afkb.schema import ENTRY_TYPE, Entry

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/entry.schema.json"
MAX_LISTED_CHOICES = 8


def _todo(description: str) -> Any:
    return DoubleQuotedScalarString(f"{PLACEHOLDER}: {description}")


def _choice_hint(choice: Choice) -> str:
    if choice.vocabulary:
        return "see tools/afkb/taxonomy.yaml"
    values = list(choice.values)
    return ", ".join(values) if len(values) <= MAX_LISTED_CHOICES else ", ".join(values[:MAX_LISTED_CHOICES]) + ", ..."


def _placeholder(field_type: FieldType, description: str) -> tuple[Any, str | None]:
    """A value of ``field_type`` that says what to write and fails validation as it stands,
    and a comment to put beside it (the allowed values of a choice)."""
    if isinstance(field_type, Object):
        return _mapping(field_type.cls, nested=True), None
    if isinstance(field_type, ListOf):
        item, comment = _placeholder(field_type.item, description)
        items = CommentedSeq([item])
        if comment:
            items.yaml_add_eol_comment(comment, 0)
        return items, None
    if isinstance(field_type, Choice):
        return PLACEHOLDER, _choice_hint(field_type)
    if isinstance(field_type, Integer):
        return PLACEHOLDER, None
    if isinstance(field_type, Text) and field_type.multiline:
        return LiteralScalarString(f"{PLACEHOLDER}: {description}\n"), None
    return _todo(description), None


def _flow_empty() -> CommentedSeq:
    empty = CommentedSeq()
    empty.fa.set_flow_style()
    return empty


def _mapping(cls: type, *, nested: bool = False) -> CommentedMap:
    node = CommentedMap()
    for name, (spec, required) in field_specs(cls).items():
        if isinstance(spec.type, Date):
            node[name] = dt.datetime.now(tz=dt.UTC).date()
        elif required or nested:
            node[name], comment = _placeholder(spec.type, spec.description)
            if comment:
                node.yaml_add_eol_comment(comment, name)
        elif isinstance(spec.type, ListOf):
            node[name] = _flow_empty()
        else:
            node[name] = None
        if not nested:
            marker = "" if required else " (optional)"
            node.yaml_set_comment_before_after_key(name, before=f"{spec.description}{marker}")
    return node


def _set(node: CommentedMap, key: str, value: Any) -> None:
    """Replace a placeholder, with the comment that listed its choices."""
    node[key] = value
    comments = node.ca.items.get(key)
    if comments is not None and len(comments) > 2:  # noqa: PLR2004 - ruamel's [.., .., end-of-line, ..]
        comments[2] = None


class PaperFields(Protocol):
    """The bibliographic fields a BibTeX record or a metadata service gives."""

    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> tuple[str, ...]: ...
    @property
    def year(self) -> int | None: ...
    @property
    def venue(self) -> str | None: ...
    @property
    def venue_type(self) -> str | None: ...
    @property
    def arxiv(self) -> str | None: ...
    @property
    def doi(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...


def _fill_from(node: CommentedMap, record: PaperFields) -> None:
    """The bibliographic fields a record gives, in place of their placeholders."""
    node["title"] = DoubleQuotedScalarString(record.title)
    if record.authors:
        authors = CommentedSeq(DoubleQuotedScalarString(a) for a in record.authors)
        if getattr(record, "truncated_authors", False):
            authors.append(_todo("the BibTeX record ended with 'and others': add the remaining authors"))
        node["authors"] = authors
    if record.year:
        node["year"] = record.year
    if record.venue:
        node["venue"] = DoubleQuotedScalarString(record.venue)
    if record.venue_type:
        _set(node, "venue_type", PlainScalarString(record.venue_type))
    for key in ("arxiv", "doi", "url"):
        value = getattr(record, key)
        if value:
            node[key] = DoubleQuotedScalarString(value)


def skeleton(
    entry_id: str,
    *,
    kind: str | None = None,
    record: PaperFields | None = None,
    added: dt.date | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """The text of a new entry file. Placeholders start with TODO and fail validation until replaced."""
    node = _mapping(Entry)
    _set(node, "id", PlainScalarString(entry_id))
    if kind:
        _set(node, "kind", PlainScalarString(kind))
    if record is not None:
        _fill_from(node, record)
    for key, value in (extra or {}).items():
        node[key] = value
    if added is not None:
        node["added"] = added
    addition = CommentedMap()
    addition["date"] = dt.date.fromordinal(node["added"].toordinal())  # a copy: ruamel would anchor one object
    addition["note"] = "Added."
    node["changes"] = CommentedSeq([addition])
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100_000
    out = io.StringIO()
    yaml.dump(node, out)
    return f"{SCHEMA_COMMENT}\n{out.getvalue()}"


__all__ = ["ENTRY_TYPE", "SCHEMA_COMMENT", "skeleton"]
