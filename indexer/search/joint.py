"""One term over several fields, saturated once: BM25F as Robertson and Zaragoza define it, for questions.

The scorer adds a term's BM25 per field (indexer/search/scorer.py): a page with 파일 in its title and 19
times in its body earns the body's saturated score *and* the title's. For a keyword query that is what
ranks the page named by the words first. For a question it is the failure issue 18 describes: a
reference page whose title merely holds the words (``wave --- WAV 파일 읽고 쓰기``) outranks the tutorial
chapter that uses them page after page, because the title's score comes on top of a body score that is
already saturated.

Here a question's term group — the Or of one term in every field, as indexer/search/query.py builds it —
is scored the BM25F way over the page's own text (:data:`TEXT_FIELDS`: title, headings, body): each
field's frequency is length-normalised and weighted by its boost, the sum is one pseudo-frequency, and that
is saturated once (K1) and weighed by the term's inverse document frequency in the body (in its first text
field with postings when the body has none). A title occurrence still counts, as a body occurrence does
(a question's title weight, indexer/search/questions.py), but it cannot lift a page past one whose text is
full of the word. The fields that describe the page rather than say it (its lab, author, repository,
description, URL) add their own BM25 as before.

Matching and coordination are as before: a document matches when a field does, and each matching field
counts as one matching leaf (Whoosh's coordination bonus).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

#: The fields saturated together: the page's text.
TEXT_FIELDS = frozenset({"title", "headings", "body"})
#: The field whose inverse document frequency weighs a joint term (the page's text).
IDF_FIELD = "body"


def is_field_group(query: Any) -> bool:
    """Whether ``query`` is one term in several fields: a plain Or of Terms with one text."""
    if type(query) is not wq.Or or query.scale or query.boost != 1.0 or len(query.subqueries) < 2:
        return False
    leaves = query.subqueries
    return all(type(leaf) is wq.Term for leaf in leaves) and len({leaf.text for leaf in leaves}) == 1


def _normalised(scorer: Any, fieldname: str, found: Any) -> np.ndarray:
    """The term's frequency in each document of ``found`` over the field's length normalisation (kept with
    the postings for the generation)."""
    key = ("joint-tf", scorer.B)
    tf = found.memo.get(key)
    if tf is None:
        lengths = scorer.table.lengths[fieldname][found.ids]
        average = scorer.table.average_length.get(fieldname) or 1.0
        tf = found.weights.astype(np.float64) / ((1 - scorer.B) + scorer.B * lengths / average)
        tf.flags.writeable = False
        found.memo[key] = tf
    return tf


def add_joint(scorer: Any, out: Any, group: Any, terms: Any) -> list[Any]:
    """Add the term group's BM25F scores, matches and leaf counts to ``out`` (a scorer's running sum; its
    scores and matches through ``terms``, the scorer's batch of term leaves); returns the leaves outside
    :data:`TEXT_FIELDS`, for the scorer to add as it adds any term.

    The shorter lists are merged into the longest one (the body's, usually: a word of the title is in the
    text too) by binary search, the few documents only they hold merged apart (passes over the whole index
    cost five times more at 100,000 documents)."""
    lists: list[tuple[np.ndarray, np.ndarray]] = []
    idf_from: tuple[str, str, Any] | None = None  # the field, term and postings that give the idf
    others = []
    for leaf in group.subqueries:
        if leaf.fieldname not in TEXT_FIELDS:
            others.append(leaf)
            continue
        found = scorer.postings.get(scorer.searcher, leaf.fieldname, leaf.text, False)
        if found is None:
            continue
        out.terms += 1
        if not len(found.ids) or leaf.fieldname not in scorer.table.lengths:
            continue
        tf = _normalised(scorer, leaf.fieldname, found)
        lists.append((found.ids, tf * leaf.boost if leaf.boost != 1.0 else tf))
        if idf_from is None or leaf.fieldname == IDF_FIELD:
            idf_from = (leaf.fieldname, leaf.text, found)
    if not lists or idf_from is None:
        return others
    idf = scorer.idf(*idf_from)
    lists.sort(key=lambda pair: -len(pair[0]))
    held, pseudo = lists[0][0], lists[0][1].copy()
    fields = np.ones(len(held), dtype=np.int32)
    apart: list[tuple[np.ndarray, np.ndarray]] = []
    for ids, tf in lists[1:]:
        at = np.minimum(np.searchsorted(held, ids), len(held) - 1)
        inside = held[at] == ids
        pseudo[at[inside]] += tf[inside]  # a list's ids are distinct: no index repeats
        fields[at[inside]] += 1
        if not inside.all():
            apart.append((ids[~inside], tf[~inside]))
    if apart:
        alone, sums, counts = _merged(apart)
        held = np.concatenate((held, alone))
        pseudo = np.concatenate((pseudo, sums))
        fields = np.concatenate((fields, counts))
    pseudo *= (scorer.K1 + 1) * idf / (pseudo + scorer.K1)
    terms.append(held, pseudo)  # one leaf count per document; the other fields that matched counted here
    several = np.flatnonzero(fields > 1)
    if len(several):
        out.counts[held[several]] += fields[several] - 1
    return others


def _merged(lists: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct documents of sorted id lists, with their summed frequencies and how many lists hold
    them (a stable sort finds the lists' sorted runs: linear, where a fresh sort is not)."""
    if len(lists) == 1:
        ids, tf = lists[0]
        return ids, tf, np.ones(len(ids), dtype=np.int32)
    ids = np.concatenate([ids for ids, _ in lists])
    order = np.argsort(ids, kind="stable")
    ids, tf = ids[order], np.concatenate([tf for _, tf in lists])[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    counts = np.diff(np.append(starts, len(ids))).astype(np.int32)
    return ids[starts], np.add.reduceat(tf, starts), counts
