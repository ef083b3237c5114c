"""``vnsearch bench``: a deterministic corpus, queries that always match, and the JSON a run prints."""

import gzip
import json
import re
import unicodedata
from collections import Counter

import pytest
from click.testing import CliRunner

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index import writer
from index.analysis import fold, place_tone
from search.engine import Engine
from vnsearch.bench import fts5
from vnsearch.bench.corpus import (
    WORDS_FILE,
    CorpusError,
    Generator,
    generate,
    prepare,
    read_jsonl,
    read_words,
)
from vnsearch.bench.queries import QUERY_TYPES, lexicon, make_queries, runs
from vnsearch.bench.report import render
from vnsearch.cli.main import main


def test_same_seed_gives_the_same_corpus_and_another_seed_another():
    first, again, other = (list(generate(20, seed=s)) for s in (7, 7, 8))
    assert first == again
    assert [a["body"] for a in first] != [a["body"] for a in other]
    assert {a["id"] for a in first}.isdisjoint(a["id"] for a in other)


def test_an_article_does_not_depend_on_the_corpus_size():
    assert list(generate(5, seed=3))[4] == next(generate(1, seed=3, start=4))


def test_the_word_list_is_small_real_words_with_the_tone_where_the_index_puts_it():
    words = read_words(WORDS_FILE)
    assert WORDS_FILE.stat().st_size <= 200_000 and len(words) >= 5000
    counts = list(words.values())
    assert counts == sorted(counts, reverse=True) and counts[0] > 100 * counts[-1]
    several = [w for w in words if " " in w]
    assert len(several) > len(words) / 2
    assert {"xây dựng", "chính quyền", "cán bộ", "Việt Nam"} <= set(words)
    for word in words:
        assert unicodedata.is_normalized("NFC", word)
        assert all(place_tone(s.lower()) == s.lower() for s in word.split()), word


