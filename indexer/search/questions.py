"""Questions and requests typed as sentences: their scaffolding is kept out of matching.

``파이썬 가상환경 만드는 법``, ``데코레이터는 어떻게 쓰나요``, ``X와 Y의 차이``, ``how do i copy an object``: the
words that make the sentence a question — interrogatives (무엇, 어떻게, 왜; what, how, why), the nouns of a
request (방법, 법, 차이, 이유), light verbs (하다, 되다, 쓰다, 있다) and English auxiliaries and pronouns (do,
is, i) — weigh as much as the content words in BM25, and pages whose *titles* echo them (…이식하는 법,
…가져오는 방법, CSS width와 clientWidth의 차이) win over the page that answers. A query recognised as a
question is searched with its content words only (all of them, when nothing but scaffolding is left), the
words that only set its context (파이썬에서, … in javascript) weigh half and earn no adjacency bonus (파이썬
파일 is no phrase of 파이썬에서 파일 읽는 법), and its titles and headings weigh as its text does. Pages that
use its content words near each other again and again score up (indexer/search/proximity.py).

A query is a question when it has a question mark, an interrogative, a question or request ending
(…나요, …까요, …려면, …ㄴ가요, 알려줘), a request noun, or starts like an English question.

>>> content_words("파이썬 가상환경 만드는 법")
'파이썬 가상환경 만드는'
>>> content_words("how do i copy an object in javascript")
'copy an object in javascript'
>>> content_words("강화학습 방법론")
'강화학습 방법론'
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from whoosh.query import Phrase

from indexer.analysis import morphemes
from indexer.search.query import analyze

#: Morphemes that ask rather than say: interrogatives and the nouns of a request.
_ASKING = frozenset("무엇 뭐 뭔가 무슨 어떻 어떤 어느 왜 언제 어디 누구 누가 얼마나 몇 "
                    "방법 법 차이 차이점 이유 뜻 의미 사용법 원리 용도".split())
#: Light verbs and adjectives a question wraps its content in (하다, 되다, 쓰다 "use", 있다, 알다, 좋다 …).
_LIGHT = frozenset("하 되 쓰 쓸 있 없 알 보 주 싶 좋 낫 나 같 해야 하나 알려주 알려줘 가능 필요".split())
_ENGLISH_ASKING = frozenset("what how why when where which who whom whose".split())
_ENGLISH_LIGHT = frozenset("""do does did is are was were can could should would will shall i me my mine you
your we difference differences between vs versus way ways best possible""".split())
# word endings of Korean questions and requests (… 쓰나요, 좋을까요, 무엇인가요, 하려면, 알려줘, 뭐야)
_ENDING = re.compile(r"(?:나요|까요|을까|ㄹ까|가요|니까|는지|려면|으려면|줘|주세요|뭐야|인가|는가|죠)\??$")
_WORD = re.compile(r"\S+")


@lru_cache(maxsize=4096)
def _parts(word: str) -> tuple[str, ...]:
    """The content morphemes of one query word (particles and endings dropped by the analysis)."""
    if word.isascii():
        return (word.lower().strip("?!.,"),)
    return tuple(m.text for m in morphemes(word, index=False) if not m.same_position)


def _scaffolding(word: str) -> bool:
    parts = _parts(word)
    if word.isascii():
        return bool(parts) and (parts[0] in _ENGLISH_ASKING or parts[0] in _ENGLISH_LIGHT)
    return bool(parts) and all(p in _ASKING or p in _LIGHT for p in parts)


def is_question(text: str) -> bool:
    """Whether ``text`` is written as a question or a request (see the module docstring)."""
    words = _WORD.findall(text)
    if not words:
        return False
    if "?" in text or words[0].lower() in _ENGLISH_ASKING or \
            words[0].lower() in ("do", "does", "is", "are", "can", "should"):
        return True
    return any(_ENDING.search(w) or any(p in _ASKING for p in _parts(w)) for w in words if not w.isascii())


#: English prepositions that put the rest of a question in a context (… in python, … with numpy).
_CONTEXT_PREPOSITIONS = frozenset("in on with using for inside within".split())
#: How much a context word weighs, against a content word's 1.
CONTEXT_WEIGHT = 0.5


def context_words(text: str) -> frozenset[str]:
    """The words of a question (its scaffolding already out) that only set its context: a Korean word in
    the locative (파이썬에서, 배열에서) and English words after a final preposition (… in javascript). They
    are searched at :data:`CONTEXT_WEIGHT`; the words the question is about carry the ranking."""
    words = _WORD.findall(text)
    if len(words) < 2:
        return frozenset()
    found = {w for w in words if not w.isascii() and w.endswith("에서") and len(w) > 3}
    for i, word in enumerate(words[:-1]):
        if word.lower() in _CONTEXT_PREPOSITIONS and i > 0:
            found.update(words[i + 1:])
            break
    return frozenset(found) if len(found) < len(words) else frozenset()


def content_terms(text: str, lone: frozenset[str] = frozenset()) -> tuple[tuple[str, ...], ...]:
    """The query terms of each word of a question (its scaffolding already out) that is not a context
    word, ``lone`` syllables left out: the words whose proximity in a page counts
    (indexer/search/proximity.py)."""
    context = context_words(text)
    words = []
    for word in _WORD.findall(text):
        if word not in context:
            terms = tuple(t for t in analyze(word) if t not in lone)
            if terms:
                words.append(terms)
    return tuple(words)


def context_weights(text: str) -> dict[str, float]:
    """Query term → :data:`CONTEXT_WEIGHT` for the terms only the context words of ``text`` yield."""
    context = context_words(text)
    if not context:
        return {}
    content = {t for w in _WORD.findall(text) if w not in context for t in analyze(w)}
    return {t: CONTEXT_WEIGHT for w in context for t in analyze(w) if t not in content}


#: A question is answered by a page's text rather than named by its title: title and headings weigh as
#: the body does (their usual weight is 2) for the terms of a question, and its words side by side in a
#: title — the title echoing the question — count half what they count in the text (the adjacency bonus
#: weighs titles 2, the body 1). Its terms' fields are also saturated together (indexer/search/joint.py).
QUESTION_FIELD_SCALE = {"title": 0.5, "headings": 0.5}
QUESTION_PHRASE_SCALE = {"title": 0.25, "headings": 0.25}


def weigh_fields(query: Any, scale: dict[str, float] = QUESTION_FIELD_SCALE,
                 phrase_scale: dict[str, float] = QUESTION_PHRASE_SCALE) -> Any:
    """``query`` (freshly built, changed in place) with the boosts of its leaves in the ``scale`` fields
    (its phrases: the ``phrase_scale`` fields) multiplied by their factor; returns it."""
    for leaf in query.leaves():
        factors = phrase_scale if isinstance(leaf, Phrase) else scale
        factor = factors.get(getattr(leaf, "fieldname", None) or "")
        if factor is not None:
            leaf.boost *= factor
    return query


def content_words(text: str) -> str:
    """``text`` without its scaffolding when it is a question (unchanged otherwise, and unchanged when only
    scaffolding would be left)."""
    if not is_question(text):
        return text
    kept = [w for w in _WORD.findall(text) if not _scaffolding(w)]
    return " ".join(kept) if kept else text
