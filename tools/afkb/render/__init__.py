"""Pure functions from entries to page content. No MkDocs here.

A page is complete Markdown: fixed headings and prose, and HTML blocks rendered from
Jinja2 templates (``afkb/templates``) with autoescaping on. Contributor text reaches
the HTML escaped (plain fields) or rendered and sanitised with nh3 (Markdown fields),
so it never runs as markup or script, and it never stands in Markdown outside an HTML
block, so no Markdown extension reads it either.
"""

from __future__ import annotations
