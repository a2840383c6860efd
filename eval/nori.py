"""A Lucene-Nori-like Korean analyzer and Lucene's CJK bigram analyzer, for the baseline.

Nori's ``KoreanAnalyzer`` defaults: mecab-ko-dic morphemes, ``DecompoundMode.DISCARD`` (a compound or an
inflected form becomes its parts only), ``DEFAULT_STOP_TAGS``, punctuation discarded, Hanja read as Hangul,
lowercase; no stemming, no user dictionary. The bigram side follows Elasticsearch's ``cjk`` analyzer:
Hangul runs → overlapping bigrams (a lone syllable stays a unigram), other words lowercased minus English
stop words.

>>> [t.text for t in nori_analyzer()("모두의연구소에서 U-Net으로 세포를 분할한다")]
['모두', '연구', '소', 'u', 'net', '세포', '분할']
>>> [t.text for t in cjk_analyzer()("의료영상 분할 the Model")]
['의료', '료영', '영상', '분할', 'model']
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, LowercaseFilter, StopFilter, Token, Tokenizer

#: org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS (E and J are tag families).
NORI_STOP_TAGS = frozenset({"IC", "MAG", "MAJ", "MM", "SP", "SSC", "SSO", "SC", "SE", "XPN", "XSA", "XSN", "XSV",
                            "UNA", "NA", "VSV"})
_PUNCTUATION_TAGS = frozenset({"SF", "SE", "SSO", "SSC", "SC", "SY"})
_TOKEN = re.compile(r"[\uac00-\ud7a3]+|\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_local = threading.local()


def _stopped(tag: str) -> bool:
    return tag in NORI_STOP_TAGS or tag in _PUNCTUATION_TAGS or tag[:1] in ("E", "J")


def nori_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import mecab_ko

        tagger = _local.tagger = mecab_ko.Tagger()
    cursor = 0
    for line in tagger.parse(text).splitlines():
        surface, tab, feature = line.partition("\t")
        if not tab:
            continue
        found = text.find(surface, cursor)
        start = found if found >= 0 else cursor
        cursor = start + len(surface)
        fields = feature.split(",")
        tag, reading = fields[0], fields[3] if len(fields) > 3 else "*"
        kind, expression = (fields[4], fields[7]) if len(fields) > 7 else ("*", "*")
        if kind in ("Compound", "Inflect", "Preanalysis") and expression != "*":
            for piece in expression.split("+"):
                word, _, rest = piece.partition("/")
                if word and not _stopped(rest.split("/", 1)[0]):
                    yield word, start, cursor
            continue
        if _stopped(tag.split("+", 1)[0]):
            continue
        if tag == "SH" or (tag.startswith("N") and reading not in ("*", "") and not _HANGUL.search(surface)
                           and not surface.isascii()):
            surface = reading if reading not in ("*", "") else surface
        yield surface, start, cursor


class _Tokens(Tokenizer):
    def split(self, text: str) -> Iterator[tuple[str, int, int]]:
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for number, (text, start, end) in enumerate(self.split(value)):
            token.text, token.boost, token.stopped = text, 1.0, False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class NoriTokenizer(_Tokens):
    def split(self, text: str) -> Iterator[tuple[str, int, int]]:
        return nori_tokens(text)


class CJKBigramTokenizer(_Tokens):
    def split(self, text: str) -> Iterator[tuple[str, int, int]]:
        for match in _TOKEN.finditer(text):
            word, base = match.group(0), match.start()
            if not _HANGUL.match(word) or len(word) == 1:
                yield word, base, match.end()
                continue
            for i in range(len(word) - 1):
                yield word[i:i + 2], base + i, base + i + 2


def nori_analyzer() -> Analyzer:
    return NoriTokenizer() | LowercaseFilter()


def cjk_analyzer() -> Analyzer:
    return CJKBigramTokenizer() | LowercaseFilter() | StopFilter(minsize=1)
