"""Which words of a title keep their capitals when a style prints titles in sentence case.

Styles lowercase every word but the first; a word is protected when lowercasing it would be
wrong: it has a capital after its first letter (LLMs, LoRA, GPT-4, In-Context), it starts with
digits followed by letters (70B: only the letters are protected, the form pandoc honours), or
it is a proper noun of the field. BibTeX braces protected text; CSL-JSON wraps it in
``<span class="nocase">``.
"""

from __future__ import annotations

import re

# Names a sentence-case style would lowercase although they name a model, a family or a language.
PROPER_NOUNS = frozenset(
    {
        "Llama", "Claude", "Gemini", "Gemma", "Mistral", "Mixtral", "Vicuna", "Alpaca", "Qwen", "Zephyr",
        "Pythia", "Falcon", "DeepSeek", "Guard", "English", "Chinese", "French", "German", "Japanese",
        "Russian", "Korean", "Arabic", "Bayesian", "Markov", "Gaussian", "Transformer", "Transformers",
    }
)  # fmt: skip
# A word: letters and digits of any script, joined by inner hyphens or apostrophes.
WORD = re.compile(r"[^\W_](?:[^\W_]|['\u2019-](?=[^\W_]))*")
_DIGITS_THEN_LETTERS = re.compile(r"(\d+)(\D.*)", re.DOTALL)


def protected_parts(word: str) -> tuple[str, str]:
    """(unprotected prefix, protected rest) of a word; the rest is empty when nothing needs protecting."""
    if word in PROPER_NOUNS or any(c.isupper() for c in word[1:]):
        digits = _DIGITS_THEN_LETTERS.fullmatch(word)
        if digits and word[0].isdigit():
            return digits.group(1), digits.group(2)
        return "", word
    return word, ""


def split_title(title: str) -> list[tuple[str, bool]]:
    """The title as (text, protected) runs, in order; joined, the texts give the title back."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(title):
        plain, kept = protected_parts(match.group(0))
        runs.append((title[position : match.start()] + plain, False))
        if kept:
            runs.append((kept, True))
        position = match.end()
    runs.append((title[position:], False))
    merged: list[tuple[str, bool]] = []
    for text, protected in runs:
        if not text:
            continue
        if merged and not protected and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + text, False)
        else:
            merged.append((text, protected))
    return merged
