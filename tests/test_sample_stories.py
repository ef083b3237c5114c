"""The sample archive's ground truth of stories: which articles carry the same story across
outlets, and which look alike but must stay apart.

These tests check the truth itself against the articles' texts, so that a page added to the
archive later cannot copy another's text without being recorded; how well the index groups the
articles is measured against this truth elsewhere.
"""

from datetime import datetime, timedelta
from itertools import combinations

import pytest

from crawler.sample import load_truth
from index.analysis import exact_tokens

RUN = 5  # words in a run compared between two texts
COPY_SHARES = 0.5  # a copy shares at least this part of the shorter text's runs with its original
APART_SHARES = 0.3  # articles of different stories share less, unless they are look-alikes
MAX_LAG = timedelta(days=5)


@pytest.fixture(scope="module")
def truth() -> dict:
    return load_truth()


@pytest.fixture(scope="module")
def articles(truth) -> dict:
    return {a["url"]: a for a in truth["articles"]}


def runs(text: str) -> set[tuple[str, ...]]:
    """The runs of RUN words of ``text``, lowercased, tone marks in one placement."""
    words = exact_tokens(text)
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def shared(a: dict, b: dict) -> float:
    """The part of the shorter body's word runs found in the other body."""
    x, y = runs(a["body"]), runs(b["body"])
    return len(x & y) / min(len(x), len(y))


def published(article: dict) -> datetime:
    return datetime.fromisoformat(article["published"])


def test_every_article_has_its_public_url(truth):
    for article in truth["articles"]:
        assert article["url"] == truth["sites"][article["site"]]["origin"] + article["path"]
    assert len({a["url"] for a in truth["articles"]}) == len(truth["articles"])


def test_stories_and_look_alikes_name_articles_of_the_archive(truth, articles):
    assert truth["stories_note"].strip()
    named = [url for group in truth["stories"] for url in group]
    named += [url for pair in truth["look_alikes"] for url in pair]
    assert named and set(named) <= set(articles)


def test_an_article_belongs_to_one_story_at_most(truth):
    grouped = [url for group in truth["stories"] for url in group]
    assert len(grouped) == len(set(grouped))
    assert all(len(group) >= 2 for group in truth["stories"])  # a story of one is not listed


def test_the_archive_holds_reprints_across_outlets(truth, articles):
    """Stories carried by two and by three of the sites, every site among them."""
    sites = [{articles[url]["site"] for url in group} for group in truth["stories"]]
    assert sum(len(s) >= 2 for s in sites) >= 4
    assert any(len(s) >= 3 for s in sites)
    assert set().union(*sites) == set(truth["sites"])


def test_each_story_has_one_original_and_its_copies_follow_within_days(truth, articles):
    for group in truth["stories"]:
        dates = sorted(published(articles[url]) for url in group)
        assert dates[0] < dates[1], group  # the earliest copy, the original, is unique
        assert dates[-1] - dates[0] <= MAX_LAG, group


def test_copies_are_edited_as_outlets_edit_reprints(truth, articles):
    """Another headline, another caption and another text than the original's."""
    for group in truth["stories"]:
        original = min((articles[url] for url in group), key=published)
        for url in group:
            copy = articles[url]
            if copy is original:
                continue
            assert copy["title"] != original["title"], url
            assert copy["captions"] != original["captions"], url
            assert copy["body"] != original["body"], url


def test_only_copies_of_one_story_or_look_alikes_share_their_text(truth, articles):
    """No two articles share text unrecorded: copies share most of it, other stories little,
    look-alikes (one template, other facts) being the recorded exception."""
    story = {url: n for n, group in enumerate(truth["stories"]) for url in group}
    look_alikes = {frozenset(pair) for pair in truth["look_alikes"]}
    for a, b in combinations(articles.values(), 2):
        share = shared(a, b)
        if story.get(a["url"], -1) == story.get(b["url"], -2):
            assert share >= COPY_SHARES, (a["url"], b["url"], share)
        elif frozenset((a["url"], b["url"])) not in look_alikes:
            assert share < APART_SHARES, (a["url"], b["url"], share)


def test_look_alikes_are_different_stories_and_some_share_a_template(truth, articles):
    story = {url: n for n, group in enumerate(truth["stories"]) for url in group}
    templated = 0
    for first, second in truth["look_alikes"]:
        assert first != second
        assert first not in story or story.get(second) != story[first], (first, second)
        templated += shared(articles[first], articles[second]) >= APART_SHARES
    assert templated >= 2


# -- the grouping gate: the index groups the sample's stories as the truth does -------------

FIGURES: dict = {}


@pytest.fixture(scope="module")
def grouping(tmp_path_factory):
    from scripts.stories_quality import crawl_group_and_score

    figures = crawl_group_and_score(tmp_path_factory.mktemp("stories"))
    FIGURES.update(figures)
    return figures


def test_grouping_precision_and_recall_over_pairs_are_at_least_095(grouping):
    assert grouping["precision"] >= 0.95, grouping["wrongly_grouped"]
    assert grouping["recall"] >= 0.95, grouping["missed"]


def test_no_look_alike_pair_is_grouped(grouping):
    assert grouping["look_alikes_together"] == []
