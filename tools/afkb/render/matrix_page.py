"""The attack x defense matrix page, and the attack/defense lists of the paper pages.

A cell joins one defense entry and one attack entry. It is *tested* when either paper evaluates
the pair (the defense paper ``defends-against`` or ``evaluates`` the attack, or the attack paper
``evaluates`` the defense) and *broken* when the attack paper ``attacks`` or ``critiques`` the
defense (broken wins: such a pair was tested too). A critique by a paper that is not an attack
has no column; it is listed, with the attacks, under the defenses broken or disputed.

Attacks are grouped by kind: the first threat tag the entry lists (authors list the main one
first), so "Weak-to-Strong Jailbreaking", tagged decoding-attack then fine-tuning-attack, is a
decoding attack.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from afkb.names import author_names
from afkb.render import labels
from afkb.render.indexes import index_page

if TYPE_CHECKING:
    from collections.abc import Mapping

    import networkx as nx

    from afkb.render.context import SiteContext
    from afkb.render.page import GeneratedPage
    from afkb.schema import Entry
    from afkb.taxonomy import Taxonomy

TESTED_BY_DEFENSE = ("defends-against", "evaluates")  # defense -> attack
TESTED_BY_ATTACK = ("evaluates",)  # attack -> defense
BREAKING = ("attacks", "critiques")  # attack (or, off the matrix, any paper) -> defense
TESTED, BROKEN = "tested", "broken"
CELL_LABELS = {TESTED: "Tested", BROKEN: "Broken"}
CELL_MARKS = {TESTED: "○", BROKEN: "✕"}  # beside the label, never alone
CELL_PREPOSITIONS = {TESTED: "against", BROKEN: "by"}  # "Tested against <attack>", "Broken by <attack>"
RELATION_PHRASES = {  # what a relation says about the pair, for the cell's tooltip
    "defends-against": "the defense paper defends against the attack",
    "evaluates": "one paper evaluates the other",
    "attacks": "the attack defeats the defense",
    "critiques": "the attack paper disputes the defense's claims",
}
BREAK_PHRASES = {"attacks": "Broken by", "critiques": "Disputed by"}
GROUP_LABELS = {
    "fine-tuning-attack": "Fine-tuning attacks",
    "decoding-attack": "Decoding attacks",
    "prompt-jailbreak": "Prompt jailbreaks",
    "weight-tampering": "Weight-tampering attacks",
    "data-poisoning": "Data-poisoning attacks",
}
OTHER_GROUP = "other"
MAX_GROUP_ATTACKS = 12  # columns of one group's table; beyond this the most-tested attacks are shown
MAX_GROUP_DEFENSES = 60  # rows of one group's table
SHORT_TITLE_LENGTH = 60


def _kind(graph: nx.MultiDiGraph[str], node: str, entries_by_id: Mapping[str, Entry]) -> str | None:
    """The kind of the entry at ``node``; None for a wanted paper."""
    entry = entries_by_id.get(node)
    return None if entry is None or graph.nodes[node]["wanted"] else entry.kind


def _is_entry(graph: nx.MultiDiGraph[str], node: str, entries_by_id: Mapping[str, Entry], kind: str | None) -> bool:
    found = _kind(graph, node, entries_by_id)
    return found is not None and (kind is None or found == kind)


def defenses_tested_against(
    graph: nx.MultiDiGraph[str], entries_by_id: Mapping[str, Entry], attack_id: str
) -> list[tuple[str, str]]:
    """The defenses tested against an attack, as (defense id, relation type) sorted by id then type:
    the defense's ``defends-against``/``evaluates`` to it, and its own ``evaluates``/``attacks``/
    ``critiques`` to the defense (an attack that broke a defense was tested against it)."""
    found = {
        (source, key)
        for source, _, key in graph.in_edges(attack_id, keys=True)
        if key in TESTED_BY_DEFENSE and _is_entry(graph, source, entries_by_id, "defense")
    }
    found |= {
        (target, key)
        for _, target, key in graph.out_edges(attack_id, keys=True)
        if key in TESTED_BY_ATTACK + BREAKING and _is_entry(graph, target, entries_by_id, "defense")
    }
    return sorted(found)


def attacks_on_defense(
    graph: nx.MultiDiGraph[str], entries_by_id: Mapping[str, Entry], defense_id: str
) -> list[tuple[str, str]]:
    """The papers that broke or disputed a defense, as (paper id, relation type) sorted by id then
    type: every entry, of any kind, that ``attacks`` or ``critiques`` it."""
    return sorted(
        (source, key)
        for source, _, key in graph.in_edges(defense_id, keys=True)
        if key in BREAKING and _is_entry(graph, source, entries_by_id, None)
    )


@dataclass(frozen=True, slots=True)
class Cell:
    state: str  # TESTED or BROKEN
    relations: tuple[str, ...]  # the relation types joining the pair, sorted

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]

    @property
    def mark(self) -> str:
        return CELL_MARKS[self.state]

    @property
    def preposition(self) -> str:
        return CELL_PREPOSITIONS[self.state]

    @property
    def detail(self) -> str:
        return "; ".join(RELATION_PHRASES[r] for r in self.relations)


def matrix_cells(graph: nx.MultiDiGraph[str], entries_by_id: Mapping[str, Entry]) -> dict[tuple[str, str], Cell]:
    """Every (defense id, attack id) pair that a relation joins, with its cell."""
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, target, key in graph.edges(keys=True):
        kinds = (_kind(graph, source, entries_by_id), _kind(graph, target, entries_by_id))
        if kinds == ("defense", "attack") and key in TESTED_BY_DEFENSE:
            relations[(source, target)].add(key)
        elif kinds == ("attack", "defense") and key in TESTED_BY_ATTACK + BREAKING:
            relations[(target, source)].add(key)
    return {
        pair: Cell(BROKEN if found & set(BREAKING) else TESTED, tuple(sorted(found)))
        for pair, found in relations.items()
    }


def primary_threat(entry: Entry, taxonomy: Taxonomy) -> str:
    """The entry's first threat tag, in its own order, or ``OTHER_GROUP``."""
    threats = taxonomy.words("threats")
    return next((tag for tag in entry.tags if tag in threats), OTHER_GROUP)


