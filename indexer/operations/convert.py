"""Corpus Document → the field values the index stores and searches."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from corpus import Document
from indexer.analysis import normalize_query

_PATH_SEPARATORS = re.compile(r"[/_\-.]+")


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def url_words(url: str) -> str:
    path = unquote(urlsplit(url).path)
    path = re.sub(r"\.(html?|md)$", "", path)
    return _PATH_SEPARATORS.sub(" ", path).strip()


def _number(value: Any) -> float:
    """A number from a corpus record's ``extra`` (anything else, e.g. from a hand-edited corpus, is 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return 0.0
    return float(value)


#: The prior of a listing page (its place below content is kept by indexer/search/tiers.py).
LISTING_RANK = 0.5
#: Link density above which a page crawled before listings were detected counts as one.
LISTING_DENSITY = 0.5


def is_listing(extra: dict[str, Any]) -> bool:
    """A listing page: as the crawler detected it from the page's structure (``page_type``); for a page
    crawled before it did, by the share of its text that is link text."""
    page_type = extra.get("page_type")
    if page_type in ("listing", "content"):
        return page_type == "listing"
    return min(1.0, max(0.0, _number(extra.get("link_density")))) > LISTING_DENSITY


def to_fields(doc: Document) -> dict[str, Any]:
    extra = doc.extra or {}
    repo = extra.get("repo", "")
    repo = repo if isinstance(repo, str) else ""
    topics = extra.get("topics", [])
    topics = topics if isinstance(topics, list) else []
    repo_words = " ".join(filter(None, [repo, repo.replace("/", " "), _PATH_SEPARATORS.sub(" ", repo)]))
    headings = "\n".join(doc.headings)
    fields: dict[str, Any] = {
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "headings": headings,
        "description": doc.description,
        "body": doc.text,
        "repo": repo_words,
        "lab_text": doc.lab,
        "author": doc.author,
        "url_path": url_words(doc.url),
        "title_bigram": doc.title + "\n" + headings,
        "body_bigram": doc.text,
        "kind": doc.kind,
        "lab": doc.lab,
        "lang": doc.lang,
        "source": doc.source,
        "published_text": doc.published,
        "fetched_at": doc.fetched_at,
        "content_hash": doc.content_hash,
        "extra": extra,
        "stars": int(max(0.0, min(_number(extra.get("stars")), 2**31 - 1))),  # the field holds 32 bits
        "tags": ",".join(normalize_query(t) for t in topics if isinstance(t, str)),
    }
    # Listings (home, tag, author pages) repeat every post's summary; they should not outrank the posts.
    # Their headings are other pages' titles, so they count as body text there.
    density = min(1.0, max(0.0, _number(extra.get("link_density"))))
    listing = is_listing(extra)
    fields["page_type"] = "listing" if listing else "content"
    rank = 1.0
    if density > 0.3:
        rank = max(0.25, 1.0 - density)
    if listing:
        rank = min(rank, LISTING_RANK)
        fields["headings"] = ""
        fields["title_bigram"] = doc.title
    if len(doc.text) < 80:  # a README that is little more than its name
        rank = min(rank, 0.6)
    fields["doc_rank"] = int(round(rank * 100))
    published = _parse_date(doc.published)
    if published is not None:
        fields["published"] = published
    return fields
