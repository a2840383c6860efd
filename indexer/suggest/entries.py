"""What can be suggested (titles, labs, repositories, terms) and how much each weighs before matching."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_LIMIT", "Suggestion", "entry_weight", "tie_break", "unique_entries"]

#: How many suggestions a caller gets at most, and the base weight of each kind of entry. A title is one
#: document: it ranks above a term only when the term is rare (알고 → 알고리즘 before "알고리즘 알고 가자!").
MAX_LIMIT = 20
_TYPE_WEIGHT = {"lab": 4.0, "repo": 3.0, "title": 1.5, "term": 1.0}
#: A word of the user dictionary (the community's names and programmes: 풀잎스쿨, 아이펠, 모두콘; loanwords
#: the analyzer would misread: 세그멘테이션) is what people look for, more than a common word as frequent:
#: it counts as if it occurred in about three times as many documents (log 3.3 ≈ 1.2).
CURATED_BONUS = 1.2


@dataclass(frozen=True)
class Suggestion:
    text: str
    type: str  # lab, repo, title, term
    count: int = 0  # documents it occurs in (labs: documents of the lab)
    lab: str = ""
    url: str = ""
    #: a word of the user dictionary (weighs more, see CURATED_BONUS); known where entries are made, not
    #: read back from suggest.sqlite (its weight is), so it takes no part in comparisons
    curated: bool = field(default=False, compare=False)
    #: the characters of ``text`` that what was typed stands for (shown in bold), when known
    match: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "type": self.type, "count": self.count}
        if self.lab:
            data["lab"] = self.lab
        if self.url:
            data["url"] = self.url
        if self.match is not None:
            data["match"] = list(self.match)
        return data

def unique_entries(entries: Iterable[Suggestion]) -> dict[tuple[str, str], Suggestion]:
    """One entry per (type, lowercased text): the one counted most often, then the smallest (text, lab, url),
    so the choice never depends on the order documents were read in (an update and a rebuild agree)."""
    unique: dict[tuple[str, str], Suggestion] = {}
    for entry in entries:
        key = (entry.type, entry.text.lower())
        found = unique.get(key)
        if found is None or (-entry.count, entry.text, entry.lab, entry.url) < (-found.count, found.text,
                                                                                found.lab, found.url):
            unique[key] = entry
    return unique

def entry_weight(entry: Suggestion) -> float:
    """An entry's score before the match bonuses: its kind, how many documents it occurs in, and whether
    it is a word of the user dictionary."""
    return _TYPE_WEIGHT.get(entry.type, 1.0) + math.log1p(entry.count) + (CURATED_BONUS if entry.curated else 0.0)

def tie_break(entry: Suggestion) -> tuple[int, str, str]:
    """The order of entries of equal score: shorter text first, then the smaller text, then the type."""
    return len(entry.text), entry.text, entry.type
