"""What mecab-ko's output stands for, as *units*: the building blocks of :mod:`indexer.analysis.scan`.

A unit is one line of mecab output (a Hangul word, its compound parts, a Hanja reading), one run of
touching Latin/number/joiner lines (U-Net → Net, unet) or one user-dictionary word. Its morphemes
carry offsets relative to the unit's start, so a unit depends only on the lines it came from and can
be cached. Each unit carries both projections of its morphemes: ``morphs`` for the Token chain
(queries, highlighting) and ``forms``/``deltas``, the index terms after lowercasing, stop words and
stemming, which the index-time fast path appends as they are.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from indexer.analysis.english import index_form
from indexer.analysis.userdict import UserEntry

# Nori's DEFAULT_STOP_TAGS, plus tags that only add noise to a search index (copula, dependent nouns,
# auxiliary verbs, symbols).
_STOP_TAGS = frozenset({
    "IC", "MAG", "MAJ", "MM", "SP", "SSC", "SSO", "SC", "SE", "XPN", "XSA", "XSN", "XSV", "UNA", "NA", "VSV",
    "SF", "SY", "VCP", "VCN", "NNB", "NNBC", "VX", "ETM", "ETN",
})
_LATIN_TAGS = frozenset({"SL", "SN"})
# What may follow a user-dictionary word inside the same eojeol without being a word of its own
# (mecab misreads such a fragment when it sees it alone: 님을 → 님/NNG).
ATTACHED = re.compile(
    r"(?:님|씨|들|쌤)?(?:이|가|을|를|은|는|의|에|에서|에게|께|께서|으로|로|와|과|도|만|이나|나|랑|이랑|까지|부터|처럼|보다|"
    r"이다|입니다|이에요|예요|이야|야|이고|이며)?(?![\uac00-\ud7a3])"
)
_JOINERS = frozenset("-_.+#")

#: One morpheme of a unit: (text, start, end, same_position), offsets relative to the unit's start.
RelMorph = tuple[str, int, int, bool]


class Unit(NamedTuple):
    """The morphemes of one unit and, precomputed from them, what the index stores."""

    #: the text the unit covers (its surfaces joined)
    text: str
    morphs: tuple[RelMorph, ...]
    #: the index form of each morpheme the stop list keeps, and a final None when the unit takes
    #: positions after its last form (a stop word is dropped but takes its position)
    forms: tuple[str | None, ...]
    #: how far each form's position is from the previous one's (the first from the position before
    #: the unit; 0 for a part that shares the previous position), the final None's: the rest of the
    #: unit's width. Summed from -1, they are the positions.
    steps: tuple[int, ...]


def make_unit(text: str, morphs: list[RelMorph]) -> Unit:
    """The unit covering ``text`` with ``morphs``. The index forms are what Whoosh's LowercaseFilter
    followed by :class:`~indexer.analysis.english.EnglishStemFilter` make of the morphemes."""
    forms: list[str | None] = []
    steps: list[int] = []
    width = last = 0
    for word, _, _, same in morphs:
        if not same:
            width += 1
        form = index_form(word)
        if form is not None:
            forms.append(form)
            steps.append(width - last)
            last = width
    if width > last:
        forms.append(None)
        steps.append(width - last)
    return Unit(text, tuple(morphs), tuple(forms), tuple(steps))


def join_units(text: str, found: list[tuple[Unit, int]]) -> Unit:
    """The units of ``found`` ((unit, start) in order) as one unit covering ``text``."""
    if len(found) == 1 and found[0][1] == 0 and found[0][0].text == text:
        return found[0][0]
    return make_unit(text, [(word, start + begin, start + end, same)
                            for unit, start in found for word, begin, end, same in unit.morphs])


# -- one line of mecab output ---------------------------------------------------------------------

def _dropped(tag: str) -> bool:
    first = tag.split("+", 1)[0]
    return first in _STOP_TAGS or first[:1] in ("E", "J")


def _has_hanja(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff" for c in text)


class Line(NamedTuple):
    """One line of mecab output (``surface<TAB>features``), parsed."""

    surface: str
    #: (surface, tag) of a Latin/number/joiner line, which joins its touching neighbours; else None
    piece: tuple[str, str] | None
    #: the unit of any other line; None when it has no index terms (a particle, an ending, a symbol)
    unit: Unit | None


def parse_line(line: str, index: bool) -> Line | None:
    """What one line of mecab output stands for; None for a line without a tab (EOS)."""
    surface, tab, feature = line.partition("\t")
    if not tab:
        return None
    fields = feature.split(",")
    tag = fields[0]
    if tag in _LATIN_TAGS or (tag == "SY" and surface and set(surface) <= _JOINERS):
        return Line(surface, (surface, tag), None)
    morphs = _hangul(surface, fields, index)
    return Line(surface, None, make_unit(surface, morphs) if morphs else None)


def _hangul(surface: str, fields: list[str], index: bool) -> list[RelMorph]:
    """The morphemes of a Korean (or Hanja, or other non-Latin) line: an inflected form by its
    dictionary pieces, Hanja by its reading, a compound whole and (at index time) split."""
    tag = fields[0]
    stop = len(surface)
    kind = fields[4] if len(fields) > 4 else "*"
    reading = fields[3] if len(fields) > 3 else "*"
    expression = fields[7] if len(fields) > 7 else "*"
    if kind in ("Inflect", "Preanalysis") and expression != "*":
        morphs = []
        for piece in expression.split("+"):
            word, _, piece_tag = piece.partition("/")
            piece_tag = piece_tag.split("/", 1)[0]
            if word and not _dropped(piece_tag):
                morphs.append((word, 0, stop, False))
        return morphs
    if _dropped(tag):
        return []
    if _has_hanja(surface) and reading not in ("*", ""):
        return [(reading, 0, stop, False)]
    morphs = [(surface, 0, stop, False)]
    if kind == "Compound" and index and expression != "*":
        offset = 0
        first = True
        for piece in expression.split("+"):
            word = piece.split("/", 1)[0]
            local = surface.find(word, offset)
            if word and word != surface and local >= 0:
                morphs.append((word, local, local + len(word), first))
                first = False
                offset = local + len(word)
    return morphs


def latin_unit(pieces: tuple[tuple[str, str], ...]) -> Unit | None:
    """The unit of a run of touching Latin/number/joiner pieces ((surface, tag) each): its words
    (single letters only when alone) and the joined form without - and _ (U-Net → Net, unet)."""
    run = []
    offset = 0
    text = "".join(surface for surface, _ in pieces)
    for surface, tag in pieces:
        run.append((surface, offset, offset + len(surface), tag))
        offset += len(surface)
    while run and run[-1][3] == "SY" and not set(run[-1][0]) <= {"+", "#"}:
        run = run[:-1]
    while run and run[0][3] == "SY":
        run = run[1:]
    if not run:
        return None
    words = [r for r in run if r[3] != "SY"]
    morphs = [(surface, start, stop, False) for surface, start, stop, tag in words
              if len(surface) > 1 or tag == "SN" or len(words) == 1]
    if len(run) > 1:
        start, stop = run[0][1], run[-1][2]
        joined = text[start:stop].replace("-", "").replace("_", "")
        if joined.lower() not in {w[0].lower() for w in words}:
            morphs.append((joined, start, stop, True))
    return make_unit(text, morphs) if morphs else None


def user_unit(entry: UserEntry) -> Unit:
    """A user-dictionary word and its parts. The first part shares the word's position and the next
    ones follow it, so the phrase 모두 연구소 also lines up inside 모두의연구소; parts at query time
    too, so 모두의연구소 also finds 모두의 연구소."""
    word = entry.word
    morphs = [(word, 0, len(word), False)]
    offset = 0
    first = True
    for part in entry.parts:
        found = word.find(part, offset)
        if found >= 0:
            morphs.append((part, found, found + len(part), first))
            first = False
            offset = found + len(part)
    return make_unit(word, morphs)
