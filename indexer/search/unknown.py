"""A word the index does not know: its one-syllable pieces never match on their own.

mecab reads a loanword or name it does not know (클릭재킹, a misspelt 세그멘테이숀) as one-syllable pieces,
and a syllable such as 킹 or 숀 matches hundreds of unrelated pages. When a Hangul query word is not a word
the corpus writes and the analysis breaks it into pieces of which some are one syllable long, those pieces
are searched only next to their neighbours (the adjacency bonus and the bigram net keep the word's
letters in play), never as terms of their own.

>>> sorted(lone_syllables("클릭재킹 공격", lambda word: word == "공격"))
['킹']

A loanword turned into a verb with 하다 (캡처하는, 디코딩한, 캐싱하면) is often misread whole: mecab finds
처하 in 캡처하는 and never 캡처. :func:`light_verb_stems` searches such a word as the noun the corpus writes
(캡처), which is what the verb means to a search anyway.

>>> light_verb_stems("그룹 캡처하는", lambda word: word in ("그룹", "캡처"))
'그룹 캡처'

A query of words nobody writes (a hostile client's 120 made-up words) would also cost one postings lookup
per term and field: :func:`without_absent` drops the alternatives that the spelling lexicon shows match
nothing, before the search looks anything up.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import Any

from whoosh import query as wq

from indexer.analysis import has_ending, morphemes, strip_particle

_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")
#: Documents that must write a noun as a word of its own for a verb made of it to be searched as it.
LIGHT_VERB_MIN_DOCS = 2
#: How a form of 하다 / 되다 / 시키다 starts (하는, 한, 했다, 되는, 시키면 …).
_LIGHT_VERB = re.compile(r"(?:하|해|했|한|할|합|함|되|돼|됐|된|될|시키|시킨|시켜)[\uac00-\ud7a3]{0,4}")


def lone_syllables(text: str, known: Callable[[str], bool]) -> frozenset[str]:
    """The one-syllable Hangul pieces of the words of ``text`` for which ``known`` (a word without its
    particles) is false and that the analysis splits into more than one piece."""
    found: set[str] = set()
    for word in text.split():
        if not _HANGUL_WORD.fullmatch(word) or known(strip_particle(word)):
            continue
        pieces = [m.text for m in morphemes(word, index=False) if not m.same_position]
        if len(pieces) > 1:
            found.update(p for p in pieces if len(p) == 1 and "\uac00" <= p <= "\ud7a3")
    return frozenset(found)


def light_verb_stems(text: str, written: Callable[[str], bool]) -> str:
    """``text`` with each Hangul word that is a noun the corpus writes (``written``) followed by a form of
    하다, 되다 or 시키다 (a tail in which mecab finds an ending) replaced by the noun; the longest such noun."""
    words = text.split()
    for i, word in enumerate(words):
        if not _HANGUL_WORD.fullmatch(word):
            continue
        for cut in range(len(word) - 1, 1, -1):
            if _LIGHT_VERB.fullmatch(word[cut:]) and written(word[:cut]) and _verb_tail(word[cut:]):
                words[i] = word[:cut]
                break
    return " ".join(words)


@lru_cache(maxsize=4096)
def _verb_tail(tail: str) -> bool:
    return has_ending(tail)


def without_absent(query: Any, present: Callable[[str], bool], fields: Collection[str]) -> Any:
    """``query`` (freshly built, changed in place) without the term alternatives that match nothing: a
    term of one of ``fields`` for which ``present`` is false, inside an Or that does not count its matched
    alternatives (where a term that matches no document adds nothing). Every Or keeps at least one
    alternative, so the coordination of its parent, and so every score, stays as it was."""
    seen: dict[str, bool] = {}

    def absent(node: Any) -> bool:
        if not isinstance(node, wq.Term) or node.fieldname not in fields or not isinstance(node.text, str):
            return False
        if node.text not in seen:
            seen[node.text] = present(node.text)
        return not seen[node.text]

    def visit(node: Any) -> None:
        if isinstance(node, wq.CompoundQuery):
            # (an Or that scales by the share of its alternatives matched keeps them all)
            if isinstance(node, wq.Or | wq.DisjunctionMax) and not getattr(node, "scale", None):
                kept = [child for child in node.subqueries if not absent(child)]
                node.subqueries = kept or node.subqueries[:1]
            for child in node.subqueries:
                visit(child)
        elif isinstance(node, wq.WrappingQuery):
            visit(node.child)

    visit(query)
    return query
