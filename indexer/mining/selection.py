"""Which candidate pairs the corpus supports strongly enough to search with.

A gloss (Korean, English) is kept when

* its Korean side is the term, not a phrase ending in it: of the spans the corpus writes before the same
  English, the one most documents share, extended to a longer span only while nearly every document with
  the shorter one has the longer one too (``배치 정규화``, not ``정규화`` or ``글은 배치 정규화``);
* two documents or more write it, and it is how the corpus mostly glosses each side: at least half of the
  documents that gloss the English give this Korean, and at least half of those glossing the Korean give
  this English;
* it is not a transliteration of one word of a longer English phrase (``이벤트(auditing event)`` is a gloss
  of ``event`` with a Korean word missing), and its Korean side reads as a noun phrase (no verb or ending)
  or ends in a loanword.

Words that glossed terms share are paired too: compounds keep their word order in both languages, head
last, so when three glossed terms or more align the same two words (퀵 정렬 / quick sort, 힙 정렬 / heap sort,
위상 정렬 / topological sort), those words are a pair (정렬 / sort) — even where the corpus never glosses the
word alone.

A transliteration (Korean, English) is kept when two documents or more hold both, when at least a fifth
of the documents holding the rarer of the two hold the other and a tenth of those holding the Korean word
(a native word that sounds like an English one, 먼저 / manager, is written far more widely), when the
Korean word is not a verb form (아닙니다), and when it is the English word that sounds most like the
Korean one among those, the one written with it most consistently on a tie (모드: mode, not mod), and the
Korean is among the best-sounding for that English.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from indexer.analysis import has_ending, loanword_like, noun_like
from indexer.mining.counts import GLOSS, TRANSLITERATION, MinedCounts, transliterates
from indexer.mining.phonetic import similarity
from indexer.mining.words import STOPWORDS

MIN_DOCUMENTS = 2
#: A longer Korean span replaces a shorter one when this share of the shorter's documents have it.
SPAN_SHARE = 0.9
#: Least share of a side's glosses the chosen pair must have (consistency).
GLOSS_SHARE = 0.5
#: Least share of the rarer word's documents that hold both words of a transliteration.
CO_OCCURRENCE = 0.2
#: Least share of the Korean word's documents that hold the English word too: a transliteration travels
#: with its original, while a native word that happens to sound like an English one (먼저 / manager,
#: 것은 / cudnn) is written in many documents that never hold it.
KOREAN_SHARE = 0.1
#: Distinct glossed terms that must share an aligned word pair.
MIN_ALIGNED = 3
ALIGNED = "aligned"


class Entry(NamedTuple):
    korean: str
    english: str
    kind: str
    documents: int


def select(counts: MinedCounts) -> list[Entry]:
    """The pairs kept (see the module docstring), sorted."""
    terms = _terms(counts)
    return sorted({*_glosses(terms), *_aligned(terms), *_transliterations(counts)})


def _terms(counts: MinedCounts) -> dict[str, tuple[str, int, int]]:
    """English → (its Korean term, documents glossing it so, documents glossing it at all)."""
    by_english: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for (kind, korean, english), docs in counts.pairs.items():
        if kind == GLOSS and english not in STOPWORDS:
            by_english[english][korean] = docs
    found = {}
    for english, spans in by_english.items():
        korean = _term(spans)
        total = sum(n for span, n in spans.items() if " " not in span)  # every gloss ends in one last word
        found[english] = (korean, spans[korean], total)
    return found


def _glosses(terms: dict[str, tuple[str, int, int]]) -> list[Entry]:
    korean_total: defaultdict[str, int] = defaultdict(int)
    for korean, docs, _ in terms.values():
        korean_total[korean] += docs
    kept = []
    for english, (korean, docs, total) in terms.items():
        if docs < MIN_DOCUMENTS or docs < GLOSS_SHARE * total:
            continue
        if docs < GLOSS_SHARE * korean_total[korean] or _partial(korean, english) or not _term_like(korean):
            continue
        kept.append(Entry(korean, english, GLOSS, docs))
    return kept


def _aligned(terms: dict[str, tuple[str, int, int]]) -> list[Entry]:
    """Word pairs that many glossed terms share: compounds put their words in the same order in both
    languages, head last (퀵 정렬 / quick sort, 힙 정렬 / heap sort → 정렬 / sort), so the last words of
    a gloss of two words or more on each side align, and all its words when both sides have as many."""
    support: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for english, (korean, _, _) in terms.items():
        k_words, e_words = korean.split(), english.split()
        if len(k_words) < 2 or len(e_words) < 2:
            continue  # a one-word side is the whole term (학습률 / learning rate): no word to align
        aligned = zip(k_words, e_words, strict=True) if len(k_words) == len(e_words) else \
            [(k_words[-1], e_words[-1])]
        for k, e in aligned:
            if len(k) >= 2 and len(e) >= 3 and e not in STOPWORDS:
                support[e][k] = support[e].get(k, 0) + 1
    kept = []
    for english, koreans in support.items():
        korean, glosses = max(koreans.items(), key=lambda item: (item[1], item[0]))
        if glosses >= MIN_ALIGNED and glosses >= GLOSS_SHARE * sum(koreans.values()) and _term_like(korean):
            kept.append(Entry(korean, english, ALIGNED, glosses))
    return kept


def _term(spans: dict[str, int]) -> str:
    """The span most documents share, extended while nearly all of them have the longer span."""
    best = min(spans, key=lambda s: (-spans[s], s.count(" "), s))
    extended = True
    while extended:
        extended = False
        for span, docs in sorted(spans.items()):
            if span.endswith(" " + best) and span.count(" ") == best.count(" ") + 1 and \
                    docs >= SPAN_SHARE * spans[best]:
                best, extended = span, True
                break
    return best


def _partial(korean: str, english: str) -> bool:
    words = english.split()
    return len(words) > len(korean.split()) and " " not in korean and any(transliterates(korean, w) for w in words)


@lru_cache(maxsize=1 << 16)
def _term_like(korean: str) -> bool:
    """A noun phrase as mecab reads it, or a loanword (which mecab often misreads: 커링 as 커/VA + 링/JKO)."""
    return noun_like(korean) or loanword_like(korean.rsplit(" ", 1)[-1])


#: Last syllables of Korean verb and adjective forms (아닙니다, 그런데, 보이는).
_VERBAL_ENDINGS = ("다", "데", "는", "은", "을", "던", "게", "고", "며", "면", "지만", "니까")


@lru_cache(maxsize=1 << 16)
def _inflected(korean: str) -> bool:
    """A verb or adjective form: it ends the way one does and mecab finds an ending in it."""
    return korean.endswith(_VERBAL_ENDINGS) and has_ending(korean)


def _transliterations(counts: MinedCounts) -> list[Entry]:
    words = counts.words
    by_korean: defaultdict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for (kind, korean, english), docs in counts.pairs.items():
        if kind != TRANSLITERATION or docs < MIN_DOCUMENTS:
            continue
        korean_docs, english_docs = words.get(korean, docs), words.get(english, docs)
        if docs < CO_OCCURRENCE * min(korean_docs, english_docs) or docs < KOREAN_SHARE * korean_docs:
            continue
        if _inflected(korean):
            continue
        jaccard = docs / max(1, korean_docs + english_docs - docs)
        by_korean[korean].append((similarity(korean, english), jaccard, english, docs))
    by_english: defaultdict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for korean, candidates in by_korean.items():
        score, _, english, docs = max(candidates)
        by_english[english].append((score, docs, korean))
    kept = []
    for english, candidates in by_english.items():
        top = max(score for score, _, _ in candidates)
        kept += [Entry(korean, english, TRANSLITERATION, docs) for score, docs, korean in candidates
                 if score >= top - 0.05]
    return kept
