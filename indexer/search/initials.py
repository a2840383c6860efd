"""A query of initial consonants (초성: ㄱㅎㅎㅅ) answered by the search itself.

People type 초성 to save keystrokes or when they remember only the shape of a word; the suggestions
already complete it (:mod:`indexer.suggest.keys`, written or as pronounced: ㅍㄹㅅㅋ for 풀잎스쿨), and a
search for it searches what the dropdown offers first (:func:`indexer.suggest.complete`: labs, the
community's programmes and names, whole compounds before common words), so Enter and the first suggestion
agree; the next completions are offered as other words. Titles of single documents are left to the
dropdown.

>>> from indexer.suggest import Suggestion
>>> class Stub:
...     def suggest(self, text, limit):
...         return [Suggestion("강화", "term", 9), Suggestion("강화학습", "term", 5)]
>>> choice = complete_initials("ㄱㅎㅎㅅ", Stub())
>>> choice.searched, choice.alternatives
('강화학습', ('강화',))
"""
from __future__ import annotations

from typing import Any

from indexer.search.results import Choseong
from indexer.suggest import complete, is_choseong_query

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
    found = list(dict.fromkeys(s.text for s in complete(suggester, letters, CANDIDATES) if s.type in _SEARCHABLE))
    if not found:
        return None
    return Choseong(text.strip(), found[0], tuple(found[1:1 + ALTERNATIVES]))
