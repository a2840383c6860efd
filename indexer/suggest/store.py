"""The suggestion index of a generation as a file, ``suggest.sqlite``: written at index time, read in place.

The file (SQLite)::

    meta(key, value)                    format, whoosh_generation, entries, documents
    entries(id, text, type, count, lab, url, weight, folded)
                                        one per (type, lowercased text); equal scores rank by
                                        (length of text, text, type), never by id
    keys(kind, key, entry, first)       kind 0: the jamo key of every word start of an entry, kind 1: its
                                        초성 keys; ``first``: the key starts at the entry's first word
    tops(kind, prefix, entry, first)    for each prefix that more than TOP_THRESHOLD keys start with, the
                                        best entry of each of the MAX_LIMIT best distinct texts
    term_stats(term, docs, curated),    the term counts an update starts from (indexer/suggest/terms.py)
    surfaces(folded, written, count)
    documents(id, title, repo, lab, url) what each document contributes besides terms (suggest-2)

A prefix matching few keys is answered by reading its keys; a short one (ㄱ, m) by reading its ``tops``
plus the entries whose whole text is what was typed (they earn the exact-match bonus). Either way the
answer is the one :class:`indexer.suggest.suggester.Suggester` gives for the same entries, in under a millisecond,
and a web worker keeps no more than SQLite's page cache.

A rebuild writes the file whole (:func:`write_suggestions`); an update copies the previous generation's
file and changes only the entries, keys and documents that differ (:func:`patch_suggestions`), then
recomputes ``tops`` from the keys as stored: the same answers as a file written whole for those entries.
"""
from __future__ import annotations

import bisect
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from indexer.storage import FileMismatch, ThreadConnections, finish_database
from indexer.suggest.entries import MAX_LIMIT, Suggestion, entry_weight, tie_break, unique_entries
from indexer.suggest.keys import entry_keys, is_choseong_query, plain_key
from indexer.suggest.terms import DocSource, TermStats

SUGGEST_FILE = "suggest.sqlite"
#: suggest-3: term counts over whole fields, read in the analysis's segments (indexer/suggest/terms.py)
#: suggest-4: weights count user-dictionary words up and titles down (indexer/suggest/entries.py)
FORMAT = "suggest-4"
#: Formats this code answers from (suggest-1 has no documents table, so an update cannot patch it).
READ_FORMATS = ("suggest-1", "suggest-3", FORMAT)
#: Prefixes matching more keys than this get their best entries precomputed.
TOP_THRESHOLD = 512
_SCHEMA = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
    CREATE TABLE entries (id INTEGER PRIMARY KEY, text TEXT, type TEXT, count INTEGER, lab TEXT, url TEXT,
                          weight REAL, folded TEXT);
    CREATE TABLE keys (kind INTEGER, key TEXT, entry INTEGER, first INTEGER,
                       PRIMARY KEY (kind, key, entry, first)) WITHOUT ROWID;
    CREATE TABLE tops (kind INTEGER, prefix TEXT, entry INTEGER, first INTEGER,
                       PRIMARY KEY (kind, prefix, entry)) WITHOUT ROWID;
    CREATE TABLE term_stats (term TEXT PRIMARY KEY, docs INTEGER, curated INTEGER) WITHOUT ROWID;
    CREATE TABLE surfaces (folded TEXT, written TEXT, count INTEGER, PRIMARY KEY (folded, written)) WITHOUT ROWID;
    CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, repo TEXT, lab TEXT, url TEXT) WITHOUT ROWID;
