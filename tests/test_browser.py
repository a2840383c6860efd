"""The search page in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium).

Against the production server over HTTP on the crawled fixtures: Korean typed one character at a time
(IME-style prefixes and 초성), a suggestion picked with the keyboard, a facet, the next page, the UI
language, related documents, an XSS page, and a 360-px phone. Screenshots go to $MODUSEARCH_SCREENSHOTS
(docs/screenshots/ when refreshing the committed ones), else to a temporary folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from helpers import web_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else shutil.which("chromedriver")
if not CHROMIUM or not CHROMEDRIVER:
    pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars")


def _driver(profile: Path, *, javascript: bool = True, accept_language: str = "ko-KR,ko,en") -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,900")
    prefs: dict[str, object] = {"intl.accept_languages": accept_language}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("MODUSEARCH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def base_url(crawled: dict[str, Path]) -> Iterator[str]:
    with web_server(crawled["index"]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    profile = Path(tempfile.mkdtemp(prefix="modusearch-chromium-"))
    driver = _driver(profile)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver: WebDriver, seconds: float = 5) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def suggestion_texts(driver: WebDriver) -> list[str]:
    # Read in one script: the list is re-rendered after each keystroke, so element handles go stale.
    return list(driver.execute_script(
        "return Array.from(document.querySelectorAll('#suggestions:not([hidden]) .sugg-text'), e => e.textContent)"))


def type_slowly(driver: WebDriver, element, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        element.send_keys(char)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_suggestions_while_typing_korean_and_choseong(browser: WebDriver, base_url: str, shots: Path) -> None:
    browser.get(base_url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ko"  # from Accept-Language
    browser.save_screenshot(str(shots / "desktop-home.png"))
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # autofocus on the home page
    type_slowly(browser, box, "풀이")  # 풀잎 while its last consonant is still missing
    wait(browser).until(lambda d: "풀잎스쿨" in suggestion_texts(d))
    assert box.get_attribute("aria-expanded") == "true"
    browser.save_screenshot(str(shots / "desktop-suggest-composing.png"))

    box.send_keys(Keys.ESCAPE)  # Esc closes the list
    wait(browser).until(lambda d: not d.find_element(By.ID, "suggestions").is_displayed())
    box.clear()
    type_slowly(browser, box, "ㄱㅎㅎㅅ")
    wait(browser).until(lambda d: "강화학습" in suggestion_texts(d))
    browser.save_screenshot(str(shots / "desktop-suggest-choseong.png"))
    texts = suggestion_texts(browser)
    for _ in range(texts.index("강화학습") + 1):
        box.send_keys(Keys.ARROW_DOWN)
    active = browser.find_element(By.CSS_SELECTOR, '#suggestions [aria-selected="true"]')
    assert active.text.startswith("강화학습")
    assert box.get_attribute("aria-activedescendant") == active.get_attribute("id")
    box.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: "/search" in d.current_url)
    assert query_of(browser.current_url)["q"] == ["강화학습"]
    count = browser.find_element(By.ID, "result-count")
    assert count.get_attribute("aria-live") == "polite" and "검색 결과" in count.text
    browser.save_screenshot(str(shots / "desktop-results.png"))


def test_english_prefix_and_choseong_of_a_lab(browser: WebDriver, base_url: str) -> None:
    browser.get(base_url + "/labs")
    box = browser.find_element(By.ID, "q")
    box.click()
    type_slowly(browser, box, "seg")
    wait(browser).until(lambda d: any(t.lower().startswith("segment") for t in suggestion_texts(d)))
    box.clear()
    type_slowly(browser, box, "ㅂㅇㅇㅁㄷㅋ")
    wait(browser).until(lambda d: "바이오메디컬랩" in suggestion_texts(d))


def test_facet_narrows_and_pagination_keeps_query_and_filters(browser: WebDriver, base_url: str,
                                                             shots: Path) -> None:
    browser.get(base_url + "/search?q=" + "강화학습")
    total_before = int("".join(c for c in browser.find_element(By.ID, "result-count").text.split("·")[0] if c.isdigit()))
    facet = browser.find_element(By.XPATH, "//aside//a[contains(@class,'facet-link')][.//span[text()='한국어']]")
    facet_count = int(facet.find_element(By.CLASS_NAME, "facet-count").text)
    facet.click()
    wait(browser).until(lambda d: "lang=ko" in d.current_url)
    count_text = browser.find_element(By.ID, "result-count").text
    assert str(facet_count) in count_text and facet_count < total_before
    chip = browser.find_element(By.CSS_SELECTOR, ".active-filters .chip.removable")
    assert "한국어" in chip.text
    assert facet_count > 10, "the fixture query should need a second page"
    browser.find_element(By.CSS_SELECTOR, ".pagination a[rel=next]").click()
    wait(browser).until(lambda d: "page=2" in d.current_url)
    params = query_of(browser.current_url)
    assert params["q"] == ["강화학습"] and params["lang"] == ["ko"] and params["page"] == ["2"]
    assert browser.find_element(By.CSS_SELECTOR, ".pagination .current").text == "2"
    assert browser.find_elements(By.CSS_SELECTOR, "ol.results > li.result")
    browser.save_screenshot(str(shots / "desktop-filtered-page2.png"))
    browser.find_element(By.CSS_SELECTOR, ".active-filters .chip.removable").click()  # remove the filter
    wait(browser).until(lambda d: "lang=" not in d.current_url)
    assert str(total_before) in browser.find_element(By.ID, "result-count").text


def test_keyboard_slash_arrows_and_related_documents(browser: WebDriver, base_url: str, shots: Path) -> None:
    browser.get(base_url + "/search?q=segmentation")
    body = browser.find_element(By.TAG_NAME, "body")
    browser.execute_script("document.activeElement.blur()")
    body.send_keys("/")
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box
    box.send_keys(Keys.ESCAPE)
    box.send_keys(Keys.ARROW_DOWN)  # no list open: into the results
    links = browser.find_elements(By.CSS_SELECTOR, ".result-link")
    wait(browser).until(lambda d: d.switch_to.active_element == links[0])
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert browser.switch_to.active_element == links[1]
    browser.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert browser.switch_to.active_element == links[0]

    toggle = browser.find_element(By.CSS_SELECTOR, ".related-toggle")
    toggle.click()
    panel = browser.find_element(By.ID, toggle.get_attribute("aria-controls"))
    wait(browser).until(lambda d: panel.find_elements(By.CSS_SELECTOR, "a.related-link"))
    assert toggle.get_attribute("aria-expanded") == "true" and browser.current_url.endswith("q=segmentation")
    browser.save_screenshot(str(shots / "desktop-related.png"))
    toggle.click()
    assert not panel.is_displayed()


def test_switch_ui_language_is_remembered(browser: WebDriver, base_url: str, shots: Path) -> None:
    browser.get(base_url + "/search?q=" + "세그멘테이션")
    browser.find_element(By.CSS_SELECTOR, '.lang-switch a[lang="en"]').click()
    wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert unquote(browser.current_url).endswith("/search?q=세그멘테이션")
    assert "results" in browser.find_element(By.ID, "result-count").text
    browser.get(base_url + "/labs")  # remembered (cookie) on the next page
    assert browser.find_element(By.TAG_NAME, "h1").text == "Labs"
    browser.save_screenshot(str(shots / "desktop-labs-en.png"))
    browser.find_element(By.CSS_SELECTOR, '.lang-switch a[lang="ko"]').click()
    wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ko")


def test_lab_page_and_no_results_page(browser: WebDriver, base_url: str, shots: Path) -> None:
    browser.get(base_url + "/labs")
    browser.find_element(By.LINK_TEXT, "바이오메디컬랩").click()
    wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "바이오메디컬랩")
    assert browser.find_elements(By.CSS_SELECTOR, ".key-terms .chip")
    browser.save_screenshot(str(shots / "desktop-lab.png"))
    box = browser.find_element(By.ID, "q")
    box.send_keys("segmentation", Keys.ENTER)  # the box is scoped to the lab
    wait(browser).until(lambda d: "/search" in d.current_url)
    assert query_of(browser.current_url)["lab"] == ["바이오메디컬랩"]
    browser.get(base_url + "/search?q=" + "큐비트 zzqqxx")
    empty = browser.find_element(By.CLASS_NAME, "empty")
    assert "큐비트" in empty.text and empty.find_elements(By.CSS_SELECTOR, "a.chip")
    browser.save_screenshot(str(shots / "desktop-no-results.png"))


def test_phone_width_has_no_horizontal_scroll(browser: WebDriver, base_url: str, shots: Path) -> None:
    browser.set_window_size(360, 780)
    try:
        for name, path in (("phone-home.png", "/"), ("phone-results.png", "/search?q=강화학습"),
                           ("phone-lab.png", "/labs/바이오메디컬랩")):
            browser.get(base_url + path)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            viewport = browser.execute_script("return window.innerWidth")
            assert width <= viewport, f"{path} scrolls sideways at {viewport}px ({width}px wide)"
            browser.save_screenshot(str(shots / name))
        box = browser.find_element(By.ID, "q")
        box.click()
        type_slowly(browser, box, "강화")
        wait(browser).until(lambda d: "강화학습" in suggestion_texts(d))
        browser.save_screenshot(str(shots / "phone-suggest.png"))
    finally:
        browser.set_window_size(1280, 900)


@pytest.fixture(scope="module")
def xss_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from corpus import Corpus, Document
    from indexer import rebuild

    root = tmp_path_factory.mktemp("xss")
    Corpus(root / "corpus").write_source("xss", [Document(
        id="xss-1", url="https://example.org/<script>alert(2)</script>", title="<script>alert(1)</script>",
        text="alert payload <img src=x onerror=alert(3)> 강화학습 " * 3, kind="page", lab="<b>XSS랩</b>",
        lang="ko", source="xss", description="<script>alert(4)</script>")])
    rebuild(root / "corpus", root / "index")
    return root / "index"


def test_document_text_and_query_are_shown_as_text(browser: WebDriver, xss_index: Path) -> None:
    with web_server(xss_index) as url:
        browser.get(url + "/search?q=" + "alert%20%3Cscript%3Ealert(5)%3C/script%3E")
        title = browser.find_element(By.CSS_SELECTOR, ".result-link")
        assert title.text == "<script>alert(1)</script>"
        assert browser.find_element(By.CSS_SELECTOR, ".meta .lab").text == "<b>XSS랩</b>"
        assert browser.find_element(By.ID, "q").get_attribute("value") == "alert <script>alert(5)</script>"
        assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018
        browser.get(url + "/labs")
        assert "<b>XSS랩</b>" in browser.find_element(By.CSS_SELECTOR, ".lab-name").text


def test_works_with_javascript_off(base_url: str) -> None:
    profile = Path(tempfile.mkdtemp(prefix="modusearch-nojs-"))
    driver = _driver(profile, javascript=False, accept_language="en-US,en")
    try:
        driver.get(base_url + "/")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        driver.find_element(By.ID, "q").send_keys("U-Net", Keys.ENTER)
        wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".result-link")))
        assert query_of(driver.current_url)["q"] == ["U-Net"]
        related = driver.find_element(By.CSS_SELECTOR, ".related-toggle")
        related.click()  # without JS: a page of related documents
        wait(driver).until(lambda d: "/related" in d.current_url)
        assert driver.find_elements(By.CSS_SELECTOR, ".result-link")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# -- results that explain themselves (issue 17) ----------------------------------------------------


def result_snippets(driver: WebDriver) -> list[dict[str, object]]:
    return list(driver.execute_script(
        "return Array.from(document.querySelectorAll('ol.results > li.result'), li => ({"
        "title: li.querySelector('.result-link').textContent,"
        "marks: Array.from(li.querySelectorAll('.snippet mark, h2 mark, .author mark'), m => m.textContent),"
        "twins: Array.from(li.querySelectorAll('.snippet mark.alt'), m => m.textContent),"
        "snippet: li.querySelector('.snippet').textContent}))"))


def test_every_result_shows_the_words_that_made_it_match(browser: WebDriver, base_url: str, shots: Path) -> None:
    browser.get(base_url + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("세그멘테이션", Keys.ENTER)
    wait(browser).until(lambda d: len(result_snippets(d)) == 10)
    results = result_snippets(browser)
    assert len(results) == 10 and all(r["marks"] for r in results), [r["title"] for r in results if not r["marks"]]
    fcn = next(r for r in results if "Fully Convolutional" in str(r["title"]))
    assert "Segmentation" in fcn["twins"]  # the English twin, in its own style
    assert "모두의연구소 바이오메디컬랩 기술 블로그입니다." not in str(fcn["snippet"])  # no tagline
    browser.save_screenshot(str(shots / "desktop-snippets.png"))
    browser.get(base_url + "/search?q=U-Net")
    first = result_snippets(browser)[0]
    assert "U-Net" in first["marks"] and "Net" not in first["marks"]


def test_choseong_example_chip_and_enter_search_the_completion(browser: WebDriver, base_url: str,
                                                                shots: Path) -> None:
    browser.get(base_url + "/")
    browser.find_element(By.LINK_TEXT, "ㄱㅎㅎㅅ").click()
    wait(browser).until(lambda d: d.find_elements(By.ID, "choseong-note"))
    assert "초성 검색: 강화학습" in browser.find_element(By.ID, "choseong-note").text
    assert int("".join(c for c in browser.find_element(By.ID, "result-count").text.split("·")[0] if c.isdigit())) > 0
    browser.save_screenshot(str(shots / "desktop-choseong.png"))
    box = browser.find_element(By.ID, "q")
    box.clear()
    type_slowly(browser, box, "ㅍㄹㅅㅋ")
    box.send_keys(Keys.ENTER)  # no suggestion chosen: Enter searches what was typed
    wait(browser).until(lambda d: query_of(d.current_url).get("q") == ["ㅍㄹㅅㅋ"])
    assert "풀잎스쿨" in browser.find_element(By.ID, "choseong-note").text
    assert browser.find_elements(By.CSS_SELECTOR, "ol.results > li.result")


def test_an_empty_search_in_a_lab_browses_it_newest_first(browser: WebDriver, base_url: str, shots: Path) -> None:
    browser.get(base_url + "/labs/" + "CTRL랩")
    browser.find_element(By.CSS_SELECTOR, "form.search-form button[type=submit]").click()
    wait(browser).until(lambda d: "/search" in d.current_url)
    assert "CTRL랩 문서 3건 · 최신순" in browser.find_element(By.ID, "result-count").text
    dates = [t.get_attribute("datetime") for t in browser.find_elements(By.CSS_SELECTOR, "ol.results time")]
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.results > li.result")) == 3
    assert dates == sorted(dates, reverse=True)
    browser.save_screenshot(str(shots / "desktop-browse.png"))
    browser.get(base_url + "/search?kind=readme")
    browser.find_element(By.CSS_SELECTOR, ".pagination a[rel=next]").click()
    wait(browser).until(lambda d: "page=2" in d.current_url)
    assert query_of(browser.current_url)["kind"] == ["readme"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.results > li.result")) == 10


def test_a_word_that_matched_nothing_is_named_with_a_search_without_it(browser: WebDriver, base_url: str,
                                                                        shots: Path) -> None:
    browser.get(base_url + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("쿠버네티스 강화학습", Keys.ENTER)
    wait(browser).until(lambda d: d.find_elements(By.ID, "missing-note"))
    note = browser.find_element(By.ID, "missing-note")
    assert "포함되지 않은 단어: 쿠버네티스" in note.text
    browser.save_screenshot(str(shots / "desktop-missing.png"))
    note.find_element(By.TAG_NAME, "a").click()
    wait(browser).until(lambda d: query_of(d.current_url).get("q") == ["강화학습"])
    assert not browser.find_elements(By.ID, "missing-note")


def test_suggestions_rank_complete_and_open_as_a_person_expects(browser: WebDriver, base_url: str,
                                                                shots: Path) -> None:
    browser.get(base_url + "/")
    box = browser.find_element(By.ID, "q")
    type_slowly(browser, box, "ㅍㄹ")
    wait(browser).until(lambda d: suggestion_texts(d)[:1] == ["풀잎스쿨"])
    bold = browser.execute_script("return document.querySelector('#suggestions .sugg-text b').textContent")
    assert bold == "풀잎"  # the characters the consonants stand for
    box.clear()
    type_slowly(browser, box, "U-Net 세그")
    wait(browser).until(lambda d: suggestion_texts(d)[:1] == ["U-Net 세그멘테이션"])
    browser.save_screenshot(str(shots / "desktop-suggest-last-word.png"))
    box.clear()
    type_slowly(browser, box, "rkdgh")  # 강호…: Hangul typed in the Latin keyboard mode
    wait(browser).until(lambda d: suggestion_texts(d)[:1] == ["강화학습"])
    box.clear()
    type_slowly(browser, box, "deconv")
    document = "Learning Deconvolution Network for Semantic Segmentation"
    wait(browser).until(lambda d: document in suggestion_texts(d))
    for _ in range(suggestion_texts(browser).index(document) + 1):
        box.send_keys(Keys.ARROW_DOWN)
    box.send_keys(Keys.ENTER)  # a document suggestion opens the document itself, not a search for its title
    wait(browser).until(lambda d: d.current_url.rstrip("/").endswith(
        "/Learning_Deconvolution_Network_for_Semantic_Segmentation"))
    assert "/search" not in browser.current_url
