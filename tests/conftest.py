"""Shared test setup: stores (SQLite in a temp data dir; PostgreSQL in a throwaway cluster,
one for the whole session), and the relevance figures printed at the end of every run."""

import os

import pytest

from crawler.store import Store, open_store
from vnsearch.bench.pgcluster import Cluster, ClusterUnavailable


@pytest.fixture
def store(tmp_path):
    """A real SQLite store in the test's own data dir."""
    with Store.in_data_dir(tmp_path) as store:
        yield store


@pytest.fixture(scope="session")
def postgres_cluster():
    """A real PostgreSQL server for the session; skipped when its binaries are missing, unless
    VNSEARCH_REQUIRE_POSTGRES=1 (as in CI), where that fails instead."""
    try:
        cluster = Cluster()
    except ClusterUnavailable as error:
        if os.environ.get("VNSEARCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{error}; VNSEARCH_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(str(error))
    yield cluster
    cluster.close()


@pytest.fixture
def postgres_url(postgres_cluster):
    """The URL of a fresh, empty database, dropped after the test."""
    url = postgres_cluster.create_database("test")
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """Where a test's store lives, once for each backend: None (SQLite in tmp_path, the
    default) or a PostgreSQL URL."""
    return None if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
def any_store(location, tmp_path):
    """The same test against a SQLite and a PostgreSQL store."""
    with open_store(location, tmp_path) as store:
        yield store


def pytest_terminal_summary(terminalreporter):
    _relevance_figures(terminalreporter)
    _word_count_figures(terminalreporter)
    _story_figures(terminalreporter)


def _story_figures(terminalreporter):
    from tests.test_sample_stories import FIGURES

    if "precision" not in FIGURES:
        return
    right, found, wanted = FIGURES["pairs"]
    terminalreporter.write_sep("-", "stories over the sample archive")
    terminalreporter.write_line(
        f"grouping: precision {FIGURES['precision']:.3f} ({right}/{found} pairs), "
        f"recall {FIGURES['recall']:.3f} ({right}/{wanted} pairs), "
        f"look-alikes grouped {len(FIGURES['look_alikes_together'])}"
    )


def _relevance_figures(terminalreporter):
    from tests.test_relevance import FIGURES

    if "MRR" not in FIGURES:
        return
    terminalreporter.write_sep("-", "relevance over the sample archive")
    terminalreporter.write_line(
        f"{FIGURES['queries']} judged queries: MRR {FIGURES['MRR']:.3f}, "
        f"recall@10 {FIGURES['recall@10']:.3f}"
    )
    for name, (rr, recall) in sorted(FIGURES["misses"].items()):
        terminalreporter.write_line(f"  below perfect: {name}  RR {rr:.2f}  recall@10 {recall:.2f}")


def _word_count_figures(terminalreporter):
    from tests.test_word_counts import FIGURES

    if FIGURES:
        terminalreporter.write_sep("-", "word counts")
    if "sample" in FIGURES:
        exact, total, read, misread = FIGURES["sample"]
        terminalreporter.write_line(
            f"word counts, sample archive: {exact}/{total} totals exact, "
            f"{read}/{total} read as judged"
        )
        for q, searched, judged in misread:
            terminalreporter.write_line(f"  read otherwise: {q!r} as {searched} (judged {judged})")
    if "bench" in FIGURES:
        exact, total = FIGURES["bench"]
        terminalreporter.write_line(f"word counts, bench archive: {exact}/{total} totals exact")