"""


def write_suggestions(folder: Path, entries: Iterable[Suggestion], stats: TermStats, whoosh_generation: int, *,
                      top_threshold: int = TOP_THRESHOLD, sources: Mapping[str, DocSource] | None = None) -> Path:
    """Write ``folder``/suggest.sqlite for ``entries`` (one kept per type and text, as
    :func:`~indexer.suggest.entries.unique_entries` chooses) and the term counts and, when given, the
    per-document ``sources`` they were made from (an update can patch only a file that has them)."""
    db = sqlite3.connect(":memory:")
    db.executescript(_SCHEMA)
    entries = sorted(unique_entries(entries).values(), key=tie_break)
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   ((n, e.text, e.type, e.count, e.lab, e.url, entry_weight(e), e.text.lower())
                    for n, e in enumerate(entries)))
    db.execute("CREATE INDEX entries_folded ON entries (folded)")
    keys = [entry_keys(e.text) for e in entries]
    for kind in (0, 1):
        db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?)",
                       ((kind, key, n, int(position == 0)) for n, of_entry in enumerate(keys)
                        for key, position in of_entry[kind]))
    _write_stats(db, stats)
    if sources is not None:
        db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                       ((doc_id, *source) for doc_id, source in sources.items()))
    return _finish(db, folder, whoosh_generation, top_threshold, len(entries), sources)


def patch_suggestions(folder: Path, base: Path, base_generation: int, entries: Iterable[Suggestion],
                      stats: TermStats, gone: Iterable[str], fresh: Mapping[str, DocSource],
                      whoosh_generation: int, *, top_threshold: int = TOP_THRESHOLD) -> Path:
    """Write ``folder``/suggest.sqlite from ``base``'s file (FileMismatch unless it is a file of this FORMAT of
    Whoosh commit ``base_generation``): ``entries`` are all the entries of the new generation; the
    documents ``gone`` (removed or replaced) leave the documents table and ``fresh`` ones enter it."""
    path = base / SUGGEST_FILE
    meta = ThreadConnections(path).check(FORMAT, base_generation)
    if not meta.get("documents"):
        raise FileMismatch(f"{path.name} of {base.name} does not list its documents")
    db = sqlite3.connect(":memory:")
    db.deserialize(path.read_bytes())
    wanted = unique_entries(entries)
    next_id = 0
    rows = db.execute("SELECT id, text, type, count, lab, url, weight FROM entries").fetchall()
    for entry_id, text, kind, count, lab, url, weight in rows:
        next_id = max(next_id, entry_id + 1)
        new = wanted.get((kind, text.lower()))
        if new is not None and new.text == text:
            del wanted[(kind, text.lower())]
            if (new.count, new.lab, new.url, entry_weight(new)) != (count, lab, url, weight):
                db.execute("UPDATE entries SET count = ?, lab = ?, url = ?, weight = ? WHERE id = ?",
                           (new.count, new.lab, new.url, entry_weight(new), entry_id))
            continue
        db.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
        for kind_of_key, keys in enumerate(entry_keys(text)):
            db.executemany("DELETE FROM keys WHERE kind = ? AND key = ? AND entry = ?",
                           [(kind_of_key, key, entry_id) for key, _ in keys])
    for entry_id, entry in enumerate(sorted(wanted.values(), key=tie_break), start=next_id):
        db.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (entry_id, entry.text, entry.type,
                   entry.count, entry.lab, entry.url, entry_weight(entry), entry.text.lower()))
        for kind_of_key, keys in enumerate(entry_keys(entry.text)):
            db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?)",
                           [(kind_of_key, key, entry_id, int(position == 0)) for key, position in keys])
    db.execute("DELETE FROM term_stats")
    db.execute("DELETE FROM surfaces")
    _write_stats(db, stats)
    db.executemany("DELETE FROM documents WHERE id = ?", [(doc_id,) for doc_id in gone])
    db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?)",
                   ((doc_id, *source) for doc_id, source in fresh.items()))
    documents = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    entries_count = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    db.execute("DELETE FROM meta")
    db.execute("DELETE FROM tops")
    return _finish(db, folder, whoosh_generation, top_threshold, entries_count, range(documents))


def read_sources(base: Path, base_generation: int) -> dict[str, DocSource]:
    """The documents table of ``base``'s file; FileMismatch if it has none for that commit."""
    connections = ThreadConnections(base / SUGGEST_FILE)
    meta = connections.check(FORMAT, base_generation)
    if not meta.get("documents"):
        raise FileMismatch(f"{SUGGEST_FILE} of {base.name} does not list its documents")
    return {row[0]: DocSource(*row[1:]) for row in connections.get().execute("SELECT * FROM documents")}


