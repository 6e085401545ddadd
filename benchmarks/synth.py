"""Synthetic but realistic collections for benchmarks: valid entries whose field sizes and
relation density follow the real entries, generated with a fixed seed."""

from __future__ import annotations

import json
import random
import statistics
from pathlib import Path

from afkb.collection import load_collection
from afkb.scaffold import SCHEMA_COMMENT

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "alignment",
    "safety",
    "fine-tuning",
    "decoding",
    "jailbreak",
    "refusal",
    "shallow",
    "reversible",
    "deceptive",
    "benchmark",
    "judge",
    "defense",
    "attack",
    "robustness",
    "model",
    "language",
    "large",
    "aligned",
    "harmful",
    "emulated",
    "contrastive",
    "distribution",
    "tokens",
    "evaluation",
    "consistency",
    "multiple",
    "choice",
    "open-ended",
    "weights",
    "adapter",
    "gradient",
    "representation",
]


def _text(rng: random.Random, length: int) -> str:
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words).capitalize() + "."


def _letters(number: int) -> str:
    """A unique lower-case family name for a number: 0 -> 'aaaa', 1 -> 'aaab', ..."""
    letters = ""
    for _ in range(4):
        number, rest = divmod(number, 26)
        letters = chr(ord("a") + rest) + letters
    return "fam" + letters


def profile() -> dict[str, float]:
    """Average sizes of the real entries."""
    entries = list(load_collection(ROOT / "entries").entries.values())
    return {
        "summary": statistics.mean(len(e.summary) for e in entries),
        "findings": statistics.mean(len(e.findings) for e in entries),
        "claim": statistics.mean(len(f.claim) for e in entries for f in e.findings),
        "takeaways": statistics.mean(len(e.takeaways) for e in entries),
        "takeaway": statistics.mean(len(t.text) for e in entries for t in e.takeaways),
        "authors": statistics.mean(len(e.authors) for e in entries),
        "relations": statistics.mean(len(e.relations) for e in entries),
        "references": statistics.mean(len(e.references) for e in entries),
    }


def generate(directory: Path, count: int, seed: int = 20241123) -> list[Path]:
    """Write ``count`` valid entries into ``directory``."""
    rng = random.Random(seed)
    sizes = profile()
    taxonomy_tags = [
        "fine-tuning-attack",
        "decoding-attack",
        "prompt-jailbreak",
        "lora",
        "rlhf",
        "open-weights",
        "safety-benchmark",
        "tamper-resistance",
        "logit-arithmetic",
        "red-teaming",
    ]
    threats = ["fine-tuning-attack", "decoding-attack", "prompt-jailbreak", "shallow-alignment"]
    kinds = ["attack", "defense", "evaluation", "benchmark", "analysis", "method"]
    directory.mkdir(parents=True, exist_ok=True)
    ids = [f"{_letters(i)}{2015 + i * 10 // count}paper" for i in range(count)]
    paths = []
    for i, entry_id in enumerate(ids):
        year = 2015 + i * 10 // count
        earlier = ids[:i]
        relations = [
            {
                "type": rng.choice(["cites", "builds-on", "uses-data-from", "defends-against", "compares-with"]),
                "target": t,
            }
            for t in sorted(set(rng.sample(earlier, min(len(earlier), round(rng.expovariate(1 / sizes["relations"]))))))
        ]
        data = {
            "id": entry_id,
            "title": _text(rng, 70).rstrip("."),
            "tldr": _text(rng, 120).rstrip("."),
            "authors": [
                f"Author{rng.randrange(10**6)} Family{rng.randrange(10**6)}"
                for _ in range(max(1, round(rng.gauss(sizes["authors"], 2))))
            ],
            "year": year,
            "venue": f"Conference {year}",
            "venue_type": "conference",
            "arxiv": f"{year % 100:02d}{(i % 12) + 1:02d}.{i:05d}",
            "url": f"https://example.org/{entry_id}",
            "kind": rng.choice(kinds),
            "tags": sorted(set(rng.sample(taxonomy_tags, 3))),
            "threat_model": {"access": ["open-weights"], "summary": _text(rng, 150)},
            "summary": _text(rng, int(sizes["summary"])),
            "findings": [
                {"claim": _text(rng, int(sizes["claim"])), "where": f"Table {k + 1}", "evidence": "paper"}
                for k in range(round(sizes["findings"]))
            ],
            "takeaways": [
                {"text": _text(rng, int(sizes["takeaway"])), "threat": rng.choice(threats), "audience": ["defender"]}
                for _ in range(round(sizes["takeaways"]))
            ],
            "relations": relations,
            "references": [
                {"title": _text(rng, 60), "arxiv": f"19{(k % 12) + 1:02d}.{rng.randrange(99999):05d}"}
                for k in range(round(sizes["references"]))
            ],
        }
        lines = (
            [SCHEMA_COMMENT]
            + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items()]
            + ["added: 2024-05-01", 'changes: [{"date": "2024-05-01", "note": "Added."}]']
        )
        path = directory / f"{entry_id}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
