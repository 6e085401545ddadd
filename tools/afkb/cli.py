"""The ``afkb`` command line: each command a few lines over the core.

Exit codes: 0 success, 1 invalid input found, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from afkb import __version__
from afkb.collection import CheckReport, Collection, EntriesDirError, check_collection, load_collection
from afkb.errors import AfkbError
from afkb.export import FORMATS
from afkb.problems import for_terminal, problems_as_json
from afkb.schema import json_schema_text
from afkb.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_ENTRIES = Path("entries")
SCHEMA_FILE = Path("schema/entry.schema.json")


class InvalidInput(click.ClickException):
    """Invalid entries or input files: exit code 1."""

    exit_code = 1


def entries_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--entries DIR`` option shared by every command that reads or writes entries."""
    return click.option(
        "--entries",
        "entries_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=DEFAULT_ENTRIES,
        show_default=True,
        help="Directory holding the <id>.yaml entry files.",
    )(command)


class Reporter:
    """Progress and messages on stderr; quiet in CI or with --quiet."""

    def __init__(self, verbosity: int) -> None:
        self.verbosity = verbosity

    def info(self, message: str) -> None:
        if self.verbosity >= 1:
            click.echo(message, err=True)

    def debug(self, message: str) -> None:
        if self.verbosity >= 2:  # noqa: PLR2004
            click.echo(message, err=True)

    def progress(self, label: str) -> Callable[[int, int], None] | None:
        if self.verbosity < 1 or not sys.stderr.isatty():
            return None

        def show(done: int, total: int) -> None:
            end = "\n" if done == total else ""
            click.echo(f"\r{label}: {done}/{total}", err=True, nl=False)
            if end:
                click.echo("", err=True)

        return show


def reporter() -> Reporter:
    ctx = click.get_current_context()
    return ctx.find_object(Reporter) or Reporter(1)


def open_collection(entries_dir: Path) -> Collection:
    """Load and validate the collection, turning a missing directory into a usage error."""
    try:
        collection = load_collection(entries_dir, progress=reporter().progress("Checking entries"))
    except EntriesDirError as error:
        raise click.UsageError(str(error)) from None
    reporter().debug(f"{collection.files_checked} entry files checked")
    return collection


def check_entries(entries_dir: Path, *, use_cache: bool) -> CheckReport | Collection:
    """The problems of the collection, with the validation cache when asked for."""
    if not use_cache:
        return open_collection(entries_dir)
    from afkb.cache import ValidationCache

    try:
        return check_collection(
            entries_dir, ValidationCache(entries_dir), progress=reporter().progress("Checking entries")
        )
    except EntriesDirError as error:
        raise click.UsageError(str(error)) from None


def require_valid(entries_dir: Path) -> Collection:
    """The collection, or exit 1 listing its problems."""
    collection = open_collection(entries_dir)
    if not collection.ok:
        for problem in collection.problems:
            click.echo(str(problem), err=True)
        noun = "problem" if len(collection.problems) == 1 else "problems"
        msg = f"{len(collection.problems)} {noun} in {entries_dir}; run `afkb validate` and fix them first"
        raise InvalidInput(msg)
    return collection


