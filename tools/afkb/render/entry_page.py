"""The page of one entry: the context for ``templates/entry.md``."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from afkb.export import venue_without_year
from afkb.names import author_names
from afkb.render.author_pages import author_path
from afkb.render.citation import formatted_reference
from afkb.render.html import inline_markdown, markdown_to_html
from afkb.render.links import DOWNLOADS_DIR, ENTRY_SOURCE_DIR, href, paper_path
from afkb.render.matrix_page import attacks_on_defense, defenses_tested_against
from afkb.render.page import GeneratedPage
from afkb.render.templates import render

if TYPE_CHECKING:
    from markupsafe import Markup

    from afkb.names import PersonName
    from afkb.render.context import SiteContext
    from afkb.schema import Entry

PAPER_SEARCH_BOOST = 2.0  # paper pages rank above index pages that mention the same words
EVIDENCE_LABELS = {
    "paper": "the paper",
    "repository": "authors' code or README",
    "project-page": "project page",
    "proceedings": "proceedings page",
    "abstract": "abstract only",
    "secondary": "another source",
}
EVIDENCE_HELP = {
    "paper": "its text, a table or a figure",
    "repository": "the authors' repository, README or model card",
    "project-page": "the authors' project page or post",
    "proceedings": "a venue's metadata page",
    "abstract": "only the abstract was read",
    "secondary": "another paper's or page's description",
}
STANDING = (("critiques", "Critiqued by"), ("attacks", "Attacked by"))


def _links(entry: Entry) -> list[tuple[str, str]]:
    links = []
    if entry.arxiv:
        links += [(f"arXiv:{entry.arxiv}", f"https://arxiv.org/abs/{entry.arxiv}")]
        links += [("PDF", f"https://arxiv.org/pdf/{entry.arxiv}")]
    if entry.doi:
        links.append((f"DOI {entry.doi}", f"https://doi.org/{entry.doi}"))
    if entry.url:
        links.append(("Publisher page", entry.url))
    if entry.code:
        links.append(("Code", entry.code))
    return links


def _relation_note(source: Entry, rel_type: str, target: str) -> Markup | None:
    """The source entry's note on one of its relations, rendered (or None)."""
    for relation in source.relations:
        if relation.type == rel_type and relation.target == target and relation.note:
            return inline_markdown(relation.note)
    return None


RelationGroups = list[tuple[str, list[tuple[str, list[tuple["Entry", "Markup | None"]]]]]]


def _relation_groups(entry: Entry, ctx: SiteContext) -> RelationGroups:
    entries = ctx.collection.entries
    out: dict[str, list[tuple[Entry, Markup | None]]] = defaultdict(list)
    for rel_type, target in ctx.outgoing(entry.id):
        if target in entries:
            out[ctx.relation_label(rel_type)].append((entries[target], _relation_note(entry, rel_type, target)))
    inc: dict[str, list[tuple[Entry, Markup | None]]] = defaultdict(list)
    for rel_type, source in ctx.incoming(entry.id):
        note = _relation_note(entries[source], rel_type, entry.id)
        inc[ctx.taxonomy.relations[rel_type].inverse].append((entries[source], note))
    return [
        (heading, sorted(groups.items()))
        for heading, groups in (("This paper", out), ("Within this knowledge base", inc))
        if groups
    ]


def _evidence(entry: Entry) -> list[tuple[str, int]]:
    counts = Counter(f.evidence for f in entry.findings)
    return [(label, counts[key]) for key, label in EVIDENCE_LABELS.items() if counts[key]]


def _standing(entry: Entry, ctx: SiteContext) -> list[tuple[str, list[Entry]]]:
    """Papers here that critique or attack this one, for the header."""
    incoming = ctx.incoming(entry.id)
    lines = []
    for rel_type, label in STANDING:
        others = sorted({s for t, s in incoming if t == rel_type and s in ctx.collection.entries})
        if others:
            lines.append((label, [ctx.collection.entries[s] for s in others]))
    return lines


