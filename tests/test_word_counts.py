"""Totals researchers can trust: for judged word queries, the total equals the number of
articles that hold the words, counted from the articles' text without the index.

Over the sample archive, each case also pins how the query is read into words. Over a
synthetic bench archive, runs of real syllables drawn from the text are searched as typed,
bare and mixed. A wrong total fails the suite; the figures are printed at the end of the run.
"""

import json
import random
from pathlib import Path

import pytest

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index import writer
from search.engine import Engine, SearchRequest
from search.query import parse
from tests.test_relevance import index_truth
from tests.wordtruth import Text, articles_holding, typed
from vnsearch.bench import corpus

CASES = json.loads((Path(__file__).parent / "words" / "counts.json").read_text())["cases"]
MIN_READ_AS_JUDGED = 0.95
FIGURES: dict = {}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    data_dir, _ = index_truth(tmp_path_factory.mktemp("counts"))
    return Engine(data_dir)


def texts_of(engine):
    """Id -> the syllables of its title and of its body, as stored in the index."""
    searcher = engine.searcher()
    return {fields["id"]: [Text(fields["title"]), Text(fields["body"])]
            for fields in searcher.all_stored_fields()}


def expected_total(texts, words) -> int:
    holding = [articles_holding(texts, [typed(s) for s in spellings]) for spellings in words]
    return len(set.intersection(*holding))


def test_the_judged_set_covers_every_kind_of_word_query():
    assert len(CASES) >= 60
    kinds = {c["category"] for c in CASES}
    assert {"accented", "bare", "mixed", "abbreviation", "tone-variant",
            "document-number"} <= kinds


def words_read(response) -> list[list[str]]:
    """The words the engine says it searched, each with the other spellings it included."""
    extra = {w["word"]: w["includes"] for w in response["expanded"]}
    return [[c.text, *extra.get(c.text, [])] for c in parse(response["searched"]).clauses()]


def test_totals_equal_the_articles_holding_the_words(sample):
    """Read as judged, the total counts the judged words; read otherwise, the words read."""
    texts = texts_of(sample)
    wrong, misread, found_some = [], [], 0
    for case in CASES:
        response = sample.search(SearchRequest(q=case["q"], page_size=1))
        as_judged = response["searched"] == case["read"]
        expected = expected_total(texts, case["words"] if as_judged else words_read(response))
        if response["total"] != expected or response["fallback"]:
            wrong.append((case["q"], response["total"], expected, response["fallback"]))
        if not as_judged:
            misread.append((case["q"], response["searched"], case["read"]))
        found_some += expected > 0
    FIGURES["sample"] = (len(CASES) - len(wrong), len(CASES), len(CASES) - len(misread), misread)
    assert not wrong, wrong
    assert found_some >= len(CASES) - 2
    assert 1 - len(misread) / len(CASES) >= MIN_READ_AS_JUDGED, misread


@pytest.fixture(scope="module")
def bench_archive(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("bench-counts")
    articles = [Article(**{k: a[k] for k in EXPORT_KEYS if k in a}) for a in corpus.generate(300)]
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for article in articles:
                store.save_article(article)
        writer.update(store, data_dir)
    return Engine(data_dir)


def drawn_words(texts, count: int = 30) -> list[str]:
    """Runs of one to four syllables that stand together in a body, seeded."""
    rng = random.Random(11)
    bodies = [fields[1].tokens for fields in texts.values() if len(fields[1].tokens) > 10]
    drawn = []
    while len(drawn) < count:
        tokens = rng.choice(bodies)
        size = rng.choice((1, 2, 2, 3, 4))
        start = rng.randrange(len(tokens) - size)
        window = tokens[start : start + size]
        if all(joined for _, joined in window[1:]):
            drawn.append([t for t, _ in window])
    return drawn


def test_totals_of_words_drawn_from_the_bench_archive(bench_archive):
    texts = texts_of(bench_archive)
    checked = wrong = 0
    for syllables in drawn_words(texts):
        for marks in ("all", "none", "mixed"):
            shown = [s if marks == "all" or (marks == "mixed" and i % 2) else
                     typed(s, marks=False)[0].folded for i, s in enumerate(syllables)]
            q = '"' + " ".join(shown) + '"'
            response = bench_archive.search(SearchRequest(q=q, page_size=1))
            checked += 1
            if response["total"] != expected_total(texts, [[" ".join(shown)]]):
                wrong += 1
    FIGURES["bench"] = (checked - wrong, checked)
    assert wrong == 0
