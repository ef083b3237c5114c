"""The relevance test set: judged queries over the sample archive, scored by MRR and recall@10.

The archive's ground truth is loaded straight into a store and indexed, so these figures measure
search alone (extraction has its own quality gate). A drop below the thresholds fails the suite.
"""

import json
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.sample import load_truth
from crawler.store import Store
from index import writer
from search.engine import Engine, SearchRequest
from search.filters import Filters

JUDGMENTS = json.loads((Path(__file__).parent / "relevance" / "judgments.json").read_text())
QUERIES = JUDGMENTS["queries"]
MIN_MRR = 0.95
MIN_RECALL_AT_10 = 0.95
FIGURES: dict[str, float] = {}


def key_of(article):
    return f"{article['site']}:{article['path']}"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    data_dir, ids = index_truth(tmp_path_factory.mktemp("relevance"))
    return Engine(data_dir), ids


def index_truth(data_dir):
    """Store and index the sample archive's ground truth; returns (data dir, id -> truth key)."""
    truth = load_truth()
    ids = {}
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for item in truth["articles"]:
                origin = truth["sites"][item["site"]]["origin"]
                article = Article(
                    url=origin + item["path"], title=item["title"], body=item["body"],
                    published=item["published"], source=item["site"], section=item["section"],
                    author=item["author"], officials=item["officials"],
                )
                store.save_article(article)
                ids[article.id] = key_of(item)
        writer.update(store, data_dir)
    return data_dir, ids


def ranked(archive, query, size=10):
    engine, ids = archive
    filters = Filters(
        officials=[query["official"]] if "official" in query else [],
        source=query.get("source"), date_from=query.get("from"), date_to=query.get("to"),
    )
    response = engine.search(SearchRequest(q=query["q"], filters=filters, page_size=size))
    return [ids[hit["id"]] for hit in response["hits"]], response["total"]


def scores(archive, query):
    hits, total = ranked(archive, query)
    relevant = set(query["relevant"])
    if not relevant:
        return (1.0, 1.0) if total == 0 else (0.0, 0.0)
    rank = next((i for i, key in enumerate(hits, 1) if key in relevant), None)
    return (1 / rank if rank else 0.0), len(relevant & set(hits)) / len(relevant)


def test_the_set_is_large_and_covers_every_hard_case():
    categories = {q["category"] for q in QUERIES}
    assert len(QUERIES) >= 40
    assert {"accentless", "tone-variant", "nfd-page", "collision", "phrase", "document-number",
            "official", "date", "boilerplate-only"} <= categories


def test_mrr_and_recall_at_10(archive):
    per_query = {f"{q['category']}: {q['q']} {q.get('official', '')}".strip(): scores(archive, q)
                 for q in QUERIES}
    FIGURES["queries"] = len(per_query)
    FIGURES["MRR"] = sum(s[0] for s in per_query.values()) / len(per_query)
    FIGURES["recall@10"] = sum(s[1] for s in per_query.values()) / len(per_query)
    misses = {name: s for name, s in per_query.items() if s != (1.0, 1.0)}
    FIGURES["misses"] = misses
    assert FIGURES["MRR"] >= MIN_MRR, misses
    assert FIGURES["recall@10"] >= MIN_RECALL_AT_10, misses


@pytest.mark.parametrize("query", [q for q in QUERIES if q["category"] == "boilerplate-only"],
                         ids=lambda q: q["q"])
def test_words_found_only_in_boilerplate_match_nothing(archive, query):
    assert ranked(archive, query)[1] == 0


@pytest.mark.parametrize("query", [q for q in QUERIES if q.get("exact_first")],
                         ids=lambda q: q["q"])
def test_the_spelling_typed_ranks_before_folded_collisions(archive, query):
    hits, _ = ranked(archive, query, size=100)
    relevant = set(query["relevant"])
    flags = [key in relevant for key in hits]
    assert flags == sorted(flags, reverse=True), hits
