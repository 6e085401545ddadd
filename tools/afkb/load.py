"""Untrusted bytes -> YAML nodes with positions.

Entry files come from strangers, so loading is defensive: a size cap, strict
UTF-8, no tags, no anchors or aliases, no duplicate keys, a nesting cap and a
node-count cap. Scalars are kept as text with their quoting style; the schema
decides what they mean, so YAML 1.1 implicit typing never corrupts data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import yaml
import yaml.reader

from afkb.errors import AfkbError
from afkb.problems import START, Position, shown

if TYPE_CHECKING:
    from collections.abc import Callable

_LOADER: type = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

MAX_BYTES = 256 * 1024
MAX_DEPTH = 10
MAX_NODES = 20_000


class LoadError(AfkbError):
    """The file cannot be read as an entry document."""

    def __init__(self, message: str, position: Position = START) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# Scalars are libyaml's own nodes (value, style, start_mark): most of a file is scalars,
# and not copying them is what keeps loading close to a bare parse. Containers are ours.
Scalar = yaml.ScalarNode


@dataclass(frozen=True, slots=True)
class Sequence:
    items: list[Node]
    position: Position


@dataclass(frozen=True, slots=True)
class Mapping:
    pairs: list[tuple[Scalar, Node]]
    position: Position
    _index: dict[str, Node] = field(default_factory=dict, repr=False, compare=False)

    def get(self, key: str) -> Node | None:
        return self._index.get(key)

    def keys(self) -> list[str]:
        return [key.value for key, _ in self.pairs]


Node = Scalar | Sequence | Mapping


def plain(node: Node | None) -> Any:
    """A parsed node as plain values: dicts, lists and scalars as written (strings)."""
    if isinstance(node, Mapping):
        return {key.value: plain(value) for key, value in node.pairs}
    if isinstance(node, Sequence):
        return [plain(item) for item in node.items]
    return None if node is None else node.value


def position_of(node: Node) -> Position:
    """Where a node starts (1-based line and column)."""
    if isinstance(node, Scalar):
        mark = node.start_mark
        return Position(mark.line + 1, mark.column + 1)
    return node.position


def is_plain(node: Scalar) -> bool:
    """True for an unquoted, non-block scalar (the only kind YAML 1.1 types implicitly)."""
    return not node.style


def _position(event: yaml.Event) -> Position:
    mark = event.start_mark
    return Position(mark.line + 1, mark.column + 1) if mark is not None else START


def decode(data: bytes) -> str:
    """Strict UTF-8 (an optional BOM is dropped), with the position of a bad byte."""
    if len(data) > MAX_BYTES:
        raise LoadError(f"file is larger than the limit of {MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            f"file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8",
            Position(line, column),
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise LoadError("file contains a NUL byte; entries are text files", Position(line, 1))
    return text


class _Composer:
    """Nodes from parser events, one event at a time, with every rule checked on the event."""

    def __init__(self, next_event: Callable[[], yaml.Event]) -> None:
        self._next = next_event
        self._nodes = 0

    def document(self) -> Node | None:
        self._next()  # StreamStart
        event = self._next()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        node = self._node(self._next(), depth=0)
        self._next()  # DocumentEnd
        event = self._next()
        if not isinstance(event, yaml.StreamEndEvent):
            raise LoadError("file holds more than one YAML document; keep one entry per file", _position(event))
        return node

    def _node(self, event: yaml.Event, depth: int) -> Node:
        if isinstance(event, yaml.AliasEvent):
            raise LoadError(f"YAML aliases (*{event.anchor}) are not allowed; write the value out", _position(event))
        node_event = cast("yaml.ScalarEvent | yaml.CollectionStartEvent", event)
        if node_event.anchor is not None:
            raise LoadError(
                f"YAML anchors (&{node_event.anchor}) are not allowed; write the value out", _position(event)
            )
        if node_event.tag is not None:
            shown_tag = node_event.tag.replace("tag:yaml.org,2002:", "!!")
            raise LoadError(f"YAML tags ({shown_tag}) are not allowed; remove the tag", _position(event))
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise LoadError(f"file has more than {MAX_NODES} YAML nodes", _position(event))
        if isinstance(event, yaml.ScalarEvent):
            start, end = cast("yaml.Mark", event.start_mark), cast("yaml.Mark", event.end_mark)
            return Scalar("", event.value, start, end, event.style or "")
        position = _position(event)
        if depth >= MAX_DEPTH:
            raise LoadError(f"nesting is deeper than {MAX_DEPTH} levels", position)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while not isinstance(event := self._next(), yaml.SequenceEndEvent):
                items.append(self._node(event, depth + 1))
            return Sequence(items, position)
        return self._mapping(position, depth)

    def _mapping(self, position: Position, depth: int) -> Mapping:
        pairs: list[tuple[Scalar, Node]] = []
        index: dict[str, Node] = {}
        while not isinstance(event := self._next(), yaml.MappingEndEvent):
            key = self._node(event, depth + 1)
            if not isinstance(key, Scalar):
                raise LoadError("mapping keys must be plain words, not lists or mappings", key.position)
            if key.value in index:
                first = next(k for k, _ in pairs if k.value == key.value)
                raise LoadError(
                    f"duplicate key '{shown(key.value)}' (first at line {position_of(first).line})", position_of(key)
                )
            value = self._node(self._next(), depth + 1)
            pairs.append((key, value))
            index[key.value] = value
        return Mapping(pairs, position, index)


def parse(text: str) -> Node | None:
    """Compose one YAML document into nodes, event by event, checking every limit and rule
    (no tags, anchors or aliases, no duplicate keys) on each event; ``None`` for an empty document.

    There is one path: a faster composer beside it was once less strict than this one.
    """
    return _exact_parse(text)


def _exact_parse(text: str) -> Node | None:
    parser = _LOADER(text)
    try:
        return _Composer(parser.get_event).document()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise LoadError(f"YAML syntax error: {problem}", position) from None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        position = Position(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        raise LoadError(f"file contains a control character (#x{error.character:04x}); remove it", position) from None
    except yaml.YAMLError as error:
        raise LoadError(f"YAML error: {error}") from None
    finally:
        parser.dispose()


def load_document(data: bytes) -> Mapping:
    """Decode and parse an entry file; the top level must be a mapping."""
    node = parse(decode(data))
    if node is None:
        raise LoadError("file is empty; an entry is a mapping of fields")
    if not isinstance(node, Mapping):
        kind = "a list" if isinstance(node, Sequence) else "a single value"
        raise LoadError(f"the top level is {kind}; an entry must be a mapping of fields", position_of(node))
    return node
