"""Short labels for papers where a whole title does not fit (graph nodes, matrix headers)."""

from __future__ import annotations

import re

_TITLE_HEAD_RE = re.compile(r"\s*(?::|\s[-\u2013\u2014]\s)\s*")  # "Name: subtitle", "Name - subtitle"
MIN_HEAD = 3  # "Lisa" is a name; a stray "A:" is not


def short_title(title: str, limit: int) -> str:
    """The title up to its first colon (or spaced dash), cut at a word boundary to ``limit``
    characters with an ellipsis: "Shadow Alignment: The Ease of ..." -> "Shadow Alignment"."""
    whole = title.strip()
    head = _TITLE_HEAD_RE.split(whole, maxsplit=1)[0].strip()
    if len(head) < MIN_HEAD:
        head = whole
    if len(head) <= limit:
        return head
    cut = head[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "\u2026"
