"""Latency of GET /api/search under a small concurrent load, on the bundled sample archive.

The sample sites are crawled and indexed into a temp dir, `vnsearch serve --production` serves
them on 127.0.0.1, and CLIENTS threads send REQUESTS searches each (a mix of accented,
accentless, phrase, document-number, filtered and sorted queries).
Run: python scripts/api_latency.py [CLIENTS] [REQUESTS]
"""

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from vnsearch.bench.server import start_server
from vnsearch.cli import demo

QUERIES = [
    {"q": "nguyen van hoa"}, {"q": "Đảng bộ"}, {"q": '"dân vận"'}, {"q": "25-NQ/TW"},
    {"q": "bau cu", "sort": "newest"}, {"q": "kinh tế", "from": "2019", "to": "2022"},
    {"q": "", "official": "y mui"}, {"q": "thuỷ lợi", "source": "baotinh"},
]


def client(url: str, count: int, offset: int, latencies: list, errors: list):
    with requests.Session() as session:
        for i in range(count):
            params = QUERIES[(offset + i) % len(QUERIES)]
            started = time.perf_counter()
            response = session.get(url + "api/search", params=params, timeout=30)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors.append(response.status_code)


def main(clients: int = 4, count: int = 100):
    with tempfile.TemporaryDirectory() as scratch:
        demo_dir, archive = demo.prepare(Path(scratch), lambda message: None)
        archive.close()
        process, url = start_server(demo_dir)
        try:
            requests.get(url + "api/search", params={"q": "khởi động"}, timeout=30)
            latencies, errors = [], []
            threads = [threading.Thread(target=client, args=(url, count, n, latencies, errors))
                       for n in range(clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait()
    latencies.sort()
    print(f"{len(latencies)} requests from {clients} concurrent clients in {elapsed:.1f} s "
          f"({len(latencies) / elapsed:.0f} req/s), {len(errors)} errors")
    print(f"p50 {statistics.median(latencies):.1f} ms  "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms  max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
