"""Per-document numbers of one index generation as arrays: what the vectorised scorer reads per document.

Loaded once per generation and process from Whoosh's own columns (field lengths, the ranking prior,
the facet and sort columns) and deletion lists; indexed by Whoosh's global document number. At
100,000 documents the table takes about 5 MB and loads in well under a second.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.storage.schema import BIGRAM_WEIGHTS, FIELD_WEIGHTS
from indexer.storage.whoosh_internals import byte_to_length, length_codes

#: Whoosh stores a field's length per document as one byte; this maps the byte back to the length.
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
SCORED_FIELDS = (*FIELD_WEIGHTS, *BIGRAM_WEIGHTS)
FACET_FIELDS = ("kind", "lab", "lang")
#: Combined facet codes are used while kinds × labs × languages stay below this many (a small count table).
_MAX_COMBINED = 1 << 20


@dataclass
class Facet:
    """A facet column as codes into ``labels`` (one code per document)."""

    labels: list[str]
    codes: np.ndarray

    def counts(self, docs: np.ndarray) -> dict[str, int]:
        """Documents per value among ``docs``, most frequent first (ties by value)."""
        return self.arrange(np.bincount(self.codes[docs], minlength=len(self.labels)))

    def arrange(self, counted: np.ndarray) -> dict[str, int]:
        """Counts per code as {value: count}, most frequent first (ties by value), empty values left out."""
        pairs = [(self.labels[i], int(counted[i])) for i in np.flatnonzero(counted) if self.labels[i]]
        return dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))

    def mask(self, values: list[str]) -> np.ndarray:
        wanted = [i for i, label in enumerate(self.labels) if label in set(values)]
        return np.isin(self.codes, wanted)


@dataclass
class DocTable:
    size: int  # Whoosh's doc_count_all(): deleted documents keep their numbers
    live: np.ndarray  # bool per document
    lengths: dict[str, np.ndarray]  # field → float32 length per document
    average_length: dict[str, float]
    prior: np.ndarray  # float32 multiplier per document (doc_rank / 100; 1 where unset)
    published: np.ndarray  # int64 sort key per document (0 where unknown)
    facets: dict[str, Facet] = field(default_factory=dict)
    #: bool per document: a listing page (home, tag, author, archive: ``page_type`` "listing"), ranked
    #: below content (indexer/search/tiers.py); None for an index without the column
    listing: np.ndarray | None = None
    _combined: np.ndarray | None = field(default=None, repr=False)  # facet_counts' codes, made on first use

    def facet_counts(self, docs: np.ndarray) -> dict[str, dict[str, int]]:
        """Every facet's :meth:`Facet.counts` among ``docs``, from one pass over the documents: the facets'
        codes combined into one code per document (kind × lab × lang values), counted once, then summed
        per facet."""
        names = [name for name in FACET_FIELDS if name in self.facets]
        sizes = [len(self.facets[name].labels) for name in names]
        if not names or int(np.prod(sizes)) > _MAX_COMBINED:
            return {name: self.facets[name].counts(docs) for name in names}
        if self._combined is None:
            combined = np.zeros(self.size, dtype=np.int64)
            for name, size in zip(names, sizes, strict=True):
                combined = combined * size + self.facets[name].codes
            self._combined = combined.astype(np.int32)
        table = np.bincount(self._combined[docs], minlength=int(np.prod(sizes))).reshape(sizes)
        out = {}
        for axis, name in enumerate(names):
            counted = table.sum(axis=tuple(a for a in range(len(names)) if a != axis))
            out[name] = self.facets[name].arrange(counted)
        return out

    @classmethod
    def load(cls, searcher: Any) -> DocTable:
        reader = searcher.reader()
        size = reader.doc_count_all()
        live = np.ones(size, dtype=bool)
        lengths = {name: np.zeros(size, dtype=np.float32) for name in SCORED_FIELDS}
        for leaf, offset in _leaves(reader):
            count = leaf.doc_count_all()
            if leaf.has_deletions():
                kept = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)  # the live documents
                live[offset: offset + count] = False
                live[offset + kept] = True
            for name in SCORED_FIELDS:
                codes = length_codes(leaf, name)
                if codes is not None:
                    raw = np.frombuffer(codes, dtype=np.uint8, count=count)
                    lengths[name][offset: offset + count] = _BYTE_TO_LENGTH[raw]
        average = {name: float(searcher.avg_field_length(name) or 1.0) for name in SCORED_FIELDS}
        ranks = np.array(_column(reader, "doc_rank", size, 0, translate=True), dtype=np.float32)
        prior = np.where(ranks > 0, ranks / 100.0, 1.0).astype(np.float32)
        raw = np.array([v or 0 for v in _column(reader, "published", size, 0, translate=False)], dtype=np.uint64)
        published = np.where(raw >= 2**63, 0, raw).astype(np.int64)  # the largest value marks "no date"
        facets = {name: _facet(_column(reader, name, size, "", translate=True)) for name in FACET_FIELDS}
        listing = np.array([v == "listing" for v in _column(reader, "page_type", size, "", translate=True)],
                           dtype=bool)
        return cls(size, live, lengths, average, prior, published, facets, listing)


def _leaves(reader: Any) -> list[tuple[Any, int]]:
    return list(reader.leaf_readers()) if hasattr(reader, "leaf_readers") else [(reader, 0)]


def _column(reader: Any, name: str, size: int, default: Any, translate: bool) -> list[Any]:
    """A column's value for every document; ``default`` where a segment has no such column or stops short."""
    values: list[Any] = []
    for leaf, offset in _leaves(reader):
        count = leaf.doc_count_all()
        assert offset == len(values)
        part = []
        if leaf.has_column(name):
            part = list(itertools.islice(leaf.column_reader(name, translate=translate), count))
        values.extend(part)
        values.extend([default] * (count - len(part)))
    values.extend([default] * (size - len(values)))
    return values


def _facet(values: list[Any]) -> Facet:
    labels, codes = np.unique(np.array([v or "" for v in values], dtype=object), return_inverse=True)
    return Facet([str(label) for label in labels], codes.astype(np.int32))
