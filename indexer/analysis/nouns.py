"""Noun phrases and dictionary words of a text, read from mecab-ko's output as the index analysis reads it.

What the suggestions offer (:mod:`indexer.suggest.terms`) and what a lab's key terms may show
(:mod:`indexer.search.related`): nouns and compound nouns written as one word (강화학습을 → 강화학습, 강화,
학습), and the user dictionary's Modulabs words (세그멘테이션, 풀잎스쿨) that mecab alone misreads. mecab
reads each text in the stretches the index analysis gives it (cut at user-dictionary words), so a
rebuild, which takes a document's terms right after indexing it, finds mecab's output already in
:func:`indexer.analysis.scan.chunk_outputs`'s small cache instead of running mecab twice.

>>> sorted(noun_phrases("강화학습을 공부하는 연구소"))
['강화', '강화학습', '연구소', '학습']
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.analysis.scan import Tagger, chunk_outputs, mecab_segments
from indexer.analysis.userdict import default_user_dictionary

__all__ = ["dictionary_words", "has_ending", "is_noun", "noun_like", "noun_phrases"]

_NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "SN", "XR"})
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def dictionary_words(text: str) -> set[str]:
    """Modulabs words of the user dictionary (세그멘테이션, 풀잎스쿨) that mecab alone misreads."""
    return {entry.word for _, _, entry in default_user_dictionary().spans(text) if _has_hangul(entry.word)}


def noun_phrases(text: str) -> set[str]:
    """Nouns and compound nouns written as one word (강화학습을 → 강화학습, 강화, 학습).

    A run of nouns never crosses whitespace, so the answer is the union of each whitespace-separated
    chunk's, and a chunk's is cached (the same chunks recur all over a corpus).
    """
    found: set[str] = set()
    for segment in mecab_segments(text, default_user_dictionary()):
        chunks = chunk_outputs(segment)
        if chunks is None:  # text mecab reads differently from how it is written: line by line
            found |= read_noun_phrases(segment, Tagger.parse(segment).splitlines())
            continue
        found.update(*map(_CHUNK_NOUNS.__getitem__, chunks))
    return found


def is_noun(term: str) -> bool:
    """Whether mecab reads ``term`` as nouns only (key terms also include verb stems such as 되, 대하)."""
    tags = [line.partition("\t")[2].split(",", 1)[0] for line in Tagger.parse(term).splitlines() if "\t" in line]
    return bool(tags) and all(tag.split("+", 1)[0] in ("NNG", "NNP", "SL", "SH") for tag in tags)


#: What a term may be made of: nouns, noun prefixes and suffixes (비-, -화, -성), roots, foreign words, numbers.
_TERM_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "XPN", "XSN", "XR", "SL", "SH", "SN"})


def noun_like(term: str) -> bool:
    """Whether mecab reads ``term`` (spaces allowed) as a noun phrase: no verb, ending, particle or pronoun
    (정규화, 배치 정규화 are; 있을, 쪼갭니다, 그것 are not)."""
    tags = [line.partition("\t")[2].split(",", 1)[0] for line in Tagger.parse(term).splitlines() if "\t" in line]
    return bool(tags) and all(tag.split("+", 1)[0] in _TERM_TAGS for tag in tags)


def has_ending(word: str) -> bool:
    """Whether mecab finds a verb or adjective ending in ``word`` (아닙니다, 그런데)."""
    return any(tag.startswith("E") for line in Tagger.parse(word).splitlines() if "\t" in line
               for tag in line.partition("\t")[2].split(",", 1)[0].split("+"))


def read_noun_phrases(text: str, lines: Iterable[str]) -> set[str]:
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
        value = frozenset(read_noun_phrases("".join(line.partition("\t")[0] for line in lines), lines))
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
