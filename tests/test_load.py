"""Parse-level rejection with exact messages: the loader never raises anything but LoadError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afkb.load import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    LoadError,
    Mapping,
    Scalar,
    Sequence,
    _exact_parse,
    _Fallback,
    _fast_parse,
    load_document,
    position_of,
)


def error_of(data: bytes) -> tuple[int, int, str]:
    with pytest.raises(LoadError) as info:
        load_document(data)
    return info.value.position.line, info.value.position.column, info.value.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a: &x [1]\nb: *x\n", (1, 4, "YAML anchors (&x) are not allowed; write the value out")),
        (b"a: *x\n", (1, 4, "YAML aliases (*x) are not allowed; write the value out")),
        (
            b"a: !!python/object:os.system x\n",
            (1, 4, "YAML tags (!!python/object:os.system) are not allowed; remove the tag"),
        ),
        (b"a: !custom x\n", (1, 4, "YAML tags (!custom) are not allowed; remove the tag")),
        (b"a: !!str yes\n", (1, 4, "YAML tags (!!str) are not allowed; remove the tag")),
        (b"title: a\ntitle: b\n", (2, 1, "duplicate key 'title' (first at line 1)")),
        (b"a: 1\n\xff\xfe\n", (2, 1, "file is not valid UTF-8 (byte 0xff); save it as UTF-8")),
        (b"ab\xc3", (1, 3, "file is not valid UTF-8 (byte 0xc3); save it as UTF-8")),
        (b"a: b\x00c\n", (1, 1, "file contains a NUL byte; entries are text files")),
        (b"- a\n- b\n", (1, 1, "the top level is a list; an entry must be a mapping of fields")),
        (b"just text\n", (1, 1, "the top level is a single value; an entry must be a mapping of fields")),
        (b"", (1, 1, "file is empty; an entry is a mapping of fields")),
        (b"# only a comment\n", (1, 1, "file is empty; an entry is a mapping of fields")),
        (b"a: [1, 2\n", (2, 1, "YAML syntax error: did not find expected ',' or ']'")),
        (b"a:\n\t- b\n", (2, 1, "YAML syntax error: found character that cannot start any token")),
        (b"a: b\n---\nc: d\n", (2, 1, "file holds more than one YAML document; keep one entry per file")),
        (b"? [a]\n: b\n", (1, 3, "mapping keys must be plain words, not lists or mappings")),
        (b"a: \x07\n", (1, 4, "file contains a control character (#x0007); remove it")),
    ],
)
def test_rejected_with_exact_message(data: bytes, expected: tuple[int, int, str]) -> None:
    assert error_of(data) == expected


def test_size_cap() -> None:
    data = b"a: " + b"x" * MAX_BYTES + b"\n"
    assert error_of(data) == (1, 1, f"file is larger than the limit of {MAX_BYTES} bytes")


def test_depth_cap() -> None:
    data = b"a: " + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"\n"
    line, _, message = error_of(data)
    assert (line, message) == (1, f"nesting is deeper than {MAX_DEPTH} levels")


def test_alias_bomb_is_rejected_at_the_first_anchor() -> None:
    bomb = b'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    assert error_of(bomb) == (1, 4, "YAML anchors (&a) are not allowed; write the value out")


def test_bom_crlf_and_non_ascii_are_accepted() -> None:
    doc = load_document("\ufefftitle: Ünïcödé — 名前\r\nauthors:\r\n  - Zoë Müller\r\n".encode())
    assert isinstance(doc, Mapping)
    assert doc.keys() == ["title", "authors"]
    title = doc.get("title")
    assert isinstance(title, Scalar)
    assert title.value == "Ünïcödé — 名前"
    assert (position_of(title).line, position_of(title).column) == (1, 8)


def test_scalars_keep_text_and_style() -> None:
    doc = load_document(b'a: no\nb: "no"\nc: 2024-01-01\n')
    values = {k.value: (v.value, v.style) for k, v in doc.pairs if isinstance(v, Scalar)}
    assert values == {"a": ("no", ""), "b": ("no", '"'), "c": ("2024-01-01", "")}


def _shape(node: object) -> object:
    """A comparable picture of a composed tree: values, styles and positions of every node."""
    if isinstance(node, Scalar):
        return ("scalar", node.value, node.style, position_of(node))
    if isinstance(node, Sequence):
        return ("list", node.position, [_shape(item) for item in node.items])
    if isinstance(node, Mapping):
        return ("map", node.position, [(_shape(k), _shape(v)) for k, v in node.pairs])
    return node


def _both_composers(text: str) -> tuple[object, object]:
    """What libyaml's C composer (with our walk) and the exact event path each make of a text."""

    def run(compose: Callable[[str], object]) -> object:
        try:
            return _shape(compose(text))
        except _Fallback:
            return "fallback"
        except LoadError as error:
            return ("error", error.position, error.message)

    return run(_fast_parse), run(_exact_parse)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30)),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
        max_leaves=40,
    ),
    st.sampled_from([None, "'", '"', "|"]),
)
def test_fast_and_exact_composers_agree(document: object, style: str | None) -> None:
    text = yaml.safe_dump(document, allow_unicode=True, default_style=style)
    fast, exact = _both_composers(text)
    if fast != "fallback":  # the fast path may hand any file to the exact one, never differ from it
        assert fast == exact


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key
        "? [a]\n: b\n",  # non-scalar key
        "a:" + " [" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",  # too deep
        "a: [" + ", ".join("x" for _ in range(MAX_NODES)) + "]\n",  # too many nodes
        "a: &x b\n",  # anchor
        "a: *x\n",  # alias (no anchor: libyaml refuses it)
        "a: !!str b\n",  # tag
        "a: ! b\n",  # non-specific tag
        "a: b\n---\nc: d\n",  # two documents
        "a: [b\n",  # syntax error
    ],
)
def test_the_fast_path_hands_every_problem_to_the_exact_path(text: str) -> None:
    fast, exact = _both_composers(text)
    assert fast == "fallback"
    assert exact[0] == "error"


def test_fast_and_exact_composers_agree_on_every_real_entry() -> None:
    paths = sorted((Path(__file__).parents[1] / "entries").glob("*.yaml"))
    assert paths
    for path in paths:
        fast, exact = _both_composers(path.read_text(encoding="utf-8"))
        assert fast != "fallback", path.name
        assert fast == exact, path.name
