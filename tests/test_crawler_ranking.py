"""Clean text pays off in ranking: an author's own posts and author page beat pages that only carry a bio card.

Every post page of the fixture lab site shows author cards (its own author's bio, "read next" cards with
other authors); those are chrome. A page whose own text names the author (FusionNet cites "U-Net (by
강은숙)") is a genuine mention and may rank anywhere.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from corpus import Corpus
from indexer import SearchIndex

# author → (author page, own posts) on the fixture lab site
AUTHORS = {
    "김승일": ("/author/seungil_kim/", {"/FCN"}),
    "강은숙": ("/author/eunsook_kang/", {"/U_Net"}),
    "김경모": ("/author/kyungmo_kim/", {"/FusionNet"}),
    "홍규석": ("/author/hks/", {"/Bias_vs_Variance"}),
    "차예솔": ("/author/peter_cha/", {"/TensorPack"}),
    "오상준": ("/author/june_oh/", {"/Learning_Deconvolution_Network_for_Semantic_Segmentation"}),
}


def path(url: str) -> str:
    return "/" + url.split("/", 3)[-1]


@pytest.mark.parametrize("author", sorted(AUTHORS))
def test_author_search_ranks_own_posts_and_author_page_above_bio_cards(
        search_index: SearchIndex, crawled: dict[str, Path], author: str) -> None:
    author_page, own = AUTHORS[author]
    site = list(Corpus(crawled["corpus"]).source_documents("biomedical-blog"))
    # Post pages that show this author only in cards: their indexed text does not name the author.
    card_only = {path(d.url) for d in site if d.author and d.author != author
                 and author not in " ".join([d.title, d.description, d.text, *d.headings])}
    assert card_only, "every post mentions the author: the test would prove nothing"

    ranked = [path(h.url) for h in search_index.search(author, per_page=30).hits]
    wanted = {author_page} | own
    assert wanted <= set(ranked), ranked
    last_wanted = max(ranked.index(p) for p in wanted)
    below = [p for p in ranked if p in card_only]
    assert all(ranked.index(p) > last_wanted for p in below), f"{author}: {ranked}"
