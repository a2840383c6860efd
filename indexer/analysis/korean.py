"""Korean morphological tokenizer for Whoosh, built on mecab-ko with the mecab-ko-dic dictionary.

What it does, in Lucene Nori's terms:

* parts of speech Nori drops by default (particles J*, endings E*, suffixes XS*, adverbs MAG …)
  never become tokens, so 세그멘테이션을 and 강화학습으로 index as their nouns;
* compounds are decompounded in *mixed* mode at index time (연구소 and 연구, 소) and kept whole at
  query time, so phrase queries still line up;
* Hanja is indexed by its Hangul reading; a user dictionary keeps Modulabs words whole;
* Latin runs (U-Net, CNN-based, v2.0) yield their parts and the joined form (unet, cnnbased).

Every token carries character offsets into the original value, so highlights land on the right
characters.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from whoosh.analysis import Token, Tokenizer

from indexer.analysis.normalize import fold_width
from indexer.analysis.userdict import UserDictionary, default_user_dictionary

# Nori's DEFAULT_STOP_TAGS, plus tags that only add noise to a search index (copula, dependent nouns,
# auxiliary verbs, symbols).
_STOP_TAGS = frozenset({
    "IC", "MAG", "MAJ", "MM", "SP", "SSC", "SSO", "SC", "SE", "XPN", "XSA", "XSN", "XSV", "UNA", "NA", "VSV",
    "SF", "SY", "VCP", "VCN", "NNB", "NNBC", "VX", "ETM", "ETN",
})
_LATIN_TAGS = frozenset({"SL", "SN"})
# What may follow a user-dictionary word inside the same eojeol without being a word of its own
# (mecab misreads such a fragment when it sees it alone: 님을 → 님/NNG).
_ATTACHED = re.compile(
    r"(?:님|씨|들|쌤)?(?:이|가|을|를|은|는|의|에|에서|에게|께|께서|으로|로|와|과|도|만|이나|나|랑|이랑|까지|부터|처럼|보다|"
    r"이다|입니다|이에요|예요|이야|야|이고|이며)?(?![\uac00-\ud7a3])"
)
_JOINERS = frozenset("-_.+#")


class Morph(NamedTuple):
    text: str
    start: int
    end: int
    #: True for a token that shares its position with the previous one (a compound's part)
    same_position: bool = False


def _dropped(tag: str) -> bool:
    first = tag.split("+", 1)[0]
    return first in _STOP_TAGS or first[:1] in ("E", "J")


def _has_hanja(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff" for c in text)


class _Tagger:
    """One mecab-ko Tagger per thread (cheap: the dictionary is memory-mapped and shared)."""

    _local = threading.local()

    @classmethod
    def parse(cls, text: str) -> str:
        tagger = getattr(cls._local, "tagger", None)
        if tagger is None:
            import mecab_ko

            tagger = cls._local.tagger = mecab_ko.Tagger()
        try:
            return tagger.parse(text)
        except (TypeError, UnicodeEncodeError):  # lone surrogates cannot be passed to mecab as UTF-8
            return tagger.parse(text.encode("utf-8", "replace").decode("utf-8"))  # one "?" each: offsets hold


def morphemes(text: str, *, index: bool = True, userdict: UserDictionary | None = None) -> Iterator[Morph]:
    """The index terms of ``text`` with offsets (not lowercased or stemmed yet).

    >>> [m.text for m in morphemes("세그멘테이션을 배우고 싶어요")]
    ['세그멘테이션', '배우']
    >>> [m.text for m in morphemes("U-Net으로 세포를 분할한다")]
    ['Net', 'unet', '세포', '분할']
    """
    text = fold_width(text)
    userdict = default_user_dictionary() if userdict is None else userdict
    cursor = 0
    for start, end, entry in userdict.spans(text):
        if start < cursor:
            continue
        yield from _mecab_morphemes(text, cursor, start, index)
        yield Morph(entry.word, start, end)
        if entry.parts:  # parts at query time too, so 모두의연구소 also finds 모두의 연구소
            offset = start
            first = True
            for part in entry.parts:
                found = text.find(part, offset, end)
                if found >= 0:
                    # The first part shares the whole word's position, the next ones follow it, so
                    # the phrase 모두 연구소 also lines up inside 모두의연구소.
                    yield Morph(part, found, found + len(part), first)
                    first = False
                    offset = found + len(part)
        attached = _ATTACHED.match(text, end)
        cursor = attached.end() if attached else end
    yield from _mecab_morphemes(text, cursor, len(text), index)


def _mecab_morphemes(text: str, begin: int, end: int, index: bool) -> Iterator[Morph]:
    segment = text[begin:end]
    if not segment.strip():
        return
    cursor = 0
    latin: list[tuple[str, int, int, str]] = []
    for line in _Tagger.parse(segment).splitlines():
        parsed = _parsed_line(line, index)
        if parsed is None:
            continue
        surface, tag, morphs = parsed
        found = segment.find(surface, cursor)
        if found < 0:
            continue
        start, stop = begin + found, begin + found + len(surface)
        cursor = found + len(surface)
        if morphs is None:
            if latin and latin[-1][2] != start:
                yield from _latin_run(text, latin)
                latin = []
            latin.append((surface, start, stop, tag))
            continue
        if latin:
            yield from _latin_run(text, latin)
            latin = []
        for word, offset, length, same in morphs:
            yield Morph(word, start + offset, start + offset + length, same)
    if latin:
        yield from _latin_run(text, latin)


@lru_cache(maxsize=1 << 18)
def _parsed_line(line: str, index: bool) -> tuple[str, str, tuple[tuple[str, int, int, bool], ...] | None] | None:
    """(surface, tag, its morphemes as (text, offset, length, same_position)) of one line of mecab output;
    morphemes None for a Latin/number/joiner piece, which joins its neighbours. None for EOS.

    Cached: a corpus repeats the same few hundred thousand (surface, analysis) lines, and the result
    only depends on the line (offsets are relative to the surface).
    """
    surface, tab, feature = line.partition("\t")
    if not tab:
        return None
    fields = feature.split(",")
    tag = fields[0]
    if tag in _LATIN_TAGS or (tag == "SY" and surface and set(surface) <= _JOINERS):
        return surface, tag, None
    return surface, tag, tuple((m.text, m.start, m.end - m.start, m.same_position)
                               for m in _hangul(surface, 0, len(surface), fields, index))


def _latin_run(text: str, run: list[tuple[str, int, int, str]]) -> Iterator[Morph]:
    while run and run[-1][3] == "SY" and not set(run[-1][0]) <= {"+", "#"}:
        run = run[:-1]
    while run and run[0][3] == "SY":
        run = run[1:]
    if not run:
        return
    words = [r for r in run if r[3] != "SY"]
    for surface, start, stop, tag in words:
        if len(surface) > 1 or tag == "SN" or len(words) == 1:
            yield Morph(surface, start, stop)
    if len(run) > 1:
        start, stop = run[0][1], run[-1][2]
        joined = text[start:stop].replace("-", "").replace("_", "")
        if joined.lower() not in {w[0].lower() for w in words}:
            yield Morph(joined, start, stop, True)


def _hangul(surface: str, start: int, stop: int, fields: list[str], index: bool) -> Iterator[Morph]:
    tag = fields[0]
    kind = fields[4] if len(fields) > 4 else "*"
    reading = fields[3] if len(fields) > 3 else "*"
    expression = fields[7] if len(fields) > 7 else "*"
    if kind in ("Inflect", "Preanalysis") and expression != "*":
        for piece in expression.split("+"):
            word, _, piece_tag = piece.partition("/")
            piece_tag = piece_tag.split("/", 1)[0]
            if word and not _dropped(piece_tag):
                yield Morph(word, start, stop)
        return
    if _dropped(tag):
        return
    if _has_hanja(surface) and reading not in ("*", ""):
        yield Morph(reading, start, stop)
        return
    yield Morph(surface, start, stop)
    if kind == "Compound" and index and expression != "*":
        offset = start
        first = True
        for piece in expression.split("+"):
            word = piece.split("/", 1)[0]
            local = surface.find(word, offset - start)
            if word and word != surface and local >= 0:
                yield Morph(word, start + local, start + local + len(word), first)
                first = False
                offset = start + local + len(word)


class KoreanTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`morphemes`; picklable (the mecab tagger lives outside it)."""

    def __init__(self, use_userdict: bool = True) -> None:
        self.use_userdict = use_userdict

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KoreanTokenizer) and other.use_userdict == self.use_userdict

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.use_userdict))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        userdict = None if self.use_userdict else UserDictionary([])
        pos = start_pos - 1
        for morph in morphemes(value, index=mode != "query", userdict=userdict):
            if not morph.same_position:
                pos += 1
            token.text = morph.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = morph.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + morph.start
                token.endchar = start_char + morph.end
            yield token
