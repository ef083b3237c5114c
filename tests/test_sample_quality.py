"""The crawl-and-extract quality gate on the bundled sample archive.

All three sample sites are crawled for real on 127.0.0.1 and every stored article is scored
against the ground truth beside the archive. A drop below today's figures fails the suite;
``python scripts/sample_quality.py`` prints the same figures.
"""

import pytest

from scripts.sample_quality import crawl_and_score

GATE = {
    "title_exact": 1.0,
    "date_exact": 1.0,
    "body_f1_mean": 0.99,
    "body_f1_worst": 0.95,
    "officials_precision": 0.95,
    "officials_recall": 0.95,
}


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return crawl_and_score(tmp_path_factory.mktemp("sample"))


def test_every_truth_article_is_stored_exactly_once_and_nothing_else(figures):
    assert figures["missing"] == [] and figures["unexpected"] == []


def test_dates_come_from_the_page_its_metadata_or_its_url_and_one_article_has_none(figures):
    """The archive holds one article dated only by its URL and one with no date anywhere."""
    assert figures["date_sources"]["url"] == 1 and figures["date_sources"]["none"] == 1
    assert figures["crawl"]["undated"] == 1
    assert figures["crawl"]["dropped listing"] >= 1  # the topic page that looks like an article


@pytest.mark.parametrize("name, minimum", GATE.items())
def test_extraction_quality_gate(figures, name, minimum):
    assert figures[name] >= minimum
