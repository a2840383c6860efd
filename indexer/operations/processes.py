"""Processes a writer forks (indexing processes, the background suggestion patch) die with the writer.

Without this an indexing process waits on its job queue forever after a SIGKILL of the rebuild, holding
the inherited lock file, so the next rebuild would wait for it. Linux only (prctl); elsewhere the
processes are daemonic and end when their queue closes.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["writer_processes_die_with_parent"]

_PR_SET_PDEATHSIG = 1
_forking_writer = {"parent": 0, "hooked": False}  # the pid whose writer processes must die with it


def _die_with_parent() -> None:
    """In a process forked while :func:`writer_processes_die_with_parent` is active: get SIGKILL when
    the writer that forked it dies. Indexing processes otherwise wait on their job queue forever
    after a SIGKILL of the rebuild, holding the inherited lock file, so the next rebuild would wait."""
    parent = _forking_writer["parent"]
    if parent and sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # it died before prctl took effect
            os._exit(1)


@contextmanager
def writer_processes_die_with_parent() -> Iterator[None]:
    if not _forking_writer["hooked"]:
        os.register_at_fork(after_in_child=_die_with_parent)
        _forking_writer["hooked"] = True
    _forking_writer["parent"] = os.getpid()
    try:
        yield
    finally:
        _forking_writer["parent"] = 0
