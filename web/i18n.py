"""The UI language: Korean or English, from a remembered choice or the browser's Accept-Language.

Precedence: ``?hl=`` wins for one request, then the ``hl`` cookie set by
the language switch, then Accept-Language, then Korean.
"""
from __future__ import annotations

from flask import Flask, g, request

LANGUAGES = ("ko", "en")
COOKIE = "hl"
COOKIE_MAX_AGE = 365 * 24 * 3600

MESSAGES: dict[str, dict[str, str]] = {
    "tagline": {"ko": "모두의연구소 검색", "en": "Modulabs search"},
    "search_label": {"ko": "검색어", "en": "Search"},
    "search_button": {"ko": "검색", "en": "Search"},
    "placeholder": {"ko": "랩, README, 인터뷰 검색 · 한글/English", "en": "Search labs, READMEs, interviews · English/한글"},
    "placeholder_lab": {"ko": "{lab} 안에서 검색", "en": "Search within {lab}"},
    "skip": {"ko": "본문으로 건너뛰기", "en": "Skip to content"},
    "nav_labs": {"ko": "랩 목록", "en": "Labs"},
    "nav_api": {"ko": "API", "en": "API"},
    "language": {"ko": "언어", "en": "Language"},
    "results_count": {"ko": "검색 결과 {total}건", "en": "{total} results"},
    "results_count_one": {"ko": "검색 결과 1건", "en": "1 result"},
    "took": {"ko": "{ms} ms", "en": "{ms} ms"},
    "page_of": {"ko": "{page}/{pages} 페이지", "en": "page {page} of {pages}"},
    "sort": {"ko": "정렬", "en": "Sort"},
    "sort_relevance": {"ko": "정확도순", "en": "Relevance"},
    "sort_date": {"ko": "최신순", "en": "Newest"},
    "filters": {"ko": "필터", "en": "Filters"},
    "facet_kind": {"ko": "문서 종류", "en": "Kind"},
    "facet_lab": {"ko": "랩", "en": "Lab"},
    "facet_lang": {"ko": "언어", "en": "Language"},
    "active_filters": {"ko": "적용된 필터", "en": "Active filters"},
    "remove_filter": {"ko": "{value} 필터 해제", "en": "Remove filter {value}"},
    "clear_filters": {"ko": "모두 해제", "en": "Clear all"},
    "kind_page": {"ko": "랩 페이지", "en": "Lab page"},
    "kind_readme": {"ko": "README", "en": "README"},
    "kind_interview": {"ko": "인터뷰", "en": "Interview"},
    "lang_ko": {"ko": "한국어", "en": "Korean"},
    "lang_en": {"ko": "영어", "en": "English"},
    "related": {"ko": "관련 문서", "en": "Related documents"},
    "related_for": {"ko": "‘{title}’와 관련된 문서", "en": "Documents related to “{title}”"},
    "related_none": {"ko": "관련 문서를 찾지 못했습니다.", "en": "No related documents found."},
    "loading": {"ko": "불러오는 중…", "en": "Loading…"},
    "did_you_mean": {"ko": "이것을 찾으셨나요?", "en": "Did you mean"},
    "showing_for": {"ko": "다음 검색 결과 표시:", "en": "Showing results for"},
    "search_instead": {"ko": "원래 검색어로 검색:", "en": "Search instead for"},
    "prev": {"ko": "이전", "en": "Previous"},
    "next": {"ko": "다음", "en": "Next"},
    "pagination": {"ko": "페이지 이동", "en": "Pagination"},
    "no_results": {"ko": "‘{q}’에 대한 검색 결과가 없습니다.", "en": "No documents match “{q}”."},
    "no_results_tips": {"ko": "이렇게 해 보세요", "en": "Try this"},
    "tip_fewer": {"ko": "단어를 줄여서 검색:", "en": "Fewer words:"},
    "tip_filters": {"ko": "필터를 빼고 다시 검색", "en": "Search again without filters"},
    "tip_spelling": {"ko": "맞춤법을 확인하거나 한글/영어 표현을 바꿔 보세요 (강화학습 ↔ reinforcement learning).",
                     "en": "Check the spelling or try the other language (reinforcement learning ↔ 강화학습)."},
    "tip_labs": {"ko": "랩 목록에서 둘러보기", "en": "Browse the list of labs"},
    "home_title": {"ko": "모두의연구소의 랩, 논문 리뷰, 코드, 인터뷰를 한 번에", "en": "Every Modulabs lab page, README and interview in one place"},
    "home_hint": {"ko": "초성으로도 찾을 수 있어요: ㄱㅎㅎㅅ → 강화학습. ‘/’ 키로 검색창에 바로 이동합니다.",
                  "en": "Initial consonants work too: ㄱㅎㅎㅅ → 강화학습. Press “/” to jump to the search box."},
    "try": {"ko": "이런 검색어는 어때요?", "en": "Try"},
    "labs_title": {"ko": "랩 목록", "en": "Labs"},
    "labs_intro": {"ko": "모두의연구소의 랩과 문서 수", "en": "Modulabs labs and how many documents each has"},
    "documents": {"ko": "문서 {n}개", "en": "{n} documents"},
    "document_one": {"ko": "문서 1개", "en": "1 document"},
    "lab_docs": {"ko": "문서", "en": "Documents"},
    "key_terms": {"ko": "이 랩의 특징적인 용어", "en": "Characteristic terms"},
    "all_labs": {"ko": "모든 랩", "en": "All labs"},
    "lab_search_all": {"ko": "전체에서 검색", "en": "Search everywhere"},
    "stats_line": {"ko": "문서 {n}개 · 색인 {built}", "en": "{n} documents · indexed {built}"},
    "footer": {"ko": "모두의연구소 랩 페이지, GitHub README, 인터뷰를 검색합니다.",
               "en": "Searches Modulabs lab pages, GitHub READMEs and interviews."},
    "suggestions": {"ko": "검색어 제안", "en": "Suggestions"},
    "sugg_count": {"ko": "제안 {n}개", "en": "{n} suggestions"},
    "type_lab": {"ko": "랩", "en": "lab"},
    "type_repo": {"ko": "저장소", "en": "repo"},
    "type_title": {"ko": "문서", "en": "document"},
    "type_term": {"ko": "검색어", "en": "term"},
    "back": {"ko": "검색으로 돌아가기", "en": "Back to search"},
    "unavailable_no_index": {"ko": "검색 색인이 아직 준비되지 않았습니다. 잠시 후 다시 시도해 주세요.",
                             "en": "The search index is not ready yet. Please try again later."},
    "unavailable_rebuild": {"ko": "검색 색인을 새로 만들어야 합니다. 잠시 후 다시 시도해 주세요.",
                            "en": "The search index has to be rebuilt. Please try again later."},
    "empty_never": {"ko": "아직 수집된 문서가 없습니다. 첫 수집이 끝나면 여기에서 검색할 수 있습니다.",
                    "en": "Nothing has been collected yet. Once the first crawl finishes, you can search here."},
    "empty_failed": {"ko": "아직 수집된 문서가 없습니다. 마지막 수집({when})에서 어떤 출처에도 연결하지 못했습니다.",
                     "en": "Nothing has been collected yet: the last crawl ({when}) could not reach any source."},
    "empty_nothing": {"ko": "아직 수집된 문서가 없습니다. 마지막 수집: {when}.",
                      "en": "Nothing has been collected yet. Last crawl: {when}."},
    "open": {"ko": "열기", "en": "Open"},
}


def pick_language() -> str:
    asked = request.args.get("hl", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default="ko") or "ko"


def translate(key: str, **values: object) -> str:
    """The message ``key`` in the request's language, with ``{name}`` placeholders filled (Jinja escapes it)."""
    text = MESSAGES[key][getattr(g, "hl", "ko")]
    return text.format(**values) if values else text


def register(app: Flask) -> None:
    @app.before_request
    def choose_language() -> None:
        g.hl = pick_language()

    @app.context_processor
    def inject() -> dict[str, object]:
        return {"t": translate, "hl": getattr(g, "hl", "ko")}
