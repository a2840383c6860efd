"""A query of initial consonants (초성: ㄱㅎㅎㅅ) answered by the search itself.

People type 초성 to save keystrokes or when they remember only the shape of a word; the suggestions
already complete it (:mod:`indexer.suggest.keys`), and a search for it searches the best completion:
the words whose initials are exactly the letters typed (written, or as pronounced: ㅍㄹㅅㅋ for
풀잎스쿨) before longer words that only start with them, in the suggestions' order (lab names, whole
compounds and frequent words first). Titles of single documents are left to the dropdown.

>>> from indexer.suggest import Suggestion
>>> class Stub:
...     def suggest(self, text, limit):
...         return [Suggestion("강화", "term", 9), Suggestion("강화학습", "term", 5)]
>>> complete_initials("ㄱㅎㅎㅅ", Stub()).searched
'강화학습'
"""
from __future__ import annotations

from typing import Any

from indexer.search.results import Choseong
from indexer.suggest import choseong, is_choseong_query

__all__ = ["complete_initials"]

#: Completions looked at, and shown as other choices.
CANDIDATES = 20
ALTERNATIVES = 5
_SEARCHABLE = ("term", "lab", "repo")


def complete_initials(text: str, suggester: Any) -> Choseong | None:
    """The completion to search for ``text`` when it is only initial consonants (two or more), else None."""
    letters = "".join(text.split())
    if len(letters) < 2 or not is_choseong_query(letters):
        return None
    found = [s.text for s in suggester.suggest(letters, CANDIDATES) if s.type in _SEARCHABLE]
    found = list(dict.fromkeys(found))
    exact = [t for t in found if letters in (choseong(t), choseong(t, liaison=True))]
    ordered = exact + [t for t in found if t not in exact]
    if not ordered:
        return None
    return Choseong(text.strip(), ordered[0], tuple(ordered[1:1 + ALTERNATIVES]))
