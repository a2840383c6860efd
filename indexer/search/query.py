"""User query text → a Whoosh query. Never raises on syntax: every input becomes some query.

Supported: plain words (any may match; more matches rank higher), "exact phrases", -exclusions and
-"excluded phrases", and filters ``lab:``, ``kind:``, ``lang:`` (values in quotes may hold spaces).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as q

from indexer.analysis import bigrams, normalize_query, text_analyzer
from indexer.search.expand import Expansion
from indexer.storage import BIGRAM_WEIGHTS, FIELD_WEIGHTS

FILTER_FIELDS = ("lab", "kind", "lang")
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
_TOKEN = re.compile(r'(-?)(?:([A-Za-z_]+):)?(?:"([^"]*)"?|(\S+))')
_KIND_ALIASES = {"readme": "readme", "readmes": "readme", "page": "page", "pages": "page", "lab": "page",
                 "interview": "interview", "interviews": "interview", "인터뷰": "interview", "랩": "page",
                 "리드미": "readme", "페이지": "page"}


@dataclass
class ParsedQuery:
    text: str = ""
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.text.strip() or self.phrases)


def parse(raw: str) -> ParsedQuery:
    text = normalize_query(raw)[:MAX_QUERY_CHARS]
    parsed = ParsedQuery()
    words: list[str] = []
    for match in _TOKEN.finditer(text):
        negate, fieldname, quoted, bare = match.groups()
        value = quoted if quoted is not None else (bare or "")
        fieldname = (fieldname or "").lower()
        if fieldname in FILTER_FIELDS and value.strip():
            if fieldname == "kind":
                value = _KIND_ALIASES.get(value.lower(), value.lower())
            parsed.filters.setdefault(fieldname, []).append(value.strip())
            continue
        if fieldname:  # unknown field: search its name and value as words
            value = f"{fieldname} {value}"
        if not value.strip():
            continue
        if negate:
            parsed.excluded.append(value)
        elif quoted is not None:
            parsed.phrases.append(value)
            words.append(value)
        else:
            words.append(value)
    parsed.text = " ".join(words)
    return parsed


@lru_cache(maxsize=4096)
def query_tokens(text: str) -> tuple[tuple[str, int], ...]:
    """(term, position) of every token of ``text`` in query mode (compounds whole, parts at the
    positions that follow); cached, as one search analyses the same words several times."""
    return tuple((token.text, token.pos) for token in text_analyzer()(text, mode="query", positions=True))


def analyze(text: str) -> list[str]:
    """Distinct query terms of ``text`` in order (query mode: compounds whole)."""
    seen: dict[str, None] = {}
    for term, _ in query_tokens(text):
        if term.strip():
            seen.setdefault(term, None)
    return list(seen)[:MAX_TERMS]


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """(morpheme and stem terms, Hangul bigram terms) of ``text`` as a search makes them: what a peer
    engine indexing the same analysed tokens must be asked."""
    return analyze(text), list(dict.fromkeys(g for g, _, _ in bigrams(text)))[:MAX_TERMS]


def term_query(term: str, weight: float = 1.0) -> q.Query:
    return q.Or([q.Term(name, term, boost=boost * weight) for name, boost in FIELD_WEIGHTS.items()])


def bigram_query(text: str, weight: float = 1.0) -> q.Query | None:
    grams = list(dict.fromkeys(g for g, _, _ in bigrams(text)))[:MAX_TERMS]
    if not grams:
        return None
    return q.Or([q.Term(name, g, boost=boost * weight) for name, boost in BIGRAM_WEIGHTS.items() for g in grams])


def phrase_query(text: str) -> q.Query | None:
    words = [term for term, _ in query_tokens(text)][:MAX_TERMS]
    if not words:
        return None
    if len(words) == 1:
        return q.Or([q.Term(name, words[0]) for name in ("title", "headings", "body")])
    return q.Or([q.Phrase(name, words) for name in ("title", "headings", "body")])


def expansion_query(expansion: Expansion, typed: set[str]) -> q.Query | None:
    """The best-matching alternative of one glossary concept (DisjunctionMax), at the expansion's weight.

    A multi-word alternative needs all its words; its weight is shared among them, so "reinforcement
    learning" counts about as much as "rl".
    """
    options: list[q.Query] = []
    seen: set[tuple[str, ...]] = set()
    for alternative in expansion.alternatives:
        analyzed = analyze(alternative)
        words = [w for w in analyzed if w not in typed]
        # skip what the typed words already cover, Hangul the dictionary chops into syllables, and an
        # alternative that analyses as an earlier one does (paper, papers: the best of equals is either)
        if not words or len(words) < len(analyzed) or any(len(w) == 1 and not w.isascii() for w in words) \
                or tuple(words) in seen:
            continue
        seen.add(tuple(words))
        share = expansion.weight / len(words)
        parts = [term_query(w, share) for w in words]
        options.append(parts[0] if len(parts) == 1 else q.And(parts))
    if not options:
        return None
    return options[0] if len(options) == 1 else q.DisjunctionMax(options)


#: Weight of the bonus for query words that stand next to each other in a document, as typed.
ADJACENCY_WEIGHT = 1.0
ADJACENCY_FIELDS = {"title": 2.0, "body": 1.0}
MAX_PAIRS = 12


def adjacency_query(text: str, weight: float = ADJACENCY_WEIGHT,
                    apart: frozenset[str] = frozenset()) -> q.Query | None:
    """A bonus for consecutive query terms found next to each other: 강화 학습 beats a lone 학습,
    모두의 연구소 beats 모두의 문제 연구소 (compound parts carry consecutive positions). Terms in ``apart``
    pair with none: a question's context word (파이썬 of 파이썬에서 파일 읽는 법) only says where the question
    is asked, and pages naming 파이썬 파일 are no better answers for it."""
    if weight <= 0:
        return None
    by_position: dict[int, list[str]] = {}
    for term, pos in query_tokens(text):
        by_position.setdefault(pos, []).append(term)
    pairs: list[tuple[str, str]] = []
    for pos, firsts in sorted(by_position.items()):
        for a in firsts:
            for b in by_position.get(pos + 1, []):
                if a != b and (a, b) not in pairs and a not in apart and b not in apart:
                    pairs.append((a, b))
    if not pairs:
        return None
    return q.Or([q.Phrase(name, [a, b], boost=boost * weight)
                 for a, b in pairs[:MAX_PAIRS] for name, boost in ADJACENCY_FIELDS.items()])


def build(parsed: ParsedQuery, expansions: list[Expansion] | None = None, *, with_bigrams: bool = True,
          lone: frozenset[str] = frozenset(), weights: dict[str, float] | None = None) -> q.Query:
    """The scoring query; filters are applied separately (see :func:`filter_query`).

    ``with_bigrams=False`` leaves out the Hangul bigram recall net (about 40% of the query time on a
    10,000-document index); the searcher adds it back when the morphemes alone may miss (see
    ``needs_bigrams``). ``lone``: one-syllable pieces of unknown words, never searched as terms of their
    own (indexer/search/unknown.py); ``weights``: terms weighing other than 1 (a question's context words,
    indexer/search/questions.py; those weighing less pair with no other word in the adjacency bonus).
    """
    typed = analyze(parsed.text)
    weights = weights or {}
    should: list[q.Query] = [term_query(t, weights.get(t, 1.0)) for t in typed if t not in lone]
    adjacent = adjacency_query(parsed.text, apart=frozenset(t for t, w in weights.items() if w < 1.0))
    if adjacent is not None:
        should.append(adjacent)
    grams = bigram_query(parsed.text) if with_bigrams else None
    if grams is not None:
        should.append(grams)
    for expansion in expansions or []:
        extra = expansion_query(expansion, set(typed))
        if extra is not None:
            should.append(extra)
    main: q.Query = q.Or(should, scale=0.9) if should else q.NullQuery
    musts = [p for p in (phrase_query(text) for text in parsed.phrases) if p is not None]
    if musts:
        main = q.And([*musts, main]) if should else q.And(musts)
    excluded = [p for p in (phrase_query(text) for text in parsed.excluded) if p is not None]
    if excluded:
        main = q.AndNot(main, q.Or(excluded))
    return main


#: Queries with at most this many Hangul terms always use the bigram field (they are cheap, and for
#: short names the bigrams add a useful signal); longer ones only when a term is unknown.
BIGRAMS_ALWAYS_UP_TO = 2


def needs_bigrams(text: str, known: Callable[[str], bool]) -> bool:
    """Whether to add the Hangul bigram recall net: for short queries, and whenever a Hangul query
    term is unknown to the index (the dictionary probably misread a loanword or a name there)."""
    hangul = [term for term in analyze(text) if any("\uac00" <= c <= "\ud7a3" for c in term)]
    return len(hangul) <= BIGRAMS_ALWAYS_UP_TO or any(not known(term) for term in hangul)


def filter_query(filters: dict[str, list[str]]) -> q.Query | None:
    parts = []
    for name, values in filters.items():
        if name in FILTER_FIELDS and values:
            parts.append(q.Or([q.Term(name, v, boost=0.0) for v in values]))
    return q.And(parts) if parts else None
