"""One term over several fields, saturated once: BM25F as Robertson and Zaragoza define it, for questions.

The scorer adds a term's BM25 per field (indexer/search/scorer.py): a page with 파일 in its title and 19
times in its body earns the body's saturated score *and* the title's. For a keyword query that is what
ranks the page named by the words first. For a question it is the failure issue 18 describes: a
reference page whose title merely holds the words (``wave --- WAV 파일 읽고 쓰기``) outranks the tutorial
chapter that uses them page after page, because the title's score comes on top of a body score that is
already saturated.

Here a question's term group — the Or of one term in every field, as indexer/search/query.py builds it —
is scored the BM25F way: each field's frequency is length-normalised and weighted by its boost, the sum is
one pseudo-frequency, and that is saturated once (K1) and weighed by the term's inverse document frequency
in the body (in its first field with postings when the body has none). A title occurrence still counts,
as two body occurrences do (its weight), but it cannot lift a page past one whose text is full of the word.

Matching and coordination are as before: a document matches when a field does, and each matching field
counts as one matching leaf (Whoosh's coordination bonus).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

#: The field whose inverse document frequency weighs a joint term (the page's text).
IDF_FIELD = "body"
#: Above one posting per this many documents, sums are taken over the whole index (a bincount pass)
#: rather than over the sorted postings.
_DENSE_RATIO = 8


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


def add_joint(scorer: Any, out: Any, group: Any) -> None:
    """Add the term group's BM25F scores, matches and leaf counts to ``out`` (a scorer's running sum)."""
    ids: list[np.ndarray] = []
    weighted: list[np.ndarray] = []
    idf = None
    for leaf in group.subqueries:
        found = scorer.postings.get(scorer.searcher, leaf.fieldname, leaf.text, False)
        if found is None:
            continue
        out.terms += 1
        if not len(found.ids) or leaf.fieldname not in scorer.table.lengths:
            continue
        ids.append(found.ids)
        tf = _normalised(scorer, leaf.fieldname, found)
        weighted.append(tf * leaf.boost if leaf.boost != 1.0 else tf)
        if idf is None or leaf.fieldname == IDF_FIELD:
            idf = scorer.searcher.idf(leaf.fieldname, leaf.text)
    if not ids or idf is None:
        return
    every = np.concatenate(ids)
    if len(every) * _DENSE_RATIO >= len(out.scores):
        pseudo = np.bincount(every, weights=np.concatenate(weighted), minlength=len(out.scores))
        fields = np.bincount(every, minlength=len(out.scores))
        held = np.flatnonzero(fields)
        pseudo, fields = pseudo[held], fields[held]
    else:
        held, where = np.unique(every, return_inverse=True)
        pseudo = np.bincount(where, weights=np.concatenate(weighted))
        fields = np.bincount(where)
    out.scores[held] += idf * pseudo * (scorer.K1 + 1) / (pseudo + scorer.K1)
    out.matched[held] = True
    out.counts[held] += fields.astype(np.int32)
