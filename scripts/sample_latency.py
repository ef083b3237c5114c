"""Search latency on the sample archive: the judged relevance queries, five rounds, warm.

The archive's ground truth is indexed into a temp dir (as the relevance test does) and every
judged query, with its filters, goes through the engine the CLI and the API share.
Run from the repository root: python -m scripts.sample_latency
"""

import json
import statistics
import tempfile
import time
from pathlib import Path

from search.engine import Engine, SearchRequest
from search.filters import Filters
from tests.test_relevance import JUDGMENTS, index_truth

ROUNDS = 5


def main():
    with tempfile.TemporaryDirectory() as scratch:
        engine = Engine(index_truth(Path(scratch))[0])
        engine.search(SearchRequest(q="khởi động"))
        times = []
        for _ in range(ROUNDS):
            for query in JUDGMENTS["queries"]:
                filters = Filters(
                    officials=[query["official"]] if "official" in query else [],
                    source=query.get("source"), date_from=query.get("from"),
                    date_to=query.get("to"),
                )
                started = time.perf_counter()
                engine.search(SearchRequest(q=query["q"], filters=filters))
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(json.dumps({"searches": len(times), "p50_ms": round(statistics.median(times), 2),
                      "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}))


if __name__ == "__main__":
    main()
