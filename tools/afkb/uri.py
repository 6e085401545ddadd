"""What a URL field may hold, and how it is written where readers take it verbatim.

RFC 3986 allows only some ASCII characters in a URI; IRIs (RFC 3987) add non-ASCII letters.
Entry URLs must be such IRIs: a backslash, a brace, a quote, white space or a lone ``%`` would
let a URL break out of a BibTeX field or a LaTeX ``\\url``. Exports write the URI form.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# ASCII characters a URI may contain (RFC 3986 unreserved, reserved and '%').
URI_ASCII = "A-Za-z0-9" + re.escape("-._~:/?#[]@!$&'()*+,;=%")
_NOT_IRI = re.compile(rf"[^{URI_ASCII}\u00a0-\U0010ffff]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NOT_URI = re.compile(rf"[^{URI_ASCII}]")


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not a valid IRI, or None."""
    bad = _NOT_IRI.search(value)
    if bad:
        char = bad.group(0)
        what = "white space" if char.isspace() else f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"
        return f"{what} is not allowed in a URL; percent-encode it (e.g. %{ord(char):02X})"
    if _BAD_PERCENT.search(value):
        return "'%' must start a percent-escape of two hex digits (write %25 for a literal %)"
    return None


def as_uri(value: str) -> str:
    """An IRI as a URI: every character outside RFC 3986's ASCII set percent-encoded as UTF-8."""
    return _NOT_URI.sub(lambda m: quote(m.group(0), safe=""), value)
