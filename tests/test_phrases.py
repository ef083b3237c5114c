"""Word matching against a brute-force reading of the same articles, over several segments:
syllables side by side, with the diacritics typed or any reading of the ones typed bare."""

import random

import pytest

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index import writer
from search import matching
from search.engine import Engine
from search.query import Syllable
from tests.wordtruth import Text, articles_holding
from vnsearch.bench import corpus


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("phrases")
    articles = [Article(**{k: a[k] for k in EXPORT_KEYS if k in a}) for a in corpus.generate(160)]
    articles[0].body += " dân vận dân vận dân vận chính quyền"  # a phrase overlapping itself
    articles[1].body += " người dân, vận động; Dân (vận) hoà thuỷ"  # breaks between syllables
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for article in articles:
                store.save_article(article)
        writer.rebuild(store, data_dir, segment_docs=60)
    return data_dir, {a.id: Text(a.body) for a in articles}


def brute_force(bodies: dict, word: list[Syllable]) -> set[str]:
    return articles_holding({key: [text] for key, text in bodies.items()}, [word])


def words(bodies: dict) -> list[list[Syllable]]:
    """Runs of real syllables, each read bare, as typed and mixed."""
    rng = random.Random(7)
    texts = [[t for t, _ in text.tokens] for text in bodies.values() if len(text.tokens) > 5]
    picked = []
    for size in (1, 2, 2, 3, 3, 4):
        for _ in range(10):
            syllables = rng.choice(texts)
            start = rng.randrange(len(syllables) - size)
            picked.append(syllables[start : start + size])
    common = [w for syllables in texts[:20] for w in syllables[:30]]
    picked += [[rng.choice(common) for _ in range(3)] for _ in range(10)]
    picked += [["dân", "vận", "dân", "vận"], ["vận", "dân", "vận", "chính"], ["dân", "dân"],
               ["dân", "vận"], ["hòa", "thủy"]]
    read = []
    for syllables in picked:
        read.append([Syllable.read(s, marks=False) for s in syllables])
        read.append([Syllable.read(s) for s in syllables])
        read.append([Syllable.read(s, marks=bool(i % 2)) for i, s in enumerate(syllables)])
    return read


def postings_of(engine):
    searcher = engine.searcher()
    key = engine._key(searcher)
    columns = engine._columns.get(searcher.reader(), key)
    return searcher, matching.Postings(searcher, columns, engine._postings, key)


@pytest.mark.parametrize("sparse", [0, 16, 10**9], ids=["blocks-read", "chosen", "whole-words"])
def test_phrases_match_exactly_the_articles_holding_them(archive, sparse, monkeypatch):
    """Occurrences read only where the candidates are, or whole words kept: same matches."""
    monkeypatch.setattr(matching, "SPARSE", sparse)
    data_dir, bodies = archive
    searcher, postings = postings_of(Engine(data_dir))
    assert len(searcher.reader().leaf_readers()) == 3
    matched_some = 0
    for word in words(bodies):
        docs, counts = matching.word_postings(postings, "body", word)
        found = {searcher.stored_fields(int(d))["id"] for d in docs}
        assert found == brute_force(bodies, word), word
        assert len(counts) == len(docs) and (counts >= 1).all()
        matched_some += bool(found)
    assert matched_some >= 150


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
    searcher, postings = postings_of(Engine(tmp_path))
    assert searcher.reader().has_deletions()

    def found(*typed):
        word = [Syllable.read(s) for s in typed]
        docs = matching.word_postings(postings, "body", word)[0]
        return sorted(searcher.stored_fields(int(d))["id"] for d in docs)

    assert found("xay", "dung", "dang") == []
    assert found("dang", "bo") == sorted([first.id, other.id])
    assert found("bo", "xay", "dung") == [other.id]