class AfkbGroup(click.Group):
    """Turns the package's errors and failed file operations into one-line messages with exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AfkbError as error:
            raise InvalidInput(for_terminal(str(error))) from None
        except OSError as error:
            where = f"{for_terminal(str(error.filename))}: " if error.filename else ""
            raise InvalidInput(f"{where}{error.strerror or error}") from None


@click.group(cls=AfkbGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="afkb")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail.")
@click.pass_context
def main(ctx: click.Context, *, quiet: bool, verbose: bool) -> None:
    """Tools for the Alignment Fragility Knowledge Base."""
    if quiet and verbose:
        msg = "--quiet and --verbose cannot be used together"
        raise click.UsageError(msg)
    ctx.obj = Reporter(0 if quiet else 2 if verbose else 1)


@main.command()
@entries_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: path:line:col lines; json: a list of objects; github: Actions annotations.",
)
@click.option(
    "--cache/--no-cache",
    "use_cache",
    default=True,
    show_default=True,
    help="Skip parsing files unchanged since the last run (content-hash cache outside the repository).",
)
def validate(entries_dir: Path, output_format: str, *, use_cache: bool) -> None:
    """Check every entry against the schema and the collection rules."""
    collection = check_entries(entries_dir, use_cache=use_cache)
    if output_format == "json":
        click.echo(problems_as_json(collection.problems))
    else:
        for problem in collection.problems:
            line = problem.github_annotation() if output_format == "github" else str(problem)
            click.echo(line)
    if not collection.ok:
        noun = "problem" if len(collection.problems) == 1 else "problems"
        files = len({p.path for p in collection.problems})
        click.echo(f"{len(collection.problems)} {noun} in {files} of {collection.files_checked} files", err=True)
        sys.exit(1)
    reporter().info(f"{collection.valid_files} entries valid")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=SCHEMA_FILE,
    show_default=True,
    help="Where to write the JSON Schema.",
)
@click.option("--check", is_flag=True, help="Exit 1 if the file is not up to date instead of writing it.")
def schema(output: Path, *, check: bool) -> None:
    """Write the JSON Schema for editors, generated from the schema declaration."""
    text = json_schema_text(load_taxonomy())
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            msg = f"{output} is stale; run `afkb schema` to regenerate it"
            raise InvalidInput(msg)
        reporter().info(f"{output} is up to date")
        return
    from afkb.atomic import write_text_atomic

    write_text_atomic(output, text)
    reporter().info(f"wrote {output}")


@main.command()
def taxonomy() -> None:
    """Print the controlled vocabulary (kinds, tags, relation types) as JSON."""
    tax = load_taxonomy()
    data = {
        "kinds": tax.kinds,
        "tags": {name: {"group": t.group, "description": t.description} for name, t in tax.tags.items()},
        "relations": {name: r.description for name, r in tax.relations.items()},
    }
    click.echo(json.dumps(data, indent=2))


config_file_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The project's MkDocs configuration (hand-written pages, theme, plugin options).",
)


@main.command("build")
@entries_option
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to write the site (default: site_dir of mkdocs.yml).",
)
@config_file_option
@click.option("--strict/--no-strict", default=True, show_default=True, help="Fail on any MkDocs warning.")
def build_command(entries_dir: Path, site_dir: Path | None, config_file: Path, *, strict: bool) -> None:
    """Validate the entries, then build the site; a failure leaves the old site as it was."""
    from afkb.build import BuildError, build_site, configure_mkdocs_logging

    require_valid(entries_dir)
    configure_mkdocs_logging(reporter().verbosity)
    try:
        target = build_site(config_file, entries_dir, site_dir, strict=strict)
    except BuildError as error:
        raise InvalidInput(f"build failed, previous site left untouched: {error}") from None
    reporter().info(f"site built in {target}")


@main.command("pages")
@entries_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Where to write the site source: DIR/mkdocs.yml, DIR/docs and DIR/overrides.",
)
@config_file_option
@click.option(
    "--node-modules",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("node_modules"),
    show_default=True,
    help="Where npm installed the site's JavaScript.",
)
def pages_command(entries_dir: Path, out_dir: Path, config_file: Path, node_modules: Path) -> None:
    """Write the complete site source, so that any Material-compatible builder (MkDocs,
    ProperDocs, Zensical) builds the site from it with no plugin: `mkdocs build -f DIR/mkdocs.yml`."""
    from afkb.sitesource import write_site_source

    collection = require_valid(entries_dir)
    target = write_site_source(collection, out_dir, config_file=config_file, node_modules=node_modules)
    reporter().info(f"site source written to {target}; build it with `mkdocs build -f {target / 'mkdocs.yml'}`")


def write_output(text: str, output: Path | None) -> None:
    """To stdout, or atomically to a file (a failure leaves the old file as it was)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from afkb.atomic import write_text_atomic

    write_text_atomic(output, text)
    reporter().info(f"wrote {output}")


@main.command("export")
@entries_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="Citation formats: bibtex, biblatex, csl-json, ris. Graph formats: graphml, json.",
)
@click.option("--tag", "tags", multiple=True, help="Only entries with this tag (repeat: all must match).")
@click.option("--kind", "kinds", multiple=True, help="Only entries of this kind (repeat: any may match).")
@click.option("--id", "ids", multiple=True, help="Only this entry (repeatable).")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE instead of stdout."
)
def export_command(
    entries_dir: Path,
    fmt: str,
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    ids: tuple[str, ...],
    output: Path | None,
) -> None:
    """Export citations (BibTeX, BibLaTeX, CSL-JSON, RIS) or the citation graph (GraphML, JSON)."""
    from afkb.export.formats import export_collection

    collection = require_valid(entries_dir)
    unknown = [i for i in ids if i not in collection.entries]
    if unknown:
        raise click.UsageError(f"no entry with id {', '.join(repr(i) for i in unknown)}")
    for tag in tags:
        if tag not in collection.taxonomy.tags:
            raise click.UsageError(f"unknown tag '{tag}'")
    for kind in kinds:
        if kind not in collection.taxonomy.kinds:
            raise click.UsageError(f"unknown kind '{kind}'")
    selected = [
        e
        for e in collection.sorted_entries()
        if all(t in e.tags for t in tags) and (not kinds or e.kind in kinds) and (not ids or e.id in ids)
    ]
    if not selected:
        reporter().info("no entries match the selection")
    write_output(export_collection(selected, fmt), output)
    reporter().debug(f"{len(selected)} entries exported as {fmt}")


