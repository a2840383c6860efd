"""indexer/search/snippets.py: snippets mark the query's words in the stored text, in the densest window."""
from __future__ import annotations

from indexer.search.snippets import make_snippet


def test_snippet_marks_the_words_and_picks_the_densest_window() -> None:
    text = ("서론 " * 200) + "세포 분할에는 U-Net 모델을 쓴다. " + ("본문 " * 200) + "세포 하나."
    terms = ["세포", "분할", "u-net"]
    snippet = make_snippet(text, terms)
    assert "<mark>세포</mark> <mark>분할</mark>에는 <mark>U-Net</mark>" in snippet
    assert snippet.startswith("…")  # the window is in the middle of the text
    many = " ".join(f"세포{i} 분할" for i in range(300))  # more than the array threshold of matches
    assert make_snippet(many, terms).count("<mark>") >= 10
    assert make_snippet("아무 관련 없는 글", terms, fallback="요약") == "요약"
