"""Reading a text into cached units with mecab-ko: the one scan behind
:func:`~indexer.analysis.korean.morphemes` and :func:`~indexer.analysis.terms.index_terms`.

mecab prints one line per morpheme. Looking each line up in a cache still costs a few hundred Python
steps per line, and a document has about 800 lines, so the scan asks mecab for *chunks* instead: the
morphemes between two stretches of whitespace (an eojeol, a URL, a line of code), which a corpus
repeats even more than lines. A chunk is cached as one unit (its lines read exactly as the line scan
reads them), so a document costs about 300 lookups and a few calls that run in C.

mecab is told to print each morpheme as ``<whitespace before it>\\x01<surface>\\x1f<features>\\x02``;
the chunks are the text between non-empty whitespace. A chunk reading is used only when the
whitespace and surfaces spell the text back exactly: a text mecab sees differently (a lone surrogate,
a NUL, our marker characters, a line break character that is not whitespace to mecab and would split
the line scan's lines) goes through the line scan, the original algorithm, instead.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from operator import attrgetter

from indexer.analysis.memo import Memo
from indexer.analysis.normalize import fold_width
from indexer.analysis.units import ATTACHED, Line, Unit, join_units, latin_unit, parse_line, user_unit
from indexer.analysis.userdict import UserDictionary, UserEntry

_CHUNKED = "--node-format=%pS\x01%m\x1f%H\x02 --eos-format= "
_MARKERS = ("\x01", "\x02", "\x1f")
_GAP = re.compile("\x02([^\x01]+)\x01")  # the whitespace between two chunks
# Characters str.splitlines() breaks at that mecab does not skip as whitespace: a surface holding one
# is cut in two by the line scan, so its chunk is left to the line scan.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class Tagger:
    """mecab-ko Taggers, one of each output format per thread (cheap: the dictionary is memory-mapped
    and shared)."""

    _local = threading.local()

    @classmethod
    def _tagger(cls, name: str, arguments: str) -> object:
        tagger = getattr(cls._local, name, None)
        if tagger is None:
            import mecab_ko

            tagger = mecab_ko.Tagger(arguments)
            setattr(cls._local, name, tagger)
        return tagger

    @classmethod
    def parse(cls, text: str) -> str:
        """mecab's usual output: ``surface<TAB>features`` lines, then EOS."""
        tagger = cls._tagger("lines", "")
        try:
            return tagger.parse(text)  # type: ignore[attr-defined, no-any-return]
        except (TypeError, UnicodeEncodeError):  # lone surrogates cannot be passed to mecab as UTF-8
            return tagger.parse(text.encode("utf-8", "replace").decode("utf-8"))  # type: ignore[attr-defined, no-any-return]

    @classmethod
    def parse_chunked(cls, text: str) -> str | None:
        """The output the chunk scan reads; None for text mecab cannot take as it is."""
        try:
            return cls._tagger("chunks", _CHUNKED).parse(text)  # type: ignore[attr-defined, no-any-return]
        except (TypeError, UnicodeEncodeError):
            return None


class _Split:
    """A segment's chunked mecab output, and whether it spells the segment back (None: not checked yet)."""

    __slots__ = ("gaps", "outputs", "trusted")

    def __init__(self, gaps: list[str], outputs: list[str]) -> None:
        self.gaps = gaps
        self.outputs = outputs
        self.trusted: bool | None = None


#: The last segments' splits: the suggestion terms of a document (indexer/suggest/terms.py) read the
#: same segments right after its index analysis did, and get them without mecab or a second check.
_RECENT: dict[str, _Split | None] = {}
_RECENT_SIZE = 64  # a document's segments, many times over
_MISSING = object()


#: A chunk the chunk scan must not be trusted with: its text never occurs in a scanned segment.
_UNTRUSTED = Unit(_MARKERS[0], (), (), ())
_TEXT = attrgetter("text")