def group_label(threat: str) -> str:
    if threat == OTHER_GROUP:
        return "Other attacks"
    return GROUP_LABELS.get(threat) or f"{threat.replace('-', ' ').capitalize()} attacks"


def short_title(title: str, limit: int = SHORT_TITLE_LENGTH) -> str:
    return labels.short_title(title, limit)


def author_year(entry: Entry) -> str:
    """'Zou 2023': the first author's family name (or organisation) and the year."""
    first = author_names(entry)[0]
    return f"{first.literal or first.family_with_particle or entry.authors[0]} {entry.year}"


@dataclass(frozen=True, slots=True)
class AttackGroup:
    threat: str
    label: str
    description: str
    attacks: list[Entry]  # the columns: attacks of this kind tested against a defense
    defenses: list[Entry]  # the rows: defenses tested against one of them
    untested: list[Entry]  # attacks of this kind no defense was tested against
    hidden_attacks: int  # tested attacks left out of the table (over MAX_GROUP_ATTACKS)
    hidden_defenses: int


def attack_groups(
    attacks: list[Entry], defenses: list[Entry], cells: Mapping[tuple[str, str], Cell], taxonomy: Taxonomy
) -> list[AttackGroup]:
    """One group per threat (in taxonomy order, then "other") that has an attack. Columns and rows
    are ordered by how many cells they fill, then by year and id."""
    by_threat: dict[str, list[Entry]] = defaultdict(list)
    for attack in attacks:
        by_threat[primary_threat(attack, taxonomy)].append(attack)
    column_hits = Counter(a for _, a in cells)
    groups = []
    for threat in [*taxonomy.threats, OTHER_GROUP]:
        members = by_threat.get(threat)
        if not members:
            continue
        tested = sorted((a for a in members if column_hits[a.id]), key=lambda a: (-column_hits[a.id], a.year, a.id))
        shown = tested[:MAX_GROUP_ATTACKS]
        shown_ids = {a.id for a in shown}
        row_hits = Counter(d for d, a in cells if a in shown_ids)
        rows = sorted((d for d in defenses if row_hits[d.id]), key=lambda d: (-row_hits[d.id], d.year, d.id))
        groups.append(
            AttackGroup(
                threat=threat,
                label=group_label(threat),
                description=taxonomy.tags[threat].description if threat in taxonomy.tags else "",
                attacks=shown,
                defenses=rows[:MAX_GROUP_DEFENSES],
                untested=sorted((a for a in members if not column_hits[a.id]), key=lambda a: (a.year, a.id)),
                hidden_attacks=len(tested) - len(shown),
                hidden_defenses=max(0, len(rows) - MAX_GROUP_DEFENSES),
            )
        )
    return groups


def matrix_page(ctx: SiteContext) -> GeneratedPage:
    entries = ctx.collection.sorted_entries()
    entries_by_id = ctx.collection.entries
    attacks = [e for e in entries if e.kind == "attack"]
    defenses = [e for e in entries if e.kind == "defense"]
    cells = matrix_cells(ctx.graph, entries_by_id)
    groups = attack_groups(attacks, defenses, cells, ctx.taxonomy)
    breakers = [(d, attacks_on_defense(ctx.graph, entries_by_id, d.id)) for d in defenses]
    tested_defenses = {d for d, _ in cells}
    return index_page(
        "matrix.md",
        "Attack × defense matrix",  # noqa: RUF001 - the multiplication sign is meant
        "matrix.md",
        search=False,
        wide=True,
        groups=groups,
        cells=cells,
        entries_by_id=entries_by_id,
        short_title=short_title,
        author_year=author_year,
        broken=[(d, found) for d, found in breakers if found],
        break_phrases=BREAK_PHRASES,
        never_tested=[d for d in defenses if d.id not in tested_defenses],
        total_attacks=len(attacks),
        total_defenses=len(defenses),
        tested_attacks=len({a for _, a in cells}),
        untested_attacks=sum(len(g.untested) for g in groups),
    )