@main.group()
def graph() -> None:
    """Query the citation graph."""


@graph.command("stats")
@entries_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def graph_stats_command(entries_dir: Path, output_format: str) -> None:
    """Counts by kind and tag, most-cited entries, components, isolated entries, cycles."""
    from dataclasses import asdict

    from afkb.graph import build_graph, graph_stats

    collection = require_valid(entries_dir)
    stats = graph_stats(build_graph(collection.entries.values()))
    if output_format == "json":
        click.echo(json.dumps(asdict(stats), indent=2))
        return
    click.echo(
        f"Entries: {stats.entries}   relations between entries: {stats.relations}   wanted papers: {stats.wanted}"
    )
    click.echo("By kind: " + ", ".join(f"{k} {n}" for k, n in stats.by_kind))
    click.echo("By tag: " + ", ".join(f"{k} {n}" for k, n in stats.by_tag))
    click.echo("Most cited within the knowledge base:")
    for entry_id, n in stats.most_cited:
        click.echo(f"  {n:3d}  {entry_id}")
    sizes = ", ".join(str(size) for size in stats.component_sizes)
    click.echo(f"Connected components: {len(stats.component_sizes)} (sizes {sizes})")
    click.echo("Isolated entries: " + (", ".join(stats.isolated) or "none"))
    if stats.cycles:
        click.echo(f"Cycles ({len(stats.cycles)}, reported, not rejected):")
        for cycle in stats.cycles:
            click.echo("  " + " -> ".join([*cycle, cycle[0]]))
    else:
        click.echo("Cycles: none")


@graph.command("path")
@entries_option
@click.argument("source")
@click.argument("target")
def graph_path_command(entries_dir: Path, source: str, target: str) -> None:
    """The chain of relations leading from entry SOURCE to entry TARGET."""
    from afkb.graph import build_graph, relation_path

    collection = require_valid(entries_dir)
    for entry_id in (source, target):
        if entry_id not in collection.entries:
            raise click.UsageError(f"no entry with id '{entry_id}'")
    g = build_graph(collection.entries.values())
    steps = relation_path(g, source, target)
    if steps is None:
        reverse = relation_path(g, target, source)
        hint = f" (there is one from {target} to {source}: run `afkb graph path {target} {source}`)" if reverse else ""
        click.echo(f"no path from {source} to {target}{hint}")
        sys.exit(1)
    click.echo(source)
    for _, rel_type, to in steps:
        click.echo(f"  --{rel_type}--> {to}")


@graph.command("wanted")
@entries_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N papers.")
def graph_wanted_command(entries_dir: Path, limit: int | None) -> None:
    """Papers cited by entries but without an entry yet, most cited first."""
    from afkb.graph import build_graph, wanted_papers

    collection = require_valid(entries_dir)
    wanted = wanted_papers(build_graph(collection.entries.values()))
    for paper in wanted[:limit]:
        ident = f" [arXiv:{paper.arxiv}]" if paper.arxiv else (f" [doi:{paper.doi}]" if paper.doi else "")
        click.echo(f"{len(paper.cited_by):3d}  {paper.title}{ident}  <- {', '.join(paper.cited_by)}")
    if not wanted:
        reporter().info("no wanted papers")