class Caches:
    """Everything that depends only on mecab's output, for one analysis mode (index or query)."""

    def __init__(self, index: bool) -> None:
        self.lines = Memo(lambda line: parse_line(line, index), 1 << 18)
        self.latin = Memo(latin_unit, 1 << 16)
        self.user = Memo(user_unit, 1 << 12)
        self.chunks = Memo(self._chunk, 1 << 18)

    def clear(self) -> None:
        for cache in (self.lines, self.latin, self.user, self.chunks):
            cache.clear()
        _CHUNK_TEXTS.clear()
        _RECENT.clear()

    def _chunk(self, chunk: str) -> Unit:
        """One chunk of mecab output, read as the line scan reads its lines, as one unit."""
        if _LINE_BREAKS.search(chunk):
            return _UNTRUSTED
        lines = [node.replace("\x1f", "\t", 1) for node in chunk.split("\x02\x01")]
        text = "".join(line.partition("\t")[0] for line in lines)
        found: list[tuple[Unit, int]] = []
        _scan_lines(text, lines, 0, self, found)
        return join_units(text, found)


CACHES = {True: Caches(True), False: Caches(False)}


def clear_caches() -> None:
    for caches in CACHES.values():
        caches.clear()


# -- scanning a text -----------------------------------------------------------------------------

def scan(text: str, index: bool, userdict: UserDictionary, *, chunked: bool = True) -> list[tuple[Unit, int]]:
    """The units of ``text`` (width-folded first) with their start offsets, in order. ``chunked=False``
    reads every segment line by line, the reference the chunk reading is tested against."""
    text = fold_width(text)
    caches = CACHES[index]
    found: list[tuple[Unit, int]] = []
    for begin, end, entry in _pieces(text, userdict):
        if entry is not None:
            found.append((caches.user[entry], begin))
            continue
        segment = text[begin:end]
        read = _read_chunks(segment, caches) if chunked else None
        if read is None:
            _scan_lines(segment, Tagger.parse(segment).splitlines(), begin, caches, found)
            continue
        cursor = begin
        for gap, chunk in zip(*read, strict=True):
            cursor += len(gap)
            if chunk.morphs:
                found.append((chunk, cursor))
            cursor += len(chunk.text)
    return found


def index_units(text: str, userdict: UserDictionary) -> list[Unit]:
    """The index-mode units of ``text`` in order, without offsets: what :func:`scan` finds, for the
    index-time fast path."""
    text = fold_width(text)
    caches = CACHES[True]
    units: list[Unit] = []
    for begin, end, entry in _pieces(text, userdict):
        if entry is not None:
            units.append(caches.user[entry])
            continue
        segment = text[begin:end]
        read = _read_chunks(segment, caches)
        if read is None:
            found: list[tuple[Unit, int]] = []
            _scan_lines(segment, Tagger.parse(segment).splitlines(), begin, caches, found)
            units += [unit for unit, _ in found]
        else:
            units += read[1]
    return units


def mecab_segments(text: str, userdict: UserDictionary) -> list[str]:
    """The stretches of ``text`` (width-folded) that the analysis hands to mecab: cut at user-dictionary
    words."""
    text = fold_width(text)
    return [text[begin:end] for begin, end, entry in _pieces(text, userdict) if entry is None]


def chunk_outputs(segment: str) -> list[str] | None:
    """mecab's output for ``segment`` cut into its chunks (each: ``surface\\x1ffeatures`` nodes joined by
    ``\\x02\\x01``), or None when the chunks do not spell the segment back (see the module docstring).

    The same answer as :func:`_split_chunks` gives, without reading a chunk the index analysis has not
    already read into a unit (an update's suggestion terms of documents it does not index)."""
    split = _chunked(segment)
    if split is None:
        return None
    if split.trusted is None:
        known = CACHES[True].chunks
        texts = [known[output].text if output in known else _CHUNK_TEXTS[output] for output in split.outputs]
        split.trusted = _spells(segment, split.gaps, texts)
    return split.outputs if split.trusted else None


def _chunk_text(output: str) -> str:
    """The text a chunk of mecab output covers: what :meth:`Caches._chunk` makes its unit's text."""
    if _LINE_BREAKS.search(output):
        return _UNTRUSTED.text
    return "".join(node.partition("\x1f")[0] for node in output.split("\x02\x01"))


_CHUNK_TEXTS = Memo(_chunk_text, 1 << 18)


