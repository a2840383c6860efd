"""Completions the way a person types: the last word of a longer query, the wrong keyboard mode, compounds
before their heads, and which characters of each completion stand for what was typed.

:func:`complete` asks a generation's suggester (:mod:`indexer.suggest.suggester`) and reshapes the answer:

* **A longer query** (``U-Net 세그``): the last word is completed and the words before it are kept
  (``U-Net 세그멘테이션``); entries that start with the whole text (a title) follow.
* **The wrong keyboard mode**: Latin keys meant as Hangul (``rkdgh`` is 강호 on the way to 강화) and Hangul
  meant as Latin (``ㅔㅛ`` is py) are completed too, after what the text itself matches.
* **Compounds before their heads**: a word and a longer word that starts with it (강화 and 강화학습, Fusion and
  FusionNet), the longer one used at least a third as often, come longer first: typing 강화 is on the way to
  강화학습 more often than it is the end.
* **Bold**: each completion carries ``match``, the characters that what was typed stands for (풀이 → 풀잎 of
  풀잎스쿨, ㄱㅎ → 강화 of 강화학습), for the dropdown to show in bold.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from indexer.analysis import hangul_to_latin, keys_as_hangul
from indexer.suggest.entries import MAX_LIMIT, Suggestion
from indexer.suggest.keys import choseong, is_choseong_query, plain_key, word_starts

__all__ = ["complete", "match_span"]

#: A longer word goes before the word it starts with when used at least this share as often.
EXTENSION_SHARE = 1 / 3
_QUERY_TYPES = ("term", "lab")  # what the last word of a longer query may be completed with


def complete(suggester: Any, text: str, limit: int = 8) -> list[Suggestion]:
    """The completions of ``text`` (see the module docstring), best first, at most ``limit``."""
    limit = max(1, min(limit, MAX_LIMIT))
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return []
    words = text.split()
    found: list[Suggestion] = []
    if len(words) > 1 and not is_choseong_query(text):
        head = text[: text.rstrip().rfind(words[-1])].rstrip()
        found += _last_word(suggester, head, words[-1])
    found += [_with_match(s, text) for s in _ranked(suggester, text)]
    if len(found) < limit:
        found += _other_keyboard(suggester, words, len(words) > 1)
    out: list[Suggestion] = []
    seen: set[str] = set()
    for suggestion in found:
        if suggestion.text.lower() not in seen:
            seen.add(suggestion.text.lower())
            out.append(suggestion)
            if len(out) == limit:
                break
    return out


def _ranked(suggester: Any, text: str) -> list[Suggestion]:
    """The suggester's answer for ``text``, each compound moved before the word it starts with."""
    found = list(suggester.suggest(text, MAX_LIMIT))
    placed = [False] * len(found)
    out: list[Suggestion] = []
    for i, head in enumerate(found):
        if placed[i]:
            continue
        if head.type in _QUERY_TYPES:
            for j in range(i + 1, len(found)):
                longer = found[j]
                if not placed[j] and longer.type in _QUERY_TYPES and _extends(longer.text, head.text) \
                        and longer.count >= EXTENSION_SHARE * head.count:
                    out.append(longer)
                    placed[j] = True
        out.append(head)
        placed[i] = True
    return out


def _extends(longer: str, shorter: str) -> bool:
    """``longer`` is ``shorter`` and more, as one word (강화학습 of 강화; FusionNet of Fusion)."""
    return len(longer) > len(shorter) and longer.lower().startswith(shorter.lower()) \
        and longer[len(shorter)].isalnum() and " " not in longer


def _last_word(suggester: Any, head: str, last: str, *, typed: str | None = None) -> list[Suggestion]:
    """``head`` followed by each completion of its last word (``typed``: what the bold stands for, when
    ``last`` is a keyboard conversion of it)."""
    kept = {w.lower() for w in head.split()}
    out = []
    for suggestion in _ranked(suggester, last):
        if suggestion.type not in _QUERY_TYPES or suggestion.text.lower() in kept:
            continue
        span = match_span(suggestion.text, last)
        offset = len(head) + 1
        word = suggestion.text.lower() if last.islower() and suggestion.text.isascii() else suggestion.text
        out.append(Suggestion(f"{head} {word}", "term", suggestion.count,
                              match=(offset + span[0], offset + span[1]) if span else None))
    return out


def _other_keyboard(suggester: Any, words: list[str], multi: bool) -> list[Suggestion]:
    """Completions of the last word typed in the other keyboard mode (rkdgh → 강호…, ㅔㅛ → py…)."""
    last = words[-1]
    converted = keys_as_hangul(last) if last.isascii() else hangul_to_latin(last)
    if not converted:
        return []
    if multi:
        head = " ".join(words[:-1])
        return _last_word(suggester, head, converted)
    return [_with_match(s, converted) for s in _ranked(suggester, converted)]


def _with_match(suggestion: Suggestion, typed: str) -> Suggestion:
    span = match_span(suggestion.text, typed)
    return replace(suggestion, match=span) if span else suggestion


def match_span(text: str, typed: str) -> tuple[int, int] | None:
    """The characters of ``text`` that ``typed`` stands for: from the word where it matched, as far as it
    reaches (풀이 → 풀잎 of 풀잎스쿨; ㄱㅎ → 강화 of 강화학습; seg → Seg of Segmentation)."""
    if is_choseong_query(typed):
        letters = "".join(typed.split())
        for start in word_starts(text):
            tail = text[start:]
            if any(choseong(tail, liaison=liaison).startswith(letters) for liaison in (False, True)):
                count, end = 0, start
                while end < len(text) and count < len(letters):
                    count += "\uac00" <= text[end] <= "\ud7a3"
                    end += 1
                return start, end
        return None
    key = plain_key(typed)
    if not key:
        return None
    for start in word_starts(text):
        if plain_key(text[start:]).startswith(key):
            end = start + 1
            while end < len(text) and len(plain_key(text[start:end])) < len(key):
                end += 1
            return start, end
    return None