def is_interactive() -> bool:
    """True when a person is at a terminal (prompts are allowed)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _create_entry(entries_dir: Path, entry_id: str, text: str) -> Path:
    """Create entries/<id>.yaml; never overwrite. Raises InvalidInput if it exists."""
    from afkb.atomic import create_exclusive

    path = entries_dir / f"{entry_id}.yaml"
    try:
        create_exclusive(path, text)
    except FileExistsError:
        raise InvalidInput(f"{path} already exists; not overwritten") from None
    return path


def _check_new_id(entry_id: str) -> None:
    import re

    from afkb.schema import ID_HELP, ID_PATTERN

    if not re.fullmatch(ID_PATTERN, entry_id):
        raise click.UsageError(f"malformed id '{entry_id}'; {ID_HELP}")


@main.command("new")
@entries_option
@click.option("--id", "entry_id", help="The new entry's id, e.g. zhou2024emulated.")
@click.option(
    "--from-bib",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Fill the bibliographic fields from the first record of a BibTeX file.",
)
@click.option("--kind", help="The kind of paper (attack, defense, ...).")
def new_command(entries_dir: Path, entry_id: str | None, from_bib: Path | None, kind: str | None) -> None:
    """Create a skeleton entry with every field present and explained; never overwrites."""
    from afkb.bibimport import parse_bibtex, read_bibtex, suggest_id
    from afkb.scaffold import skeleton

    if not entries_dir.is_dir():
        raise click.UsageError(f"entries directory '{entries_dir}' does not exist or is not a directory")
    taxonomy_kinds = list(load_taxonomy().kinds)
    record = None
    if from_bib is not None:
        parsed = parse_bibtex(read_bibtex(from_bib))
        for line, message in parsed.failures:
            click.echo(f"{from_bib}:{line}: {message}", err=True)
        if not parsed.records:
            raise InvalidInput(f"{from_bib}: no usable BibTeX record")
        record = parsed.records[0]
        entry_id = entry_id or suggest_id(record.authors, record.year, record.title)
    interactive = is_interactive()
    if entry_id is None and interactive:
        entry_id = click.prompt("Entry id (<firstauthorfamily><year><firstword>)")
    if kind is None and interactive:
        kind = click.prompt("Kind", type=click.Choice(taxonomy_kinds), default="attack")
    if entry_id is None:
        raise click.UsageError("give --id ID (or --from-bib FILE), or run in a terminal to be asked")
    _check_new_id(entry_id)
    if kind is not None and kind not in taxonomy_kinds:
        raise click.UsageError(f"unknown kind '{kind}'; expected one of: {', '.join(taxonomy_kinds)}")
    path = _create_entry(entries_dir, entry_id, skeleton(entry_id, kind=kind, record=record))
    click.echo(str(path))
    reporter().info("fill in every TODO, then run `afkb validate`")


@main.command("add")
@entries_option
@click.argument("identifiers", nargs=-1, required=True)
def add_command(entries_dir: Path, identifiers: tuple[str, ...]) -> None:
    """Create skeleton entries for papers given as arxiv:ID, doi:DOI or an arXiv, doi.org, ACL
    Anthology or OpenReview URL, with the bibliographic fields the metadata services know.

    Never overwrites; refuses a paper already here (same arXiv id, DOI or normalised title).
    """
    import datetime as dt

    from afkb.tracking.add import (
        check_service_fields,
        entry_text,
        existing_entry,
        index_entry_files,
        name_parts,
        parse_identifier,
        resolve,
    )
    from afkb.tracking.http import default_http

    clean_up_interrupted_writes(entries_dir)
    existing = index_entry_files(_all_entry_files(entries_dir))
    taxonomy = load_taxonomy()
    http = default_http()
    today = dt.datetime.now(tz=dt.UTC).date()
    failures = []
    for given in identifiers:
        try:
            ident = parse_identifier(given)
            record, history = resolve(http, ident)
            found = existing_entry(existing, record, history)
            if found:
                raise InvalidInput(
                    f"{for_terminal(given)}: already in the knowledge base as {found} ({entries_dir / found}.yaml)"
                )
            entry_id, text = entry_text(record, history, name_parts(record), today)
            check_service_fields(text, entries_dir / f"{entry_id}.yaml", taxonomy, record, ident.value)
            path = _create_entry(entries_dir, entry_id, text)
        except (AfkbError, click.ClickException) as error:
            failures.append(error.message if isinstance(error, click.ClickException) else str(error))
            continue
        existing.add(entry_id, record)
        click.echo(str(path))
    for failure in failures:
        click.echo(failure, err=True)
    reporter().info(http.summary())
    if failures:
        sys.exit(1)
    reporter().info("fill in every TODO (summary, findings, takeaways, ...), then run `afkb validate`")


@main.command("import-bib")
@entries_option
@click.argument("bibfile", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def import_bib_command(entries_dir: Path, bibfile: Path) -> None:
    """Create skeleton entries for the BibTeX records not already in the knowledge base.

    Records are matched to existing entries by arXiv id, DOI or normalised title.
    Existing entries are never overwritten; unparseable records are reported with
    their line and the rest imported.
    """
    from afkb.bibimport import ExistingEntries, parse_bibtex, read_bibtex, suggest_id
    from afkb.scaffold import skeleton

    collection = open_collection(entries_dir)
    clean_up_interrupted_writes(entries_dir)
    parsed = parse_bibtex(read_bibtex(bibfile))
    existing_entries = ExistingEntries(collection.parsed.values())
    problems = [f"{bibfile}:{line}: {message}" for line, message in parsed.failures]
    created = 0
    for record in parsed.records:
        existing = existing_entries.find(record)
        if existing:
            reporter().info(f"{bibfile}:{record.line}: '{record.key}' is already entry {existing}; skipped")
            continue
        entry_id = suggest_id(record.authors, record.year, record.title)
        if entry_id is None:
            problems.append(f"{bibfile}:{record.line}: '{record.key}' lacks an author or year to make an id from")
            continue
        try:
            path = _create_entry(entries_dir, entry_id, skeleton(entry_id, record=record))
        except InvalidInput as error:
            problems.append(f"{bibfile}:{record.line}: {error.message}")
            continue
        created += 1
        click.echo(str(path))
    for problem in problems:
        click.echo(problem, err=True)
    reporter().info(f"{created} skeleton entries created; fill in every TODO, then run `afkb validate`")
    if problems:
        sys.exit(1)


def _all_entry_files(entries_dir: Path) -> tuple[Path, ...]:
    from afkb.collection import entry_files

    try:
        found, _ = entry_files(entries_dir)
    except EntriesDirError as error:
        raise click.UsageError(str(error)) from None
    return tuple(found)


def clean_up_interrupted_writes(directory: Path) -> None:
    from afkb.atomic import remove_stale_temporaries

    for stale in remove_stale_temporaries(directory):
        reporter().info(f"removed {stale}, left by an interrupted write")


@main.command("fmt")
@entries_option
@click.option("--check", is_flag=True, help="List files that would change and exit 1; change nothing.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, exists=True))
def fmt_command(entries_dir: Path, files: tuple[Path, ...], *, check: bool) -> None:
    """Rewrite entries into the canonical key order and style, keeping every value and comment."""
    from afkb.atomic import write_text_atomic
    from afkb.fmt import format_file

    files = files or _all_entry_files(entries_dir)
    for directory in sorted({path.parent for path in files}):
        clean_up_interrupted_writes(directory)
    changed = []
    failed = []
    for path in files:
        try:
            current, canonical = format_file(path)
        except Exception as error:  # noqa: BLE001 - any YAML error: report, leave the file alone
            failed.append(f"{for_terminal(str(path))}: cannot format: {for_terminal(str(error).splitlines()[0])}")
            continue
        if current != canonical:
            changed.append(path)
            if not check:
                write_text_atomic(path, canonical)
    for line in failed:
        click.echo(line, err=True)
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {path}")
    if failed or (check and changed):
        sys.exit(1)


@main.group("changes")
def changes_group() -> None:
    """Change notes: backfill them from git, check that content changes carry one."""


def _repo_root(entries_dir: Path) -> Path:
    from afkb.changes import git

    return Path(git(entries_dir, "rev-parse", "--show-toplevel").strip())


@changes_group.command("backfill")
@entries_option
def changes_backfill_command(entries_dir: Path) -> None:
    """Give every entry without change notes its history from git (one note per day its content changed)."""
    from afkb.atomic import write_text_atomic
    from afkb.changes import history, notes_of, with_notes

    repo = _repo_root(entries_dir)
    written = 0
    for path in _all_entry_files(entries_dir):
        text = path.read_text(encoding="utf-8")
        if notes_of(text):
            continue
        write_text_atomic(path, with_notes(text, history(repo, path.resolve().relative_to(repo))))
        written += 1
        reporter().debug(f"backfilled {path}")
    reporter().info(f"{written} entries given their change history")


@changes_group.command("check")
@entries_option
@click.option("--base", required=True, help="The git revision to compare with, e.g. origin/main.")
def changes_check_command(entries_dir: Path, base: str) -> None:
    """Exit 1 if an entry's content changed since BASE without a new change note."""
    import datetime as dt

    from afkb.changes import HistoryError, git, missing_note

    repo = _repo_root(entries_dir)
    changed = git(repo, "diff", "--name-only", "--diff-filter=AMR", base, "--", str(entries_dir.resolve()))
    problems = []
    today = dt.datetime.now(tz=dt.UTC).date().isoformat()
    for name in changed.splitlines():
        if not name.endswith(".yaml") or "/" not in name:
            continue
        try:
            base_text: str | None = git(repo, "show", f"{base}:{name}")
        except HistoryError:
            base_text = None
        fields = missing_note(base_text, (repo / name).read_text(encoding="utf-8"))
        if fields:
            problems.append(
                f"{for_terminal(name)}: {', '.join(fields)} changed since {for_terminal(base)} without a change note; "
                f'add one at the top of changes, e.g. "- {{date: {today}, note: <what changed, in one line>}}"'
            )
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    reporter().info("every changed entry carries a change note")


