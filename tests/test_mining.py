"""The mined bilingual lexicon: sounds, words, glosses, what is kept, the generation file, updates, searching."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corpus import Corpus, Document
from indexer import SearchIndex, rebuild, update
from indexer.analysis import loanword_like, strip_particle
from indexer.mining import MINING_FILE, MinedCounts, hangul_words, latin_words, mine, read_counts, select, similarity
from indexer.mining.glosses import glosses
from indexer.mining.lexicon import concepts
from indexer.search.expand import Glossary, expand
from indexer.storage import current_generation, open_generation

# -- sounds ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("hangul", "english"), [
    ("제너레이터", "generator"), ("클릭재킹", "clickjacking"), ("어텐션", "attention"), ("그래프", "graph"),
    ("가비지", "garbage"), ("스텁", "stub"), ("서버", "server"), ("파일", "file"), ("트랜스포머", "transformer"),
    ("가우시안", "gaussian"), ("로깅", "logging"), ("프로퍼티", "property"),
])
def test_a_loanword_sounds_like_its_english_word(hangul: str, english: str) -> None:
    assert similarity(hangul, english) >= 0.8


@pytest.mark.parametrize(("hangul", "english"), [
    ("함수", "function"), ("학습", "learning"), ("공격", "attack"), ("코드", "get"), ("변수", "variable"),
])
def test_unrelated_words_do_not_sound_alike(hangul: str, english: str) -> None:
    assert similarity(hangul, english) < 0.5


def test_the_closer_reading_wins_between_two_english_words() -> None:
    assert similarity("스텁", "stub") > similarity("스텁", "stop")
    assert similarity("마크", "mark") > similarity("마크", "make")
    assert similarity("루트", "root") > similarity("로드", "root")


def test_loanword_spelling() -> None:
    assert loanword_like("어텐션") and loanword_like("클릭재킹")
    assert not loanword_like("필요")  # every syllable a Hanja reading
    assert not loanword_like("있을") and not loanword_like("같은")  # tense or unusual final consonants


# -- words and glosses -----------------------------------------------------------------------------


def test_particles_come_off_where_grammar_allows() -> None:
    assert [strip_particle(w) for w in ("컬렉션이", "어레이", "서버로", "파일로", "모델에서도", "클로저란")] == \
        ["컬렉션", "어레이", "서버", "파일", "모델", "클로저"]


def test_words_as_written() -> None:
    assert hangul_words("가비지컬렉션이 메서드를 부른다") == {"가비지컬렉션", "메서드", "부른다"}
    assert {"mutation", "observer", "mutationobserver"} <= latin_words("new MutationObserver(callback)")
    assert "the" not in latin_words("the callback") and "src" not in latin_words("src")


def test_glosses_in_both_directions() -> None:
    found = glosses("이번 글은 **배치 정규화**(Batch Normalization)를, 그다음 Attention(어텐션)을 다룬다. "
                    ":term:`이터레이터 <iterator>`")
    assert ("배치 정규화", "batch normalization") in found and ("정규화", "batch normalization") in found
    assert ("어텐션", "attention") in found
    assert ("이터레이터", "iterator") in found


def test_a_label_is_not_a_gloss() -> None:
    assert glosses("`대화형 모드 <tut-interactive>`") == set()


# -- what is kept -----------------------------------------------------------------------------------

_DOCS = [
    "배치 정규화(batch normalization)를 쓰면 학습이 빠르다. 옵티마이저와 optimizer 설정도 본다.",
    "이번에는 배치 정규화(batch normalization)의 효과. optimizer와 옵티마이저를 함께 설명한다.",
    "그리고 배치 정규화(batch normalization)는 널리 쓰인다.",
    "딱 한 번 나오는 용어(hapax legomenon)와 이벤트(auditing event) 표기",
    "이벤트(auditing event)가 다시 나온다",
]


def _counts(texts: list[str]) -> MinedCounts:
    counts = MinedCounts()
    for text in texts:
        counts.add(mine(text))
    return counts


def test_strong_pairs_are_kept_and_weak_ones_are_not() -> None:
    kept = {(e.korean, e.english, e.kind) for e in select(_counts(_DOCS))}
    assert ("배치 정규화", "batch normalization", "gloss") in kept  # the term, not 정규화
    assert not any(k == "정규화" for k, _, _ in kept)
    assert ("옵티마이저", "optimizer", "translit") in kept  # sounds alike, in two documents together
    assert not any(e == "hapax legomenon" for _, e, _ in kept)  # one document only
    assert not any(e == "auditing event" for _, e, _ in kept)  # a transliteration of part of the English


def test_a_native_word_that_sounds_english_is_not_a_transliteration() -> None:
    """먼저 sounds like "manager" and three documents hold both, but 먼저 is written in many more that never
    hold it; 옵티마이저 travels with its original."""
    texts = [f"먼저 설정을 읽는다. manager 객체 {i}" for i in range(3)]
    texts += [f"먼저 파일을 연다 {i}" for i in range(40)] + ["옵티마이저 optimizer 설명", "optimizer 옵티마이저"]
    kept = {(e.korean, e.english) for e in select(_counts(texts)) if e.kind == "translit"}
    assert ("옵티마이저", "optimizer") in kept and ("먼저", "manager") not in kept


def test_counts_out_and_in_give_what_counting_fresh_gives() -> None:
    counts = _counts(_DOCS)
    counts.add(mine(_DOCS[0]), -1)
    counts.add(mine("새 문서: 배치 정규화(batch normalization)"))
    fresh = _counts([*_DOCS[1:], "새 문서: 배치 정규화(batch normalization)"])
    assert counts.words == fresh.words and counts.pairs == fresh.pairs and counts.documents == fresh.documents


def test_concepts_join_pairs_through_shared_terms() -> None:
    grouped = concepts([("이터레이터", "iterator"), ("반복자", "iterator"), ("모델", "model")])
    assert ("이터레이터", "iterator", "반복자") in grouped and ("모델", "model") in grouped


# -- the generation file, updates and searching ---------------------------------------------------


def _document(doc_id: str, title: str, text: str) -> Document:
    return Document(id=doc_id, url=f"https://example.test/{doc_id}", title=title, text=text, kind="page",
                    lab="테스트랩", lang="ko", source="test")


def _corpus(folder: Path, docs: list[Document]) -> Path:
    Corpus(folder).write_source("test", docs)
    return folder


KOREAN = [
    _document("ko1", "제너레이터 소개", "제너레이터(generator)는 값을 하나씩 만든다. generator 함수는 yield를 쓴다."),
    _document("ko2", "이터레이터와 제너레이터", "제너레이터와 generator 객체는 이터레이터다. 제너레이터(generator)를 쓴다."),
    _document("ko3", "배열 메서드", "배열의 map과 filter 메서드를 다룬다."),
]
ENGLISH = _document("en1", "Generators", "A generator function yields values lazily; generators are iterators.")


def test_the_lexicon_is_written_at_rebuild_and_searched_across_languages(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", [*KOREAN, ENGLISH])
    rebuild(corpus, tmp_path / "index")
    generation = current_generation(tmp_path / "index")
    with sqlite3.connect(generation / MINING_FILE) as db:
        entries = set(db.execute("SELECT korean, english FROM entries"))
    assert ("제너레이터", "generator") in entries
    # an English-only document is found for the Korean word through the mined pair, below the Korean ones
    ids = [h.id for h in SearchIndex(tmp_path / "index").search("제너레이터").hits]
    assert "en1" in ids and ids.index("en1") > ids.index("ko1")
    assert "ko3" not in ids


def test_update_keeps_the_lexicon_current(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus", [*KOREAN, ENGLISH])
    rebuild(corpus, tmp_path / "index")
    # the evidence goes away: both glossing documents change
    changed = [_document("ko1", "제너레이터 소개", "값을 하나씩 만든다."),
               _document("ko2", "이터레이터와 제너레이터", "이터레이터를 다룬다."), KOREAN[2], ENGLISH]
    Corpus(tmp_path / "corpus").write_source("test", changed)
    report = update(tmp_path / "corpus", tmp_path / "index")
    assert report.changed == 2
    generation = current_generation(tmp_path / "index")
    with sqlite3.connect(generation / MINING_FILE) as db:
        assert ("제너레이터", "generator") not in set(db.execute("SELECT korean, english FROM entries"))
    # the patched counts are the counts of a rebuild of the same corpus
    rebuild(tmp_path / "corpus", tmp_path / "rebuilt")
    rebuilt = current_generation(tmp_path / "rebuilt")
    patched = read_counts(generation, open_generation(generation).latest_generation())
    fresh = read_counts(rebuilt, open_generation(rebuilt).latest_generation())
    assert patched.words == fresh.words and patched.pairs == fresh.pairs and patched.documents == fresh.documents


def test_english_words_find_the_concept_of_their_singular_or_plural_only() -> None:
    glossary = Glossary([("객체", "object"), ("목적 함수", "objective"), ("딕셔너리", "dictionary")])
    assert [e.alternatives for e in expand("dictionaries", glossary)] == [("딕셔너리", "dictionary")]
    assert [e.alternatives for e in expand("objects", glossary)] == [("객체", "object")]
    assert [e.alternatives for e in expand("object", glossary)] == [("객체",)]  # not objective's concept
