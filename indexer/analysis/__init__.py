"""Text analysis: Korean morphemes + English stems for the main fields, Hangul bigrams for recall.

>>> [t.text for t in text_analyzer()("강화학습으로 Networks를 배우기")]
['강화', '학습', 'network', '배우']

Indexing takes the fast path instead of the Token chain: :func:`index_terms` and :func:`bigram_terms` give
the same terms and positions as plain lists (layout: ``scan`` reads mecab's output into cached ``units``;
``korean`` turns them into Tokens, ``terms`` into index terms).

>>> index_terms("강화학습으로 Networks를 배우기")
(['강화', '학습', 'network', '배우'], [0, 1, 2, 3])
"""
from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import Analyzer, LowercaseFilter

from indexer.analysis.bigram import HangulBigramTokenizer, bigrams
from indexer.analysis.english import EnglishStemFilter, index_form, stem
from indexer.analysis.hanja import loanword_like, loanword_spelling, sino_korean_syllables
from indexer.analysis.keyboard import decompose, hangul_to_latin, keys_as_hangul, latin_to_hangul
from indexer.analysis.korean import KoreanTokenizer, morphemes
from indexer.analysis.memo import Memo
from indexer.analysis.normalize import fold_width, normalize_query
from indexer.analysis.nouns import dictionary_words, has_ending, is_noun, noun_like, noun_phrases
from indexer.analysis.particles import STRIPPED, strip_particle
from indexer.analysis.terms import bigram_terms, index_terms

#: Bumped whenever analysis output changes: an index built with another version must be rebuilt.
ANALYSIS_VERSION = 2


@lru_cache(maxsize=1)
def text_analyzer() -> Analyzer:
    """The main fields' analyzer. One shared instance: it keeps no state between calls (mecab's tagger is
    per thread), and building it cost more than analysing a short query."""
    return KoreanTokenizer() | LowercaseFilter() | EnglishStemFilter()


def bigram_analyzer() -> Analyzer:
    return HangulBigramTokenizer()


__all__ = [
    "ANALYSIS_VERSION",
    "STRIPPED",
    "Memo",
    "EnglishStemFilter",
    "HangulBigramTokenizer",
    "KoreanTokenizer",
    "bigram_analyzer",
    "bigram_terms",
    "bigrams",
    "decompose",
    "dictionary_words",
    "fold_width",
    "hangul_to_latin",
    "has_ending",
    "index_form",
    "index_terms",
    "is_noun",
    "keys_as_hangul",
    "latin_to_hangul",
    "loanword_like",
    "loanword_spelling",
    "morphemes",
    "normalize_query",
    "noun_like",
    "noun_phrases",
    "sino_korean_syllables",
    "stem",
    "strip_particle",
    "text_analyzer",
]
