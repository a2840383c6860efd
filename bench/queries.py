"""The fixed, mixed query set of the benchmark (short/long, Korean, English, mixed, filtered).

Words come from the fixture documents' own topics (NLP and deep-learning posts, the JavaScript
tutorial, the Python documentation), so every size of generated corpus has matches for them.
"""
from __future__ import annotations

import random
import re
from pathlib import Path
from typing import NamedTuple


class BenchQuery(NamedTuple):
    category: str
    text: str
    filters: dict[str, list[str]]


def _q(category: str, text: str, **filters: str) -> BenchQuery:
    return BenchQuery(category, text, {k: [v] for k, v in filters.items()})


QUERIES: tuple[BenchQuery, ...] = (
    _q("ko-short", "클로저"),
    _q("ko-short", "딥러닝"),
    _q("ko-short", "형태소 분석"),
    _q("ko-short", "프로미스"),
    _q("ko-short", "리스트"),
    _q("ko-short", "임베딩"),
    _q("ko-short", "예외 처리"),
    _q("ko-short", "정규 표현식"),
    _q("ko-short", "이벤트 위임"),
    _q("ko-short", "확률"),
    _q("ko-long", "자연어 처리에서 단어 임베딩을 학습하는 방법"),
    _q("ko-long", "자바스크립트에서 비동기 함수와 프로미스 체이닝을 사용하는 법"),
    _q("ko-long", "파이썬 표준 라이브러리에서 파일을 읽고 쓰는 방법"),
    _q("ko-long", "합성곱 신경망으로 이미지를 분류하는 모델 구조"),
    _q("ko-long", "객체의 프로퍼티를 복사하고 비교하는 여러 가지 방법"),
    _q("ko-long", "선형대수 고유값 분해와 특이값 분해의 차이"),
    _q("en", "closure"),
    _q("en", "async await"),
    _q("en", "word2vec"),
    _q("en", "regular expression"),
    _q("en", "transformer attention"),
    _q("en", "unicode string encoding"),
    _q("en", "garbage collection reference counting"),
    _q("en", "python import system module search path"),
    _q("mixed", "BERT 논문 리뷰"),
    _q("mixed", "Promise 체이닝"),
    _q("mixed", "pandas 데이터프레임"),
    _q("mixed", "GAN 생성 모델"),
    _q("mixed", "asyncio 이벤트 루프"),
    _q("mixed", "DOM 이벤트 버블링"),
    _q("mixed", "LSTM 기반 언어 모델"),
    _q("mixed", "setTimeout 콜백 함수"),
    _q("filtered", "함수", kind="readme"),
    _q("filtered", "모델", lab="딥러닝논문랩"),
    _q("filtered", "객체", lab="웹프론트엔드랩", kind="page"),
    _q("filtered", "module", lang="en"),
    _q("filtered", "임베딩 학습", lab="자연어처리랩"),
    _q("filtered", "딕셔너리", lab="파이썬랩", kind="page"),
    _q("phrase", '"이벤트 루프"'),
    _q("phrase", '"word embedding" -glove'),
)

#: What a user types before picking a suggestion (for ``/api/suggest``).
PREFIXES: tuple[str, ...] = ("딥", "딥러", "클로", "프로미", "임베", "자연어", "파이", "트랜스", "cl", "asy",
                             "word", "reg", "tran", "이벤트", "정규", "함수", "모델", "lst", "py", "객체")


_TITLE_WORD = re.compile(r"[0-9A-Za-z\uac00-\ud7a3][\w.+#-]*")


def first_time_queries(corpus: Path, count: int = 200, seed: int = 11) -> list[str]:
    """``count`` distinct queries, never asked before in a fresh process: one to three words of the titles
    of documents drawn at random (seeded) from ``corpus``. The fixed set above is asked over and over,
    so its terms' postings stay decoded in each worker; these show what a query costs the first time."""
    from corpus import Corpus
    from corpus.store import parse_record

    records = Corpus(corpus).records()
    lines = sum(1 for _ in Corpus(corpus).records())
    rng = random.Random(seed)
    wanted = set(rng.sample(range(lines), min(lines, count * 3)))
    fixed = {q.text for q in QUERIES}
    found: dict[str, None] = {}
    for number, record in enumerate(records):
        if number not in wanted:
            continue
        doc = parse_record(record)
        words = [w for w in _TITLE_WORD.findall(doc.title if doc else "") if len(w) > 1]
        if not words:
            continue
        text = " ".join(rng.sample(words, min(len(words), rng.choice((1, 2, 3)))))
        if text not in fixed:
            found[text] = None
    return list(found)[:count]
