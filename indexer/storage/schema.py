"""The index schema: which document parts are searched, stored and faceted."""
from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import bigram_analyzer, text_analyzer
from indexer.storage.whoosh_internals import CompactPositions, IndexCodec

#: Bumped whenever the fields change; the index records it and the app refuses a mismatch.
#: 3: positions only on the phrase fields, stored as packed arrays; segments written by IndexCodec.
#: 4: posting blocks of 1,024 packed as arrays (indexer/storage/blocks.py).
#: 5: the codec classes pickled into every index moved to the storage package (same bytes otherwise).
#: 6: ``page_type`` ("listing" for home, tag, author and archive pages, else "content").
SCHEMA_VERSION = 6

#: Searched fields and their weight for the words the user typed (BM25F).
FIELD_WEIGHTS: dict[str, float] = {
    "title": 2.0,
    "headings": 2.0,
    "repo": 3.0,
    "description": 1.5,
    "lab_text": 2.0,
    "author": 2.0,
    "url_path": 1.0,
    "body": 1.0,
}
#: The bigram recall fields and their (lower) weight.
BIGRAM_WEIGHTS: dict[str, float] = {"title_bigram": 0.8, "body_bigram": 0.3}
#: The fields phrase and adjacency queries read positions from (indexer/search/query.py); the others keep none.
PHRASE_FIELDS = ("title", "headings", "body")


def index_codec() -> IndexCodec:
    """The codec every writer of our indexes uses (rebuilds, updates, merges)."""
    return IndexCodec()


def _phrase_field(field: TEXT) -> TEXT:
    field.format = CompactPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> Schema:
    text = text_analyzer()
    grams = bigram_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED(),
        title=_phrase_field(TEXT(analyzer=text, stored=True, field_boost=1.0, spelling=True)),
        headings=_phrase_field(TEXT(analyzer=text, stored=True)),
        description=TEXT(analyzer=text, stored=True, phrase=False),
        body=_phrase_field(TEXT(analyzer=text, stored=True, spelling=True)),
        repo=TEXT(analyzer=text, phrase=False),
        lab_text=TEXT(analyzer=text, phrase=False),
        author=TEXT(analyzer=text, stored=True, phrase=False),
        url_path=TEXT(analyzer=text, phrase=False),
        title_bigram=TEXT(analyzer=grams, phrase=False),  # recall net: term queries only, no positions
        body_bigram=TEXT(analyzer=grams, phrase=False),
        kind=ID(stored=True, sortable=True),
        lab=ID(stored=True, sortable=True),
        lang=ID(stored=True, sortable=True),
        source=ID(stored=True),
        published=DATETIME(stored=True, sortable=True),
        published_text=STORED(),
        fetched_at=STORED(),
        content_hash=ID(stored=True),
        extra=STORED(),
        stars=NUMERIC(stored=True),
        doc_rank=NUMERIC(int, bits=32, stored=False, sortable=True),  # prior × 100
        page_type=ID(stored=True, sortable=True),  # "listing" or "content"
        tags=KEYWORD(stored=True, commas=True, lowercase=True),
    )
