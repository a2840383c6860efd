"""Cross-lingual query expansion from the bilingual glossary (``indexer/data/glossary.tsv``).

A glossary row is one concept: Korean terms, English terms and variants (Hangul transliterations such as
유넷 for U-Net, spacing variants, abbreviations). When the query holds one of a concept's terms, the
concept's *other* terms are searched too, at :data:`EXPANSION_WEIGHT` of a typed word's weight, so
강화학습 finds "reinforcement learning" and 유넷 finds U-Net without outranking documents that use the
words typed.

>>> [(e.matched, e.alternatives[:2]) for e in expand("강화학습으로 게임")]
[('강화학습', ('reinforcement learning', 'rl'))]
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.analysis import morphemes

GLOSSARY = Path(__file__).resolve().parents[1] / "data" / "glossary.tsv"
#: Weight of an expansion term relative to a typed word (tuned on the evaluation set, see docs/relevance.md).
EXPANSION_WEIGHT = 0.5
MAX_NGRAM = 5
_NOISE = re.compile(r"[\s\-_.·]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def key(term: str) -> str:
    """Glossary lookup form: NFC, lowercase, no spaces, hyphens, dots or underscores."""
    return _NOISE.sub("", unicodedata.normalize("NFC", term).lower())


@dataclass(frozen=True)
class Expansion:
    matched: str
    alternatives: tuple[str, ...]
    weight: float = EXPANSION_WEIGHT


class Glossary:
    def __init__(self, concepts: list[tuple[str, ...]]) -> None:
        self.concepts = concepts
        self.lookup: dict[str, int] = {}
        for number, terms in enumerate(concepts):
            for term in terms:
                self.lookup.setdefault(key(term), number)

    @classmethod
    def load(cls, path: Path = GLOSSARY) -> Glossary:
        concepts: list[tuple[str, ...]] = []
        header_seen = False
        for line in path.read_text("utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            columns = line.split("\t")
            terms = [t.strip() for column in columns[:3] for t in column.split("|") if t.strip()]
            if terms:
                concepts.append(tuple(dict.fromkeys(terms)))
        return cls(concepts)

    def __len__(self) -> int:
        return len(self.concepts)


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return Glossary.load()


def _units(text: str) -> list[str]:
    """The query as lookup units: a Latin word whole (u-net → unet), a Korean word as its morphemes."""
    units: list[str] = []
    for word in text.split():
        if _HANGUL.search(word):
            units += [key(m.text) for m in morphemes(word, index=False) if not m.same_position]
        elif key(word):
            units.append(key(word))
    return [u for u in units if u]


def expand(text: str, glossary: Glossary | None = None, weight: float = EXPANSION_WEIGHT) -> list[Expansion]:
    """Concepts named in ``text`` (longest match first, no overlaps) and the terms to add for each."""
    glossary = default_glossary() if glossary is None else glossary
    units = _units(text)
    found: list[Expansion] = []
    seen: set[int] = set()
    i = 0
    while i < len(units):
        for n in range(min(MAX_NGRAM, len(units) - i), 0, -1):
            joined = "".join(units[i:i + n])
            concept = glossary.lookup.get(joined)
            if concept is not None and (n > 1 or len(joined) > 1):
                if concept not in seen:
                    seen.add(concept)
                    terms = glossary.concepts[concept]
                    others = tuple(t for t in terms if key(t) != joined)
                    found.append(Expansion(joined, others, weight))
                i += n
                break
        else:
            i += 1
    return found
