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
* each term's postings reach :class:`indexer.storage.codec.ArrayPostingsWriter` as whole arrays.

It builds one segment in memory and cannot merge (postings copied from other segments would go to
Whoosh's pool, which it never writes: :meth:`BulkWriter.add_reader` refuses), so it fills new segments:
a rebuild's indexing processes, and an update that does not merge; a merging update uses Whoosh's writer.
"""
from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable
from typing import Any

from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from indexer.analysis import bigram_analyzer, bigram_terms, index_terms, text_analyzer
from indexer.storage.codec import ArrayPostingsWriter, CompactPositions

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
        self.boost = field.format.field_boost
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


class BulkWriter(SegmentWriter):
    """Whoosh's segment writer with postings gathered per term in arrays (see the module docstring)."""

    def __init__(self, ix: Any, *, count_fields: tuple[str, ...] = (), **kwargs: Any) -> None:
        """``count_fields``: fields whose terms' document frequencies in this segment are kept in
        :attr:`term_counts` when it is written (the spelling lexicon's counts, for free)."""
        super().__init__(ix, **kwargs)
        self.count_fields = count_fields
        self.term_counts: dict[str, dict[str, int]] = {}
        self._plans: dict[str, _FieldPlan] = {}
        for name in self.schema.names():
            field = self.schema[name]
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: BulkWriter writes neither spelling words nor term vectors")
            if field.indexed:
                self._plans[name] = _FieldPlan(name, field)
        self._terms: dict[str, dict[Any, _Postings]] = {name: {} for name in self._plans}

    def commit(self, mergetype: Any = None, optimize: bool | None = None, merge: bool | None = None) -> None:
        """Commit the new segment beside the existing ones; asking for a merge is refused before
        anything is written (the writer stays open: cancel it, or commit without merging)."""
        if mergetype is not None or optimize or merge:
            raise NotImplementedError("BulkWriter cannot merge segments: commit without merging, "
                                      "or use Whoosh's writer")
        super().commit(merge=False)

    def add_reader(self, reader: Any) -> None:
        raise NotImplementedError("BulkWriter cannot merge segments")

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        perdoc = self.perdocwriter
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = self.schema[name]
            length = 0
            plan = self._plans.get(name)
            if plan is not None:
                length = self._add_postings(plan, docnum, value, self._field_boost(fields, name, docboost))
            stored = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, field, stored if field.stored else None, length)
            if field.column_type and stored is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _add_postings(self, plan: _FieldPlan, docnum: int, value: Any, boost: float) -> int:
        """Add one field value's postings; its length (the number of tokens) when the field is scorable."""
        terms = self._terms[plan.name]
        if boost != 1.0:
            raise ValueError(f"field {plan.name!r}: BulkWriter does not take per-document boosts")
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

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        writer = self.fieldwriter
        self.term_counts = {name: {} for name in self.count_fields}
        try:
            for name in sorted(self._terms):
                terms = self._terms[name]
                if not terms:
                    continue
                plan = self._plans[name]
                field_lengths = _quantized_lengths(lengths, name, self.docnum)
                writer.start_field(name, plan.field)
                postwriter = writer._postwriter
                if not isinstance(postwriter, ArrayPostingsWriter):
                    raise TypeError("BulkWriter needs the index codec's ArrayPostingsWriter")
                keyed = {(key.encode("utf-8") if isinstance(key, str) else key): key for key in terms}
                for tbytes in sorted(keyed):
                    postings = terms[keyed[tbytes]]
                    writer.start_term(tbytes)
                    values = postings.values
                    if values is None:
                        values = [pack_uint(f) for f in postings.freqs]
                    weights = postings.weights
                    if weights is None:
                        weights = _weights(postings.freqs, plan.boost)
                    postwriter.add_term_postings(postings.docs, weights, values,
                                                 [field_lengths[d] for d in postings.docs])
                    writer.finish_term()
                writer.finish_field()
                if name in self.count_fields:
                    self.term_counts[name] = {(t.decode("utf-8") if isinstance(t, bytes) else t): len(p.docs)
                                              for t, p in terms.items()}
                terms.clear()
        finally:
            writer.close()
            lengths.close()


def _weights(freqs: array, boost: float) -> array:
    return array("f", freqs) if boost == 1.0 else array("f", [f * boost for f in freqs])


def _quantized_lengths(reader: Any, fieldname: str, doccount: int) -> list[int | None]:
    """Each document's length of ``fieldname`` as the codec stores it (one byte, so approximate), None
    for none: what Whoosh's writer looks up for every posting it writes."""
    codes = reader.length_codes(fieldname) or b""
    return [_LENGTHS[codes[d]] if d < len(codes) else None for d in range(doccount)]


_LENGTHS: list[int | None] = [None, *(byte_to_length(code) for code in range(1, 256))]
