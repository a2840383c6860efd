"""The index's vocabulary for spelling: document frequencies, and the nearest known term by edit distance.

Two implementations of one interface, a ``df`` mapping (term → documents), a ``words`` mapping (whole word
as written → documents: the mined lexicon's word counts, :mod:`indexer.mining`) and
``nearest(word, jamo=, whole=)`` (the nearest term, or with ``whole`` the nearest whole word):

* :class:`Lexicon`, in memory, from a dict (tests, and generations written before the lexicon file);
* :class:`StoredLexicon`, the generation's ``spelling.sqlite``, written once at index time by
  :func:`write_lexicon`; a web worker keeps a small page cache instead of the vocabulary.

The file (SQLite)::

    meta(key, value)                          format, whoosh_generation, terms
    terms(term PRIMARY KEY, df)               every term of LEXICON_FIELDS; df = the largest over the fields
    words(word PRIMARY KEY, df)               every whole word (Hangul without particles, English lower case)
    buckets(script, length, alphabet, codes)  correction candidates whose key has ``length`` letters
                                              (scripts hangul/latin: terms; hangul-word/latin-word: words):
                                              a column-major uint8 matrix of letter codes (1-based
                                              positions in ``alphabet``), rows ordered by (-df, term)
    candidates(script, length, row, term, df) the term and df of each bucket row

``nearest`` computes the edit distance of the typed key to a whole bucket at once (numpy, banded to the
edit limit), then reads only the winning rows: the same answer as the Python loop over every candidate.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from indexer.analysis import decompose
from indexer.storage import FileMismatch, ThreadConnections, finish_database, segment_id
from indexer.storage import segment_ids as storage_segment_ids

logger = logging.getLogger(__name__)

LEXICON_FIELDS = ("title", "headings", "description", "body", "repo", "lab_text", "author")
LEXICON_FILE = "spelling.sqlite"
FORMAT = "lexicon-3"
#: Formats this code corrects from (lexicon-1 has no per-field counts, so an update cannot patch it;
#: before lexicon-3 there are no whole words).
READ_FORMATS = ("lexicon-1", "lexicon-2", FORMAT)
#: Formats an update can start from (their per-field counts; the whole words come from the mined lexicon).
PATCH_FORMATS = ("lexicon-2", FORMAT)
#: A whole word is offered as a correction once this many documents write it.
WORD_MIN_DF = 2
_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")
_LATIN_WORD = re.compile(r"^[A-Za-z]+$")


def levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def correction_key(term: str) -> tuple[str, str] | None:
    """("hangul", its jamo) or ("latin", the term) for a term that may be offered as a correction."""
    if _HANGUL_WORD.match(term) and len(term) > 1:
        return "hangul", decompose(term)
    if _LATIN_WORD.match(term) and len(term) > 2:
        return "latin", term
    return None


def edit_limit(key: str, *, jamo: bool) -> int | None:
    """How many edits a correction of ``key`` may be away (None: too short to correct)."""
    if len(key) < 4:
        return None
    return 2 if len(key) >= (7 if jamo else 8) else 1


class Lexicon:
    """Document frequency of every term of the text fields (and of whole words, if given), with the
    correction candidates keyed by script and length."""

    def __init__(self, df: dict[str, int], words: dict[str, int] | None = None) -> None:
        self.df = df
        self.words = words or {}
        self.keys: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
        for counts, suffix in ((df, ""), (self.words, "-word")):
            for term, count in counts.items():
                found = correction_key(term)
                if found is not None and (not suffix or count >= WORD_MIN_DF):
                    self.keys[(found[0] + suffix, len(found[1]))].append((found[1], term))

    @classmethod
    def from_reader(cls, reader: Any) -> Lexicon:
        return cls(term_frequencies(reader))

    def written_among(self, words: Iterable[str]) -> dict[str, int]:
        """The ``words`` the corpus writes, with their document counts (any count, unlike the buckets)."""
        return {word: self.words[word] for word in words if self.words.get(word)}

    def nearest(self, word: str, *, jamo: bool, whole: bool = False) -> str | None:
        """The closest, then most frequent, known term (with ``whole``: whole word) within 1 edit (2 for
        long words)."""
        key = decompose(word) if jamo else word
        limit = edit_limit(key, jamo=jamo)
        if limit is None:
            return None
        script = ("hangul" if jamo else "latin") + ("-word" if whole else "")
        counts = self.words if whole else self.df
        best: tuple[int, int, str] | None = None
        for length in range(len(key) - limit, len(key) + limit + 1):
            for candidate_key, term in self.keys.get((script, length), []):
                distance = levenshtein(key, candidate_key, limit)
                if distance <= limit and term != word:
                    rank = (distance, -counts[term], term)
                    if best is None or rank < best:
                        best = rank
        return best[2] if best else None


def term_frequencies(reader: Any) -> dict[str, int]:
    """term → its largest document frequency over LEXICON_FIELDS, as the reader reports it.

    Summed per segment, which is what Whoosh's multi-segment reader reports (deleted documents included
    until a merge), but without its per-term lookup in every other segment: ~10× faster.
    """
    return largest(field_frequencies(reader))


def field_frequencies(reader: Any, segments: Iterable[str] | None = None) -> dict[str, dict[str, int]]:
    """field → term → document frequency summed over the reader's segments (only those named in
    ``segments``, if given), for LEXICON_FIELDS."""
    wanted = None if segments is None else set(segments)
    fields: dict[str, dict[str, int]] = {}
    for fieldname in LEXICON_FIELDS:
        if fieldname not in reader.schema:
            continue
        field: dict[Any, int] = defaultdict(int)
        for leaf, _ in reader.leaf_readers():
            if fieldname in leaf.schema and (wanted is None or segment_id(leaf) in wanted):
                for term, info in leaf.iter_field(fieldname):
                    field[term] += info.doc_frequency()
        fields[fieldname] = {(t.decode("utf-8") if isinstance(t, bytes) else t): n for t, n in field.items()}
    return fields


def largest(fields: dict[str, dict[str, int]]) -> dict[str, int]:
    """term → its largest frequency over ``fields``."""
    df: dict[str, int] = {}
    for counts in fields.values():
        for term, count in counts.items():
            if count > df.get(term, 0):
                df[term] = count
    return df


def segment_ids(reader: Any) -> list[str]:
    """The reader's segment ids, sorted (what the file records it was counted over)."""
    return sorted(storage_segment_ids(reader))


