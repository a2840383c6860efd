"""The page in Korean (and English): particles that agree with any title (web/korean.py), dates as each language
writes them, error pages in the UI's language, human titles, and the page's notes for 초성, missing words,
browsing by filters and pages past the end (web/pages.py, web/i18n.py, web/templates)."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from flask.testing import FlaskClient

from web import create_app
from web.korean import final_sound, particle


@pytest.fixture(scope="module")
def client(crawled: dict[str, Path]) -> FlaskClient:
    return create_app({"TESTING": True, "INDEX_PATH": str(crawled["index"])}).test_client()


def html(client: FlaskClient, url: str, language: str = "ko", status: int = 200) -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def text(page: str) -> str:
    main = re.search(r"<main.*?</main>", page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main.group(0) if main else page).split())


@pytest.mark.parametrize(("word", "wa", "ro"), [
    ("U-Net", "과", "으로"), ("PyTorch", "와", "로"), ("강화학습", "과", "으로"), ("모델", "과", "로"),
    ("바이오메디컬랩", "과", "으로"), ("데이터", "와", "로"), ("CNN", "과", "으로"), ("VQA", "와", "로"),
    ("LSTM", "과", "으로"), ("2018", "과", "로"), ("10", "과", "으로"), ("3", "과", "으로"), ("2", "와", "로"),
    ("v2.0", "과", "으로"), ("Keras", "와", "로"), ("Python", "과", "으로"), ("table", "과", "로"),
    ("robot", "과", "으로"), ("test", "와", "로"), ("Segmentation", "과", "으로"), ("modulabs/RL4RWS", "와", "로"),
    ("모두의 연구소 : RL4RWS (시즌3)", "와", "로"), ("‘풀잎스쿨’ 🎫", "과", "로"), ("game", "과", "으로"),
])
def test_particles_follow_the_last_sound_as_read_aloud(word: str, wa: str, ro: str) -> None:
    assert particle(word, "와") == wa and particle(word, "로") == ro
    assert particle(word, "를") == ("을" if final_sound(word) else "를")


def test_related_page_has_the_documents_title_and_the_right_particle(client: FlaskClient) -> None:
    hit = client.get("/api/search?q=U-Net").get_json()["results"][0]
    assert hit["title"] == "U-Net"
    page = html(client, "/related?id=" + quote(hit["id"]))
    assert "‘U-Net’과 관련된 문서" in page and hit["id"] not in text(page)
    assert html(client, "/related?id=nope", status=404)


def test_dates_follow_the_ui_language(client: FlaskClient) -> None:
    korean = html(client, "/search?q=" + quote("세그멘테이션"))
    assert re.search(r'<time datetime="2018-\d\d-\d\d">2018\. \d{1,2}\. \d{1,2}\.</time>', korean)
    english = html(client, "/search?q=" + quote("세그멘테이션"), "en")
    assert re.search(r'<time datetime="2018-\d\d-\d\d">[A-Z][a-z]{2} \d{1,2}, 2018</time>', english)


@pytest.mark.parametrize(("url", "status", "korean"), [
    ("/nothing-here", 404, "페이지를 찾을 수 없습니다"),
    ("/search?q=x&page=abc", 400, "‘페이지’ 값은 정수여야 합니다"),
    ("/labs/" + quote("없는랩"), 404, "랩을 찾을 수 없습니다"),
    ("/related", 400, "문서 id가 필요합니다"),
])
def test_error_pages_speak_korean(client: FlaskClient, url: str, status: int, korean: str) -> None:
    shown = text(html(client, url, status=status))
    assert korean in shown
    assert not re.search(r"\b(must|requested|URL|found|required)\b", shown), shown
    english = text(html(client, url, "en", status=status))
    assert re.search(r"[A-Za-z]{4}", english) and korean not in english


def test_a_page_past_the_last_goes_to_the_last(client: FlaskClient) -> None:
    response = client.get("/search?q=" + quote("강화학습") + "&page=9")
    assert response.status_code == 302
    target = parse_qs(urlsplit(response.headers["Location"]).query)
    assert target["page"] == ["2"] and target["q"] == ["강화학습"]
    assert "9/2" not in html(client, response.headers["Location"])


def test_filters_alone_browse_on_the_page(client: FlaskClient) -> None:
    page = html(client, "/search?kind=readme")
    assert "README 문서 38건 · 최신순" in text(page)
    assert 'class="facet-link' in page and 'rel="next"' in page
    second = html(client, "/search?kind=readme&page=2")
    assert '<span class="current" aria-current="page">2</span>' in second
    lab = text(html(client, "/search?lab=" + quote("CTRL랩")))
    assert "CTRL랩 문서 3건" in lab and "결과가 없습니다" not in lab


def test_choseong_note_links_other_words_and_the_consonants_as_typed(client: FlaskClient) -> None:
    page = html(client, "/search?q=" + quote("ㄱㅎㅎㅅ"))
    assert "초성 검색: 강화학습" in text(page)
    raw = re.search(r'<a href="([^"]+)">‘ㄱㅎㅎㅅ’ 그대로 검색', page)
    assert raw and parse_qs(urlsplit(raw.group(1).replace("&amp;", "&")).query)["spell"] == ["0"]
    assert "초성 검색" not in text(html(client, raw.group(1).replace("&amp;", "&")))


def test_missing_words_are_shown_with_a_search_without_them(client: FlaskClient) -> None:
    page = html(client, "/search?q=" + quote("쿠버네티스 강화학습"))
    assert "포함되지 않은 단어: 쿠버네티스" in text(page)
    link = re.search(r'<a href="([^"]+)">‘강화학습’으로 검색</a>', page)
    assert link and unquote(link.group(1)).endswith("q=강화학습")
    assert "Missing: 쿠버네티스" in text(html(client, "/search?q=" + quote("쿠버네티스 강화학습"), "en"))
    assert "포함되지 않은" not in html(client, "/search?q=" + quote("강화학습"))


def test_results_mark_titles_and_show_authors(client: FlaskClient) -> None:
    page = html(client, "/search?q=U-Net")
    assert '<a class="result-link" href="' in page and "><mark>U-Net</mark></a>" in page
    author = html(client, "/search?q=" + quote("오상준"))
    assert re.search(r'<span class="author">글쓴이 <mark>오상준</mark></span>', author)
    twins = html(client, "/search?q=" + quote("세그멘테이션"))
    assert '<mark class="alt">Segmentation</mark>' in twins


def test_search_instead_for_what_was_typed_turns_correction_off(client: FlaskClient) -> None:
    page = html(client, "/search?q=" + quote("풀잎스클"))
    instead = re.search(r'class="instead">[^<]*<a href="([^"]+)"', page)
    assert instead and "spell=0" in instead.group(1)
