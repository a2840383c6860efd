"""Scoring a query over every matching document at once, with arrays instead of Whoosh's matchers.

The query is the Whoosh query object indexer/search/query.py builds (Term, Or with a coordination scale, And,
DisjunctionMax, Phrase, AndNot, NullQuery); this module gives it the same meaning Whoosh's matchers do:

* Term: BM25F (the parameters of indexer/search/scoring.py) times the term's boost; with ``joint_fields``
  (questions) one term's fields are saturated together instead of added (indexer/search/joint.py);
* Or: the sum of the parts; with ``scale`` Whoosh's coordination ("SQR") adjustment, which adds a small
  bonus per matching term; an Or of one part is that part;
* And: documents matching every part, the sum of their scores; DisjunctionMax: the best part;
* Phrase: documents with the words at consecutive positions, scored as the words' BM25F sum;
* AndNot: the first part's documents without the second's.

Whoosh walks matches one document at a time in Python (74% of the query time at 10,000 documents, and
it grows with every match); here each term's postings are read once and combined with numpy, so a query
costs a few array operations per term. Phrases inside an Or (the adjacency bonus) are only checked for
the best candidates of the rest of the query, as they can only add to documents that already match.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.search.joint import add_joint, is_field_group
from indexer.search.positions import phrase_hits
from indexer.search.scoring import BM25_B, BM25_K1
from indexer.search.select import top
from indexer.storage import DocTable, PostingCache, Postings


class SearchTimeout(Exception):
    """The query ran past its deadline."""


@dataclass
class Scored:
    """A part of the query evaluated over the whole index (dense arrays of the index's size)."""

    scores: np.ndarray  # float64
    matched: np.ndarray  # bool
    counts: np.ndarray  # int32: matching term leaves per document (for Whoosh's coordination bonus)
    terms: int  # term leaves in this part that exist in the index


class Scorer:
    """Evaluates queries against one generation (its :class:`DocTable` and :class:`PostingCache`)."""

    def __init__(self, table: DocTable, postings: PostingCache, searcher: Any, *, B: float = BM25_B,
                 K1: float = BM25_K1, candidates: int = 256, deadline: float | None = None,
                 joint_fields: bool = False) -> None:
        self.table = table
        self.joint_fields = joint_fields  # a term's fields saturated together (indexer/search/joint.py)
        self.postings = postings
        self.searcher = searcher
        self.B = B
        self.K1 = K1
        self.candidates = candidates
        self.deadline = deadline
        self._decode: dict[str, Any] = {}

    # -- leaves ----------------------------------------------------------------------------

    def _postings(self, fieldname: str, text: str, positions: bool = False) -> Postings | None:
        return self.postings.get(self.searcher, fieldname, text, positions)

    def _bm25(self, fieldname: str, text: str, found: Postings) -> np.ndarray:
        """Whoosh's BM25F of one term in one field for the documents in ``found`` (computed once per
        generation: the postings, lengths and idf do not change). Callers must not modify it."""
        key = ("bm25", self.B, self.K1)
        scores = found.memo.get(key)
        if scores is None:
            scores = found.memo[key] = self._compute_bm25(fieldname, text, found)
            scores.flags.writeable = False
        return scores

    def idf(self, fieldname: str, text: str, found: Postings) -> float:
        """The term's inverse document frequency in the field (``found``: its postings, which keep it for
        the generation)."""
        idf = found.memo.get("idf")
        if idf is None:
            idf = found.memo["idf"] = np.array(self.searcher.idf(fieldname, text), dtype=np.float64)
        return float(idf)

    def _compute_bm25(self, fieldname: str, text: str, found: Postings) -> np.ndarray:
        if fieldname not in self.table.lengths:  # not a scored text field (a filter): Whoosh scores the weight
            return found.weights.astype(np.float64)
        idf = self.idf(fieldname, text, found)
        lengths = self.table.lengths[fieldname][found.ids]
        avg = self.table.average_length.get(fieldname) or 1.0
        tf = found.weights.astype(np.float64)
        K1, B = self.K1, self.B
        return idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / avg))

    # -- evaluation ------------------------------------------------------------------------

    def evaluate(self, query: Any) -> Scored:
        """Scores and matches of ``query`` over every document."""
        return self._eval(query, None)

    def ids(self, fieldname: str, text: str) -> np.ndarray:
        """The (sorted, global) numbers of the live documents that hold a term; empty when none."""
        found = self._postings(fieldname, text)
        return found.ids if found is not None else np.zeros(0, dtype=np.int64)

    def matches(self, query: Any, within: np.ndarray | None = None) -> np.ndarray:
        """Whether ``query`` matches each document (phrases are checked only among ``within``, if given)."""
        part = self._eval(query, within)
        matched = part.matched.copy()
        self.release(part)
        return matched

    def holds(self, query: Any, docs: np.ndarray) -> np.ndarray:
        """Whether each of ``docs`` (sorted document numbers) matches ``query``, read from the terms' posting
        lists at those documents only (phrases are checked among them): the cost follows the candidates
        and the lists, not the size of the index."""
        if isinstance(query, wq.Term):
            return self._holds_term(query, docs)
        if isinstance(query, (wq.Or, wq.DisjunctionMax, wq.And)):
            # terms are looked up for every document (cheap); anything else is asked only about the
            # documents it can still change (terms come first in the queries built here, so phrases are
            # checked for few documents or none)
            wanted = not isinstance(query, wq.And)
            out = np.full(len(docs), not wanted, dtype=bool)
            for sub in query.subqueries:
                if isinstance(sub, wq.Term):
                    if wanted:
                        out |= self._holds_term(sub, docs)
                    else:
                        out &= self._holds_term(sub, docs)
                    continue
                open_ = np.flatnonzero(out != wanted)
                if not len(open_):
                    break
                out[open_] = self.holds(sub, docs[open_])
            return out
        if isinstance(query, wq.Phrase):
            lists = self._phrase_lists(query)
            if lists is None:
                return np.zeros(len(docs), dtype=bool)
            hits = self._phrase_docs(query, lists, docs)
            return np.isin(docs, hits, assume_unique=True)
        return self.matches(query, docs)[docs]

    def _holds_term(self, query: wq.Term, docs: np.ndarray) -> np.ndarray:
        ids = self.ids(query.fieldname, query.text)
        if not len(ids):
            return np.zeros(len(docs), dtype=bool)
        at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
        return ids[at] == docs

    def anywhere(self, query: Any) -> np.ndarray:
        """The numbers of every document that matches ``query`` (terms, Or, And, DisjunctionMax read from
        the posting lists; anything else evaluated)."""
        if isinstance(query, wq.Term):
            return self.ids(query.fieldname, query.text)
        if not isinstance(query, (wq.Or, wq.And, wq.DisjunctionMax)):
            return np.flatnonzero(self.matches(query))
        parts = [self.anywhere(sub) for sub in query.subqueries]
        if isinstance(query, wq.And):
            out = parts[0] if parts else np.zeros(0, dtype=np.int64)
            for part in parts[1:]:
                out = np.intersect1d(out, part, assume_unique=True)
            return out
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def nothing(self) -> Scored:
        """No matches (what a timed-out search reports)."""
        return self._empty()

    def _empty(self) -> Scored:
        size = self.table.size
        spare = _spare_arrays(size)
        if spare:  # arrays a finished part gave back: zeroing them beats fresh pages (first-touch faults)
            scores, matched, counts = spare.pop()
            scores.fill(0.0)
            matched.fill(False)
            counts.fill(0)
            return Scored(scores, matched, counts, 0)
        return Scored(np.zeros(size), np.zeros(size, dtype=bool), np.zeros(size, dtype=np.int32), 0)

    @staticmethod
    def release(part: Scored) -> None:
        """``part`` was merged into another or read for the last time: keep its arrays for the next part."""
        spare = _spare_arrays(len(part.scores))
        if len(spare) < _SPARE_SETS:
            spare.append((part.scores, part.matched, part.counts))

    def _eval(self, query: Any, within: np.ndarray | None) -> Scored:
        """``within``: if given, only these documents need correct results (used for phrases)."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SearchTimeout
        if isinstance(query, wq.Term):
            return self._term(query)
        if isinstance(query, wq.Phrase):
            return self._phrase(query, within)
        if isinstance(query, wq.DisjunctionMax):
            return self._dismax(query, within)
        if isinstance(query, wq.Or):
            return self._or(query, within)
        if isinstance(query, wq.And):
            return self._and(query, within)
        if isinstance(query, wq.AndNot):
            positive = self._eval(query.a, within)
            negative = self._eval(query.b, None)
            positive.matched &= ~negative.matched
            positive.scores *= positive.matched
            self.release(negative)
            return positive
        if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
            return self._empty()
        raise TypeError(f"the vectorised scorer has no rule for {type(query).__name__}")

    def _term(self, query: wq.Term) -> Scored:
        out = self._empty()
        found = self._postings(query.fieldname, query.text)
        if found is None:
            return out
        out.terms = 1
        if not len(found.ids):
            return out
        out.scores[found.ids] = self._bm25(query.fieldname, query.text, found) * query.boost
        out.matched[found.ids] = True
        out.counts[found.ids] = 1
        return out

    def _or(self, query: wq.Or, within: np.ndarray | None) -> Scored:
        if self.joint_fields and is_field_group(query):  # a one-word query's group, evaluated alone
            out, terms = self._empty(), _TermBatch()
            self._add_joint(out, query, within, terms)
            terms.add_to(out)
            return out
        subs = list(query.subqueries)
        if len(subs) == 1:  # Whoosh: an Or of one part is that part (boost and scale ignored)
            return self._eval(subs[0], within)
        out = self._empty()
        deferred = [q for q in subs if _positional(q)] if within is None else []
        if len(deferred) == len(subs):  # only phrases (a quoted phrase): nothing to pick candidates by
            deferred = []
        terms = _TermBatch()
        for sub in subs:
            if any(sub is d for d in deferred):
                continue
            self._add(out, sub, within, terms)
        terms.add_to(out)
        if deferred:
            # Phrases only add to documents the other parts match: check them for the best candidates.
            # Candidates are ranked by the prior-weighted score the final ranking will use.
            candidates = top(out.scores * self.table.prior, out.matched, self.candidates)
            for sub in deferred:
                self._add(out, sub, candidates, terms)
            terms.add_to(out)
        if query.boost != 1.0:
            out.scores *= query.boost
        if query.scale and out.terms:
            terms, scale = out.terms, query.scale
            # (score + (count - 1) / (terms - scale)²) × (terms - 1) / terms where matched, 0 elsewhere:
            # computed over the whole array and multiplied by the mask, branch-free (a boolean-mask
            # gather or a masked copy costs 5–10× a pass at 100,000 documents)
            adjusted = (out.counts - 1) / (terms - scale) ** 2
            adjusted += out.scores
            adjusted *= terms - 1
            adjusted /= terms
            np.multiply(adjusted, out.matched, out=out.scores)
        return out

    def _add(self, out: Scored, sub: Any, within: np.ndarray | None, terms: _TermBatch) -> None:
        """Add ``sub`` to the sum ``out``; its term leaves go to ``terms`` (added to ``out`` at once)."""
        if isinstance(sub, wq.Term):  # the common case, without a dense temporary
            found = self._postings(sub.fieldname, sub.text)
            if found is None:
                return
            out.terms += 1
            if len(found.ids):
                scores = self._bm25(sub.fieldname, sub.text, found)
                terms.append(found.ids, scores * sub.boost if sub.boost != 1.0 else scores)
            return
        if self.joint_fields and is_field_group(sub):
            self._add_joint(out, sub, within, terms)
            return
        if isinstance(sub, wq.Or) and not isinstance(sub, wq.DisjunctionMax) and not sub.scale and sub.boost == 1.0 \
                and not (within is None and _positional(sub)):
            for inner in sub.subqueries:  # a plain Or is a sum: add its parts here, without a temporary
                self._add(out, inner, within, terms)
            return
        part = self._eval(sub, within)
        out.scores += part.scores
        out.matched |= part.matched
        out.counts += part.counts
        out.terms += part.terms
        self.release(part)

    def _add_joint(self, out: Scored, group: Any, within: np.ndarray | None, terms: _TermBatch) -> None:
        """One term's text fields saturated together (indexer/search/joint.py), its other fields added."""
        for leaf in add_joint(self, out, group, terms):
            self._add(out, leaf, within, terms)

    def _and(self, query: wq.And, within: np.ndarray | None) -> Scored:
        parts = [self._eval(sub, within) for sub in query.subqueries]
        if not parts:
            return self._empty()
        out = parts[0]
        for part in parts[1:]:
            out.scores += part.scores
            out.matched &= part.matched
            out.counts += part.counts
            out.terms += part.terms
        for part in parts[1:]:
            self.release(part)
        if any(p.terms == 0 for p in parts):  # Whoosh: a part with no term in the index matches nothing
            out.matched[:] = False
        out.scores *= out.matched  # (a pass each, branch-free: masked assignment is ~10× slower)
        out.counts *= out.matched
        if query.boost != 1.0:
            out.scores *= query.boost
        return out

    def _dismax(self, query: wq.DisjunctionMax, within: np.ndarray | None) -> Scored:
        parts = [self._eval(sub, within) for sub in query.subqueries]
        if len(parts) == 1:
            return parts[0]
        out = parts[0]
        for part in parts[1:]:
            docs = np.flatnonzero(part.matched)  # the best part's score where this part matches
            out.scores[docs] = np.maximum(np.where(out.matched[docs], out.scores[docs], 0.0), part.scores[docs])
            out.matched |= part.matched
            out.counts += part.counts
            out.terms += part.terms
            self.release(part)
        if query.boost != 1.0:
            out.scores *= query.boost
        return out

    def _phrase_lists(self, query: wq.Phrase) -> list[Postings] | None:
        """The posting lists (with positions) of a phrase's words; None when a word is not in the index."""
        lists = [self._postings(query.fieldname, w, positions=True) for w in query.words]
        if not lists or any(found is None for found in lists):
            return None
        return lists  # type: ignore[return-value]

    def _phrase_docs(self, query: wq.Phrase, lists: list[Postings], within: np.ndarray | None) -> np.ndarray:
        """The documents (among ``within``, if given) with the phrase's words at consecutive positions.
        Candidates are narrowed by looking each one up in the other lists (the shortest list, or
        ``within``, drives), never by merging whole lists."""
        ordered = sorted(lists, key=lambda found: len(found.ids))
        docs = within if within is not None else ordered[0].ids
        for found in ordered if within is not None else ordered[1:]:
            if not len(docs) or not len(found.ids):
                return np.zeros(0, dtype=np.int64)
            at = np.minimum(np.searchsorted(found.ids, docs), len(found.ids) - 1)
            docs = docs[found.ids[at] == docs]
        if not len(docs):
            return np.zeros(0, dtype=np.int64)
        return self._phrase_hits(query.fieldname, lists, docs)

    def _phrase(self, query: wq.Phrase, within: np.ndarray | None) -> Scored:
        out = self._empty()
        fieldname, words = query.fieldname, list(query.words)
        lists = self._phrase_lists(query)
        if lists is None:
            return out
        out.terms = len(words)
        hit_ids = self._phrase_docs(query, lists, within)
        if not len(hit_ids):
            return out
        total = np.zeros(len(hit_ids))
        for word, found in zip(words, lists, strict=True):
            assert found is not None
            where = np.searchsorted(found.ids, hit_ids)
            total += self._bm25(fieldname, word, found)[where]
        out.scores[hit_ids] = total * query.boost
        out.matched[hit_ids] = True
        out.counts[hit_ids] = len(words)
        return out

    def _phrase_hits(self, fieldname: str, lists: list[Postings], docs: np.ndarray) -> np.ndarray:
        """The documents among ``docs`` (which hold every word) with the words at consecutive positions."""
        return phrase_hits(lists, docs, lambda: self._decoder(fieldname))

    def _decoder(self, fieldname: str) -> Any:
        if fieldname not in self._decode:
            self._decode[fieldname] = self.searcher.schema[fieldname].format.decode_positions
        return self._decode[fieldname]


