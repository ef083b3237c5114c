"""``vnsearch bench``: a synthetic Vietnamese corpus, vnsearch against SQLite FTS5 on it.

* :mod:`vnsearch.bench.corpus` makes the articles (deterministic from a seed) and reads/writes JSONL;
* :mod:`vnsearch.bench.queries` draws the query mix from a corpus, so every query matches something;
* :mod:`vnsearch.bench.fts5` is the same archive and queries on SQLite FTS5, the baseline;
* :mod:`vnsearch.bench.measure` runs each phase in a fresh process and collects the numbers;
* :mod:`vnsearch.bench.report` renders them as a table (or JSON).
"""
