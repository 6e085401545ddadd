"""The complete source of the site: every generated page as Markdown with front matter, the
download files, the assets and the theme override. A Material-compatible builder (MkDocs with
Material, ProperDocs, Zensical) turns it, together with the hand-written pages of ``docs/``,
into the site with no plugin of ours. ``afkb pages --out DIR`` writes it; the MkDocs plugin
hands the same files to MkDocs without writing them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from afkb.atomic import replace_directory
from afkb.errors import AfkbError
from afkb.site import ASSETS_DIR, build_site_content

if TYPE_CHECKING:
    from afkb.collection import Collection

THEME_DIR = Path(__file__).with_name("theme")
ASSET_PREFIX = "assets/afkb"
STYLESHEETS = [f"{ASSET_PREFIX}/{name}.css" for name in ("afkb", "browse", "graph", "matrix")]
SCRIPTS = [f"{ASSET_PREFIX}/{name}.js" for name in ("afkb", "browse", "graph")]
GRAPH_LIBRARY = Path("cytoscape/dist/cytoscape.min.js")  # inside node_modules
PLUGIN_NAME = "afkb"
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html")

SourceFile = bytes | Path  # content, or a file to copy


def site_files(
    collection: Collection,
    node_modules: Path,
    *,
    edit_base_url: str = "",
    anchors: list[str] | None = None,
    site_url: str = "",
) -> dict[str, SourceFile]:
    """Docs-relative path -> content (or a file to copy) of everything the core generates."""
    library = node_modules / GRAPH_LIBRARY
    if not library.is_file():
        raise AfkbError(f"{library} is missing; run `npm ci` (make setup does) to install the site's JavaScript")
    content = build_site_content(collection, edit_base_url, anchors or [], site_url)
    files: dict[str, SourceFile] = {page.path: page.source_text().encode("utf-8") for page in content.pages}
    files.update(content.files)
    for asset in sorted(ASSETS_DIR.iterdir()):
        files[f"{ASSET_PREFIX}/{asset.name}"] = asset
    files[f"{ASSET_PREFIX}/cytoscape.min.js"] = library
    return files


def _item_name(item: str | dict[str, Any]) -> str:
    """The name of a ``plugins`` or ``markdown_extensions`` item: a bare name, or the key of
    a one-key mapping of its options."""
    return next(iter(item)) if isinstance(item, dict) else item


def builder_config(project_config: dict[str, Any]) -> dict[str, Any]:
    """The project's MkDocs configuration for a builder without our plugin: the generated pages
    in ``docs/``, the theme override in ``overrides/``, our stylesheet and script listed."""
    config = dict(project_config)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["plugins"] = [p for p in config.get("plugins", []) if _item_name(p) != PLUGIN_NAME]
    theme = dict(config.get("theme") or {})
    theme["custom_dir"] = "overrides"
    config["theme"] = theme
    config["extra_css"] = [*config.get("extra_css", []), *STYLESHEETS]
    config["extra_javascript"] = [*config.get("extra_javascript", []), *SCRIPTS]
    extensions = list(config.get("markdown_extensions", []))
    names = {_item_name(e) for e in extensions}
    config["markdown_extensions"] = extensions + [e for e in REQUIRED_EXTENSIONS if e not in names]
    return config


def write_site_source(
    collection: Collection, out_dir: Path, *, config_file: Path, node_modules: Path, anchors: list[str] | None = None
) -> Path:
    """Write DIR/mkdocs.yml, DIR/docs (hand-written and generated pages, downloads, assets) and
    DIR/overrides; DIR is replaced as a whole, and only if it is empty or one we wrote."""
    try:
        project = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise AfkbError(f"cannot read {config_file}: {error}") from None
    docs_dir = config_file.parent / project.get("docs_dir", "docs")
    plugin_options = next(
        (
            p[PLUGIN_NAME] or {}
            for p in project.get("plugins", [])
            if isinstance(p, dict) and _item_name(p) == PLUGIN_NAME
        ),
        {},
    )
    files = site_files(
        collection,
        node_modules,
        edit_base_url=plugin_options.get("edit_base_url", ""),
        anchors=anchors if anchors is not None else plugin_options.get("anchors", []),
        site_url=str(project.get("site_url") or ""),
    )
    with replace_directory(out_dir) as staging:
        shutil.copytree(docs_dir, staging / "docs")
        for path, data in files.items():
            target = staging / "docs" / path
            if target.exists():
                raise AfkbError(f"{docs_dir / path}: a hand-written page has the path of a generated one")
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                shutil.copyfile(data, target)
            else:
                target.write_bytes(data)
        shutil.copytree(THEME_DIR, staging / "overrides")
        config = builder_config(project)
        (staging / "mkdocs.yml").write_text(
            yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return out_dir.resolve()
