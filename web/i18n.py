"""The UI language: Korean or English, from a remembered choice or the browser's Accept-Language.

Precedence: ``?hl=`` wins for one request, then the ``hl`` cookie set by
the language switch, then Accept-Language, then Korean.
"""
from __future__ import annotations

import re
from datetime import date

from flask import Flask, g, request

from web.korean import PARTICLES, particle

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
    "nav_stats": {"ko": "색인 통계", "en": "Index stats"},
    "nav_site": {"ko": "사이트", "en": "Site"},
    "language": {"ko": "언어", "en": "Language"},
    "results_count": {"ko": "검색 결과 {total}건", "en": "{total} results"},
    "results_count_one": {"ko": "검색 결과 1건", "en": "1 result"},
    "took": {"ko": "{ms} ms", "en": "{ms} ms"},
    "page_of": {"ko": "{page}/{pages} 페이지", "en": "page {page} of {pages}"},
    "page_empty": {"ko": "{page} 페이지에는 결과가 없습니다. 결과는 {pages} 페이지까지 있습니다.",
                   "en": "Page {page} has no results; they end on page {pages}."},
    "last_page": {"ko": "마지막 페이지로", "en": "Go to the last page"},
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
    "related_for": {"ko": "‘{title}’{title|와} 관련된 문서", "en": "Documents related to “{title}”"},
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
    "choseong_searched": {"ko": "초성 검색:", "en": "Initial consonants:"},
    "choseong_others": {"ko": "다른 단어:", "en": "Other words:"},
    "choseong_raw": {"ko": "‘{q}’ 그대로 검색", "en": "Search for “{q}” as typed"},
    "missing": {"ko": "포함되지 않은 단어:", "en": "Missing:"},
    "missing_search_without": {"ko": "‘{q}’{q|로} 검색", "en": "Search for “{q}”"},
    "browse_title": {"ko": "{what} 문서 {total}건 · 최신순", "en": "{total} documents in {what} · newest first"},
    "browse_title_one": {"ko": "{what} 문서 1건", "en": "1 document in {what}"},
    "browse_none": {"ko": "{what}에 해당하는 문서가 없습니다.", "en": "No documents in {what}."},
    "by_author": {"ko": "글쓴이", "en": "by"},
    "alt_match": {"ko": "번역어·표기 변형으로 찾은 단어", "en": "matched as a translation or variant"},
    "error_400": {"ko": "요청을 처리할 수 없습니다", "en": "Bad request"},
    "error_404": {"ko": "페이지를 찾을 수 없습니다", "en": "Page not found"},
    "error_405": {"ko": "허용되지 않는 요청입니다", "en": "Method not allowed"},
    "error_414": {"ko": "요청 주소가 너무 깁니다", "en": "Request target too long"},
    "error_500": {"ko": "일시적인 오류가 발생했습니다", "en": "Something went wrong"},
    "error_503": {"ko": "검색 색인을 사용할 수 없습니다", "en": "The index is not available"},
    "error_other": {"ko": "요청을 처리하지 못했습니다", "en": "The request failed"},
    "error_404_detail": {"ko": "주소가 바뀌었거나 없는 페이지입니다. 주소를 확인하거나 아래에서 검색해 보세요.",
                         "en": "The address may have changed or never existed. Check it, or search below."},
    "error_500_detail": {"ko": "잠시 후 다시 시도해 주세요.", "en": "Please try again in a moment."},
    "error_503_detail": {"ko": "색인을 만드는 중이거나 다시 만들어야 합니다. 잠시 후 다시 시도해 주세요.",
                         "en": "The index is being built or needs a rebuild. Please try again shortly."},
}

