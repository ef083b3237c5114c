"""Shared test setup: a store in a temp data dir, and the relevance figures printed at the end
of every run."""

import pytest

from crawler.store import Store


@pytest.fixture
def store(tmp_path):
    """A real SQLite store in the test's own data dir."""
    with Store.in_data_dir(tmp_path) as store:
        yield store



def pytest_terminal_summary(terminalreporter):
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
