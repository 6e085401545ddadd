"""The attack x defense matrix page."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from afkb.render.indexes import index_page

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.render.page import GeneratedPage

MATRIX_RELATIONS = {"defends-against", "evaluates", "attacks", "critiques"}
MAX_MATRIX_ATTACKS = 60  # columns; beyond this the most-evaluated attacks are shown
MAX_MATRIX_DEFENSES = 150  # rows


def matrix_page(ctx: SiteContext) -> GeneratedPage:
    entries = ctx.collection.sorted_entries()
    defenses = [e for e in entries if e.kind == "defense"]
    attacks = [e for e in entries if e.kind == "attack"]
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    attack_ids = {a.id for a in attacks}
    defense_ids = {d.id for d in defenses}
    for source, target, rel in ctx.graph.edges(keys=True):
        if rel not in MATRIX_RELATIONS:
            continue
        if source in defense_ids and target in attack_ids:
            relations[(source, target)].add(rel)
        elif source in attack_ids and target in defense_ids:
            relations[(target, source)].add(f"attacked by ({rel})")
    total_attacks, total_defenses = len(attacks), len(defenses)
    # Counted once over the cells, not once per row and column (that was quadratic).
    attack_hits = Counter(attack for _, attack in relations)
    defense_hits = Counter(defense for defense, _ in relations)
    if len(attacks) > MAX_MATRIX_ATTACKS:
        attacks = sorted(attacks, key=lambda a: (-attack_hits[a.id], a.id))[:MAX_MATRIX_ATTACKS]
    if len(defenses) > MAX_MATRIX_DEFENSES:
        defenses = sorted(defenses, key=lambda d: (-defense_hits[d.id], d.id))[:MAX_MATRIX_DEFENSES]
    return index_page(
        "matrix.md",
        "Attack × defense matrix",  # noqa: RUF001 - the multiplication sign is meant
        "matrix.md",
        search=False,
        wide=True,
        attacks=attacks,
        defenses=defenses,
        cells={pair: "; ".join(sorted(labels)) for pair, labels in relations.items()},
        covered=len(relations),
        total_attacks=total_attacks,
        total_defenses=total_defenses,
        shown_subset=(len(attacks), len(defenses)) != (total_attacks, total_defenses),
    )