#: English error messages of the app and of Werkzeug → Korean (``{name}`` takes the matched group).
_ERRORS_KO: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\w+) must be a whole number, got (.*)$"), "‘{0}’ 값은 정수여야 합니다 (받은 값: {1})."),
    (re.compile(r"^(\w+) must be at least (\d+)$"), "‘{0}’ 값은 {1} 이상이어야 합니다."),
    (re.compile(r"^sort must be one of (.*)$"), "정렬은 다음 중 하나여야 합니다: {0}."),
    (re.compile(r"^query too long \(at most (\d+) characters are used\)$"), "검색어가 너무 깁니다 (최대 {0}자까지 사용)."),
    (re.compile(r"^id is required$"), "문서 id가 필요합니다."),
    (re.compile(r"^spell must be 0 .*$"), "‘spell’ 값은 0(입력한 그대로 검색) 또는 1이어야 합니다."),
    (re.compile(r"^at most (\d+) (\w+) values per request, got (\d+)$"), "‘{1}’ 값은 한 번에 {0}개까지입니다 ({2}개 받음)."),
    (re.compile(r"^a (\w+) value is at most (\d+) characters$"), "‘{0}’ 값은 {1}자까지입니다."),
    (re.compile(r"^(\w+) must be one of (.*), got (.*)$"), "‘{0}’ 값은 다음 중 하나여야 합니다: {1} (받은 값: {2})."),
    (re.compile(r"^format must be json or opensearch$"), "‘format’ 값은 json 또는 opensearch여야 합니다."),
    (re.compile(r"^The request target is over (\d+) bytes.*$"), "요청 주소가 {0}바이트를 넘습니다. 검색어나 필터를 줄여 주세요."),
    (re.compile(r"^The request target holds bytes that are not UTF-8.*$"), "요청 주소에 UTF-8이 아닌 바이트가 있습니다."),
    (re.compile(r"^No lab named (.*)\.$"), "{0} 랩을 찾을 수 없습니다."),
    (re.compile(r"^No such document\.$"), "해당 문서를 찾을 수 없습니다."),
]
_FIELD_NAMES_KO = {"page": "페이지", "per_page": "페이지당 결과 수", "limit": "개수", "lab": "랩", "kind": "문서 종류",
                   "lang": "언어"}
_PLACEHOLDER_PARTICLE = re.compile(r"\{(\w+)\|(" + "|".join(map(re.escape, PARTICLES)) + r")\}")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pick_language() -> str:
    asked = request.args.get("hl", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default="ko") or "ko"


def translate(key: str, **values: object) -> str:
    """The message ``key`` in the request's language, with ``{name}`` placeholders filled (Jinja escapes it);
    ``{name|와}`` is the particle that agrees with the value of ``name`` (과 after U-Net, 와 after PyTorch)."""
    text = MESSAGES[key][getattr(g, "hl", "ko")]
    if not values:
        return text
    text = _PLACEHOLDER_PARTICLE.sub(lambda m: particle(str(values.get(m.group(1), "")), m.group(2)), text)
    return text.format(**values)


def error_message(status: int, message: str) -> tuple[str, str]:
    """(headline, detail) of an error page in the request's language; the Korean UI never shows the
    English text of a message it cannot translate (the headline says what happened)."""
    key = f"error_{status}" if f"error_{status}" in MESSAGES else "error_other"
    headline = translate(key)
    if getattr(g, "hl", "ko") == "en":
        return headline, message
    for pattern, korean in _ERRORS_KO:
        found = pattern.match(message.strip())
        if found:
            groups = [_FIELD_NAMES_KO.get(v, v) for v in found.groups()]
            return headline, korean.format(*groups)
    detail = f"error_{status}_detail"
    return headline, translate(detail) if detail in MESSAGES else ""


def filter_names(filters: dict[str, list[str]]) -> str:
    """The active filters as people read them (CTRL랩 · README), in the request's language."""
    shown = []
    for name in ("lab", "kind", "lang"):
        for value in filters.get(name, []):
            key = f"{name}_{value}" if name in ("kind", "lang") else ""
            shown.append(translate(key) if key in MESSAGES else value)
    return " · ".join(shown)


def local_date(value: str) -> str:
    """An ISO date (2018-01-03…) as the UI's language writes it: 2018. 1. 3. / Jan 3, 2018."""
    try:
        day = date.fromisoformat((value or "")[:10])
    except ValueError:
        return (value or "")[:10]
    if getattr(g, "hl", "ko") == "en":
        return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"
    return f"{day.year}. {day.month}. {day.day}."


def register(app: Flask) -> None:
    @app.before_request
    def choose_language() -> None:
        g.hl = pick_language()

    @app.context_processor
    def inject() -> dict[str, object]:
        return {"t": translate, "hl": getattr(g, "hl", "ko"), "error_message": error_message,
                "particle": particle, "filter_names": filter_names}

    app.jinja_env.filters["local_date"] = local_date
