"""Parse-level rejection with exact messages: the loader never raises anything but LoadError."""

from __future__ import annotations

import pytest

from afkb.load import (
    MAX_BYTES,
    MAX_DEPTH,
    LoadError,
    Mapping,
    Scalar,
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # tags and anchors in flow collections, where a colon is followed by no space
        ('{"title":!!str x}\n', (1, 10, "YAML tags (!!str) are not allowed; remove the tag")),
        ('{"a":&a [1], "b":*a}\n', (1, 6, "YAML anchors (&a) are not allowed; write the value out")),
        ('{"a":[1], "b":*a}\n', (1, 15, "YAML aliases (*a) are not allowed; write the value out")),
        ("? !!str a\n: b\n", (1, 3, "YAML tags (!!str) are not allowed; remove the tag")),
        (
            '\ufeff{"x":!!python/object/apply:os.system ["true"]}\n',
            (1, 6, "YAML tags (!!python/object/apply:os.system) are not allowed; remove the tag"),
        ),
        ("a: [x, !<tag:yaml.org,2002:str> y]\n", (1, 8, "YAML tags (!!str) are not allowed; remove the tag")),
    ],
)
def test_tags_anchors_and_aliases_are_refused_wherever_they_stand(text: str, expected: tuple[int, int, str]) -> None:
    assert error_of(text.encode("utf-8")) == expected