@main.command("check")
@entries_option
@click.option("--apply", "apply_updates", is_flag=True, help="Write the certain updates, each with a change note.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
def check_command(entries_dir: Path, output_format: str, output: Path | None, *, apply_updates: bool) -> None:
    """Ask arXiv and Crossref what changed about each paper: newer versions, DOIs, venues, titles.

    With --apply, writes only what is certain (DOI, venue, venue_type, year, the current title with
    the earlier one under title_history), keeping every comment, and adds a change note.
    """
    import datetime as dt
    import math

    from afkb.atomic import write_text_atomic
    from afkb.tracking import arxiv, crossref
    from afkb.tracking.check import apply_report, check_entries, report_text
    from afkb.tracking.http import default_http

    collection = require_valid(entries_dir)
    http = default_http()
    count = len(collection.entries)
    steps = math.ceil(count / arxiv.BATCH) + math.ceil(count / crossref.BATCH)
    with click.progressbar(length=steps, label="Asking arXiv and Crossref", file=sys.stderr) as bar:
        reports = check_entries(http, collection.entries.values(), lambda: bar.update(1))
    today = dt.datetime.now(tz=dt.UTC).date()
    new_texts = {}
    if apply_updates:
        for report in reports:
            if report.updates:
                path = entries_dir / f"{report.entry_id}.yaml"
                new_texts[path] = apply_report(path, report, collection.taxonomy, today)
        for path, text in new_texts.items():
            write_text_atomic(path, text)
    write_output(report_text(reports, output_format, applied=apply_updates) + "\n", output)
    reporter().info(f"{len(reports)} entries with news, {len(new_texts)} updated; {http.summary()}")


@main.command("radar")
@entries_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The radar file [default: tracking/radar.yaml beside the entries directory].",
)
@click.option(
    "--min-cites",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Add a new paper only if it cites at least this many entries.",
)
def radar_command(entries_dir: Path, out: Path | None, min_cites: int) -> None:
    """Ask OpenAlex and Semantic Scholar which papers cite the entries, and keep the ones not
    yet here in tracking/radar.yaml, most-citing first, with every status a maintainer gave."""
    import datetime as dt
    import math

    from afkb.atomic import write_text_atomic
    from afkb.bibimport import ExistingEntries
    from afkb.tracking import radar
    from afkb.tracking.citations import OPENALEX_OR_VALUES, S2_BATCH, openalex_citing, s2_citing
    from afkb.tracking.http import OPENALEX, default_http

    collection = require_valid(entries_dir)
    entries = sorted(collection.entries.values(), key=lambda e: e.id)
    path = out or entries_dir.parent / "tracking" / "radar.yaml"
    kept = radar.load(path)
    http = default_http()
    use_openalex = bool(OPENALEX.key)
    steps = math.ceil(len(entries) / S2_BATCH) + (
        2 * math.ceil(len(entries) / OPENALEX_OR_VALUES) if use_openalex else 0
    )
    with click.progressbar(length=steps, label="Asking for citing papers", file=sys.stderr) as bar:
        found = openalex_citing(http, entries, lambda: bar.update(1)) if use_openalex else []
        found += s2_citing(http, entries, lambda: bar.update(1))
    if not use_openalex:
        reporter().info("openalex: skipped: AFKB_OPENALEX_KEY is not set (OpenAlex requires an API key)")
    before = len(kept)
    today = dt.datetime.now(tz=dt.UTC).date()
    candidates = radar.merge_into(
        kept, radar.merge_citing(found), ExistingEntries(collection.entries.values()), today, min_cites
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, radar.dump(candidates))
    reporter().info(f"{len(candidates) - before} new papers, {len(candidates)} on the radar ({path}); {http.summary()}")
