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
    _relevance_figures(terminalreporter)
    _word_count_figures(terminalreporter)


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