def _pieces(text: str, userdict: UserDictionary) -> list[tuple[int, int, UserEntry | None]]:
    """``text`` cut at its user-dictionary words: (start, end, None) for a stretch mecab reads (only
    those with more than whitespace), (start, end, entry) for a dictionary word."""
    pieces: list[tuple[int, int, UserEntry | None]] = []
    cursor = 0
    for start, end, entry in userdict.spans(text):
        if start < cursor:
            continue
        if text[cursor:start].strip():
            pieces.append((cursor, start, None))
        pieces.append((start, end, entry))
        attached = ATTACHED.match(text, end)
        cursor = attached.end() if attached else end
    if text[cursor:].strip():
        pieces.append((cursor, len(text), None))
    return pieces


def _read_chunks(segment: str, caches: Caches) -> tuple[list[str], list[Unit]] | None:
    """(the whitespace before each chunk, the chunks) of ``segment``, or None when the chunks do not
    spell the segment back (see the module docstring)."""
    split = _split_chunks(segment, caches)
    return None if split is None else (split[0], split[2])


def _split_chunks(segment: str, caches: Caches) -> tuple[list[str], list[str], list[Unit]] | None:
    """(the whitespace before each chunk, each chunk's mecab output, each chunk read as a unit), or None."""
    split = _chunked(segment)
    if split is None:
        return None
    chunks: list[Unit] = list(map(caches.chunks.__getitem__, split.outputs))
    if split.trusted is None:  # a unit's text is what _chunk_text gives: either way decides alike
        split.trusted = _spells(segment, split.gaps, map(_TEXT, chunks))
    return (split.gaps, split.outputs, chunks) if split.trusted else None


def _chunked(segment: str) -> _Split | None:
    """``segment``'s chunked mecab output, not yet checked against it (kept for the next few segments);
    None when the segment holds the chunk markers or mecab cannot take it."""
    found = _RECENT.get(segment, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    found = None
    if not any(marker in segment for marker in _MARKERS):
        out = Tagger.parse_chunked(segment)
        if out is not None and out.endswith("\x02"):
            lead, _, rest = out.partition("\x01")
            pieces = _GAP.split(rest[:-1])
            gaps = pieces[1::2]
            gaps.insert(0, lead)
            found = _Split(gaps, pieces[0::2])
    if len(_RECENT) >= _RECENT_SIZE:
        _RECENT.clear()
    _RECENT[segment] = found
    return found


def _spells(segment: str, gaps: list[str], texts: Iterable[str]) -> bool:
    """Whether the chunks' ``texts`` with their ``gaps`` spell ``segment`` (see the module docstring)."""
    spelled = [""] * (2 * len(gaps))
    spelled[0::2] = gaps
    spelled[1::2] = texts
    # Text after the last morpheme is whitespace or what mecab never saw (after a NUL): no morphemes.
    return segment.startswith("".join(spelled))


def _scan_lines(segment: str, lines: Iterable[str], begin: int, caches: Caches,
                found: list[tuple[Unit, int]]) -> None:
    """Append the units of mecab's ``lines`` for ``segment`` (which starts at ``begin`` in the text).

    Each line's surface is looked up from where the previous one ended (mecab skips whitespace); a
    line whose surface is not there (a lone surrogate mecab saw as "?") is skipped. Touching
    Latin/number/joiner lines make one unit.
    """
    parsed_lines, latin = caches.lines, caches.latin
    find = segment.find
    append = found.append
    cursor = 0
    run: list[tuple[str, str]] = []  # the Latin pieces touching each other so far
    run_start = 0
    for line in lines:
        parsed: Line | None = parsed_lines[line]
        if parsed is None:
            continue
        surface, piece, unit = parsed
        at = find(surface, cursor)
        if at < 0:
            continue
        if piece is not None:
            if run and at != cursor:  # cursor is still where the run's last piece ended
                run_unit = latin[tuple(run)]
                if run_unit is not None:
                    append((run_unit, begin + run_start))
                run = []
            if not run:
                run_start = at
            run.append(piece)
            cursor = at + len(surface)
            continue
        cursor = at + len(surface)
        if run:
            run_unit = latin[tuple(run)]
            if run_unit is not None:
                append((run_unit, begin + run_start))
            run = []
        if unit is not None:
            append((unit, begin + at))
    if run:
        run_unit = latin[tuple(run)]
        if run_unit is not None:
            append((run_unit, begin + run_start))
