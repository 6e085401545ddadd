"""Build the site with MkDocs into a staging directory and swap it in only on success."""

from __future__ import annotations

import logging
from pathlib import Path

from afkb.atomic import replace_directory
from afkb.errors import AfkbError


class BuildError(AfkbError):
    """The site could not be built; the previous site is untouched."""


def build_site(config_file: Path, entries_dir: Path, site_dir: Path | None, *, strict: bool) -> Path:
    """Run a MkDocs build of ``config_file`` with the afkb plugin reading ``entries_dir``.

    Returns the site directory. A failure leaves an existing site directory as it was.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    try:
        config = load_config(config_file=str(config_file), strict=strict)
    except (MkDocsException, OSError) as error:
        raise BuildError(f"cannot load {config_file}: {error}") from None
    plugin = config.plugins.get("afkb")
    if plugin is None:
        raise BuildError(f"{config_file} does not enable the afkb plugin")
    plugin.config["entries"] = str(entries_dir.resolve())
    target = site_dir.resolve() if site_dir is not None else Path(config.site_dir)
    try:
        with replace_directory(target) as staging:
            config.site_dir = str(staging)
            build(config)
    except (Abort, MkDocsException) as error:
        raise BuildError(str(error) or "the MkDocs build failed") from None
    return target


def configure_mkdocs_logging(verbosity: int) -> None:
    """Send MkDocs' log records to stderr at a level matching --quiet / --verbose."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "afkb", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.afkb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel({0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG))
    logger.propagate = False
