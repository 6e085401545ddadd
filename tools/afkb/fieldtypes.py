"""Field types of the schema: each one converts a YAML node and describes itself as JSON Schema.

Conversion never raises on bad input: it records a problem and returns ``INVALID``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import yaml.resolver

from afkb.load import Mapping, Node, Scalar, Sequence, is_plain, position_of
from afkb.problems import CONTROL_CHARACTERS, shown
from afkb.uri import iri_problem

if TYPE_CHECKING:
    from collections.abc import Callable

    from afkb.problems import Position
    from afkb.taxonomy import Taxonomy


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()
PLACEHOLDER: Final = "TODO"
MAX_LISTED_CHOICES: Final = 12

_RESOLVER = yaml.resolver.Resolver()
_YAML_TYPE_NAMES = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:null": "empty",
}


class Context:
    """Collects problems while one file is converted."""

    def __init__(self, taxonomy: Taxonomy, report: Callable[[Position, str, str], None]) -> None:
        self.taxonomy = taxonomy
        self.report = report


def describe(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return "text"


_RESOLVER_STARTS = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k is not None)


def implicit_type(node: Scalar) -> str | None:
    """What YAML 1.1 would make of an unquoted scalar, if not a string."""
    if node.style:  # quoted or block: always a string
        return None
    if node.value and node.value[0] not in _RESOLVER_STARTS:
        return None
    tag = _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
    return _YAML_TYPE_NAMES.get(tag)


_compiled = functools.cache(re.compile)
_LATEX_MARKUP = re.compile(r"[{}\\]")
# Letters that render as blank space (Braille blank, Hangul fillers).
_BLANK_LETTERS = frozenset("\u2800\u3164\u115f\u1160\uffa0")
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc", "Mn", "Me"})


def character_problem(value: str) -> str | None:
    """A control character, or nothing visible at all."""
    if not value.replace("\n", "").replace("\t", "").isprintable() and CONTROL_CHARACTERS.search(value):
        return "contains a control character"
    if not has_visible_character(value):
        return "has no visible character"
    return None


def has_visible_character(value: str) -> bool:
    """False for text made only of spaces, format characters (zero-width space) and blank letters."""
    return any(c not in _BLANK_LETTERS and unicodedata.category(c) not in _INVISIBLE_CATEGORIES for c in value)


def is_empty(node: Node) -> bool:
    return isinstance(node, Scalar) and is_plain(node) and implicit_type(node) == "empty"


def is_placeholder(node: Scalar, ctx: Context, path: str) -> bool:
    """Report a scaffold placeholder (text starting with TODO) left in a value."""
    if node.value.lstrip().startswith(PLACEHOLDER):
        ctx.report(position_of(node), path, "placeholder not filled in")
        return True
    return False


class FieldType:
    """Base of all field types."""

    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        raise NotImplementedError

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(FieldType):
    """A YAML string; YAML 1.1 booleans, numbers and dates are refused, not coerced."""

    max_length: int = 300
    min_length: int = 1
    multiline: bool = False
    pattern: str | None = None
    pattern_help: str = ""
    plain: bool = False  # bibliographic text: no LaTeX markup (braces, backslashes)

    def scalar(self, node: Node, ctx: Context, path: str, expected: str = "text") -> str | _Invalid:
        if not isinstance(node, Scalar):
            ctx.report(position_of(node), path, f"expected {expected}, got {describe(node)}")
            return INVALID
        yaml_type = implicit_type(node)
        if yaml_type == "empty":
            ctx.report(position_of(node), path, "missing value")
            return INVALID
        if yaml_type is not None:
            ctx.report(
                position_of(node),
                path,
                f"YAML reads the unquoted value {shown(node.value)} as {yaml_type}; put it in quotes",
            )
            return INVALID
        if is_placeholder(node, ctx, path):
            return INVALID
        text: str = node.value
        return text

    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        value = self.scalar(node, ctx, path)
        if isinstance(value, _Invalid):
            return value
        value = value.strip() if not self.multiline else value
        problem = self.check_text(value)
        if problem:
            ctx.report(position_of(node), path, problem)
            return INVALID
        return value

    def check_text(self, value: str) -> str | None:
        if len(value) < self.min_length:
            return "missing value" if not value else f"text is too short (at least {self.min_length} characters)"
        if len(value) > self.max_length:
            return f"text is {len(value)} characters; the limit is {self.max_length}"
        if not self.multiline and ("\n" in value or "\r" in value):
            return "must be a single line"
        problem = character_problem(value) or self._markup_problem(value)
        if problem:
            return problem
        if self.pattern and not _compiled(self.pattern).fullmatch(value):
            return f"malformed value '{shown(value)}'; {self.pattern_help}"
        return None

    def _markup_problem(self, value: str) -> str | None:
        if self.plain and _LATEX_MARKUP.search(value):
            return "braces and backslashes are not allowed here (LaTeX markup); write the text as printed"
        return None

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": self.min_length, "maxLength": self.max_length}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern})$"
        return schema


@dataclass(frozen=True)
class Url(Text):
    max_length: int = 2000

    def check_text(self, value: str) -> str | None:
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        if scheme not in {"http", "https"}:
            what = f"URL scheme '{shown(scheme)}'" if scheme else "a URL without a scheme"
            return f"{what} is not allowed; use an http:// or https:// URL"
        if not re.fullmatch(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", value, flags=re.IGNORECASE):
            return f"malformed URL '{shown(value)}'"
        return super().check_text(value) or iri_problem(value)

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": self.max_length}


@dataclass(frozen=True)
class Integer(FieldType):
    minimum: int
    maximum: int | None = None  # None: next calendar year

    def upper(self) -> int:
        return self.maximum if self.maximum is not None else dt.datetime.now(tz=dt.UTC).year + 1

    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar):
            ctx.report(position_of(node), path, f"expected an integer, got {describe(node)}")
            return INVALID
        if not is_plain(node) and re.fullmatch(r"[0-9]+", node.value):
            ctx.report(position_of(node), path, "expected an integer; remove the quotes")
            return INVALID
        if is_placeholder(node, ctx, path):
            return INVALID
        if not (is_plain(node) and re.fullmatch(r"[1-9][0-9]{0,8}|0", node.value)):
            ctx.report(position_of(node), path, f"expected an integer, got '{shown(node.value)}'")
            return INVALID
        value = int(node.value)
        if not self.minimum <= value <= self.upper():
            ctx.report(position_of(node), path, f"{value} is out of range ({self.minimum}-{self.upper()})")
            return INVALID
        return value

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum}


@dataclass(frozen=True)
class Date(FieldType):
    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Scalar) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", node.value):
            ctx.report(position_of(node), path, "expected a date as YYYY-MM-DD")
            return INVALID
        try:
            return dt.date.fromisoformat(node.value)
        except ValueError:
            ctx.report(position_of(node), path, f"{shown(node.value)} is not a calendar date")
            return INVALID

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


_WORD: Final = Text(max_length=100)


@dataclass(frozen=True)
class Choice(FieldType):
    """One word from a fixed list or from a vocabulary of the taxonomy."""

    noun: str
    values: tuple[str, ...] = ()
    vocabulary: str = ""  # "kinds", "tags", "relations" or "threats"

    def allowed(self, taxonomy: Taxonomy) -> list[str]:
        return taxonomy.names(self.vocabulary) if self.vocabulary else list(self.values)

    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        value = _WORD.scalar(node, ctx, path)
        if isinstance(value, _Invalid):
            return value
        if value not in (ctx.taxonomy.words(self.vocabulary) if self.vocabulary else self.values):
            allowed = self.allowed(ctx.taxonomy)
            close = difflib.get_close_matches(value, allowed, n=1)
            if close:
                hint = f"did you mean '{close[0]}'?"
            elif len(allowed) <= MAX_LISTED_CHOICES:
                hint = "expected one of: " + ", ".join(allowed)
            else:
                hint = "run `afkb taxonomy` for the list"
            where = " (see tools/afkb/taxonomy.yaml)" if self.vocabulary else ""
            ctx.report(position_of(node), path, f"unknown {self.noun} '{shown(value)}'{where}; {hint}")
            return INVALID
        return value

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        return {"type": "string", "enum": self.allowed(taxonomy)}


@dataclass(frozen=True)
class ListOf(FieldType):
    item: FieldType
    min_items: int = 0
    max_items: int = 200
    unique: bool = False

    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Sequence):
            ctx.report(position_of(node), path, f"expected a list, got {describe(node)}")
            return INVALID
        if len(node.items) < self.min_items:
            noun = "item" if self.min_items == 1 else "items"
            ctx.report(position_of(node), path, f"needs at least {self.min_items} {noun}")
            return INVALID
        if len(node.items) > self.max_items:
            ctx.report(position_of(node), path, f"has {len(node.items)} items; the limit is {self.max_items}")
            return INVALID
        values = []
        seen: set[object] = set()
        ok = True
        for i, item in enumerate(node.items):
            value = self.item.convert(item, ctx, f"{path}[{i}]")
            if value is INVALID:
                ok = False
                continue
            if self.unique and value in seen:
                ctx.report(position_of(item), f"{path}[{i}]", f"duplicate value '{shown(str(value))}'")
                ok = False
            seen.add(value)
            values.append(value)
        return tuple(values) if ok else INVALID

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema(taxonomy)}
        if self.min_items:
            schema["minItems"] = self.min_items
        schema["maxItems"] = self.max_items
        if self.unique:
            schema["uniqueItems"] = True
        return schema


@dataclass(frozen=True)
class FieldSpec:
    """Metadata attached to a dataclass field: its type, meaning and an example."""

    type: FieldType
    description: str
    example: Any = None


def spec(field_type: FieldType, description: str, example: Any = None, *, optional: bool = False) -> Any:
    """Declare a dataclass field of the schema."""
    metadata = {"afkb": FieldSpec(field_type, description, example)}
    if optional:
        default: Any = () if isinstance(field_type, ListOf) else None
        return dataclasses.field(default=default, metadata=metadata)
    return dataclasses.field(metadata=metadata)


@functools.cache
def field_specs(cls: type) -> dict[str, tuple[FieldSpec, bool]]:
    """The declared fields of a schema dataclass: name -> (spec, required)."""
    result = {}
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        result[f.name] = (f.metadata["afkb"], required)
    return result


@dataclass(frozen=True)
class Object(FieldType):
    """A mapping converted into a schema dataclass; unknown keys are errors."""

    cls: type

    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        if not isinstance(node, Mapping):
            ctx.report(position_of(node), path, f"expected a mapping, got {describe(node)}")
            return INVALID
        specs = field_specs(self.cls)
        prefix = f"{path}." if path else ""
        ok = True
        for key, _ in node.pairs:
            if key.value not in specs:
                close = difflib.get_close_matches(key.value, list(specs), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                ctx.report(position_of(key), prefix + shown(key.value), f"unknown field{hint}")
                ok = False
        values: dict[str, Any] = {}
        present = node._index  # noqa: SLF001 - hot loop; same as node.get(name)
        for name, (field_spec, required) in specs.items():
            child = present.get(name)
            if child is None or (not required and is_empty(child)):
                if required:
                    ctx.report(position_of(node), prefix + name, "missing required field")
                    ok = False
                continue
            value = field_spec.type.convert(child, ctx, prefix + name)
            if value is INVALID:
                ok = False
            else:
                values[name] = value
        return self.cls(**values) if ok else INVALID

    def json_schema(self, taxonomy: Taxonomy) -> dict[str, Any]:
        properties = {}
        required = []
        for name, (field_spec, is_required) in field_specs(self.cls).items():
            schema = field_spec.type.json_schema(taxonomy)
            schema["description"] = field_spec.description
            if field_spec.example is not None:
                example = field_spec.example
                schema["examples"] = [example.isoformat() if isinstance(example, dt.date) else example]
            properties[name] = schema
            if is_required:
                required.append(name)
        return {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