def write_lexicon(folder: Path, df: dict[str, int], whoosh_generation: int, *,
                  fields: dict[str, dict[str, int]] | None = None, segments: Iterable[str] = (),
                  words: Mapping[str, int] | None = None) -> Path:
    """Write ``folder``/spelling.sqlite for the term frequencies ``df`` and the whole words ``words``; with
    the per-field sums ``fields`` of the Whoosh ``segments`` they were counted in, so that an update can add
    its new segments' counts (:func:`patch_lexicon`) instead of reading every term of every segment."""
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE buckets (script TEXT, length INTEGER, alphabet TEXT, codes BLOB,
                              PRIMARY KEY (script, length)) WITHOUT ROWID;
        CREATE TABLE candidates (script TEXT, length INTEGER, row INTEGER, term TEXT, df INTEGER,
                                 PRIMARY KEY (script, length, row)) WITHOUT ROWID;
        CREATE TABLE field_df (field TEXT, term TEXT, df INTEGER, PRIMARY KEY (field, term)) WITHOUT ROWID;
        CREATE TABLE words (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
    """)
    db.executemany("INSERT INTO terms VALUES (?, ?)", sorted(df.items()))
    words = words or {}
    db.executemany("INSERT INTO words VALUES (?, ?)", sorted(words.items()))
    buckets: dict[tuple[str, int], list[tuple[int, str, str]]] = defaultdict(list)
    for counts, suffix in ((df, ""), (words, "-word")):
        for term, count in counts.items():
            if suffix and count < WORD_MIN_DF:  # most whole words are written once: not read for a key
                continue
            found = correction_key(term)
            if found is not None:
                buckets[(found[0] + suffix, len(found[1]))].append((-count, term, found[1]))
    alphabets = {script: "".join(sorted({c for (s, _), rows in buckets.items() if s.split("-")[0] == script
                                         for _, _, key in rows for c in key}))
                 for script in ("hangul", "latin")}
    for (script, length), rows in sorted(buckets.items()):
        rows.sort()
        alphabet = alphabets[script.split("-")[0]]
        codes = _codes(alphabet, [key for _, _, key in rows]).reshape(len(rows), length).T
        db.execute("INSERT INTO buckets VALUES (?, ?, ?, ?)",
                   (script, length, alphabet, np.ascontiguousarray(codes).tobytes()))
        db.executemany("INSERT INTO candidates VALUES (?, ?, ?, ?, ?)",
                       [(script, length, row, term, -negative) for row, (negative, term, _) in enumerate(rows)])
    meta = {"format": FORMAT, "whoosh_generation": str(whoosh_generation), "terms": str(len(df)),
            "words": str(len(words))}
    if fields is not None:
        db.executemany("INSERT INTO field_df VALUES (?, ?, ?)",
                       ((name, term, n) for name, counts in sorted(fields.items()) for term, n in counts.items()))
        meta["segments"] = ",".join(sorted(segments))
    return finish_database(db, folder / LEXICON_FILE, meta)


def patch_lexicon(folder: Path, reader: Any, whoosh_generation: int, base: Path, base_generation: int, *,
                  added: dict[str, dict[str, int]] | None = None, words: Mapping[str, int] | None = None) -> Path:
    """Write ``folder``/spelling.sqlite for ``reader`` from the ``base`` generation's file plus the terms of
    the segments the base did not have: the same file :func:`write_lexicon` writes for
    :func:`term_frequencies`. FileMismatch when the base file has no per-field counts for exactly the
    segments it was written for, or one of them is gone from ``reader`` (merged away). ``added``: the
    counts of the one new segment as its writer kept them (else they are read from the segment)."""
    connections = ThreadConnections(base / LEXICON_FILE)
    meta = connections.check(PATCH_FORMATS, base_generation)
    before = [name for name in meta.get("segments", "").split(",") if name]
    now = segment_ids(reader)
    if not before or not set(before) <= set(now):
        raise FileMismatch(f"{LEXICON_FILE} of {base.name} was counted over other segments")
    db = connections.get()
    fields: dict[str, dict[str, int]] = defaultdict(dict)
    for name, term, count in db.execute("SELECT field, term, df FROM field_df"):
        fields[name][term] = count
    df = dict(db.execute("SELECT term, df FROM terms").fetchall())
    new = set(now) - set(before)
    if added is None or len(new) != 1:
        added = field_frequencies(reader, new)
    for name, counts in added.items():
        field = fields[name]
        for term, count in counts.items():
            total = field[term] = field.get(term, 0) + count
            if total > df.get(term, 0):
                df[term] = total
    return write_lexicon(folder, df, whoosh_generation, fields=fields, segments=now, words=words)


def write_lexicon_file(folder: Path, reader: Any, commit: int, *, base: Path | None = None,
                       base_commit: int | None = None, term_counts: dict[str, dict[str, int]] | None = None,
                       words: Mapping[str, int] | None = None) -> str:
    """Write ``folder``/spelling.sqlite for the Whoosh commit ``commit`` that ``reader`` reads: the ``base``
    generation's counts (at its commit ``base_commit``) plus the new segments' when they add up, else
    counted whole, or as a rebuild counted them while indexing (``term_counts``, as
    :func:`field_frequencies` would read them); ``words``, the whole words, come from the mined lexicon.
    Returns how it was written, for the log."""
    if term_counts is not None and base is None:
        write_lexicon(folder, largest(term_counts), commit, fields=term_counts, segments=segment_ids(reader),
                      words=words)
        return "counted while indexing"
    if base is not None and base_commit is not None:
        try:
            patch_lexicon(folder, reader, commit, base, base_commit, added=term_counts, words=words)
            return "new segments counted"
        except FileMismatch as exc:
            logger.info("%s: %s; counting every segment's terms", base.name, exc)
    fields = field_frequencies(reader)
    write_lexicon(folder, largest(fields), commit, fields=fields, segments=segment_ids(reader), words=words)
    return "every segment counted"


def _codes(alphabet: str, keys: list[str]) -> np.ndarray:
    """The letters of ``keys`` as 1-based positions in ``alphabet``; 0 for a letter it lacks."""
    if len(alphabet) > 255:
        raise ValueError(f"a correction alphabet of {len(alphabet)} letters does not fit in a byte")
    table = {c: i + 1 for i, c in enumerate(alphabet)}
    return np.array([table.get(c, 0) for key in keys for c in key], dtype=np.uint8)


def within(query: np.ndarray, columns: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, distances) of the keys in ``columns`` (letters × keys) within ``limit`` edits of ``query``.

    The dynamic programme of :func:`levenshtein` for all keys at once, restricted to the diagonal band
    that can stay within the limit (cells are capped at limit + 1, which keeps every value up to the
    limit exact), dropping keys as soon as a whole row exceeds the limit.
    """
    width, count = columns.shape
    over = limit + 1
    rows = np.arange(count)
    previous = [np.full(count, min(j, over), dtype=np.int16) for j in range(width + 1)]
    for i in range(1, len(query) + 1):
        current = [np.full(len(rows), over, dtype=np.int16) for _ in range(width + 1)]
        if i <= limit:
            current[0][:] = i
        letter = query[i - 1]
        for j in range(max(1, i - limit), min(width, i + limit) + 1):
            cell = np.minimum(previous[j], current[j - 1]) + 1
            np.minimum(cell, previous[j - 1] + (columns[j - 1] != letter), out=cell)
            np.minimum(cell, over, out=current[j])
        alive = np.minimum.reduce(current) <= limit
        if not alive.all():
            rows, columns = rows[alive], columns[:, alive]
            current = [c[alive] for c in current]
            if not len(rows):
                return rows, rows
        previous = current
    distances = previous[width]
    close = distances <= limit
    return rows[close], distances[close]


class _TermCounts(Mapping[str, int]):
    """The ``df`` (or ``words``) mapping of a StoredLexicon: one indexed lookup per term."""

    def __init__(self, connections: ThreadConnections, size: int, table: str = "terms", column: str = "term") -> None:
        self._connections = connections
        self._size = size
        self._get = f"SELECT df FROM {table} WHERE {column} = ?"
        self._among = f"SELECT {column}, df FROM {table} WHERE {column} IN "
        self._all = f"SELECT {column} FROM {table} ORDER BY {column}"

    def get(self, term: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            row = self._connections.get().execute(self._get, (term,)).fetchone()
        except UnicodeEncodeError:  # a lone surrogate: no indexed term can contain one
            return default
        return default if row is None else row[0]

    def __getitem__(self, term: str) -> int:
        found = self.get(term)
        if found is None:
            raise KeyError(term)
        return int(found)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __iter__(self) -> Iterator[str]:
        for (term,) in self._connections.get().execute(self._all):
            yield term

    def among(self, terms: Iterable[str]) -> dict[str, int]:
        """The ``terms`` present, with their counts, in one query per 500."""
        wanted = [t for t in dict.fromkeys(terms) if t.isascii()]
        found: dict[str, int] = {}
        db = self._connections.get()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = db.execute(self._among + f"({','.join('?' * len(chunk))})", chunk)
            found.update((term, int(count)) for term, count in rows)
        return found

    def __len__(self) -> int:
        return self._size


class StoredLexicon:
    """A generation's lexicon file, read in place (see the module docstring for the layout)."""

    def __init__(self, folder: Path, whoosh_generation: int) -> None:
        self._connections = ThreadConnections(folder / LEXICON_FILE)
        meta = self._connections.check(READ_FORMATS, whoosh_generation)  # FileMismatch if absent or stale
        self.df = _TermCounts(self._connections, int(meta["terms"]))
        self.words: Mapping[str, int] = (_TermCounts(self._connections, int(meta["words"]), "words", "word")
                                         if "words" in meta else {})

    def written_among(self, words: Iterable[str]) -> dict[str, int]:
        """The ``words`` the corpus writes, with their document counts (any count, unlike the buckets)."""
        if isinstance(self.words, _TermCounts):
            return self.words.among(words)
        return {}

    def nearest(self, word: str, *, jamo: bool, whole: bool = False) -> str | None:
        """The closest, then most frequent, known term (with ``whole``: whole word) within 1 edit (2 for
        long words)."""
        key = decompose(word) if jamo else word
        limit = edit_limit(key, jamo=jamo)
        if limit is None:
            return None
        script = ("hangul" if jamo else "latin") + ("-word" if whole else "")
        db = self._connections.get()
        best: tuple[int, int, str] | None = None
        for length in range(len(key) - limit, len(key) + limit + 1):
            bucket = db.execute("SELECT alphabet, codes FROM buckets WHERE script = ? AND length = ?",
                                (script, length)).fetchone()
            if bucket is None:
                continue
            columns = np.frombuffer(bucket[1], dtype=np.uint8).reshape(length, -1)
            rows, distances = within(_codes(bucket[0], [key]), columns, limit)
            # Rows are ordered by (-df, term): the first row at the smallest distance is the bucket's best.
            for position in np.lexsort((rows, distances)):
                term, df = db.execute("SELECT term, df FROM candidates WHERE script = ? AND length = ? AND row = ?",
                                      (script, length, int(rows[position]))).fetchone()
                if term != word:
                    rank = (int(distances[position]), -df, term)
                    if best is None or rank < best:
                        best = rank
                    break
        return best[2] if best else None
