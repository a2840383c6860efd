"""The second yardstick's documents: the 1,562 files of ``fixtures/large``, one document per file, as they are.

A document's key is its path under ``fixtures/large`` (``ratsgo__ratsgo.github.io/_posts/2017-10-23-josa.md``),
so judgments name documents independently of any index. What each file becomes:

* Markdown (the two blogs, the JavaScript tutorial): the title from the YAML front matter's ``title:``,
  else the first heading, else the file name; the body is the file without its front matter; the other
  headings are the document's headings; a blog post's date comes from its file name.
* gettext PO (the Python documentation): the page as it is published, each entry's translation where it is
  translated (``msgstr``, not marked fuzzy) and the English source otherwise; obsolete entries (``#~``) and
  the header are left out; the title is the first entry (the page's heading) with reStructuredText role
  markup (``:mod:`!itertools```) read as its text.

Nothing is remixed or cleaned beyond that: code, TeX, markup and link targets stay in the body.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from corpus import Document

#: Folder → (lab name the documents are filed under, source name).
REPOSITORIES = {
    "ratsgo__ratsgo.github.io": "ratsgo",
    "greeksharifa__greeksharifa.github.io": "greeksharifa",
    "javascript-tutorial__ko.javascript.info": "javascript-info",
    "python__python-docs-ko": "python-docs",
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
_TITLE = re.compile(r"^title:\s*(.*?)\s*$", re.M)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.M | re.S)
_POST_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
_PO_FIELD = re.compile(r'^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\])\s+(".*")\s*$')
_PO_CONTINUED = re.compile(r'^(".*")\s*$')
_ROLE = re.compile(r":[a-z:]+:`!?~?([^`<]*?)\s*(?:<[^`>]*>)?`")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def large_root(fixtures: Path) -> Path:
    return fixtures / "large"


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def po_entries(text: str) -> Iterator[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every live entry of a PO file, the header included (its msgid is empty)."""
    fields: dict[str, str] = {}
    current = ""
    fuzzy = False
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if "msgid" in fields:
                yield fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", "")), fuzzy
            fields, current, fuzzy = {}, "", False
            continue
        if line.startswith("#~"):
            continue  # obsolete entry
        if line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        found = _PO_FIELD.match(line)
        if found:
            current = found.group(1)
            fields[current] = _unquote(found.group(2))
            continue
        found = _PO_CONTINUED.match(line)
        if found and current:
            fields[current] += _unquote(found.group(1))


def read_po(text: str, fallback_title: str) -> tuple[str, str]:
    """(title, body) of a PO file as the page is published (see the module docstring)."""
    paragraphs = []
    for msgid, msgstr, fuzzy in po_entries(text):
        if not msgid:
            continue
        paragraphs.append(msgstr if msgstr and not fuzzy else msgid)
    title = _ROLE.sub(r"\1", paragraphs[0]).strip() if paragraphs else fallback_title
    return title or fallback_title, "\n\n".join(paragraphs)


def read_markdown(text: str, fallback_title: str) -> tuple[str, str, list[str]]:
    """(title, body, headings) of a Markdown file (see the module docstring)."""
    title = ""
    front = _FRONT_MATTER.match(text)
    if front:
        found = _TITLE.search(front.group(1))
        if found:
            title = found.group(1).strip().strip("\"'")
        text = text[front.end():]
    unfenced = _FENCE.sub("", text)  # a "# comment" line inside a code block is not a heading
    headings = [m.group(2).strip() for m in _HEADING.finditer(unfenced)]
    if not title and headings:
        title = headings.pop(0)
    return title or fallback_title, text, headings


def _lang(text: str) -> str:
    letters = sum(1 for c in text if c.isalpha())
    hangul = len(_HANGUL.findall(text))
    return "ko" if letters and hangul * 5 >= letters else "en"


def load_document(root: Path, path: Path) -> Document:
    """One file of ``fixtures/large`` as a corpus document; its id is its key."""
    key = path.relative_to(root).as_posix()
    folder = key.split("/", 1)[0]
    raw = path.read_text("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    fallback = path.stem.replace("-", " ").replace("_", " ")
    published = ""
    if path.suffix == ".po":
        title, body = read_po(raw, fallback)
        headings: list[str] = []
    else:
        title, body, headings = read_markdown(raw, fallback)
        date = _POST_DATE.match(path.name)
        if date:
            published = date.group(1)
    return Document(id=key, url=f"https://large.modusearch.invalid/{quote(key)}", title=title[:300], text=body,
                    kind="page", lab=REPOSITORIES[folder], lang=_lang(title + body), source=REPOSITORIES[folder],
                    headings=headings[:50], published=published, fetched_at="2026-01-01T00:00:00+00:00")


def large_documents(root: Path) -> list[Document]:
    """Every document of ``fixtures/large`` in key order."""
    docs = []
    for folder in sorted(REPOSITORIES):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".md", ".po"):
                docs.append(load_document(root, path))
    return sorted(docs, key=lambda d: d.id)


def write_large_corpus(root: Path, corpus_path: Path) -> list[Document]:
    """Write every document of ``root`` (``fixtures/large``) into a corpus, one source per repository."""
    from corpus import Corpus

    docs = large_documents(root)
    corpus = Corpus(corpus_path)
    by_source: dict[str, list[Document]] = {}
    for doc in docs:
        by_source.setdefault(doc.source, []).append(doc)
    for name, documents in sorted(by_source.items()):
        corpus.write_source(name, documents)
    return docs


def large_systems(root: Path, workdir: Path, *, baselines: bool = True, procs: int = 2) -> tuple[list, list[Document]]:
    """modusearch (a real rebuild into ``workdir``) and, if asked, the baselines over ``fixtures/large``;
    document ids are the judgment keys."""
    from eval.runner import ModusearchSystem
    from indexer import rebuild

    docs = write_large_corpus(root, workdir / "corpus")
    rebuild(workdir / "corpus", workdir / "index", procs=procs)
    systems: list = [ModusearchSystem(workdir / "index", {d.id: d.id for d in docs})]
    if baselines:
        from eval.baselines import all_baselines

        for baseline in all_baselines():
            baseline.add([(d.id, d) for d in docs])
            systems.append(baseline)
    return systems, docs
