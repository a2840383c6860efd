"""Cross-lingual query expansion from the hand glossary (``indexer/data/glossary.tsv``) and the lexicon the
corpus itself teaches (:mod:`indexer.mining`).

A glossary row is one concept: Korean terms, English terms and variants (Hangul transliterations such as
유넷 for U-Net, spacing variants, abbreviations). When the query holds one of a concept's terms, the
concept's *other* terms are searched too, at :data:`EXPANSION_WEIGHT` of a typed word's weight, so
강화학습 finds "reinforcement learning" and 유넷 finds U-Net without outranking documents that use the
words typed. Where the hand glossary has no concept, the generation's mined lexicon is asked the same
way (its concepts are the glosses and transliterations the corpus writes: 제너레이터 ↔ generator); and a
Hangul loanword neither knows is searched as the English word of the corpus it sounds like
(클릭재킹 → clickjacking), when one sounds all but the same — at a typed word's weight when the corpus never
writes the Hangul word at all (it is then the English word respelt, like a correction).

>>> [(e.matched, e.alternatives[:2]) for e in expand("강화학습으로 게임")]
[('강화학습', ('reinforcement learning', 'rl'))]
"""
from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from indexer.analysis import loanword_like, morphemes, stem, strip_particle

GLOSSARY = Path(__file__).resolve().parents[1] / "data" / "glossary.tsv"
#: Weight of an expansion term relative to a typed word (tuned on the evaluation set, see docs/relevance.md).
EXPANSION_WEIGHT = 0.5
MAX_NGRAM = 5
_NOISE = re.compile(r"[\s\-_.·]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")
_ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")
#: Marks around a Latin word that are not part of it (segment*, "unet", (pytorch)); c++ and c# keep theirs.
_EDGES = "*?!,;:()[]{}<>\"'`~^"


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
        #: the one-word English terms by stem (dictionaries finds dictionary's concept)
        self.stems: dict[str, list[tuple[str, int]]] = {}
        for number, terms in enumerate(concepts):
            for term in terms:
                self.lookup.setdefault(key(term), number)
                if _ENGLISH_WORD.fullmatch(term):
                    self.stems.setdefault(stem(term.lower()), []).append((term.lower(), number))

    def inflected(self, word: str) -> int | None:
        """The concept of a one-word English term that ``word`` is the plural or singular of (dictionaries:
        dictionary; not objective for object, although both stem to object)."""
        for term, number in self.stems.get(stem(word), ()):
            if _plural_of(word, term) or _plural_of(term, word):
                return number
        return None

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


_MINED: weakref.WeakKeyDictionary[Any, Glossary] = weakref.WeakKeyDictionary()


def _mined_glossary(mined: Any) -> Glossary:
    """The mined lexicon's concepts as a Glossary (built once per opened generation)."""
    found = _MINED.get(mined)
    if found is None:
        found = _MINED[mined] = Glossary(list(mined.concepts))
    return found


def _plural_of(plural: str, singular: str) -> bool:
    if plural.endswith("ies"):
        return singular.endswith("y") and plural[:-3] == singular[:-1]
    return plural in (singular + "s", singular + "es")


def _units(text: str) -> list[str]:
    """The query as lookup units: a Latin word whole (u-net → unet), a Korean word as its morphemes."""
    units: list[str] = []
    for word in text.split():
        if _HANGUL.search(word):
            units += [key(m.text) for m in morphemes(word, index=False) if not m.same_position]
        elif key(word.strip(_EDGES)):
            units.append(key(word.strip(_EDGES)))
    return [u for u in units if u]


def expand(text: str, glossary: Glossary | None = None, weight: float = EXPANSION_WEIGHT,
           mined: Any = None) -> list[Expansion]:
    """Concepts named in ``text`` (longest match first, no overlaps; the hand glossary before the mined
    lexicon ``mined``, a :class:`indexer.mining.MinedLexicon`) and the terms to add for each."""
    glossaries = [default_glossary() if glossary is None else glossary]
    if mined is not None:
        glossaries.append(_mined_glossary(mined))
    units = _units(text)
    found: list[Expansion] = []
    seen: set[tuple[int, int]] = set()
    covered: set[str] = set()
    i = 0
    while i < len(units):
        match = _longest(units, i, glossaries)
        if match is None:
            i += 1
            continue
        source, concept, n, joined = match
        if (source, concept) not in seen:
            seen.add((source, concept))
            terms = glossaries[source].concepts[concept]
            found.append(Expansion(joined, tuple(t for t in terms if key(t) != joined), weight))
        covered.add(joined)
        i += n
    if mined is not None:
        found += _sounding(text, covered, mined, weight)
    return found


def _longest(units: list[str], i: int, glossaries: list[Glossary]) -> tuple[int, int, int, str] | None:
    """(glossary, concept, units taken, lookup key) of the longest concept starting at unit ``i``."""
    for source, glossary in enumerate(glossaries):
        for n in range(min(MAX_NGRAM, len(units) - i), 0, -1):
            joined = "".join(units[i:i + n])
            concept = glossary.lookup.get(joined)
            if concept is not None and (n > 1 or len(joined) > 1):
                return source, concept, n, joined
        if _ENGLISH_WORD.fullmatch(units[i]) and len(units[i]) > 3:
            concept = glossary.inflected(units[i])
            if concept is not None:
                return source, concept, 1, units[i]
    return None


def _sounding(text: str, covered: set[str], mined: Any, weight: float) -> list[Expansion]:
    """The English words the corpus writes for Hangul loanwords of ``text`` that no concept names whole
    (클릭재킹, although a concept names 클릭)."""
    found = []
    for word in text.split():
        if not _HANGUL_WORD.fullmatch(word):
            continue
        stem = strip_particle(word)
        if key(stem) in covered or not loanword_like(stem):
            continue  # a concept names the whole word (one naming only a part leaves it to be tried)
        english = mined.sounds_like(stem)
        if english is not None:
            # a word the corpus never writes in Hangul is the English word respelt: it weighs as typed
            found.append(Expansion(key(stem), (english,), 1.0 if not mined.documents(stem) else weight))
    return found
