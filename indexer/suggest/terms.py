"""What the suggestion index offers, gathered from stored documents at index time.

Titles and repository names come from each document, labs are counted per document, and terms are the
nouns, compound nouns (mecab-ko) and user-dictionary words of each document's title, headings,
description and body plus its English words, offered once they occur in two documents
(:func:`indexer.analysis.noun_phrases` reads mecab's output as the index analysis does, so a rebuild
does not run mecab twice).

The term counts are kept per term (:class:`TermStats`), so an update adds the documents it indexes and
subtracts the ones it replaces or removes, instead of running mecab over the whole corpus again.

Every choice between equally good candidates is made by a fixed rule (the smallest text), never by the
order documents were read in, so an update and a rebuild of the same corpus offer the same terms.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

from indexer.analysis import dictionary_words, noun_phrases
from indexer.suggest.entries import Suggestion

_TERM_FIELDS = ("title", "headings", "description", "body")
#: A document's text fields that terms are taken from (:func:`term_text`).
TermText = tuple[str, ...]
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#]*(?:[-.][A-Za-z0-9]+)*")
_STOPWORDS = frozenset("""a an and are as at be by for from has have in is it its of on or that the this to was were
will with you your we our can not but if into than then there these they which who what when how all any
use using used com http https www github io md html png jpg""".split())
_BATCH = 512  # documents per round trip to the extraction processes


@dataclass
class DocTerms:
    """One document's contribution to the term counts."""

    words: set[str] = field(default_factory=set)  # nouns, compounds, dictionary words, folded English words
    dictionary: set[str] = field(default_factory=set)  # user-dictionary words (offered even from one document)
    surfaces: Counter[tuple[str, str]] = field(default_factory=Counter)  # (folded, as written) → occurrences


def document_terms(texts: TermText) -> DocTerms:
    """One document's terms: the noun phrases and dictionary words of its text fields (mecab-ko, through the
    analysis) and its English words."""
    found = DocTerms()
    for text in texts:
        found.words |= noun_phrases(text)
        found.dictionary |= dictionary_words(text)
        for word, count in Counter(_LATIN_WORD.findall(text)).items():
            folded = word.lower()
            if len(folded) < 3 or folded in _STOPWORDS or folded.isdigit():
                continue
            found.surfaces[(folded, word)] += count
            found.words.add(folded)
    found.words |= found.dictionary
    return found


def term_text(doc: dict[str, Any]) -> TermText:
    """The parts of a stored document that terms are taken from."""
    return tuple(doc.get(name) or "" for name in _TERM_FIELDS)


def with_terms(documents: Iterable[dict[str, Any]], procs: int = 1) -> Iterator[tuple[dict[str, Any], DocTerms]]:
    """Each document with its terms; mecab runs in ``procs`` processes when more than one."""
    if procs <= 1:
        for doc in documents:
            yield doc, document_terms(term_text(doc))
        return
    iterator = iter(documents)
    with ProcessPoolExecutor(max_workers=procs) as pool:
        while batch := list(islice(iterator, _BATCH)):
            yield from zip(batch, pool.map(document_terms, [term_text(d) for d in batch], chunksize=32), strict=True)


