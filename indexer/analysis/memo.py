"""A memo for functions of one key that are called on every word of every document."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Memo"]


class Memo(dict):  # type: ignore[type-arg]
    """A dictionary that computes a missing value with ``compute`` and forgets everything when full.

    A hit costs one dictionary lookup, and ``map(memo.__getitem__, keys)`` looks a text's words up
    without a Python-level loop; values depend only on their key, so forgetting never changes a result.
    """

    def __init__(self, compute: Callable[[Any], Any], maxsize: int = 1 << 18) -> None:
        super().__init__()
        self.compute = compute
        self.maxsize = maxsize

    def __missing__(self, key: Any) -> Any:
        value = self.compute(key)
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value
        return value
