"""The fingerprint file of a generation: which corpus record line each indexed document was read from.

For every document of the generation, the digest of its raw corpus line (corpus.store.record_digest) →
its id. An update hashes the corpus lines (cheap) and decodes only the lines whose digest the live
generation does not know; a known line is a document already indexed exactly as that line says.

The file, ``fingerprints.bin``::

    modusearch-fingerprints 1\\n                 magic and format version
    {"whoosh_generation": N, "count": n, "converter": "...", "checksum": "..."}\\n
    n × 16 bytes                                 the digests
    JSON array of n ids                          in the same order

``whoosh_generation`` is the Whoosh commit it describes (an update hard-links the previous generation's
file and must replace it), ``count`` the number of documents of that commit, ``converter`` a digest of
the code that turns a line into index fields (corpus/record.py, indexer/operations/convert.py), ``checksum`` the
BLAKE2b of everything after the header line. A file that is missing, damaged, of another format, another
commit, another document count or another converter raises :class:`FingerprintMismatch`, and the update
compares every document instead (and writes a good file for its own generation). Written atomically:
temporary name, fsync, rename.

>>> collector = Fingerprints()                                          # doctest: +SKIP
>>> for digest, doc in corpus.digested_documents(report):               # doctest: +SKIP
...     collector.add(doc.id, digest)
>>> collector.write(generation, ix.latest_generation())                 # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import indexer.operations.convert as convert_module
from corpus import Document, record
from corpus.store import DIGEST_SIZE
from indexer.storage import replace_file

__all__ = ["FINGERPRINT_FILE", "FingerprintMismatch", "Fingerprints", "read_fingerprints"]

FINGERPRINT_FILE = "fingerprints.bin"
MAGIC = b"modusearch-fingerprints 1\n"
_MAX_HEADER = 4096


class FingerprintMismatch(Exception):
    """A fingerprint file is missing, damaged, or does not describe this generation: do not trust it."""


@lru_cache(maxsize=1)
def converter_version() -> str:
    """A digest of the code that turns a corpus line into index fields: a change to it (a new field, a
    different normalisation) makes old fingerprints unusable, since the same line could index differently."""
    digest = hashlib.blake2b(digest_size=8)
    for module in (record, convert_module):
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except OSError:  # no source to read (a zipped install): no file can be trusted, updates compare all
            return ""
    return digest.hexdigest()


class Fingerprints:
    """digest → id of the documents of one generation; filled while indexing, then written."""

    def __init__(self, entries: dict[bytes, str] | None = None) -> None:
        self.ids: dict[bytes, str] = entries if entries is not None else {}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, doc_id: str, digest: bytes) -> None:
        if len(digest) != DIGEST_SIZE:
            raise ValueError(f"a record digest has {DIGEST_SIZE} bytes, not {len(digest)}")
        self.ids[digest] = doc_id

    def get(self, digest: bytes) -> str | None:
        return self.ids.get(digest)

    def collect(self, digested: Iterable[tuple[bytes, Document]]) -> Iterator[Document]:
        """The documents of ``digested`` (corpus.digested_documents()), recording each one's digest."""
        for digest, doc in digested:
            self.add(doc.id, digest)
            yield doc

    def write(self, generation: Path, whoosh_generation: int) -> Path:
        """Write ``generation``/fingerprints.bin for Whoosh commit ``whoosh_generation`` (atomically)."""
        digests = list(self.ids)
        body = b"".join(digests) + json.dumps([self.ids[d] for d in digests], ensure_ascii=False).encode("utf-8")
        header = {"whoosh_generation": whoosh_generation, "count": len(digests), "converter": converter_version(),
                  "checksum": hashlib.blake2b(body, digest_size=16).hexdigest()}
        path = generation / FINGERPRINT_FILE
        replace_file(path, MAGIC + json.dumps(header, sort_keys=True).encode("ascii") + b"\n" + body)
        return path


def read_fingerprints(generation: Path, whoosh_generation: int, documents: int) -> Fingerprints:
    """The fingerprints of ``generation`` at Whoosh commit ``whoosh_generation`` holding ``documents``
    documents; FingerprintMismatch when the file is missing or cannot be trusted for exactly that."""
    path = generation / FINGERPRINT_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FingerprintMismatch(f"{path.name} is missing") from None
    except OSError as exc:
        raise FingerprintMismatch(f"{path.name} is unreadable: {exc}") from exc
    if not data.startswith(MAGIC):
        raise FingerprintMismatch(f"{path.name} is not a fingerprint file of format {MAGIC.decode().split()[1]}")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    try:
        header = json.loads(data[len(MAGIC):end]) if end > 0 else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    if not isinstance(header, dict):
        raise FingerprintMismatch(f"{path.name} has a damaged header")
    body = data[end + 1:]
    expected = {"whoosh_generation": whoosh_generation, "count": documents, "converter": converter_version(),
                "checksum": hashlib.blake2b(body, digest_size=16).hexdigest()}
    for key, value in expected.items():
        if header.get(key) != value or value == "":
            raise FingerprintMismatch(f"{path.name} has {key} {header.get(key)!r}, this generation {value!r}")
    split = documents * DIGEST_SIZE
    try:
        ids = json.loads(body[split:])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FingerprintMismatch(f"{path.name} has damaged ids: {exc}") from exc
    if not isinstance(ids, list) or len(ids) != documents or not all(isinstance(i, str) for i in ids):
        raise FingerprintMismatch(f"{path.name} does not hold {documents} ids")
    digests = [body[i:i + DIGEST_SIZE] for i in range(0, split, DIGEST_SIZE)]
    entries = dict(zip(digests, ids, strict=True))
    if len(entries) != documents or len(set(ids)) != documents:
        raise FingerprintMismatch(f"{path.name} repeats a digest or an id")
    return Fingerprints(entries)