class TermStats:
    """Per term: documents it occurs in, documents where it is a dictionary word, and how it is written."""

    def __init__(self) -> None:
        self.docs: Counter[str] = Counter()
        self.curated: Counter[str] = Counter()
        self.surfaces: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def add(self, terms: DocTerms, sign: int = 1) -> None:
        """Count one document's terms in (``sign`` 1) or out (``sign`` -1)."""
        if sign == 1:  # Counter.update counts an iterable in C
            self.docs.update(terms.words)
            self.curated.update(terms.dictionary)
        else:
            for word in terms.words:
                self.docs[word] += sign
            for word in terms.dictionary:
                self.curated[word] += sign
        for (folded, written), count in terms.surfaces.items():
            self.surfaces[folded][written] += sign * count
        if sign < 0:
            self._drop_zeros(terms)

    def _drop_zeros(self, terms: DocTerms) -> None:
        for word in terms.words:
            if self.docs[word] <= 0:
                del self.docs[word]
        for word in terms.dictionary:
            if self.curated[word] <= 0:
                del self.curated[word]
        for folded, written in terms.surfaces:
            forms = self.surfaces[folded]
            if forms[written] <= 0:
                del forms[written]
            if not forms:
                del self.surfaces[folded]

    def merge(self, other: TermStats) -> None:
        """Add the counts of ``other`` (documents counted elsewhere, e.g. in another indexing process)."""
        self.docs.update(other.docs)
        self.curated.update(other.curated)
        for folded, forms in other.surfaces.items():
            self.surfaces[folded].update(forms)

    def shown(self, term: str) -> str:
        """An English term as most often written (PyTorch, not pytorch); ties go to the smallest text."""
        forms = self.surfaces.get(term)
        if not forms:
            return term
        return min(forms.items(), key=lambda item: (-item[1], item[0]))[0]

    def entries(self, min_term_docs: int = 2) -> list[Suggestion]:
        return [Suggestion(self.shown(term), "term", docs, curated=self.curated.get(term, 0) > 0)
                for term, docs in sorted(self.docs.items()) if docs >= min_term_docs or self.curated.get(term, 0) > 0]


class DocSource(NamedTuple):
    """What one document contributes to the entries besides its terms (kept per document in the file, so
    an update re-reads only the documents it changed)."""

    title: str
    repo: str
    lab: str
    url: str

    @classmethod
    def of(cls, doc: dict[str, Any]) -> DocSource:
        """From a document's stored fields."""
        repo = (doc.get("extra") or {}).get("repo") or ""
        return cls(doc.get("title") or "", repo if isinstance(repo, str) else "", doc.get("lab") or "",
                   doc.get("url") or "")


class SuggestionData:
    """Everything the entries are made of: repositories and titles in document order, labs, term counts."""

    def __init__(self, stats: TermStats | None = None) -> None:
        self.documents: list[Suggestion] = []
        self.labs: Counter[str] = Counter()
        self.stats = stats if stats is not None else TermStats()
        self.sources: dict[str, DocSource] | None = {}  # by document id; None once a document had no id

    def add_document(self, doc: dict[str, Any]) -> None:
        source = DocSource.of(doc)
        doc_id = doc.get("id")
        if self.sources is not None:
            if isinstance(doc_id, str):
                self.sources[doc_id] = source
            else:
                self.sources = None
        self.add_source(source)

    def add_source(self, source: DocSource) -> None:
        title, repo, lab, url = source.title.strip(), source.repo.strip(), source.lab, source.url
        if lab:
            self.labs[lab] += 1
        if repo:
            self.documents.append(Suggestion(repo, "repo", 1, lab, url))
            title = title.split(": ", 1)[1] if title.startswith(repo + ": ") else title
            if title == repo.split("/")[-1]:
                title = ""
        if title:
            self.documents.append(Suggestion(title, "title", 1, lab, url))

    def merge(self, other: SuggestionData) -> None:
        """Append ``other``'s documents (they come after this one's) and add its counts."""
        self.documents.extend(other.documents)
        if self.sources is not None:
            self.sources = None if other.sources is None else {**self.sources, **other.sources}
        self.labs.update(other.labs)
        self.stats.merge(other.stats)

    def entries(self, min_term_docs: int = 2) -> list[Suggestion]:
        labs = [Suggestion(lab, "lab", count, lab) for lab, count in sorted(self.labs.items())]
        return [*self.documents, *self.stats.entries(min_term_docs), *labs]


def gather(documents: Iterable[dict[str, Any]], procs: int = 1) -> SuggestionData:
    """The suggestion data of ``documents``, mecab included."""
    data = SuggestionData()
    for doc, terms in with_terms(documents, procs):
        data.add_document(doc)
        data.stats.add(terms)
    return data