TESTED_PHRASES = {  # how a defense met this attack
    "defends-against": "defends against it",
    "evaluates": "evaluated with it",
    "attacks": "this attack defeated it",
    "critiques": "this paper disputed it",
}
BROKEN_PHRASES = {"attacks": "defeated it", "critiques": "disputed its claims"}  # what a paper did to this defense


def _matrix_lists(entry: Entry, ctx: SiteContext) -> list[tuple[str, str, str, list[tuple[Entry, str]]]]:
    """For an attack, the defenses tested against it; for a defense, the papers that broke it."""
    entries = ctx.collection.entries
    if entry.kind == "attack":
        tested = defenses_tested_against(ctx.graph, entries, entry.id)
        if tested:
            items = [(entries[d], TESTED_PHRASES[rel]) for d, rel in tested]
            note = "Defenses in this knowledge base that were tested against this attack."
            return [("tested-defenses", "Defenses tested against this attack", note, items)]
        return []
    if entry.kind == "defense":
        broken = attacks_on_defense(ctx.graph, entries, entry.id)
        if broken:
            items = [(entries[p], BROKEN_PHRASES[rel]) for p, rel in broken]
            note = "Papers in this knowledge base that defeated this defense or disputed its claims."
            return [("broken-by", "Attacks that broke it, and critiques", note, items)]
    return []


def dublin_core(entry: Entry) -> list[tuple[str, str]]:
    """Dublin Core tags beside the Highwire ones, for tools that read DC."""
    tags = [("DC.title", entry.title), ("DC.type", "Text"), ("DC.language", "en")]
    tags += [("DC.creator", name.sort_form()) for name in author_names(entry)]
    tags.append(("DC.date", str(entry.year)))
    if entry.doi:
        tags.append(("DC.identifier", f"https://doi.org/{entry.doi}"))
    if entry.arxiv:
        tags.append(("DC.identifier", f"https://arxiv.org/abs/{entry.arxiv}"))
    if entry.venue_type != "preprint":
        tags.append(("DC.source", entry.venue))
    return tags


def open_graph(entry: Entry, page_url: str | None) -> list[tuple[str, str]]:
    tags = [("og:type", "article"), ("og:title", entry.title)]
    if entry.tldr:
        tags.append(("og:description", entry.tldr))
    if page_url:
        tags.append(("og:url", page_url))
    tags.append(("og:site_name", "Alignment Fragility Knowledge Base"))
    return tags


def highwire_meta(entry: Entry) -> list[tuple[str, str]]:
    """Highwire Press citation_* tags, read by Zotero's connector and Google Scholar."""
    tags = [("citation_title", entry.title)]
    tags += [("citation_author", name.sort_form()) for name in author_names(entry)]  # "Family, Given"
    tags.append(("citation_publication_date", str(entry.year)))
    if entry.venue_type in {"conference", "workshop"}:
        tags.append(("citation_conference_title", entry.venue))
    elif entry.venue_type == "journal":
        tags.append(("citation_journal_title", entry.venue))
    elif entry.venue_type == "report":
        tags.append(("citation_technical_report_institution", entry.venue))
    if entry.doi:
        tags.append(("citation_doi", entry.doi))
    if entry.arxiv:
        tags.append(("citation_arxiv_id", entry.arxiv))
        tags.append(("citation_pdf_url", f"https://arxiv.org/pdf/{entry.arxiv}"))
        tags.append(("citation_abstract_html_url", f"https://arxiv.org/abs/{entry.arxiv}"))
    elif entry.url:
        tags.append(("citation_abstract_html_url", entry.url))
    return tags


def _person(printed: str, name: PersonName) -> dict[str, str]:
    if name.literal:
        return {"@type": "Organization", "name": printed}
    person = {"@type": "Person", "name": printed}
    if name.given:
        person["givenName"] = name.given
    person["familyName"] = name.family_with_particle
    if name.suffix:
        person["honorificSuffix"] = name.suffix
    return person


