"""The user dictionary: Modulabs words the morphological dictionary misreads, kept whole.

File format (``indexer/data/userdict.txt``): one entry a line, ``word`` or ``word<TAB>part part …``;
the parts are indexed too, like a compound in Lucene Nori's user dictionary.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
#: Parts that are particles are not indexed on their own.
_PARTICLES = {"의", "에", "을", "를", "이", "가", "은", "는", "와", "과", "도", "로", "으로", "에서", "님"}


@dataclass(frozen=True)
class UserEntry:
    word: str
    parts: tuple[str, ...]


class UserDictionary:
    def __init__(self, entries: list[UserEntry]) -> None:
        self.entries = {e.word: e for e in entries}
        words = sorted(self.entries, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, words))) if words else None

    @classmethod
    def load(cls, path: Path) -> UserDictionary:
        entries: list[UserEntry] = []
        if path.exists():
            for line in path.read_text("utf-8").splitlines():
                line = unicodedata.normalize("NFC", line.split("#", 1)[0]).strip()
                if not line:
                    continue
                word, _, rest = line.partition("\t")
                word = word.strip()
                parts = tuple(p for p in rest.split() if p not in _PARTICLES and p != word)
                if word:
                    entries.append(UserEntry(word, parts))
        return cls(entries)

    def spans(self, text: str) -> list[tuple[int, int, UserEntry]]:
        """Non-overlapping occurrences of dictionary words, longest first at each position."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self.entries[m.group(0)]) for m in self._pattern.finditer(text)]

    def __len__(self) -> int:
        return len(self.entries)


@lru_cache(maxsize=1)
def default_user_dictionary() -> UserDictionary:
    return UserDictionary.load(DATA / "userdict.txt")
