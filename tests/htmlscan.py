"""An HTML scan that sees what a browser would create: elements, attributes and script text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Script elements that hold data a browser never runs (graph data, JSON-LD).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
DANGEROUS_TAGS = {"iframe", "object", "embed", "form", "style", "base", "meta", "link"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")
# The one data: URL the site writes: a paper's BibTeX as a file download. Its type is fixed
# before the comma and the content after it is percent-encoded, so it can never be HTML.
DOWNLOAD_DATA_URL = re.compile(r"data:application/x-bibtex;charset=utf-8,[A-Za-z0-9%._~-]*")


def is_bibtex_download(tag: str, attrs: dict[str, str | None], value: str) -> bool:
    return tag == "a" and attrs.get("download") is not None and DOWNLOAD_DATA_URL.fullmatch(value) is not None


class ElementScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self.json_text: list[str] = []
        self._in_script = False
        self._json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        self._json = dict(attrs).get("type") in DATA_SCRIPT_TYPES

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False
        self._json = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            (self.json_text if self._json else self.script_text).append(data)


def live_code(html: str, *, allow_tags: frozenset[str] = frozenset()) -> list[str]:
    """Everything in ``html`` that a browser would run or that changes the page's behaviour."""
    scan = ElementScan()
    scan.feed(html)
    found = []
    for tag, attrs in scan.elements:
        found += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        if tag in DANGEROUS_TAGS - allow_tags:
            found.append(f"<{tag}>")
        for name in URL_ATTRIBUTES:
            value = (attrs.get(name) or "").strip().lower().replace("\t", "").replace("\n", "")
            if value.startswith(("javascript:", "vbscript:", "data:")) and not is_bibtex_download(
                tag, attrs, attrs.get(name) or ""
            ):
                found.append(f"<{tag} {name}={value[:30]}>")
        if tag == "script" and attrs.get("src") is None and attrs.get("type") not in DATA_SCRIPT_TYPES:
            found.append("<script> inline")
    found += ["<script> text" for text in scan.script_text if text.strip()]
    found += ["unescaped < in JSON data" for text in scan.json_text if "<" in text]
    return found
