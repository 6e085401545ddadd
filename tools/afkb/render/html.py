"""Sanitising of untrusted Markdown: the only HTML the templates receive marked safe."""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "em",
    "strong",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "sub",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
_inline_markdown = markdown.Markdown(extensions=["sane_lists"], output_format="html")  # no tables inside cells


def sanitise(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1|(`+).+?\2", re.DOTALL | re.MULTILINE)


def _bracket_pairs(text: str) -> tuple[dict[int, int], dict[int, int | None], set[int]]:
    """Matched brackets outside code (opening -> closing index), each opening's enclosing opening,
    and the brackets that match nothing."""
    in_code = bytearray(len(text))
    for match in _CODE.finditer(text):
        in_code[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    unmatched: set[int] = set()
    pairs: dict[int, int] = {}
    parent: dict[int, int | None] = {}
    open_at: list[int] = []
    for i, char in enumerate(text):
        if in_code[i] or (i and text[i - 1] == "\\"):
            continue
        if char == "[":
            parent[i] = open_at[-1] if open_at else None
            open_at.append(i)
        elif char == "]":
            if open_at:
                pairs[open_at.pop()] = i
            else:
                unmatched.add(i)
    unmatched.update(open_at)  # never closed
    return pairs, parent, unmatched


def defuse_brackets(text: str) -> str:
    """Escape the square brackets that cannot start or end a link.

    Python-Markdown rescans the rest of the text after every ``[``, so a long run of them takes
    quadratic time. An escaped bracket renders as the same character, so escaping every pair
    that is not a link (``[text](url)`` or ``[text][ref]``), nor directly inside one, changes
    nothing a reader sees and leaves only real links for Markdown to scan. Brackets inside code
    spans and fences are left alone."""
    if "[" not in text and "]" not in text:
        return text
    pairs, parent, to_escape = _bracket_pairs(text)
    links = {o for o, c in pairs.items() if text[c + 1 : c + 2] in {"(", "["} or (o and text[o - 1] == "]")}
    for opening, closing in pairs.items():
        enclosing = parent[opening]
        if opening not in links and (enclosing is None or enclosing not in links or enclosing in to_escape):
            to_escape.update((opening, closing))
    if not to_escape:
        return text
    return "".join("\\" + c if i in to_escape else c for i, c in enumerate(text))


def markdown_to_html(text: str) -> Markup:
    """Render contributor Markdown and sanitise the result: the one kind of HTML marked safe."""
    _markdown.reset()
    return Markup(sanitise(_markdown.convert(defuse_brackets(text))))  # noqa: S704 - the sanitiser's output


# Text with none of these has no Markdown syntax: escaping it gives what Markdown would.
_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>\\#|~\n]|^\s*([-+>]|\d+[.)])|  $|&\w+;|&#")


def inline_markdown(text: str) -> Markup:
    """Markdown for a table cell or list item: one paragraph's content, sanitised."""
    if not _MARKDOWN_SYNTAX.search(text):
        return escape(text.strip())
    _inline_markdown.reset()
    rendered = sanitise(_inline_markdown.convert(defuse_brackets(text))).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)  # noqa: S704 - the sanitiser's output
