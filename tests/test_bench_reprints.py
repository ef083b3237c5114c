"""The bench corpus republishes a third of its stories on other outlets, edited as provincial
papers edit, and says which article is a copy of which."""

import gzip
import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest

from crawler.article import EXPORT_KEYS
from crawler.jsonl import import_file
from crawler.store import Store
from vnsearch.bench.corpus import SOURCES, generate, prepared, with_stories, write_jsonl
from vnsearch.bench.reprints import BLOCK, CREDITS, MAX_COPIES, Tally, is_caption


@pytest.fixture(scope="module")
def corpus():
    """1,500 articles: about 24 blocks of originals and their copies."""
    return list(generate(1500, seed=11))


@pytest.fixture(scope="module")
def stories(corpus):
    grouped = defaultdict(list)
    for article in corpus:
        grouped[article["story"]].append(article)
    return grouped


def _text(paragraphs: list[str]) -> list[str]:
    """The paragraphs of the story itself, without captions and credit lines."""
    return [p for p in paragraphs if not is_caption(p) and p not in CREDITS]


def _shingles(text: str) -> set:
    words = text.split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def test_reprints_are_the_same_for_the_seed_wherever_the_corpus_stops():
    first = list(generate(300, seed=9))
    assert first == list(generate(300, seed=9))
    assert first[:120] == list(generate(120, seed=9))
    assert first[250] == next(generate(1, seed=9, start=250))  # past the first blocks
    assert [a["story"] for a in first] != [a["story"] for a in generate(300, seed=10)]


def test_a_third_of_the_stories_are_republished_mostly_a_few_times(stories):
    copies = Counter(len(articles) - 1 for articles in stories.values())
    reprinted = sum(n for k, n in copies.items() if k)
    assert 0.27 < reprinted / len(stories) < 0.40
    assert max(copies) <= MAX_COPIES
    assert sum(n for k, n in copies.items() if 1 <= k <= 3) > 0.65 * reprinted
    assert any(k >= 10 for k in copies)  # a few stories go to many outlets
    summary = Tally()
    assert sum(1 for _ in summary(a for group in stories.values() for a in group)) == 1500
    assert summary.summary()["stories"] == len(stories)
    assert summary.summary()["reprints"] == 1500 - len(stories)


def test_a_copy_comes_later_from_another_outlet_at_its_own_url(corpus, stories):
    ids = {a["id"] for a in corpus}
    assert len(ids) == len(corpus) and len({a["url"] for a in corpus}) == len(corpus)
    for story, articles in stories.items():
        original = next((a for a in articles if a["id"] == story), None)
        if original is None:  # the corpus stopped inside the block, before the original
            continue
        outlets = [a["source"] for a in articles]
        assert len(set(outlets)) == len(outlets)
        assert all(a["source"] in SOURCES and a["source_name"] == a["source"] for a in articles)
        start = datetime.fromisoformat(original["published"])
        for copy in articles:
            lag = datetime.fromisoformat(copy["published"]) - start
            assert timedelta(0) <= lag <= timedelta(days=5)
    # A copy stands near its original, not always after it: crawls meet them in any order.
    where = {a["id"]: i for i, a in enumerate(corpus)}
    distances = [where[a["id"]] - where[a["story"]] for a in corpus
                 if a["id"] != a["story"] and a["story"] in where]
    assert max(map(abs, distances)) < 4 * BLOCK * MAX_COPIES and min(distances) < 0 < max(distances)


def test_copies_are_edited_as_provincial_reprints_are(stories):
    pairs = [(next(a for a in group if a["id"] == story), copy)
             for story, group in stories.items() if any(a["id"] == story for a in group)
             for copy in group if copy["id"] != story]
    assert len(pairs) > 300
    edits = Counter()
    for original, copy in pairs:
        before, after = original["body"].split("\n\n"), copy["body"].split("\n\n")
        edits["title"] += copy["title"] != original["title"]
        edits["credit"] += any(p == c or p.startswith(f"{c} - ") for p in after for c in CREDITS)
        edits["cut"] += len(_text(after)) == len(_text(before)) - 1
        edits["caption"] += [p for p in after if is_caption(p)] != [p for p in before if is_caption(p)]
        edits["body"] += copy["body"] != original["body"]
        # Still the same story: most of the text's word triples are the original's.
        shared = _shingles(copy["body"]) & _shingles(original["body"])
        assert len(shared) > 0.6 * len(_shingles(original["body"]))
        assert copy["section"] == original["section"]
        for official in copy["officials"]:  # the officials are those the copy still names
            assert f"{official['name']} - {', '.join(official['positions'])}" in copy["body"]
        assert 5 <= len(copy["title"].split()) <= 18
        assert re.fullmatch(r"20(1\d|2[0-5])-\d\d-\d\dT\d\d:\d\d:00\+07:00", copy["published"])
    share = {edit: count / len(pairs) for edit, count in edits.items()}
    assert share["title"] > 0.8 and share["credit"] > 0.75 and share["body"] > 0.9
    assert 0.3 < share["cut"] < 0.7 and 0.15 < share["caption"] < 0.5


def test_the_story_field_never_reaches_the_store(tmp_path, corpus):
    saved = tmp_path / "corpus.jsonl"
    write_jsonl(corpus[:60], saved)
    with Store.in_data_dir(tmp_path) as store:
        report = import_file(store, saved)
        assert not report.bad and sum(report.counts.values()) == 60
        stored = store.article(corpus[5]["id"])
    assert stored.to_dict() == {k: corpus[5][k] for k in EXPORT_KEYS}
    assert not hasattr(stored, "story")


def test_a_real_corpus_gets_reprints_once(tmp_path):
    """Plain articles (id, title, body) are republished like the generated ones; a corpus the
    bench saved, which names its stories, is taken as it is."""
    originals = [a for a in generate(400, seed=12) if a["id"] == a["story"]][: 3 * BLOCK]
    source = tmp_path / "news.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        for n, article in enumerate(originals):
            line = {"id": f"tin-{n}", "title": article["title"], "body": article["body"]}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    made = list(with_stories(prepared(source, seed=4), seed=4))
    plain = [a for a in made if a["id"] == a["story"]]
    assert sorted(a["body"] for a in plain) == sorted(a["body"] for a in originals)
    assert len(made) > len(plain)
    reprinted = {a["story"] for a in made if a["id"] != a["story"]}
    assert reprinted <= {a["id"] for a in plain}
    assert 0.15 < len(reprinted) / len(plain) < 0.5
    saved = tmp_path / "saved.jsonl"
    write_jsonl(made, saved)
    assert list(with_stories(prepared(saved, seed=4), seed=4)) == made
    assert list(with_stories(iter([]))) == []