def _write_stats(db: sqlite3.Connection, stats: TermStats) -> None:
    # Dictionary words are words too, so every curated term has a docs count.
    db.executemany("INSERT INTO term_stats VALUES (?, ?, ?)",
                   ((t, n, stats.curated.get(t, 0)) for t, n in sorted(stats.docs.items())))
    db.executemany("INSERT INTO surfaces VALUES (?, ?, ?)",
                   ((f, w, n) for f, forms in sorted(stats.surfaces.items()) for w, n in sorted(forms.items())))


def _finish(db: sqlite3.Connection, folder: Path, whoosh_generation: int, top_threshold: int, entries: int,
            sources: object) -> Path:
    """Compute ``tops`` from the stored entries and keys, record the metadata and write the file."""
    rows = db.execute("SELECT id, text, type, weight, folded FROM entries").fetchall()
    size = max((row[0] for row in rows), default=-1) + 1
    weights = np.zeros(size, dtype=np.float64)
    rank = np.zeros(size, dtype=np.int64)
    groups = np.zeros(size, dtype=np.int64)
    group_of: dict[str, int] = {}
    ordered = sorted(rows, key=lambda row: (len(row[1]), row[1], row[2]))
    for position, (entry_id, _, _, weight, folded) in enumerate(ordered):
        weights[entry_id] = weight
        rank[entry_id] = position
        groups[entry_id] = group_of.setdefault(folded, len(group_of))
    for kind in (0, 1):
        keys = db.execute("SELECT key, entry, first FROM keys WHERE kind = ? ORDER BY key, entry, first",
                          (kind,)).fetchall()
        db.executemany("INSERT INTO tops VALUES (?, ?, ?, ?)",
                       _tops(kind, keys, weights, rank, groups, top_threshold))
    meta = {"format": FORMAT, "whoosh_generation": str(whoosh_generation), "entries": str(entries),
            "documents": str(len(sources)) if isinstance(sources, (Mapping, range)) else ""}
    return finish_database(db, folder / SUGGEST_FILE, meta)


def _tops(kind: int, rows: list[tuple[str, int, int]], weights: np.ndarray, rank: np.ndarray, groups: np.ndarray,
          threshold: int) -> list[tuple[int, str, int, int]]:
    """The ``tops`` rows of every prefix that more than ``threshold`` of the sorted (key, entry, first)
    rows start with."""
    keys = [key for key, _, _ in rows]
    entry = np.array([e for _, e, _ in rows], dtype=np.int64)
    first = np.array([f for _, _, f in rows], dtype=np.int64)
    score = weights[entry] + np.where(first == 1, 1.5, 0.0)
    order = rank[entry]
    out: list[tuple[int, str, int, int]] = []
    pending = [("", 0, len(keys))]
    while pending:
        prefix, low, high = pending.pop()
        if prefix:
            seen: set[int] = set()
            for row in low + np.lexsort((order[low:high], -score[low:high])):
                group = int(groups[entry[row]])
                if group not in seen:
                    seen.add(group)
                    out.append((kind, prefix, int(entry[row]), int(first[row])))
                    if len(seen) == MAX_LIMIT:
                        break
        start = bisect.bisect_right(keys, prefix, low, high)  # past the keys equal to the prefix
        while start < high:
            child = keys[start][: len(prefix) + 1]
            end = bisect.bisect_left(keys, child + "\U0010ffff", start, high)
            if end - start > threshold:
                pending.append((child, start, end))
            start = end
    return out


