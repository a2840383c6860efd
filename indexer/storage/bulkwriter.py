"""A segment writer for rebuilds that keeps each term's postings in arrays and writes them in one go.

Whoosh's :class:`~whoosh.writing.SegmentWriter` turns every posting into a tuple, sorts all of them
at commit and hands them to the codec one call at a time, and it analyses text through a chain of
Token generators. At 100,000 documents that was more than half of a rebuild's time besides mecab.
:class:`BulkWriter` writes the same segment (the same terms, postings, field lengths, stored fields
and columns; ``tests/test_bulkwriter.py`` compares them with Whoosh's writer) but:

* the text fields of our analyzers get their terms from the index-time fast path of
  :mod:`indexer.analysis` (lists, no Token objects); any other field goes through Whoosh's ``index``;
* postings go straight into per-term arrays (document numbers ascend by construction, so nothing is
  sorted but the terms);
* each term's postings reach the codec as whole arrays (through
  :class:`~indexer.storage.whoosh_internals.SegmentFiller`, which writes everything else as Whoosh does).

It builds one segment in memory and cannot merge, so it fills new segments: a rebuild's indexing
processes, and an update that does not merge; a merging update uses Whoosh's writer.
"""
from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from indexer.analysis import bigram_analyzer, bigram_terms, index_terms, text_analyzer
from indexer.storage.whoosh_internals import CompactPositions, Frequency, SegmentFiller, TermPostings

__all__ = ["BulkWriter"]

_POSITIONS, _FREQUENCIES, _GENERIC = "positions", "frequencies", "generic"


class _Postings:
    """One term's postings in one segment: document numbers, frequencies and (positions) values."""

    __slots__ = ("docs", "freqs", "values", "weights")

    def __init__(self, with_values: bool, with_weights: bool = False) -> None:
        self.docs = array("I")
        self.freqs = array("I")
        self.values: list[bytes] | None = [] if with_values else None
        self.weights = array("f") if with_weights else None  # when not frequency × field boost


class _FieldPlan:
    """How one indexed field is turned into postings."""

    def __init__(self, name: str, field: Any) -> None:
        self.name = name
        self.field = field
        self.scorable = bool(field.scorable)
        self.terms: Callable[[str], list[str]] | None = None
        self.kind = _GENERIC
        analyzer = getattr(field, "analyzer", None)
        format_ = field.format
        if isinstance(format_, CompactPositions) and analyzer == text_analyzer():
            self.kind = _POSITIONS
        elif type(format_) is Frequency and analyzer == text_analyzer():
            self.kind, self.terms = _FREQUENCIES, _text_terms
        elif type(format_) is Frequency and analyzer == bigram_analyzer():
            self.kind, self.terms = _FREQUENCIES, bigram_terms


def _text_terms(value: str) -> list[str]:
    return index_terms(value)[0]


class BulkWriter(SegmentFiller):
    """A segment writer with postings gathered per term in arrays (see the module docstring)."""

    def __init__(self, ix: Any, *, count_fields: tuple[str, ...] = (), **kwargs: Any) -> None:
        """``count_fields``: fields whose terms' document frequencies in this segment are kept in
        :attr:`term_counts` when it is written (the spelling lexicon's counts, for free)."""
        super().__init__(ix, **kwargs)
        self.count_fields = count_fields
        self.term_counts: dict[str, dict[str, int]] = {name: {} for name in count_fields}
        self._plans: dict[str, _FieldPlan] = {}
        for name in self.schema.names():
            field = self.schema[name]
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: BulkWriter writes neither spelling words nor term vectors")
            if field.indexed:
                self._plans[name] = _FieldPlan(name, field)
        self._terms: dict[str, dict[Any, _Postings]] = {name: {} for name in self._plans}

    def add_postings(self, name: str, field: Any, docnum: int, value: Any) -> int:
        """Add one field value's postings; its length (the number of tokens) when the field is scorable."""
        plan = self._plans[name]
        terms = self._terms[name]
        if plan.kind == _POSITIONS:
            texts, positions = index_terms(value)
            grouped: dict[str, list[int]] = {}
            for text, pos in zip(texts, positions, strict=True):
                grouped.setdefault(text, []).append(pos)
            encode = plan.field.format.encode
            get = terms.get
            for text, poslist in grouped.items():
                postings = get(text)
                if postings is None:
                    postings = terms[text] = _Postings(True)
                postings.docs.append(docnum)
                postings.freqs.append(len(poslist))
                postings.values.append(encode(poslist))  # type: ignore[union-attr]
            return len(texts) if plan.scorable else 0
        if plan.kind == _FREQUENCIES:
            texts = plan.terms(value)  # type: ignore[misc]
            get = terms.get
            for text, count in Counter(texts).items():
                postings = get(text)
                if postings is None:
                    postings = terms[text] = _Postings(False)
                postings.docs.append(docnum)
                postings.freqs.append(count)
            return len(texts) if plan.scorable else 0
        length = 0
        for tbytes, freq, weight, vbytes in plan.field.index(value):
            postings = terms.get(tbytes)
            if postings is None:
                postings = terms[tbytes] = _Postings(True, True)
            postings.docs.append(docnum)
            postings.freqs.append(freq)
            postings.weights.append(weight)  # type: ignore[union-attr]
            if vbytes:  # as Whoosh's postings writer: empty values are not kept
                postings.values.append(vbytes)  # type: ignore[union-attr]
            length += freq
        return length if plan.scorable else 0

    def field_postings(self, name: str, field: Any) -> Iterator[TermPostings]:
        """The field's terms in byte order, each with its postings; counted for :attr:`term_counts`."""
        terms = self._terms.get(name) or {}
        if name in self.count_fields:
            self.term_counts[name] = {(t.decode("utf-8") if isinstance(t, bytes) else t): len(p.docs)
                                      for t, p in terms.items()}
        keyed = {(key.encode("utf-8") if isinstance(key, str) else key): key for key in terms}
        for tbytes in sorted(keyed):
            postings = terms[keyed[tbytes]]
            yield tbytes, postings.docs, postings.freqs, postings.weights, postings.values
        terms.clear()