def test_text_is_made_of_the_words_with_their_skew():
    """Syllables stand in the pairs the words make: a few pairs are very common."""
    generator = Generator(6)
    articles = [generator.original(n) for n in range(100)]  # the text itself, not its copies
    pairs = Counter()
    for article in articles:
        for run in runs(article["body"]):
            pairs.update(zip(run, run[1:], strict=False))
    assert pairs[("xây", "dựng")] > 20 and pairs[("chính", "quyền")] > 5
    top = sum(count for _, count in pairs.most_common(len(pairs) // 100))
    assert top > 0.15 * sum(pairs.values())
    known = lexicon()
    assert all(" " in w for w in known.words(["xây", "dựng", "chính", "quyền"]))
    assert any(s in article["body"] for article in articles for s in (", ", ". "))


def test_articles_have_the_export_shape_and_name_their_officials():
    pool = {o.name for o in Generator(2).officials}
    assert len(pool) == 300 and {"Y Mửi", "A Pớt", "Kring Ba"} <= pool
    for article in generate(40, seed=2):
        assert tuple(article) == (*EXPORT_KEYS, "story")  # the story is the bench's truth alone
        Article(**{k: article[k] for k in EXPORT_KEYS})
        if article["id"] == article["story"]:  # an original; copies are edited (reprints tests)
            assert 8 <= len(article["title"].split()) <= 15
            published = article["published"]
            assert re.fullmatch(r"20(1\d|2[0-4])-\d\d-\d\dT\d\d:\d\d:00\+07:00", published)
            assert 400 <= len(article["body"].split()) <= 1000
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
                store.save_article(Article(**{k: article[k] for k in EXPORT_KEYS}))
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
        args = query.q, query.officials, query.date_from, query.date_to
        syllables = searcher.search(*args)["total"]
        words = searcher.search(*args, words=query.words)["total"]
        # Every syllable anywhere holds every reading of the words; the words, each as a
        # phrase, hold at least the article the query was drawn from.
        assert 1 <= words <= syllables and found["total"] <= syllables, query


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
    assert all(table.count(f"\n{kind} ") == 3 for kind in QUERY_TYPES)
    assert report["vnsearch"]["incremental"]["articles_per_s"] > 0
    after_commit = report["vnsearch"]["after_commit"]
    assert list(after_commit) == list(QUERY_TYPES)
    assert all(f["first_ms"] > 0 and f["warm_ms"] > 0 and f["commit_ms"] > 0
               for f in after_commit.values())
    assert "first search after committing 10 edited articles" in table
    assert report["vnsearch"]["index_bytes"] > 0 and report["fts5"]["db_bytes"] > 0
    assert all(report["p95_ratio"][kind] > 0 for kind in QUERY_TYPES)
    assert report["size_ratio"] > 0
    assert list(read_jsonl(saved)) == list(generate(200, seed=1))
    assert not list(tmp_path.glob("bench-*"))  # the work dir is gone
    _reports_stories_and_their_cost(report, table)


def _reports_stories_and_their_cost(report: dict, table: str):
    """How many stories the corpus has, the queries collapsed by story against the same
    queries plain, and the time the index writer spent grouping, when it says."""
    corpus, vn = report["corpus"], report["vnsearch"]
    assert corpus["stories"] + corpus["reprints"] == 200
    assert 1 <= corpus["reprinted_stories"] < corpus["stories"] and corpus["largest_story"] >= 2
    assert f"stories      {corpus['stories']:,} ({corpus['reprinted_stories']:,} republished" in table
    collapsed, api = vn["collapsed"]["queries"], vn["api_collapsed"]["queries"]
    asked = vn["api_collapsed"]["collapsed_as_asked"]  # False while the API ignores collapse
    for kind in QUERY_TYPES:
        stats, plain = collapsed[kind], vn["queries"][kind]
        assert stats["count"] == 3 and stats["min_matches"] >= 1
        assert 0 < stats["p50_ms"] <= stats["p95_ms"] <= stats["p99_ms"]
        assert stats["mean_matches"] <= plain["mean_matches"]  # stories, not articles
        assert api[kind]["mean_matches"] == (stats if asked else plain)["mean_matches"]
        assert report["collapse_p95_ratio"][kind] > 0 and report["api_collapse_p95_ratio"][kind] > 0
        row = next(line for line in table[table.index("collapse=story"):].splitlines()
                   if line.startswith(f"{kind} "))
        assert row.split()[-2:] == [f"{stats['mean_matches']:,.0f}", f"{plain['mean_matches']:,.0f}"]
    # Half the corpus is copies: some query meets a story more than once.
    assert sum(collapsed[k]["mean_matches"] for k in QUERY_TYPES) < sum(
        vn["queries"][k]["mean_matches"] for k in QUERY_TYPES)
    assert "collapse=story" in table and "coll/plain" in table
    assert ("it does not read collapse=story" in table) != asked  # no figures passed off as such
    assert vn["memory"]["collapsed_search_peak_mb"] > 0
    for part, what in ((vn["build"], "build"), (vn["incremental"], "update")):
        assert part["grouping_seconds"] > 0 and f" s of the {what} (" in table
        assert part["index_seconds"] > 0
    quality = vn["build"]["grouping_quality"]
    right, grouped, wanted = quality["pairs"]
    assert wanted >= 1 and quality["recall"] == right / wanted >= 0.9
    assert quality["precision"] == (right / grouped if grouped else 1.0) >= 0.9
    assert f"pairwise precision {quality['precision']:.3f} ({right:,}/{grouped:,})" in table


def test_bench_rejects_an_unreadable_corpus(tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"url": "http://127.0.0.1:9/a", "body": "x"}\nnot json\n')
    result = CliRunner().invoke(
        main, ["bench", "--corpus", str(broken), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "line 2: not JSON" in result.output


def test_a_language_corpus_without_urls_dates_or_officials_is_made_loadable(tmp_path):
    """Corpora gathered for language work have an id, a title and a body, and are gzipped."""
    source = tmp_path / "news.jsonl.gz"
    lines = [
        {"id": "tin-1", "title": "Hội nghị", "body": "Đồng chí Nguyễn Văn An - Bí thư Tỉnh ủy"
         " phát biểu tại hội nghị về công tác dân vận ."},
        {"id": "tin-2", "title": "Kinh tế", "body": "Kinh tế tăng trưởng , xuất khẩu tăng ."},
    ]
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    target = tmp_path / "corpus.jsonl"
    assert prepare(source, target, seed=3) == 2
    first, second = read_jsonl(target)
    assert first["url"] == "https://corpus.example/tin-1" and second["body"] == lines[1]["body"]
    assert [o["name"] for o in first["officials"]] == ["Nguyễn Văn An"]
    assert second["officials"] == []
    for article in (first, second):
        Article(**{k: article[k] for k in EXPORT_KEYS})
        assert article["published"][:2] == "20" and article["source"] and article["section"]
    prepare(source, tmp_path / "again.jsonl", seed=3)
    assert list(read_jsonl(tmp_path / "again.jsonl")) == [first, second]
    with pytest.raises(CorpusError, match="line 1: not an article"):
        list(read_jsonl(source))  # the bench's own files need URLs
