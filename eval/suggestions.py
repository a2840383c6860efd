"""How often the dropdown's first suggestion is the one a person meant (``eval/suggestions.json``)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

PREFIXES = Path(__file__).resolve().parent / "suggestions.json"


@dataclass(frozen=True)
class SuggestionShare:
    prefixes: int
    first: int
    misses: list[tuple[str, str]] = field(default_factory=list)  # (typed, what came first instead)

    def line(self) -> str:
        return (f"suggestions: the one meant comes first for {self.first}/{self.prefixes} prefixes "
                f"({self.first / max(1, self.prefixes):.3f}; eval/suggestions.json)")


def suggestion_share(index_path: Path, path: Path = PREFIXES) -> SuggestionShare:
    """Ask the index's suggestions for every prefix of ``path`` and count the first ones meant."""
    from indexer import SearchIndex

    index = SearchIndex(index_path, warm=False)
    prefixes = json.loads(path.read_text("utf-8"))["prefixes"]
    first = 0
    misses = []
    for entry in prefixes:
        found = index.suggest(entry["typed"], limit=8)
        top = found[0].text if found else ""
        if top in entry["meant"]:
            first += 1
        else:
            misses.append((entry["typed"], top))
    return SuggestionShare(len(prefixes), first, misses)
