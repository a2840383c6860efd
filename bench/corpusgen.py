"""Benchmark corpora of any size from the real Korean technical documents in ``fixtures/large``.

Each generated document is a run of consecutive real paragraphs of one real source document, plus
one or two paragraphs from another document of the same repository (real vocabulary, real topical
co-occurrence). A document's length is its source document's real length divided by
``scale`` (default 4: the real mean is 13.6 KB, a lab page or README is nearer 1.5 KB), so the
shape of the distribution is kept. Everything is decided by ``random.Random(seed)``: the same seed,
size and fixtures give byte-identical corpora.
"""
from __future__ import annotations

import bisect
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from corpus import Corpus, Document

DEFAULT_SEED = 20240607
DEFAULT_SCALE = 4.0

#: Each repository of the fixture set plays one lab of Modulabs (so ``lab:`` filters select ~1/4–1/2).
LABS = {
    "ratsgo__ratsgo.github.io": "자연어처리랩",
    "greeksharifa__greeksharifa.github.io": "딥러닝논문랩",
    "javascript-tutorial__ko.javascript.info": "웹프론트엔드랩",
    "python__python-docs-ko": "파이썬랩",
}
#: Shares of document kinds (the real corpus is mostly pages, then READMEs, a few interviews).
KIND_WEIGHTS = (("page", 0.70), ("readme", 0.25), ("interview", 0.05))

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_TITLE_LINE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.M)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_PO_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)
_PO_STRING = re.compile(r'"(.*)"')
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass
class SourceDoc:
    repo: str
    title: str
    paragraphs: list[str]

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)


def _po_unquote(block: str) -> str:
    parts = _PO_STRING.findall(block)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _read_markdown(text: str, fallback_title: str) -> tuple[str, list[str]]:
    title = ""
    front = _FRONT_MATTER.match(text)
    if front:
        found = _TITLE_LINE.search(front.group(0))
        title = found.group(1) if found else ""
        text = text[front.end():]
    if not title:
        heading = _HEADING.search(text)
        title = heading.group(1) if heading else fallback_title
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return title, paragraphs


def _read_po(text: str, fallback_title: str) -> tuple[str, list[str]]:
    paragraphs = []
    for match in _PO_ENTRY.finditer(text):
        source, translated = _po_unquote(match.group(1)), _po_unquote(match.group(2))
        if not source:
            continue  # the header entry
        paragraphs.append(translated or source)
    title = paragraphs[0] if paragraphs and len(paragraphs[0]) < 120 else fallback_title
    return title, paragraphs


def load_sources(root: Path) -> list[SourceDoc]:
    """Every fixture document as (repository, title, paragraphs), in sorted path order."""
    docs = []
    for repo in sorted(LABS):
        for path in sorted((root / repo).rglob("*")):
            if path.suffix not in (".md", ".po") or not path.is_file():
                continue
            text = path.read_text("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
            fallback = path.stem.replace("-", " ")
            title, paragraphs = (_read_po if path.suffix == ".po" else _read_markdown)(text, fallback)
            if paragraphs:
                docs.append(SourceDoc(repo, title.strip()[:200] or fallback, paragraphs))
    return docs


class Generator:
    """Deterministic documents built from real paragraphs (see the module docstring)."""

    def __init__(self, root: Path, seed: int = DEFAULT_SEED, scale: float = DEFAULT_SCALE) -> None:
        self.sources = load_sources(root)
        if not self.sources:
            raise FileNotFoundError(f"no .md/.po documents under {root}")
        self.seed = seed
        self.scale = scale
        self.by_repo: dict[str, list[int]] = {}
        for number, doc in enumerate(self.sources):
            self.by_repo.setdefault(doc.repo, []).append(number)
        kinds, weights = zip(*KIND_WEIGHTS, strict=False)
        self._kinds, self._kind_cum = list(kinds), list(_cumulative(weights))

    def documents(self, count: int) -> Iterator[Document]:
        rng = random.Random(f"{self.seed}:{count}")
        epoch = datetime(2017, 1, 1, tzinfo=timezone.utc)
        for number in range(count):
            yield self._document(rng, number, epoch)

    def _document(self, rng: random.Random, number: int, epoch: datetime) -> Document:
        source = self.sources[rng.randrange(len(self.sources))]
        target = max(40, int(source.chars / self.scale))  # the real length, scaled
        start = rng.randrange(len(source.paragraphs))
        chosen: list[str] = []
        size = 0
        for paragraph in source.paragraphs[start:] + source.paragraphs[:start]:
            chosen.append(paragraph)
            size += len(paragraph)
            if size >= target * 0.8:
                break
        other = self.sources[rng.choice(self.by_repo[source.repo])]
        for _ in range(rng.randint(1, 2)):
            if size >= target:
                break
            paragraph = other.paragraphs[rng.randrange(len(other.paragraphs))]
            chosen.insert(rng.randrange(len(chosen) + 1), paragraph)
            size += len(paragraph)
        text = "\n\n".join(chosen)[: max(target, 40) * 2]
        headings = [h for p in chosen for h in _HEADING.findall(p)][:10]
        kind = self._kinds[bisect.bisect(self._kind_cum, rng.random() * self._kind_cum[-1])]
        hangul = len(_HANGUL.findall(text))
        published = epoch + timedelta(days=rng.randrange(9 * 365))
        repo = source.repo.replace("__", "/")
        return Document(
            id=f"bench-{number:07d}",
            url=f"https://bench.modusearch.invalid/{repo}/{number}",
            title=f"{source.title}" if number % 3 else f"{source.title} ({number})",
            text=text,
            kind=kind,
            lab=LABS[source.repo],
            lang="ko" if hangul * 10 >= len(text.replace(" ", "")) else "en",
            source=source.repo.replace("__", "-").replace(".", "-"),
            fetched_at="2026-01-01T00:00:00+00:00",
            headings=headings,
            author=repo.split("/", 1)[0],
            published=published.date().isoformat(),
            extra={"repo": repo} if kind == "readme" else {},
        )


def _cumulative(weights: tuple[float, ...]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def write_corpus(folder: Path, count: int, fixtures: Path, *, seed: int = DEFAULT_SEED,
                 scale: float = DEFAULT_SCALE, generator: Generator | None = None) -> dict[str, int]:
    """Write ``count`` documents into a corpus folder, one source per fixture repository."""
    generator = generator or Generator(fixtures, seed=seed, scale=scale)
    by_source: dict[str, list[Document]] = {}
    for doc in generator.documents(count):
        by_source.setdefault(doc.source, []).append(doc)
    corpus = Corpus(folder)
    for name in corpus.source_names():
        if name not in by_source:
            corpus.remove_source(name)
    return {name: corpus.write_source(name, docs) for name, docs in sorted(by_source.items())}


def corpus_text_bytes(folder: Path) -> int:
    """UTF-8 bytes of the indexed text (title, headings, description, body) of a corpus."""
    return sum(len((d.title + d.description + "".join(d.headings) + d.text).encode("utf-8"))
               for d in Corpus(folder).documents())
