"""Rewrite entry files into the canonical key order and indentation, keeping every value and comment.

Uses ruamel.yaml's round-trip mode, which keeps comments, quoting and block styles.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from afkb.errors import AfkbError
from afkb.fieldtypes import ListOf as ListType
from afkb.fieldtypes import Object, field_specs
from afkb.load import LoadError, Mapping, Sequence, decode, parse
from afkb.problems import shown
from afkb.scaffold import SCHEMA_COMMENT
from afkb.schema import Entry
from afkb.validate import check_file_name, read_untrusted

if TYPE_CHECKING:
    from pathlib import Path


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100_000  # never re-wrap contributor text
    yaml.allow_duplicate_keys = False
    return yaml


def _nested_class(cls: type, key: str) -> type | None:
    spec = field_specs(cls).get(key)
    if spec is None:
        return None
    field_type = spec[0].type
    if isinstance(field_type, ListType):
        field_type = field_type.item
    return field_type.cls if isinstance(field_type, Object) else None


def _reorder(node: Any, cls: type) -> None:
    if not isinstance(node, CommentedMap):
        return
    order = list(field_specs(cls))
    keys = list(node.keys())
    wanted = [k for k in order if k in node] + [k for k in keys if k not in order]
    if keys != wanted:
        values = {k: node[k] for k in keys}
        comments = {k: node.ca.items.get(k) for k in keys}
        for k in keys:
            del node[k]
        for k in wanted:
            node[k] = values[k]
            if comments[k] is not None:
                node.ca.items[k] = comments[k]
    for key in node:
        child_cls = _nested_class(cls, key)
        if child_cls is None:
            continue
        child = node[key]
        items = child if isinstance(child, CommentedSeq) else [child]
        for item in items:
            _reorder(item, child_cls)


class FormatError(AfkbError):
    """Formatting would change what the file says; the file is left alone."""


def format_text(text: str) -> str:
    """The canonical form of an entry file's text.

    The result is checked against the input with the project's own loader: every scalar keeps
    its text and every comment its words, or :class:`FormatError` is raised. (ruamel reads plain
    scalars as YAML 1.2 numbers and may rewrite them, and it drops some comments.)
    """
    yaml = round_trip_yaml()
    data = yaml.load(text)
    if isinstance(data, CommentedMap):
        _reorder(data, Entry)
    out = io.StringIO()
    yaml.dump(data, out)
    result = out.getvalue()
    if not result.startswith(SCHEMA_COMMENT):
        result = SCHEMA_COMMENT + "\n" + result
    _check_same_content(text, result)
    return result


def _check_same_content(before: str, after: str) -> None:
    old_scalars, old_comments = _content(before)
    try:
        new_scalars, new_comments = _content(after)
    except LoadError as error:
        raise FormatError(
            f"formatting would make the file unreadable ({error.message}); fix the file by hand"
        ) from None
    if sorted(old_scalars) != sorted(new_scalars):
        changed = sorted(set(old_scalars) - set(new_scalars))
        detail = f" ({shown(changed[0])!r} would change)" if changed else ""
        raise FormatError(f"formatting would change a value{detail}; fix the file by hand")
    missing = sorted(set(old_comments) - set(new_comments) - {SCHEMA_COMMENT})
    if missing:
        raise FormatError(f"formatting would drop the comment {shown(missing[0])!r}; move it onto its own line")


def _content(text: str) -> tuple[list[str], list[str]]:
    """Every scalar's text, and every comment, as the project's loader reads the file."""
    root = parse(text)
    scalars: list[str] = []
    spans: list[tuple[int, int]] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.pairs:
                stack += [key, value]
        elif isinstance(node, Sequence):
            stack += node.items
        elif node is not None:
            scalars.append(node.value)
            spans.append((node.start_mark.index, node.end_mark.index))
    masked = list(text)
    for start, end in spans:
        for i in range(start, end):
            if masked[i] != "\n":
                masked[i] = " "
    comments = [m.group(1).strip() for m in re.finditer(r"(?:^|[ \t])(#[^\n]*)", "".join(masked))]
    return scalars, [c for c in comments if c != "#"]


def format_file(path: Path) -> tuple[str, str]:
    """(current text, canonical text) of one entry file; the file is not touched.

    Only ``<id>.yaml`` files are formatted, and they are read like entries (regular files only,
    size-limited), so ``afkb fmt mkdocs.yml`` or a FIFO is refused, not rewritten or waited on.
    """
    problem = check_file_name(path)
    if problem is not None:
        raise FormatError(f"not an entry file: {problem.message}")
    current = decode(read_untrusted(path)).replace("\r\n", "\n")
    return current, format_text(current)
