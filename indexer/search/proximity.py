"""Proximity for questions: the page that answers a question uses its content words together, again and again.

A question (``파이썬에서 파일 읽는 방법``) is answered by a page that explains what its words name together —
reading a file — and not by every page that has 파일 somewhere and 읽다 somewhere else. BM25 adds the words
up wherever they stand, so reference pages whose title echoes the words (…파일 읽고 쓰기), or that use both
here and there, outrank the tutorial that talks about reading files paragraph after paragraph. The
adjacency bonus (indexer/search/query.py) only asks whether the words stand side by side as typed at all,
never how often.

Here the body positions of the question's content words (not its context words, questions.py) are read for
the :data:`CANDIDATES` best-scored documents. Each occurrence is paired with the next :data:`WINDOW`
occurrences of the query's words in the same document; a pair of *different* words at most ``WINDOW``
positions apart counts ``1 / distance²`` (the term-proximity score of BM25TP, Rasolofo and Savoy 2003).
The first :data:`PASSING` of that sum earns nothing — one mention of the words together is what a page
says in passing, and what the adjacency bonus already paid for — and the rest is saturated as a term
frequency is (BM25 with :data:`SATURATION` and the body's length normalisation), weighed by the words'
mean inverse document frequency and :data:`PROXIMITY_WEIGHT`, and added to the candidate's score (times
its prior).

Cost: one position list per content term, decoded for the candidates only (the adjacency bonus usually
has them cached), and a few array operations: about 0.2 ms per question on the fixtures/large index,
nothing for other queries.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from indexer.search.positions import unpack_positions

#: Occurrences of two content words at most this many positions apart count as near each other.
WINDOW = 3
#: How much the saturated proximity counts against one term's BM25 (1: as much as a word).
PROXIMITY_WEIGHT = 1.5
#: Content words looked at (a longer question is a pasted sentence: its first words).
MAX_WORDS = 8
_POSITION_MASK = (1 << 36) - 1
#: Candidates (the best-scored documents) whose positions are read.
CANDIDATES = 50
FIELD = "body"
#: The proximity a page may have in passing (one mention of the words together) without a bonus.
PASSING = 1.0
#: The saturation of the proximity count (BM25's k1 for it): higher asks for more occurrences.
SATURATION = 3.0


def proximity(scorer: Any, words: Sequence[Sequence[str]], docs: np.ndarray) -> np.ndarray | None:
    """The bonus of each of ``docs`` (sorted document numbers) for the content ``words`` (each word its
    terms) occurring near each other in the body; None when fewer than two of the words are in the index."""
    keys: list[np.ndarray] = []
    idfs: list[float] = []
    for label, terms in enumerate(words[:MAX_WORDS]):
        word_idf = 0.0
        for term in terms:
            found = scorer.postings.get(scorer.searcher, FIELD, term, True)
            if found is None or not len(found.ids) or found.positions is None:
                continue
            word_idf = max(word_idf, scorer.idf(FIELD, term, found))
            at = np.minimum(np.searchsorted(found.ids, docs), len(found.ids) - 1)
            held = np.flatnonzero(found.ids[at] == docs)
            if len(held):
                index, positions, _ = unpack_positions(found.positions, at[held])
                # one sortable number per occurrence: candidate, position, word
                keys.append((held[index] << 40) | (positions << 4) | label)
        if word_idf:
            idfs.append(word_idf)
    if len(idfs) < 2 or not keys:
        return None
    occurrences = np.sort(np.concatenate(keys))  # by candidate, then position
    if len(occurrences) > 1:  # a word's terms at one position (a compound and its parts) count once
        occurrences = occurrences[np.concatenate(([True], occurrences[1:] != occurrences[:-1]))]
    doc, pos, label = occurrences >> 40, (occurrences >> 4) & _POSITION_MASK, occurrences & 15
    found_docs: list[np.ndarray] = []
    found_weights: list[np.ndarray] = []
    for shift in range(1, WINDOW + 1):  # each occurrence against the next WINDOW ones
        if shift >= len(occurrences):
            break
        gap = pos[shift:] - pos[:-shift]
        near = (doc[shift:] == doc[:-shift]) & (label[shift:] != label[:-shift]) & (gap > 0) & (gap <= WINDOW)
        found_docs.append(doc[shift:][near])
        found_weights.append(1.0 / gap[near].astype(np.float64) ** 2)
    if not found_docs:
        return None
    counts = np.bincount(np.concatenate(found_docs), weights=np.concatenate(found_weights), minlength=len(docs))
    counts = np.maximum(counts - PASSING, 0.0)
    b = scorer.B
    lengths = scorer.table.lengths[FIELD][docs]
    average = scorer.table.average_length.get(FIELD) or 1.0
    saturated = counts * (SATURATION + 1) / (counts + SATURATION * ((1 - b) + b * lengths / average))
    return PROXIMITY_WEIGHT * (sum(idfs) / len(idfs)) * saturated


def apply_proximity(final: np.ndarray, prior: np.ndarray, scorer: Any, words: Sequence[Sequence[str]],
                    best: np.ndarray) -> None:
    """Add the proximity bonus (times the prior) to ``final`` for the :data:`CANDIDATES` best of ``best``."""
    if len(words) < 2 or not len(best) or PROXIMITY_WEIGHT <= 0:
        return
    docs = best
    if len(docs) > CANDIDATES:
        docs = np.sort(docs[np.argpartition(-final[docs], CANDIDATES - 1)[:CANDIDATES]])
    bonus = proximity(scorer, words, docs)
    if bonus is not None:
        final[docs] += bonus * prior[docs]
