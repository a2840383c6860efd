"""The crawl of the fixture sites: every real page once, all READMEs, one interview in two encodings."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

from corpus import Corpus

EXPECTED_SITE_PATHS = {
    "/", "/about/", "/FCN", "/Learning_Deconvolution_Network_for_Semantic_Segmentation", "/Bias_vs_Variance",
    "/U_Net", "/FusionNet", "/TensorPack",
    "/author/seungil_kim/", "/author/june_oh/", "/author/hks/", "/author/eunsook_kang/",
    "/author/kyungmo_kim/", "/author/peter_cha/",
    "/tag/개념-정리/", "/tag/논문-리뷰/",
}


def _docs(crawled: dict[str, Path], source: str) -> list:  # type: ignore[type-arg]
    return list(Corpus(crawled["corpus"]).source_documents(source))


def test_site_crawl_finds_every_real_page_once(crawled: dict[str, Path]) -> None:
    docs = _docs(crawled, "biomedical-blog")
    paths = [unquote(urlsplit(d.url).path) for d in docs]
    assert set(paths) == EXPECTED_SITE_PATHS
    assert len(paths) == len(set(paths)), Counter(paths).most_common(3)
    assert not any("localhost:4000" in d.url for d in docs)
    assert all(d.kind == "page" and d.lab == "바이오메디컬랩" for d in docs)


def test_post_pages_keep_title_author_date_and_no_page_chrome(crawled: dict[str, Path]) -> None:
    docs = {urlsplit(d.url).path: d for d in _docs(crawled, "biomedical-blog")}
    unet = docs["/U_Net"]
    assert unet.title == "U-Net"
    assert unet.author == "강은숙"
    assert unet.published.startswith("2018-04-02")
    assert "Network Architecture" in " ".join(unet.headings)
    # The "read next" cards and the author bio card are page chrome, not the post's text.
    assert "Tensorpack" not in unet.text
    assert "FusionNet" not in unet.text
    assert unet.lang == "ko"


def test_all_readmes_arrive_with_repository_metadata(crawled: dict[str, Path], shared_fixtures: Path) -> None:
    docs = _docs(crawled, "github")
    expected = {p.parent.relative_to(shared_fixtures / "github").as_posix().lower()
                for p in (shared_fixtures / "github").glob("*/*/README.md")}
    assert len(expected) == 38
    assert {d.extra["repo"].lower() for d in docs} == expected
    rl = next(d for d in docs if d.extra["repo"] == "modulabs/RL4RWS")
    assert rl.kind == "readme" and rl.lab == "RL4RWS랩"
    assert "강화학습" in rl.text
    assert rl.url == "https://github.com/modulabs/RL4RWS"
    pommerman = next(d for d in docs if d.extra["repo"] == "modulabs-ctrl/pommerman-2018")
    assert pommerman.lab == "CTRL랩"


def test_euc_kr_and_utf8_interviews_are_one_document(crawled: dict[str, Path], shared_fixtures: Path) -> None:
    docs = _docs(crawled, "interviews")
    assert len(docs) == 1
    text = (shared_fixtures / "interviews" / "modulabs-biomedical-interview.txt").read_text("utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert docs[0].title == lines[1]
    for line in lines[3:]:
        assert line.replace("&amp;", "&") in docs[0].text
    assert "\ufffd" not in docs[0].text
    assert docs[0].kind == "interview"


def test_euc_kr_page_alone_decodes_to_the_same_text(servers, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler import crawl, parse_sources

    def crawl_one(name: str) -> str:
        config = parse_sources({"settings": {"delay": 0.0}, "pages": [{"name": "one", "urls": [
            f"{servers.interviews.url}/{name}"]}]})
        corpus = Corpus(tmp_path / name)
        crawl(config, corpus)
        (doc,) = corpus.documents()
        return doc.content_hash

    assert crawl_one("modulabs-biomedical-interview.html") == crawl_one("modulabs-biomedical-interview.euc-kr.html")


def test_every_record_carries_validators_and_hash(crawled: dict[str, Path]) -> None:
    docs = list(Corpus(crawled["corpus"]).documents())
    assert len(docs) == 16 + 7 + 38 + 1
    for doc in docs:
        assert doc.fetched_at and len(doc.content_hash) == 32
    assert all(d.etag for d in docs if d.source in ("biomedical-blog", "github"))
