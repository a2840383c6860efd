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
#: Texts whose spans a dictionary remembers (a document's fields, while it is indexed).
_RECENT_TEXTS = 16


@dataclass(frozen=True)
class UserEntry:
    word: str
    parts: tuple[str, ...]


class UserDictionary:
    def __init__(self, entries: list[UserEntry]) -> None:
        self.entries = {e.word: e for e in entries}
        self._pattern = re.compile(_trie_pattern(list(self.entries))) if self.entries else None
        self._recent: dict[str, tuple[tuple[int, int, UserEntry], ...]] = {}

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

    def spans(self, text: str) -> tuple[tuple[int, int, UserEntry], ...]:
        """Non-overlapping occurrences of dictionary words, longest first at each position.

        The last few texts' answers are kept: indexing a document asks for the same text's spans three
        times (its analysis, then its suggestion terms' mecab segments and dictionary words)."""
        found = self._recent.get(text)
        if found is None:
            if self._pattern is None:
                return ()
            found = tuple((m.start(), m.end(), self.entries[m.group(0)]) for m in self._pattern.finditer(text))
            if len(self._recent) >= _RECENT_TEXTS:
                self._recent.clear()
            self._recent[text] = found
        return found

    def __len__(self) -> int:
        return len(self.entries)


def _trie_pattern(words: list[str]) -> str:
    """A regular expression that matches the longest of ``words`` at each position.

    The words as a trie: at each node only the branch of the next character can go on, and a word
    ending at the node is tried last, so the longest word wins as in a longest-first alternation,
    while the engine tries one branch per character instead of every word (spans() is run on every
    indexed value).

    >>> _trie_pattern(["ab", "abc", "b"])
    '(?:ab(?:c|)|b)'
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def render(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(char) + render(child) for char, child in node.items() if char]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return render(trie)


@lru_cache(maxsize=1)
def default_user_dictionary() -> UserDictionary:
    return UserDictionary.load(DATA / "userdict.txt")