#: Sets of dense arrays each thread keeps for reuse (a query's nested parts need a few at a time): at 100k
#: each set is 1.3 MB; with 6, the 40 benchmark queries allocate a fresh set once (0 with 8, 15 with 4).
_SPARE_SETS = 6
_spare = threading.local()


def _spare_arrays(size: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The calling thread's spare (scores, matched, counts) arrays of ``size`` documents."""
    pools: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] | None = getattr(_spare, "pools", None)
    if pools is None:
        pools = _spare.pools = {}
    if size not in pools:
        pools.clear()  # another generation's size: drop the old arrays
        pools[size] = []
    return pools[size]


#: Below one posting per this many documents, a sum's term lists are added with scattered updates.
_DENSE_RATIO = 8


class _TermBatch:
    """Term leaves of a sum, added to the dense arrays together: scattered updates when the lists are
    short, one ``bincount`` pass over the index when they cover an eighth of it or more."""

    def __init__(self) -> None:
        self.ids: list[np.ndarray] = []
        self.scores: list[np.ndarray] = []

    def append(self, ids: np.ndarray, scores: np.ndarray) -> None:
        self.ids.append(ids)
        self.scores.append(scores)

    def add_to(self, out: Scored) -> None:
        if not self.ids:
            return
        size = len(out.scores)
        if sum(len(ids) for ids in self.ids) * _DENSE_RATIO < size:  # a few short lists: update in place
            for ids, scores in zip(self.ids, self.scores, strict=True):
                out.scores[ids] += scores
                out.matched[ids] = True
                out.counts[ids] += 1
        else:  # long lists: a pass over the index beats scattered updates
            ids = np.concatenate(self.ids) if len(self.ids) > 1 else self.ids[0]
            scores = np.concatenate(self.scores) if len(self.scores) > 1 else self.scores[0]
            out.scores += np.bincount(ids, weights=scores, minlength=size)
            counts = np.bincount(ids, minlength=size)
            out.counts += counts.astype(np.int32, copy=False)
            out.matched |= counts > 0
        self.ids.clear()
        self.scores.clear()


def _positional(query: Any) -> bool:
    """A phrase, or an Or made only of phrases (the adjacency bonus)."""
    if isinstance(query, wq.Phrase):
        return True
    return isinstance(query, wq.Or) and bool(query.subqueries) and all(_positional(q) for q in query.subqueries)
