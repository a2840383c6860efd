"""Words the index does not know: one-syllable pieces never match alone, nouns made verbs are searched as
the noun (indexer/search/unknown.py)."""
from __future__ import annotations

from whoosh import query as wq

from indexer import SearchIndex
from indexer.analysis import morphemes
from indexer.search.unknown import light_verb_stems, lone_syllables
from indexer.storage import BIGRAM_WEIGHTS


def term_texts(query: wq.Query) -> set[str]:
    """The terms a query matches on their own: not inside a phrase, not in the bigram fields."""
    found: set[str] = set()

    def visit(node: wq.Query) -> None:
        if isinstance(node, wq.Phrase):
            return
        if isinstance(node, wq.Term):
            if node.fieldname not in BIGRAM_WEIGHTS:
                found.add(node.text)
            return
        for child in node.children():
            visit(child)

    visit(query)
    return found


def test_lone_syllables_of_unknown_words_only() -> None:
    known = {"트랜스포머", "공격"}.__contains__
    assert [m.text for m in morphemes("트랜스포머킹", index=False)] == ["트랜스포머", "킹"]
    assert lone_syllables("트랜스포머킹 공격", known) == frozenset({"킹"})
    assert lone_syllables("트랜스포머 공격", known) == frozenset()  # nothing split, nothing unknown


def test_a_one_syllable_piece_of_an_unknown_word_never_matches_alone(search_index: SearchIndex) -> None:
    plan = search_index.plan("트랜스포머킹")
    assert plan.check is not None and plan.check.corrected is None
    terms = term_texts(plan.query)
    assert "트랜스포머" in terms and "킹" not in terms
    # the syllable still counts next to its neighbour: the bigram net holds 머킹
    assert any(isinstance(leaf, wq.Term) and leaf.text == "머킹" for leaf in plan.query.leaves())
    # and a word the corpus writes keeps all its terms
    assert "킹" in term_texts(search_index.plan("킹", correct=False).query)


def test_a_noun_made_a_verb_is_searched_as_the_noun() -> None:
    written = {"캡처", "그룹", "디버깅", "정렬", "함수", "활성화"}.__contains__
    assert [m.text for m in morphemes("캡처하는", index=False)] == ["처하"]  # mecab's misreading
    assert light_verb_stems("그룹 캡처하는", written) == "그룹 캡처"
    assert light_verb_stems("디버깅하려면 정렬했다", written) == "디버깅 정렬"
    assert light_verb_stems("활성화함수", written) == "활성화함수"  # 함수 is a noun, not a form of 하다
    assert light_verb_stems("공부하는", written) == "공부하는"  # a noun the corpus does not write is left
