"""Crawl benchmark over the fixture sites (a script, not a test).

    python bench/crawl_bench.py                 # crawl speed, then a re-crawl: 304 share and bytes
    python bench/crawl_bench.py --extractors    # main-content extraction: bs4 extractor vs trafilatura

The first mode serves the shared fixtures on 127.0.0.1 (tests/servers.py), crawls them with the delay
set to 0 into a temporary corpus, prints pages/s, then re-crawls and prints the share of requests
answered 304 and the bytes received in both runs.

The second mode scores each extractor on the fixture pages against a reference split of every page
into main content and boilerplate, made from the themes' own markup (see GOLD below): "main lost" is the
share of the main content's words missing from the output, "boilerplate kept" the share of the
boilerplate's words present in it. trafilatura is optional (``pip install trafilatura``).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from conftest import fixture_sources_toml  # noqa: E402
from corpus import Corpus  # noqa: E402
from crawler import crawl, parse_sources  # noqa: E402
from crawler.text.extract import extract_html  # noqa: E402
from servers import fixtures_root, serve_all  # noqa: E402


def bench_crawl() -> None:
    with serve_all() as servers, tempfile.TemporaryDirectory() as tmp:
        config = parse_sources(tomllib.loads(fixture_sources_toml(servers)))
        corpus = Corpus(Path(tmp) / "corpus")
        runs = []
        for name in ("first crawl", "re-crawl"):
            started = time.perf_counter()
            summary = crawl(config, corpus, sleep=lambda s: None)
            seconds = time.perf_counter() - started
            runs.append((name, summary, seconds))
        print(f"{'run':<12} {'requests':>8} {'docs':>5} {'pages/s':>8} {'304':>6} {'304 share':>9} "
              f"{'conditional':>11} {'bytes':>10} {'seconds':>7}")
        for name, summary, seconds in runs:
            docs = summary.total("fetched") + summary.not_modified  # URLs fetched or answered 304
            share = summary.not_modified / summary.requests if summary.requests else 0.0
            print(f"{name:<12} {summary.requests:>8} {docs:>5} {docs / seconds:>8.1f} {summary.not_modified:>6} "
                  f"{share:>9.1%} {summary.conditional:>11} {summary.bytes:>10,} {seconds:>7.2f}")
        print("pages/s counts every page, README and interview fetched or confirmed unchanged, per second"
              " of wall time; bytes are bytes received (bodies, including small error pages).")


# -- extraction quality -------------------------------------------------------------------------------

SITE = "sites/modulabs-biomedical.github.io"
DISTRACTOR = "sites/talmo777.github.io/modulabs_homepage"
# page type → (selectors of the main content, selectors of boilerplate), from the themes' markup
GOLD = {
    "post": ([".post-full-title", ".post-full-content"],
             [".site-nav", ".post-full-footer", ".read-next", ".site-footer", ".floating-header"]),
    "about": ([".post-full-title", ".post-full-content", ".author-card"], [".site-nav", ".site-footer"]),
    "listing": ([".site-header-content", ".post-feed"], [".site-nav", ".site-footer"]),
    "distractor": (["main"], ["nav", "footer"]),
    "interview": (["body"], []),
}


def _page_type(rel: str) -> str:
    if rel.startswith(DISTRACTOR):
        return "distractor"
    if rel.startswith("interviews"):
        return "interview"
    name = rel[len(SITE) + 1:]
    if name == "about/index.html":
        return "about"
    if name == "index.html" or name.startswith(("author/", "tag/")):
        return "listing"
    return "post"


def _words(text: str) -> Counter[str]:
    return Counter(w.strip(".,:;!?()[]\"'·") for w in text.split() if w.strip(".,:;!?()[]\"'·"))


def _gold(html: str, kind: str) -> tuple[Counter[str], Counter[str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["script", "style", "noscript"]):
        tag.decompose()
    main_sel, boiler_sel = GOLD[kind]
    main = Counter[str]()
    for tag in soup.select(", ".join(main_sel)):
        main += _words(tag.get_text(" "))
    boiler = Counter[str]()
    for tag in soup.select(", ".join(boiler_sel)) if boiler_sel else []:
        boiler += _words(tag.get_text(" "))
    return main, boiler - main  # words that are also main content are not held against anyone


def _score(output: str, main: Counter[str], boiler: Counter[str]) -> tuple[float, float]:
    out = _words(output)
    found = sum((out & main).values())
    lost = 1 - found / max(sum(main.values()), 1)
    kept = sum(((out - main) & boiler).values()) / max(sum(boiler.values()), 1) if boiler else 0.0
    return lost, kept


def _extractors() -> dict[str, object]:
    def bs4_extractor(html: str, url: str) -> str:
        page = extract_html(html, url)
        return "\n".join([page.title, *page.headings, page.text])

    found: dict[str, object] = {"bs4 (crawler.text.extract)": bs4_extractor}
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed: only the bs4 extractor is scored", file=sys.stderr)
        return found

    # Title plus main text for both sides (metadata such as the author name would blur the boilerplate count).
    def trafilatura_default(html: str, url: str) -> str:
        meta = trafilatura.extract_metadata(html, default_url=url)
        return ((meta.title or "") if meta else "") + "\n" + (trafilatura.extract(html, url=url) or "")

    def trafilatura_precision(html: str, url: str) -> str:
        meta = trafilatura.extract_metadata(html, default_url=url)
        text = trafilatura.extract(html, url=url, favor_precision=True) or ""
        return ((meta.title or "") if meta else "") + "\n" + text

    found[f"trafilatura {trafilatura.__version__}"] = trafilatura_default
    found[f"trafilatura {trafilatura.__version__} favor_precision"] = trafilatura_precision
    return found


def bench_extractors() -> None:
    root = fixtures_root()
    files = sorted(p for p in (root / "sites").rglob("*.html") if p.name != "404.html")
    files.append(root / "interviews" / "modulabs-biomedical-interview.html")
    pages = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        html = path.read_text("utf-8")
        kind = _page_type(rel)
        pages.append((rel, kind, html, *_gold(html, kind)))
    print(f"{len(pages)} pages: " + ", ".join(f"{k} {sum(p[1] == k for p in pages)}" for k in GOLD))
    print(f"{'extractor':<40} {'type':<11} {'main lost':>9} {'boilerplate kept':>16} {'ms/page':>8}")
    for name, extract in _extractors().items():
        per_kind: dict[str, list[tuple[float, float]]] = {}
        started = time.perf_counter()
        for rel, kind, html, main, boiler in pages:
            output = extract(html, "http://127.0.0.1/" + rel)  # type: ignore[operator]
            per_kind.setdefault(kind, []).append(_score(output, main, boiler))
        ms = (time.perf_counter() - started) * 1000 / len(pages)
        everything = [s for scores in per_kind.values() for s in scores]
        for kind, scores in [*per_kind.items(), ("all", everything)]:
            lost = sum(s[0] for s in scores) / len(scores)
            kept = sum(s[1] for s in scores) / len(scores)
            timing = f"{ms:>8.1f}" if kind == "all" else ""
            print(f"{name:<40} {kind:<11} {lost:>9.1%} {kept:>16.1%} {timing}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extractors", action="store_true", help="compare main-content extractors instead")
    args = parser.parse_args()
    bench_extractors() if args.extractors else bench_crawl()


if __name__ == "__main__":
    main()
