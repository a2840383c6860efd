""""Search instead for …": the engine can be asked not to correct the query."""
from __future__ import annotations

from indexer import SearchIndex


def test_corrected_by_default_and_as_typed_on_request(search_index: SearchIndex) -> None:
    corrected = search_index.search("풀잎스클")
    assert corrected.corrected == "풀잎스쿨"
    assert corrected.total > 0
    as_typed = search_index.search("풀잎스클", correct=False)
    assert as_typed.corrected is None and as_typed.suggestion is None


def test_as_typed_is_not_served_from_the_corrected_cache(search_index: SearchIndex) -> None:
    search_index.search("rkdghkgkrtmq")
    assert search_index.search("rkdghkgkrtmq", correct=False).corrected is None


def test_spell_zero_through_the_app(crawled) -> None:  # type: ignore[no-untyped-def]
    from web import create_app

    client = create_app({"INDEX_PATH": str(crawled["index"]), "TESTING": True}).test_client()
    assert client.get("/api/search?q=풀잎스클").get_json()["corrected_query"] == "풀잎스쿨"
    assert client.get("/api/search?q=풀잎스클&spell=0").get_json()["corrected_query"] is None
