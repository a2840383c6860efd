"""The mined lexicon of a generation as a file, ``mining.sqlite``: written at index time, read in place.

The file (SQLite)::

    meta(key, value)                       format, whoosh_generation, documents, entries
    words(word, docs)                      every word (indexer/mining/words.py) and its documents
    pairs(kind, korean, english, docs)     every candidate pair and its documents
    entries(korean, english, kind, docs)   the pairs kept (indexer/mining/selection.py)
    sounds(key, word, docs)                English words by sound key (three consonants or more), for a
                                           Hangul query word the corpus never writes in Hangul

The counts are what an update starts from (:func:`patch_mining`): it subtracts the documents it replaces
and adds their new versions, then selects again, so the entries stay what a rebuild would keep.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from indexer.mining.counts import MinedCounts, latin_key, mine
from indexer.mining.selection import Entry, select
from indexer.storage import ThreadConnections, finish_database

MINING_FILE = "mining.sqlite"
FORMAT = "mining-1"
#: English words need this many documents to be offered for a Hangul word by sound alone.
SOUND_MIN_DOCS = 1


def write_mining(folder: Path, counts: MinedCounts, whoosh_generation: int) -> list[Entry]:
    """Write ``folder``/mining.sqlite for ``counts``; returns the entries kept."""
    entries = select(counts)
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE words (word TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE pairs (kind TEXT, korean TEXT, english TEXT, docs INTEGER NOT NULL,
                            PRIMARY KEY (kind, korean, english)) WITHOUT ROWID;
        CREATE TABLE entries (korean TEXT, english TEXT, kind TEXT, docs INTEGER NOT NULL,
                              PRIMARY KEY (korean, english, kind)) WITHOUT ROWID;
        CREATE TABLE sounds (key TEXT, word TEXT, docs INTEGER NOT NULL, PRIMARY KEY (key, word)) WITHOUT ROWID;
    """)
    db.executemany("INSERT INTO words VALUES (?, ?)", sorted(counts.words.items()))
    db.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?)", sorted((*pair, n) for pair, n in counts.pairs.items()))
    db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", entries)
    db.executemany("INSERT INTO sounds VALUES (?, ?, ?)", sorted(
        (key, word, n) for word, n in counts.words.items()
        if n >= SOUND_MIN_DOCS and word.isascii() and len(key := latin_key(word)) >= 3))
    meta = {"format": FORMAT, "whoosh_generation": str(whoosh_generation), "documents": str(counts.documents),
            "entries": str(len(entries))}
    finish_database(db, folder / MINING_FILE, meta)
    return entries


def read_counts(folder: Path, whoosh_generation: int) -> MinedCounts:
    """The counts ``folder``/mining.sqlite was written from (FileMismatch if absent or stale)."""
    connections = ThreadConnections(folder / MINING_FILE)
    meta = connections.check(FORMAT, whoosh_generation)
    db = connections.get()
    counts = MinedCounts()
    counts.words.update(dict(db.execute("SELECT word, docs FROM words")))
    counts.pairs.update({(kind, korean, english): n for kind, korean, english, n in
                         db.execute("SELECT kind, korean, english, docs FROM pairs")})
    counts.documents = int(meta["documents"])
    db.close()
    return counts


def patch_mining(folder: Path, base: Path, base_generation: int, whoosh_generation: int,
                 stale: Iterable[str], fresh: Iterable[str]) -> MinedCounts:
    """Write ``folder``/mining.sqlite as ``base``'s counts without the ``stale`` texts and with the ``fresh``
    ones (each a document's mined text, :func:`indexer.mining.mined_text`); returns the new counts."""
    counts = read_counts(base, base_generation)
    for text in stale:
        counts.add(mine(text), -1)
    for text in fresh:
        counts.add(mine(text))
    write_mining(folder, counts, whoosh_generation)
    return counts
