"""Operations: what builds and checks index generations from the corpus.

:func:`rebuild` fills a new generation from the whole corpus (in several indexing processes,
:mod:`~indexer.operations.segments`); :func:`update` applies only new, changed and removed documents
(found cheaply through the fingerprint file, :mod:`~indexer.operations.fingerprints`) in a copy-on-write
generation; both write the lookup files (:mod:`~indexer.operations.lookups`) and publish atomically under
the writers' lock (:mod:`~indexer.operations.lock`). :func:`verify` checks the live generation against
the code and the corpus. :func:`index_fields` is what a corpus document becomes in the index.

May use: :mod:`indexer.analysis`, :mod:`indexer.storage`, :mod:`indexer.spelling` and :mod:`indexer.suggest`
(their files), and :mod:`corpus`. Used by the package's public API only.
"""
from __future__ import annotations

from indexer.operations.build import BuildReport, rebuild
from indexer.operations.convert import to_fields as index_fields
from indexer.operations.update import UpdateReport, update
from indexer.operations.verify import VerifyReport, verify

__all__ = ["BuildReport", "UpdateReport", "VerifyReport", "index_fields", "rebuild", "update", "verify"]
