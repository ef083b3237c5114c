"""``vnsearch bench``: a deterministic corpus, queries that always match, and the JSON a run prints."""

import json
import re
import unicodedata

import pytest
from click.testing import CliRunner

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index import writer
from index.analysis import fold, place_tone
from search.engine import Engine
from vnsearch.bench import fts5
from vnsearch.bench.corpus import Generator, all_syllables, generate, read_jsonl
from vnsearch.bench.queries import QUERY_TYPES, make_queries
from vnsearch.bench.report import render
from vnsearch.cli.main import main


def test_same_seed_gives_the_same_corpus_and_another_seed_another():
    first, again, other = (list(generate(20, seed=s)) for s in (7, 7, 8))
    assert first == again
    assert [a["body"] for a in first] != [a["body"] for a in other]
    assert {a["id"] for a in first}.isdisjoint(a["id"] for a in other)


def test_an_article_does_not_depend_on_the_corpus_size():
    assert list(generate(5, seed=3))[4] == next(generate(1, seed=3, start=4))


def test_syllables_are_nfc_with_the_tone_where_the_index_puts_it():
    syllables = all_syllables()
    assert len(syllables) > 5000
    assert all(unicodedata.is_normalized("NFC", s) and place_tone(s) == s for s in syllables)
    assert {"người", "quyết", "hòa", "thủy", "nghiêm", "khuyên"} <= set(syllables)
    assert not {"ngiêm", "kan", "ghá", "cuy"} & set(syllables)


def test_articles_have_the_export_shape_and_name_their_officials():
    pool = {o.name for o in Generator(2).officials}
    assert len(pool) == 300 and {"Y Mửi", "A Pớt", "Kring Ba"} <= pool
    for article in generate(40, seed=2):
        assert tuple(article) == EXPORT_KEYS
        Article(**article)  # the store's record accepts it as is
        assert 8 <= len(article["title"].split()) <= 15
        assert 400 <= len(article["body"].split()) <= 1000
        assert re.fullmatch(r"20(1\d|2[0-4])-\d\d-\d\dT\d\d:\d\d:00\+07:00", article["published"])
        assert 0 <= len(article["officials"]) <= 5
        for official in article["officials"]:
            assert official["name"] in pool and official["positions"]
            assert f"{official['name']} - {', '.join(official['positions'])}" in article["body"]
        assert any(fold(w) != w for w in article["body"].split())


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """80 generated articles in a store, a vnsearch index and an FTS5 database."""
    data_dir = tmp_path_factory.mktemp("bench")
    articles = list(generate(80, seed=5))
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for article in articles:
                store.save_article(Article(**article))
        writer.update(store, data_dir)
    fts5.build(data_dir / "fts5.sqlite", articles)
    return articles, Engine(data_dir), fts5.Searcher(data_dir / "fts5.sqlite")


def test_every_query_type_matches_and_both_engines_agree(small):
    articles, engine, searcher = small
    queries = make_queries(articles, per_type=4, seed=5)
    assert [q.type for q in queries] == [t for t in QUERY_TYPES for _ in range(4)]
    assert queries == make_queries(articles, per_type=4, seed=5)
    for query in queries:
        found = engine.search(query.request())
        assert found["total"] >= 1, query
        assert found["hits"] and found["fallback"] is None, query
        assert {"officials", "year", "source", "section"} <= set(found["facets"])
        other = searcher.search(query.q, query.officials, query.date_from, query.date_to)
        assert other["total"] == found["total"], query


def test_bench_command_prints_every_query_type_as_json(tmp_path):
    saved = tmp_path / "corpus.jsonl"
    result = CliRunner().invoke(
        main,
        ["bench", "--articles", "200", "--queries", "3", "--json", "--data-dir", str(tmp_path),
         "--save-corpus", str(saved)],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["corpus"]["articles"] == 200
    assert report["corpus"]["bulk"] + report["corpus"]["incremental"] == 200
    for engine in ("vnsearch", "fts5"):
        part = report[engine]
        assert part["build"]["articles_per_s"] > 0
        assert part["memory"]["build_peak_mb"] > 0
        for kind in QUERY_TYPES:
            stats = part["queries"][kind]
            assert stats["count"] == 3 and stats["min_matches"] >= 1
            assert 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["p99_ms"]
            assert part["warmup_ms"][kind] > 0
    api = report["vnsearch"]["api"]["queries"]
    for kind in QUERY_TYPES:  # the same queries through HTTP find the same articles
        assert api[kind]["count"] == 3
        assert api[kind]["mean_matches"] == report["vnsearch"]["queries"][kind]["mean_matches"]
        assert report["api_p95_ratio"][kind] > 0
    assert report["vnsearch"]["memory"]["api_server_peak_mb"] > 0
    table = render(report)
    assert "GET /api/search" in table and "API/FTS5" in table
    assert all(table.count(f"\n{kind} ") == 2 for kind in QUERY_TYPES)
    assert report["vnsearch"]["incremental"]["articles_per_s"] > 0
    assert report["vnsearch"]["index_bytes"] > 0 and report["fts5"]["db_bytes"] > 0
    assert all(report["p95_ratio"][kind] > 0 for kind in QUERY_TYPES)
    assert report["size_ratio"] > 0
    assert list(read_jsonl(saved)) == list(generate(200, seed=1))
    assert not list(tmp_path.glob("bench-*"))  # the work dir is gone


def test_bench_rejects_an_unreadable_corpus(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"url": "http://127.0.0.1:9/a", "body": "x"}\nnot json\n')
    result = CliRunner().invoke(
        main, ["bench", "--corpus", str(broken), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "line 2: not JSON" in result.output