class StoredSuggester:
    """A generation's suggestion file, read in place; answers exactly as :class:`Suggester` would."""

    def __init__(self, folder: Path, whoosh_generation: int) -> None:
        self._connections = ThreadConnections(folder / SUGGEST_FILE)
        meta = self._connections.check(READ_FORMATS, whoosh_generation)  # FileMismatch if absent or stale
        self._size = int(meta["entries"])

    def __len__(self) -> int:
        return self._size

    def suggest(self, text: str, limit: int = 8) -> list[Suggestion]:
        """The best entries whose text (or one of its words) starts with ``text``."""
        limit = max(1, min(limit, MAX_LIMIT))
        text = unicodedata.normalize("NFC", text).strip()
        if not text:
            return []
        kind = 1 if is_choseong_query(text) else 0
        prefix = "".join(c for c in text if not c.isspace()) if kind else plain_key(text)
        if not prefix:
            return []
        try:
            prefix.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no key holds one
            return []
        db = self._connections.get()
        candidates = db.execute(
            "SELECT t.entry, t.first, e.weight, e.folded, e.text, e.type FROM tops t "
            "JOIN entries e ON e.id = t.entry WHERE t.kind = ? AND t.prefix = ?", (kind, prefix)).fetchall()
        if candidates:
            candidates += self._exact(db, kind, prefix, text)
        else:
            candidates = db.execute(
                "SELECT k.entry, k.first, e.weight, e.folded, e.text, e.type FROM keys k "
                "JOIN entries e ON e.id = k.entry WHERE k.kind = ? AND k.key >= ? AND k.key < ?",
                (kind, prefix, prefix + "\U0010ffff")).fetchall()
        ids = _rank(candidates, text, limit)
        if not ids:
            return []
        found = {row[0]: Suggestion(*row[1:]) for row in db.execute(
            f"SELECT id, text, type, count, lab, url FROM entries WHERE id IN ({','.join('?' * len(ids))})", ids)}
        return [found[i] for i in ids]

    @staticmethod
    def _exact(db: sqlite3.Connection, kind: int, prefix: str, text: str) -> list[_Candidate]:
        """Key rows in range of the entries whose whole text is ``text`` (not in ``tops``: they get a bonus)."""
        rows: list[_Candidate] = []
        try:
            matches = db.execute("SELECT id, text, weight, folded, type FROM entries WHERE folded = ?",
                                 (text.lower(),))
        except UnicodeEncodeError:  # a lone surrogate: no entry's text holds one
            return rows
        for entry, written, weight, folded, kind_of_entry in matches:
            for key, position in entry_keys(written)[kind]:
                if key.startswith(prefix):
                    rows.append((entry, int(position == 0), weight, folded, written, kind_of_entry))
        return rows


#: (entry id, first, weight, folded text, text, type): one key row of a candidate entry.
_Candidate = tuple[int, int, float, str, str, str]


def _rank(candidates: list[_Candidate], text: str, limit: int) -> list[int]:
    """Entry ids as :meth:`Suggester.suggest` ranks them: best score, then shorter and smaller text, then type."""
    lowered = text.lower()
    best: dict[int, float] = {}
    folded_of: dict[int, str] = {}
    order: dict[int, tuple[int, str, str]] = {}
    for entry, first, weight, folded, written, kind in candidates:
        order[entry] = (len(written), written, kind)
        # A match at the first word beats one inside; an exact match beats a longer completion.
        score = weight + (1.5 if first else 0.0)
        if folded == lowered:
            score += 0.5
        if score > best.get(entry, -1.0):
            best[entry] = score
            folded_of[entry] = folded
    out: list[int] = []
    seen: set[str] = set()
    for entry in sorted(best, key=lambda i: (-best[i], order[i])):
        if folded_of[entry] not in seen:
            seen.add(folded_of[entry])
            out.append(entry)
            if len(out) == limit:
                break
    return out


def read_stats(folder: Path, whoosh_generation: int) -> TermStats:
    """The term counts in ``folder``/suggest.sqlite; FileMismatch if the file is absent or not this commit's."""
    connections = ThreadConnections(folder / SUGGEST_FILE)
    connections.check(READ_FORMATS, whoosh_generation)
    db = connections.get()
    stats = TermStats()
    for term, docs, curated in db.execute("SELECT term, docs, curated FROM term_stats"):
        if docs:
            stats.docs[term] = docs
        if curated:
            stats.curated[term] = curated
    for folded, written, count in db.execute("SELECT folded, written, count FROM surfaces"):
        stats.surfaces[folded][written] = count
    return stats
