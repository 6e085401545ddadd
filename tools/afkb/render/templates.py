"""The Jinja2 environment of the generated pages: autoescaping on, undefined names are errors.

Escaping is the default, so render code never escapes by hand; the only values that arrive
marked safe are the sanitiser's output (``afkb.render.html``).
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from markupsafe import Markup, escape

from afkb.render.links import href, kind_path, paper_path, tag_path


def preformatted(text: str) -> Markup:
    """Text for a ``<pre>`` block inside a Markdown page: escaped, with tabs written as ``&#9;``
    (Markdown expands tabs to spaces, even in raw HTML, and a copied BibTeX record must keep them)."""
    return Markup(str(escape(text)).replace("\t", "&#9;"))  # noqa: S704 - escaped on the line itself


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("afkb", "templates"),
        autoescape=True,  # every template, whatever its extension: pages are Markdown with HTML blocks
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(href=href, paper_path=paper_path, tag_path=tag_path, kind_path=kind_path)
    env.filters["preformatted"] = preformatted
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
