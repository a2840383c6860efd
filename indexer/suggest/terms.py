"""What the suggestion index offers, gathered from stored documents at index time.

Titles and repository names come from each document, labs are counted per document, and terms are the
nouns, compound nouns (mecab-ko) and user-dictionary words of each document's title, headings,
description and body plus its English words, offered once they occur in two documents. mecab reads each
field in the stretches the index analysis gives it (cut at user-dictionary words), so a rebuild, which
takes a document's terms right after indexing it, finds mecab's output for them already in
:func:`indexer.analysis.scan.chunk_outputs`'s small cache instead of running mecab twice.

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
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple

from indexer.analysis.scan import Tagger as ScanTagger
from indexer.analysis.scan import chunk_outputs, mecab_segments
from indexer.suggest.complete import Suggestion

_TERM_FIELDS = ("title", "headings", "description", "body")
#: A document's text fields that terms are taken from (:func:`term_text`).
TermText = tuple[str, ...]
_NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "SN", "XR"})
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#]*(?:[-.][A-Za-z0-9]+)*")
_STOPWORDS = frozenset("""a an and are as at be by for from has have in is it its of on or that the this to was were
will with you your we our can not but if into than then there these they which who what when how all any
use using used com http https www github io md html png jpg""".split())
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_BATCH = 512  # documents per round trip to the extraction processes


@dataclass
class DocTerms:
    """One document's contribution to the term counts."""

    words: set[str] = field(default_factory=set)  # nouns, compounds, dictionary words, folded English words
    dictionary: set[str] = field(default_factory=set)  # user-dictionary words (offered even from one document)
    surfaces: Counter[tuple[str, str]] = field(default_factory=Counter)  # (folded, as written) → occurrences


class Tagger:
    """Term extraction with mecab-ko (the analysis's taggers, one per thread) and the user dictionary."""

    def __init__(self) -> None:
        from indexer.analysis.userdict import default_user_dictionary

        self._userdict = default_user_dictionary()

    def terms(self, texts: TermText) -> DocTerms:
        found = DocTerms()
        for text in texts:
            found.words |= self.noun_phrases(text)
            found.dictionary |= self.dictionary_words(text)
            for word, count in Counter(_LATIN_WORD.findall(text)).items():
                folded = word.lower()
                if len(folded) < 3 or folded in _STOPWORDS or folded.isdigit():
                    continue
                found.surfaces[(folded, word)] += count
                found.words.add(folded)
        found.words |= found.dictionary
        return found

    def dictionary_words(self, text: str) -> set[str]:
        """Modulabs words of the user dictionary (세그멘테이션, 풀잎스쿨) that mecab alone misreads."""
        return {entry.word for _, _, entry in self._userdict.spans(text) if _has_hangul(entry.word)}

    def noun_phrases(self, text: str) -> set[str]:
        """Nouns and compound nouns written as one word (강화학습을 → 강화학습, 강화, 학습).

        A run of nouns never crosses whitespace, so the answer is the union of each whitespace-separated
        chunk's, and a chunk's is cached (the same chunks recur all over a corpus).
        """
        found: set[str] = set()
        for segment in mecab_segments(text, self._userdict):
            chunks = chunk_outputs(segment)
            if chunks is None:  # text mecab reads differently from how it is written: line by line
                found |= _noun_phrases(segment, ScanTagger.parse(segment).splitlines())
                continue
            found.update(*map(_CHUNK_NOUNS.__getitem__, chunks))
        return found


def _noun_phrases(text: str, lines: Iterable[str]) -> set[str]:
    """The noun phrases of mecab's output ``lines`` for ``text``."""
    found: set[str] = set()
    run: list[str] = []
    cursor = 0
    open_run = True  # False once a non-noun ended the run inside the current word
    for line in lines:
        surface, tab, feature = line.partition("\t")
        if not tab:
            continue
        start = text.find(surface, cursor)
        if start < 0:
            continue
        if start != cursor:  # a space or punctuation: a new word begins
            if run:
                _close(run, found)
            open_run = True
        cursor = start + len(surface)
        tag = feature.split(",", 1)[0].split("+", 1)[0]
        if open_run and tag in _NOUN_TAGS:
            run.append(surface)
        else:
            if run:
                _close(run, found)
            open_run = False
    if run:
        _close(run, found)
    return found


class _ChunkNouns(dict):  # type: ignore[type-arg]
    """A chunk of mecab output → its noun phrases, computed on first use; forgets everything when full."""

    def __missing__(self, chunk: str) -> frozenset[str]:
        lines = [node.replace("\x1f", "\t", 1) for node in chunk.split("\x02\x01")]
        value = frozenset(_noun_phrases("".join(line.partition("\t")[0] for line in lines), lines))
        if len(self) >= 1 << 18:
            self.clear()
        self[chunk] = value
        return value


_CHUNK_NOUNS = _ChunkNouns()


def _close(run: list[str], found: set[str]) -> None:
    hangul = [w for w in run if _has_hangul(w)]
    if len(run) > 1 and hangul:
        found.add("".join(run))
    found.update(w for w in hangul if len(w) >= 2)
    run.clear()


def _has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


@lru_cache(maxsize=1)
def shared_tagger() -> Tagger:
    return Tagger()


def term_text(doc: dict[str, Any]) -> TermText:
    """The parts of a stored document that terms are taken from."""
    return tuple(doc.get(name) or "" for name in _TERM_FIELDS)


def _terms_of_text(texts: TermText) -> DocTerms:
    return shared_tagger().terms(texts)


def with_terms(documents: Iterable[dict[str, Any]], procs: int = 1) -> Iterator[tuple[dict[str, Any], DocTerms]]:
    """Each document with its terms; mecab runs in ``procs`` processes when more than one."""
    if procs <= 1:
        for doc in documents:
            yield doc, _terms_of_text(term_text(doc))
        return
    iterator = iter(documents)
    with ProcessPoolExecutor(max_workers=procs) as pool:
        while batch := list(islice(iterator, _BATCH)):
            yield from zip(batch, pool.map(_terms_of_text, [term_text(d) for d in batch], chunksize=32), strict=True)


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
        return [Suggestion(self.shown(term), "term", docs) for term, docs in sorted(self.docs.items())
                if docs >= min_term_docs or self.curated.get(term, 0) > 0]


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
