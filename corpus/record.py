"""One crawled document and the normalisation every writer applies to it."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from corpus.errors import RecordError

#: Source kinds a document can have; the search filters on them.
KINDS = ("page", "readme", "interview")

_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Anything normalize_text would change besides NFC; text without it (every stored record) is returned as is.
_NEEDS_WORK = re.compile(r"[\r\t\u00a0\u3000\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|  |\n\n\n|[^\S\n]\n|\n[^\S\n]")


def normalize_text(text: str) -> str:
    """NFC, no control characters, collapsed runs of spaces and blank lines."""
    if unicodedata.is_normalized("NFC", text) and not _NEEDS_WORK.search(text) and text == text.strip():
        return text  # already normal: reading the corpus back costs no second pass
    return _normalize(text)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACE_RUN.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL: the only addresses the corpus stores (never ``javascript:``,
    ``data:`` or ``file:``), whichever source or answer it came from."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c in url for c in "\r\n\t ")


def content_hash(*parts: str) -> str:
    """A stable hash of the text a document is indexed with (same text → same hash)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:32]


@dataclass
class Document:
    """One document of the corpus.

    ``id`` is stable across crawls (derived from the canonical URL), so a re-crawl updates the
    document in place. ``content_hash`` covers the indexed text, so unchanged content is detected
    even when the server sends no validators.
    """

    id: str
    url: str
    title: str
    text: str
    kind: str
    lab: str = ""
    lang: str = ""
    source: str = ""
    fetched_at: str = ""
    content_hash: str = ""
    etag: str = ""
    last_modified: str = ""
    description: str = ""
    headings: list[str] = field(default_factory=list)
    author: str = ""
    published: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if not is_web_url(self.url):
            raise ValueError(f"url {self.url[:80]!r} is not an http(s) URL; only those are stored")
        self.title = normalize_text(self.title)
        self.text = normalize_text(self.text)
        self.description = normalize_text(self.description)
        self.headings = [normalize_text(h) for h in self.headings if h.strip()]
        if not self.content_hash:
            self.content_hash = self.compute_hash()

    def compute_hash(self) -> str:
        return content_hash(self.title, self.description, "\n".join(self.headings), self.text)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> Document:
        """Decode one stored record; raise RecordError saying what is wrong with it."""
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
        except RecursionError:
            raise RecordError("JSON nested too deeply") from None
        if not isinstance(data, dict):
            raise RecordError("record is not a JSON object")
        missing = [name for name in ("id", "url", "title", "text", "kind") if not isinstance(data.get(name), str)]
        if missing:
            raise RecordError(f"missing or non-text fields: {', '.join(missing)}")
        values = {}
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            expected = _FIELD_TYPES.get(f.name, str)
            if not isinstance(value, expected) or (expected is list and not all(isinstance(v, str) for v in value)):
                raise RecordError(f"field {f.name} is not {_TYPE_NAMES[expected]}")
            values[f.name] = value
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise RecordError(str(exc)) from exc


_FIELD_TYPES: dict[str, type] = {"headings": list, "extra": dict}
_TYPE_NAMES = {str: "text", list: "a list of text", dict: "an object"}
