"""What can be suggested (titles, labs, repositories, terms) and how much each weighs before matching."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_LIMIT", "Suggestion", "entry_weight", "tie_break", "unique_entries"]

#: How many suggestions a caller gets at most, and the base weight of each kind of entry.
MAX_LIMIT = 20
_TYPE_WEIGHT = {"lab": 4.0, "repo": 3.0, "title": 2.0, "term": 1.0}


@dataclass(frozen=True)
class Suggestion:
    text: str
    type: str  # lab, repo, title, term
    count: int = 0  # documents it occurs in (labs: documents of the lab)
    lab: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "type": self.type, "count": self.count}
        if self.lab:
            data["lab"] = self.lab
        if self.url:
            data["url"] = self.url
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
    """An entry's score before the match bonuses: its kind, then how many documents it occurs in."""
    return _TYPE_WEIGHT.get(entry.type, 1.0) + math.log1p(entry.count)

def tie_break(entry: Suggestion) -> tuple[int, str, str]:
    """The order of entries of equal score: shorter text first, then the smaller text, then the type."""
    return len(entry.text), entry.text, entry.type
