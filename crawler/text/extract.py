"""HTML → the parts of a page worth indexing, with boilerplate (navigation, bio cards, "read next") left out.

A hand-written extractor tuned for the static blogs labs publish (Jekyll/Ghost themes, GitHub Pages):
it keeps the main content element when the page has one and drops page chrome by tag and by class.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from bs4 import BeautifulSoup, Tag

from crawler.net.urls import normalize_url

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "form", "iframe", "button", "nav", "aside")
_CHROME_TAGS = ("header", "footer")
_BOILERPLATE = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|site-header|site-footer|footer|sidebar|author-card|author-profile|"
    r"read-next|related|share|social|subscribe|floating-header|comments?|breadcrumbs?|cookie|"
    r"advert|banner|pagination|skip-link)([-_ ]|$)",
    re.IGNORECASE,
)
_MAIN_SELECTORS = ("article .post-full-content", "[itemprop=articleBody]", ".post-content", ".entry-content",
                   "article", "main", "[role=main]", "#content", ".content")
# A listing page (home, author, tag) introduces itself in a header block outside its main element.
_INTRO_SELECTORS = ".site-header-content, .author-header, .tag-header, .page-header, .hero"
_CARD_SELECTOR = ".author-card, .author-profile, .h-card"
_BLOCKS = {"p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
           "pre", "blockquote", "table", "tr", "br", "dd", "dt", "figure", "figcaption", "main", "header"}


@dataclass
class ExtractedPage:
    """What the indexer needs from one HTML page, plus the links the crawler follows."""

    title: str = ""
    text: str = ""
    description: str = ""
    headings: list[str] = field(default_factory=list)
    author: str = ""
    published: str = ""
    lang: str = ""
    canonical: str | None = None
    links: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    noindex: bool = False
    nofollow: bool = False
    #: share of the main text that is link text: high on listings (home, tag and author pages)
    link_density: float = 0.0
    #: the page lists other pages (home, tag, author, archive) rather than saying something itself
    #: (:func:`is_listing`); the indexer ranks such pages below content
    listing: bool = False
    #: Markdown only: each heading's level (1 for # and ===) and the first sentence of the first paragraph
    heading_levels: list[int] = field(default_factory=list)
    lead: str = ""


def _meta(soup: BeautifulSoup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if isinstance(tag, Tag) and tag.get("content"):
            return str(tag["content"]).strip()
    return ""


def _is_boilerplate(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    names = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    role = str(tag.get("role") or "")
    return bool(_BOILERPLATE.search(names)) or role in ("navigation", "banner", "contentinfo", "complementary")


def block_text(root: Tag) -> str:
    """Text of ``root`` with line breaks between block elements, so paragraphs stay apart."""
    parts: list[str] = []
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCKS:
                parts.append("\n")
        elif node.__class__.__name__ == "NavigableString":
            parts.append(str(node))
    return "".join(parts)


def extract_html(html: str, base_url: str) -> ExtractedPage:
    """Parse a page; never raises on broken markup (the parser repairs what it can)."""
    soup = BeautifulSoup(html, "html.parser")
    page = ExtractedPage()
    page.links = _links(soup, base_url)
    page.feeds = [u for u in (_abs(link.get("href"), base_url) for link in soup.find_all("link", href=True)
                              if "alternate" in (link.get("rel") or [])
                              and "xml" in str(link.get("type") or "")) if u]
    canonical = soup.find("link", rel="canonical", href=True)
    if isinstance(canonical, Tag):
        page.canonical = _abs(canonical.get("href"), base_url)
    robots = _meta(soup, "robots").lower()
    page.noindex, page.nofollow = "noindex" in robots, "nofollow" in robots
    html_tag = soup.find("html")
    if isinstance(html_tag, Tag):
        page.lang = str(html_tag.get("lang") or "").split("-")[0].lower()

    title_tag = soup.find("title")
    page.title = _meta(soup, "og:title") or (title_tag.get_text(" ", strip=True) if title_tag else "")
    if re.search(r"%[0-9a-fA-F]{2}", page.title):
        page.title = unquote(page.title)  # some themes put the URL-encoded tag name in og:title
    page.description = _meta(soup, "description", "og:description")
    page.published = _meta(soup, "article:published_time", "date", "dc.date")
    page.author = _author(soup)

    body = soup.body or soup
    intro = [block_text(t) for t in body.select(_INTRO_SELECTORS)]
    # One bio card under a post is chrome; several on one page make a member directory (the lab's
    # "about" page), and there the cards are the content.
    cards = body.select(_CARD_SELECTOR)
    members = [block_text(card) for card in cards] if len(cards) >= 2 else []
    for tag in body.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in body.find_all(True):
        if tag.decomposed:
            continue
        if _is_boilerplate(tag) and tag.name not in ("body", "html", "main", "article"):
            tag.decompose()
    main = _main_element(body)
    if main is None:
        for tag in body.find_all(_CHROME_TAGS):
            if not tag.decomposed and tag.find_parent("article") is None:
                tag.decompose()
        main = body
    page.headings = [h.get_text(" ", strip=True) for h in main.find_all(["h1", "h2", "h3", "h4"])
                     if h.get_text(strip=True)]
    heading = body.find("h1")
    if not page.title and isinstance(heading, Tag):
        page.title = heading.get_text(" ", strip=True)
    if main is not body and isinstance(heading, Tag) and heading.get_text(strip=True) not in page.headings:
        page.headings.insert(0, heading.get_text(" ", strip=True))
    page.text = "\n".join([*intro, block_text(main), *members]) if main is not body else block_text(main)
    text_chars = len(main.get_text(strip=True)) or 1
    page.link_density = min(1.0, sum(len(a.get_text(strip=True)) for a in main.find_all("a")) / text_chars)
    page.listing = is_listing(main, base_url, exclude=cards)
    if not page.published:
        time_tag = main.find("time", datetime=True) or body.find("time", datetime=True)
        if isinstance(time_tag, Tag):
            page.published = str(time_tag["datetime"])
    return page


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: A listing's teasers (a linked title and a short summary each) hold at least this share of its main text.
LISTING_SHARE = 0.5
#: A teaser is short: longer blocks under one linked heading are sections of content, not summaries.
MAX_TEASER_CHARS = 1200
#: A list of links: at least this many other pages, and this share of the text in link text.
LINK_LIST_MIN = 8
LINK_LIST_SHARE = 0.7


def is_listing(main: Tag, page_url: str, exclude: list[Tag] | None = None) -> bool:
    """Whether ``main`` mostly lists other pages, as home, tag, author and archive pages of any blog
    engine do. Two shapes count:

    * *teasers*: most of the text sits in blocks made of one heading that links to another page and what
      belongs to it (a summary, a date, an author). One teaser is enough when it is the only heading
      (an author with one post); a post whose one section heading links elsewhere has other headings.
    * *a list of links*: nearly all the text is link text to many other pages (an archive by date).

    Bio cards (``exclude``) do not count: a page of people is a directory, and its cards are its content.
    """
    total = len(main.get_text(strip=True))
    if not total:
        return False
    this_page = _without_fragment(page_url)
    excluded = {id(card) for card in exclude or []}
    seen: set[int] = set()
    teaser_chars = headings = 0
    for heading in main.find_all(_HEADINGS):
        if not heading.get_text(strip=True):
            continue
        headings += 1
        link = heading.find("a", href=True) or heading.find_parent("a", href=True)
        if link is None:
            continue
        target = _abs(link.get("href"), page_url)
        if target is None or _without_fragment(target) == this_page:
            continue
        if any(id(parent) in excluded for parent in heading.parents):
            continue
        block = heading if heading.find_parent("a") is None else heading.find_parent("a")
        while block.parent is not None and block.parent is not main \
                and len(block.parent.find_all(_HEADINGS)) == 1:
            block = block.parent
        if id(block) in seen:
            continue
        seen.add(id(block))
        chars = len(block.get_text(strip=True))
        if chars <= MAX_TEASER_CHARS:
            teaser_chars += chars
    if seen and teaser_chars >= LISTING_SHARE * total and (len(seen) >= 2 or headings == 1):
        return True
    targets = {_without_fragment(u) for u in (_abs(a.get("href"), page_url) for a in main.find_all("a", href=True))
               if u and _without_fragment(u) != this_page}
    link_chars = sum(len(a.get_text(strip=True)) for a in main.find_all("a", href=True))
    return len(targets) >= LINK_LIST_MIN and link_chars >= LINK_LIST_SHARE * total


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/")


def _main_element(body: Tag) -> Tag | None:
    for selector in _MAIN_SELECTORS:
        found = body.select(selector)
        # Several matches (post cards on a listing) mean this selector does not mark the main content.
        if len(found) == 1 and len(found[0].get_text(strip=True)) >= 40:
            return found[0]
    return None


def _author(soup: BeautifulSoup) -> str:
    author = _meta(soup, "author", "article:author", "twitter:creator")
    if author and not author.startswith(("http", "@")):
        return author
    names = {tag.get_text(" ", strip=True) for tag in
             soup.select(".author-card h4, .author-card .author-name, [rel=author], [itemprop=author]")}
    # A page naming several people (a member list) has no single author.
    return names.pop() if len(names) == 1 else ""


def _abs(href: object, base: str) -> str | None:
    if not isinstance(href, str) or not href.strip():
        return None
    return normalize_url(href, base)


def _links(soup: BeautifulSoup, base: str) -> list[str]:
    seen: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True):
        if "nofollow" in (anchor.get("rel") or []):
            continue
        url = _abs(anchor["href"], base)
        if url:
            seen.setdefault(url, None)
    return list(seen)


_MD_FENCE = re.compile(r"^(```|~~~)")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_MD_REF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$")
_MD_HTML = re.compile(r"<[^>]{1,300}>")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


_MD_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE)
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_LIST = re.compile(r"^\s*([-*+>]|\d+\.)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s")
#: Longest lead sentence kept (a README's first sentence often says what the repository is).
MAX_LEAD = 120


def extract_markdown(markdown: str) -> ExtractedPage:
    """A README's readable text and its headings (code blocks kept: identifiers are searched too), the
    level of each heading (# and ===, or an HTML <h1>: 1), its title (the first top-level heading) and
    its lead: the first sentence of its first paragraph of prose."""
    page = ExtractedPage()
    lines: list[str] = []
    in_fence = False
    plain_before = False  # the previous line was a line of prose (a setext underline may follow)
    for raw in markdown.splitlines():
        if _MD_FENCE.match(raw.strip()):
            in_fence, plain_before = not in_fence, False
            continue
        if in_fence:
            lines.append(raw)
            continue
        setext = _MD_SETEXT.match(raw)
        if setext and plain_before and lines:
            _add_heading(page, lines[-1].strip(), 1 if setext.group(1)[0] == "=" else 2)
            plain_before = False
            continue
        if _MD_REF.match(raw) or _MD_TABLE_RULE.match(raw):
            plain_before = False
            continue
        html_heading = _MD_HTML_HEADING.search(raw)
        line = _MD_IMAGE.sub("" if _MD_HEADING.match(raw) else r"\1", raw)  # a heading's images are badges
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_HTML.sub(" ", line)
        heading = _MD_HEADING.match(line)
        if heading or html_heading:
            level = len(heading.group(1)) if heading else int(html_heading.group(1))  # type: ignore[union-attr]
            source = heading.group(2) if heading else _MD_HTML.sub(" ", html_heading.group(2))  # type: ignore[union-attr]
            text = " ".join(_MD_EMPHASIS.sub("", source).split())
            if text:
                _add_heading(page, text, level)
            lines.append(text)
            plain_before = False
            continue
        listed = _MD_LIST.match(line) is not None
        line = _MD_EMPHASIS.sub("", line).replace("|", " ")
        line = _MD_LIST.sub("", line)
        lines.append(line)
        plain_before = bool(line.strip()) and not listed
        if plain_before and not page.lead:
            page.lead = _lead_sentence(line)
    page.text = "\n".join(lines)
    tops = [h for h, level in zip(page.headings, page.heading_levels, strict=True) if level == 1]
    seconds = [h for h, level in zip(page.headings, page.heading_levels, strict=True) if level == 2]
    page.title = (tops or seconds or [""])[0]
    return page


def _add_heading(page: ExtractedPage, text: str, level: int) -> None:
    page.headings.append(text)
    page.heading_levels.append(level)


def _lead_sentence(line: str) -> str:
    """The first sentence of a line of prose, if it says something (not a bare link, badge or date)."""
    text = " ".join(line.split())
    if sum(c.isalpha() for c in text) < 8 or re.fullmatch(r"\S*://\S*", text):
        return ""
    cut = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(cut) > MAX_LEAD:
        space = cut.rfind(" ", 0, MAX_LEAD)
        cut = cut[:space if space > MAX_LEAD // 2 else MAX_LEAD].rstrip(" ,;:") + "…"
    return cut
