"""The suggestion index of a generation as a file, ``suggest.sqlite``: written at index time, read in place.

The file (SQLite)::

    meta(key, value)                    format, whoosh_generation, entries
    entries(id, text, type, count, lab, url, weight, folded)
                                        ids follow (length of text, text), the ranking's tie-break
    keys(kind, key, entry, first)       kind 0: the jamo key of every word start of an entry, kind 1: its
                                        초성 keys; ``first``: the key starts at the entry's first word
    tops(kind, prefix, entry, first)    for each prefix that more than TOP_THRESHOLD keys start with, the
                                        best entry of each of the MAX_LIMIT best distinct texts
    term_stats(term, docs, curated),    the term counts an update starts from (indexer/suggest_terms.py)
    surfaces(folded, written, count)

A prefix matching few keys is answered by reading its keys; a short one (ㄱ, m) by reading its ``tops``
plus the entries whose whole text is what was typed (they earn the exact-match bonus). Either way the
answer is the one :class:`indexer.suggest.Suggester` gives for the same entries, in under a millisecond,
and a web worker keeps no more than SQLite's page cache.
"""
from __future__ import annotations

import bisect
import sqlite3
import unicodedata
from pathlib import Path

import numpy as np

from indexer.sqlitefiles import ThreadConnections, finish_database
from indexer.suggest import MAX_LIMIT, Suggester, Suggestion, entry_keys, is_choseong_query, plain_key
from indexer.suggest_terms import TermStats

SUGGEST_FILE = "suggest.sqlite"
FORMAT = "suggest-1"
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
"""


def write_suggestions(folder: Path, suggester: Suggester, stats: TermStats, whoosh_generation: int, *,
                      top_threshold: int = TOP_THRESHOLD) -> Path:
    """Write ``folder``/suggest.sqlite for ``suggester`` (and the term counts it was made from)."""
    db = sqlite3.connect(":memory:")
    db.executescript(_SCHEMA)
    entries = suggester.entries
    order = sorted(range(len(entries)), key=lambda i: (len(entries[i].text), entries[i].text, i))
    new_id = np.empty(len(entries), dtype=np.int64)
    new_id[order] = np.arange(len(entries))
    weights = np.array([suggester.weights[i] for i in order], dtype=np.float64)
    folded = [entries[i].text.lower() for i in order]
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   ((n, e.text, e.type, e.count, e.lab, e.url, float(weights[n]), folded[n])
                    for n, e in enumerate(entries[i] for i in order)))
    db.execute("CREATE INDEX entries_folded ON entries (folded)")
    groups = np.array(_group_ids(folded), dtype=np.int64)
    for kind, (keys, refs) in enumerate(suggester.key_table()):
        rows = [(kind, key, int(new_id[i]), int(position == 0)) for key, (position, i) in zip(keys, refs, strict=True)]
        db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO tops VALUES (?, ?, ?, ?)", _tops(kind, rows, weights, groups, top_threshold))
    # Dictionary words are words too, so every curated term has a docs count.
    db.executemany("INSERT INTO term_stats VALUES (?, ?, ?)",
                   ((t, n, stats.curated.get(t, 0)) for t, n in sorted(stats.docs.items())))
    db.executemany("INSERT INTO surfaces VALUES (?, ?, ?)",
                   ((f, w, n) for f, forms in sorted(stats.surfaces.items()) for w, n in sorted(forms.items())))
    meta = {"format": FORMAT, "whoosh_generation": str(whoosh_generation), "entries": str(len(entries))}
    return finish_database(db, folder / SUGGEST_FILE, meta)


def _group_ids(folded: list[str]) -> list[int]:
    ids: dict[str, int] = {}
    return [ids.setdefault(text, len(ids)) for text in folded]


def _tops(kind: int, rows: list[tuple[int, str, int, int]], weights: np.ndarray, groups: np.ndarray,
          threshold: int) -> list[tuple[int, str, int, int]]:
    """The ``tops`` rows of every prefix that more than ``threshold`` of the (sorted) key rows start with."""
    rows = sorted(set(rows))
    keys = [key for _, key, _, _ in rows]
    entry = np.array([e for _, _, e, _ in rows], dtype=np.int64)
    first = np.array([f for _, _, _, f in rows], dtype=np.int64)
    score = weights[entry] + np.where(first == 1, 1.5, 0.0)
    out: list[tuple[int, str, int, int]] = []
    pending = [("", 0, len(keys))]
    while pending:
        prefix, low, high = pending.pop()
        if prefix:
            seen: set[int] = set()
            for row in low + np.lexsort((entry[low:high], -score[low:high])):
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
        meta = self._connections.check(FORMAT, whoosh_generation)  # FileMismatch if absent or stale
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
            "SELECT t.entry, t.first, e.weight, e.folded FROM tops t JOIN entries e ON e.id = t.entry "
            "WHERE t.kind = ? AND t.prefix = ?", (kind, prefix)).fetchall()
        if candidates:
            candidates += self._exact(db, kind, prefix, text)
        else:
            candidates = db.execute(
                "SELECT k.entry, k.first, e.weight, e.folded FROM keys k JOIN entries e ON e.id = k.entry "
                "WHERE k.kind = ? AND k.key >= ? AND k.key < ?", (kind, prefix, prefix + "\U0010ffff")).fetchall()
        ids = _rank(candidates, text, limit)
        if not ids:
            return []
        found = {row[0]: Suggestion(*row[1:]) for row in db.execute(
            f"SELECT id, text, type, count, lab, url FROM entries WHERE id IN ({','.join('?' * len(ids))})", ids)}
        return [found[i] for i in ids]

    @staticmethod
    def _exact(db: sqlite3.Connection, kind: int, prefix: str, text: str) -> list[tuple[int, int, float, str]]:
        """Key rows in range of the entries whose whole text is ``text`` (not in ``tops``: they get a bonus)."""
        rows: list[tuple[int, int, float, str]] = []
        try:
            matches = db.execute("SELECT id, text, weight, folded FROM entries WHERE folded = ?", (text.lower(),))
        except UnicodeEncodeError:  # a lone surrogate: no entry's text holds one
            return rows
        for entry, written, weight, folded in matches:
            for key, position in entry_keys(written)[kind]:
                if key.startswith(prefix):
                    rows.append((entry, int(position == 0), weight, folded))
        return rows


def _rank(candidates: list[tuple[int, int, float, str]], text: str, limit: int) -> list[int]:
    """Entry ids as :meth:`Suggester.suggest` ranks them: best score, then shorter and smaller text (the id)."""
    lowered = text.lower()
    best: dict[int, float] = {}
    folded_of: dict[int, str] = {}
    for entry, first, weight, folded in candidates:
        # A match at the first word beats one inside; an exact match beats a longer completion.
        score = weight + (1.5 if first else 0.0)
        if folded == lowered:
            score += 0.5
        if score > best.get(entry, -1.0):
            best[entry] = score
            folded_of[entry] = folded
    out: list[int] = []
    seen: set[str] = set()
    for entry in sorted(best, key=lambda i: (-best[i], i)):
        if folded_of[entry] not in seen:
            seen.add(folded_of[entry])
            out.append(entry)
            if len(out) == limit:
                break
    return out


def read_stats(folder: Path, whoosh_generation: int) -> TermStats:
    """The term counts in ``folder``/suggest.sqlite; FileMismatch if the file is absent or not this commit's."""
    connections = ThreadConnections(folder / SUGGEST_FILE)
    connections.check(FORMAT, whoosh_generation)
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