def _page_id(ctx: SiteContext, from_page: str, to_page: str) -> str:
    """The address of a page: absolute under the site URL when one is set, else relative."""
    if ctx.site_url:
        return ctx.site_url.rstrip("/") + "/" + href("index.md", to_page)
    return href(from_page, to_page)


def json_ld(entry: Entry, ctx: SiteContext, links: list[tuple[str, str]]) -> dict[str, Any]:
    """schema.org ``ScholarlyArticle`` for the page: authors as persons, identifiers, and the
    papers it relates to, each under ``citation`` and under its CiTO property (``cito`` in the
    taxonomy). The context is inline, so a JSON-LD processor needs nothing from the network."""
    page = paper_path(entry.id)
    identifiers = []
    if entry.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": entry.doi})
    if entry.arxiv:
        identifiers.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": entry.arxiv})
    same_as = [url for _, url in links if url != entry.code]
    data: dict[str, Any] = {
        "@context": {"@vocab": "https://schema.org/", "cito": "http://purl.org/spar/cito/"},
        "@type": "ScholarlyArticle",
        "@id": _page_id(ctx, page, page),
        "name": entry.title,
        "author": [_person(a, n) for a, n in zip(entry.authors, author_names(entry), strict=True)],
        "datePublished": str(entry.year),
        "identifier": identifiers,
        "sameAs": same_as,
        "isPartOf": {
            "@type": "PublicationEvent" if entry.venue_type in {"conference", "workshop"} else "Periodical",
            "name": entry.venue,
        },
    }
    if entry.tldr:
        data["abstract"] = entry.tldr
    related: dict[str, list[dict[str, str]]] = defaultdict(list)
    for rel_type, target in ctx.outgoing(entry.id):
        if target in ctx.collection.entries:
            cito = ctx.taxonomy.relations[rel_type].cito.rsplit("/", 1)[-1]
            related[f"cito:{cito}"].append({"@id": _page_id(ctx, page, paper_path(target))})
    if related:
        data["citation"] = [{"@id": ref["@id"]} for refs in related.values() for ref in refs]
        data.update(sorted(related.items()))
    return data


def render_entry_page(entry: Entry, ctx: SiteContext) -> GeneratedPage:
    page = paper_path(entry.id)
    source = f"{ENTRY_SOURCE_DIR}/{entry.id}.yaml"
    bibtex = ctx.bibtex(entry)
    links = _links(entry)
    markdown = render(
        "entry.md",
        e=entry,
        page=page,
        authors=[(a, author_path(ctx.author_of(a))) for a in entry.authors],
        standing=_standing(entry, ctx),
        evidence=_evidence(entry),
        evidence_labels=EVIDENCE_LABELS,
        evidence_help=EVIDENCE_HELP,
        matrix_lists=_matrix_lists(entry, ctx),
        links=links,
        venue=venue_without_year(entry),
        threat_summary=inline_markdown(entry.threat_model.summary),
        takeaways=[(t, inline_markdown(t.text)) for t in entry.takeaways],
        summary=markdown_to_html(entry.summary),
        findings=[(f, inline_markdown(f.claim)) for f in entry.findings],
        notes=markdown_to_html(entry.notes) if entry.notes else None,
        relation_groups=_relation_groups(entry, ctx),
        bibtex=bibtex,
        reference=formatted_reference(entry),
        bibtex_download=href(page, f"{DOWNLOADS_DIR}/{ENTRY_SOURCE_DIR}/{entry.id}.bib"),
        edit_url=f"{ctx.edit_base_url.rstrip('/')}/{source}" if ctx.edit_base_url else None,
        source=source,
        source_link=href(page, f"{DOWNLOADS_DIR}/{source}").rstrip("/"),
        json_ld=json_ld(entry, ctx, links),
    )
    return GeneratedPage(
        page,
        entry.title,
        markdown,
        search_boost=PAPER_SEARCH_BOOST,
        meta_tags=highwire_meta(entry) + dublin_core(entry),
        property_tags=open_graph(entry, _page_id(ctx, page, page) if ctx.site_url else None),
        description=entry.tldr,
    )
