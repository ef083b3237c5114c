"""Phrase matching against a brute-force reading of the same articles, over several segments."""

import random

import pytest

from bench import corpus
from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index import writer
from index.analysis import FoldedAnalyzer
from search import matching
from search.engine import Engine


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("phrases")
    articles = [Article(**{k: a[k] for k in EXPORT_KEYS if k in a}) for a in corpus.generate(160)]
    articles[0].body += " dân vận dân vận dân vận chính quyền"  # a phrase overlapping itself
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for article in articles:
                store.save_article(article)
        writer.rebuild(store, data_dir, segment_docs=60)
    bodies = {
        a.id: [(t.pos, t.text) for t in FoldedAnalyzer()(a.body, positions=True)] for a in articles
    }
    return data_dir, bodies


def brute_force(bodies: dict, phrase: list[str]) -> set[str]:
    found = set()
    for article_id, tokens in bodies.items():
        at = dict(tokens)
        if any(all(at.get(p + i) == w for i, w in enumerate(phrase)) for p, _ in tokens):
            found.add(article_id)
    return found


def phrases(bodies: dict) -> list[list[str]]:
    rng = random.Random(7)
    texts = [[t for _, t in tokens] for tokens in bodies.values() if len(tokens) > 5]
    picked = []
    for size in (2, 3, 3, 4):
        for _ in range(15):
            words = rng.choice(texts)
            start = rng.randrange(len(words) - size)
            picked.append(words[start : start + size])
    common = [w for words in texts[:20] for w in words[:30]]
    picked += [[rng.choice(common) for _ in range(3)] for _ in range(20)]
    picked += [["dan", "van", "dan", "van"], ["van", "dan", "van", "chinh"], ["dan", "dan"]]
    return picked


@pytest.mark.parametrize("sparse", [0, 16, 10**9], ids=["blocks-read", "chosen", "whole-words"])
def test_phrases_match_exactly_the_articles_holding_them(archive, sparse, monkeypatch):
    """Occurrences read only where the candidates are, or whole words kept: same matches."""
    monkeypatch.setattr(matching, "SPARSE", sparse)
    data_dir, bodies = archive
    engine = Engine(data_dir)
    searcher = engine.searcher()
    assert len(searcher.reader().leaf_readers()) == 3
    key = engine._key(searcher)
    postings = matching.Postings(
        searcher, engine._columns.get(searcher.reader(), key), engine._postings, key
    )
    matched_some = 0
    for phrase in phrases(bodies):
        docs = matching.phrase_docs(postings, "body_f", phrase)
        found = {searcher.stored_fields(int(d))["id"] for d in docs}
        assert found == brute_force(bodies, phrase), phrase
        matched_some += bool(found)
    assert matched_some >= 60


@pytest.mark.parametrize("sparse", [0, 10**9], ids=["blocks-read", "whole-words"])
def test_phrases_skip_replaced_versions(tmp_path, sparse, monkeypatch):
    """An edited article leaves its old version deleted in an older segment."""
    monkeypatch.setattr(matching, "SPARSE", sparse)
    first = Article(url="https://tinhuy.example.vn/a.html", title="Tin", body="xây dựng Đảng bộ")
    other = Article(url="https://tinhuy.example.vn/b.html", title="Tin", body="Đảng bộ xây dựng")
    with Store.in_data_dir(tmp_path) as store:
        for article in (first, other):
            store.save_article(article)
        writer.rebuild(store, tmp_path)
        store.save_article(Article(**{**first.to_dict(), "body": "Đảng bộ tỉnh"}))
        writer.update(store, tmp_path)
    engine = Engine(tmp_path)
    searcher = engine.searcher()
    assert searcher.reader().has_deletions()
    key = engine._key(searcher)
    postings = matching.Postings(
        searcher, engine._columns.get(searcher.reader(), key), engine._postings, key
    )

    def found(*words):
        docs = matching.phrase_docs(postings, "body_f", list(words))
        return sorted(searcher.stored_fields(int(d))["id"] for d in docs)

    assert found("xay", "dung", "dang") == []
    assert found("dang", "bo") == sorted([first.id, other.id])
    assert found("bo", "xay", "dung") == [other.id]
