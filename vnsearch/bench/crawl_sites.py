"""The crawl benchmark: many polite sites at once, two schedulers on one PostgreSQL store, and
the store's write throughput.

Run: ``python -m vnsearch.bench.crawl_sites`` (about 8 minutes; ``--help`` lists the parts). Every site is
a real HTTP server on 127.0.0.1 whose robots.txt asks ``Crawl-delay: 1``, with a home page that
links its articles; the article text comes from :mod:`bench.corpus`. The crawls are the real
``vnsearch schedule --once`` in a child process; the servers log each request's arrival, so the
gaps every host saw are measured on the server side. The PostgreSQL parts start a throwaway
cluster (:mod:`bench.pgcluster`). The CPU profile needs py-spy (``pip install py-spy``, a
measuring tool, not a dependency of vnsearch); without it that part is left out.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path

from crawler.store import open_store
from vnsearch.bench.corpus import generate, write_jsonl

VNSEARCH = [sys.executable, "-c", "from vnsearch.cli.main import main; main()"]
PY_SPY = Path(sys.executable).with_name("py-spy")


class BenchSite:
    """One site on a port of its own: robots.txt, a home page, ``articles`` article pages.
    Each request is logged as ``(arrival, path, contact)``, the contact read from the
    User-Agent (``vnsearch/V (+CONTACT)``), so two crawlers can be told apart."""

    def __init__(self, number: int, articles: list[dict], crawl_delay: float):
        self.number = number
        self.articles = articles
        self.crawl_delay = crawl_delay
        self.log: list[tuple[float, str, str]] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                agent = self.headers.get("User-Agent", "")
                contact = agent.rsplit("(+", 1)[-1].rstrip(")") if "(+" in agent else ""
                with site.lock:
                    site.log.append((time.monotonic(), self.path, contact))
                status, kind, body = site.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def answer(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", f"User-agent: *\nCrawl-delay: {self.crawl_delay:g}\n".encode()
        if path == "/":
            items = "".join(f"<li><a href='/tin-tuc/bai-{n}.html'>{html.escape(a['title'])}</a></li>"
                            for n, a in enumerate(self.articles))
            return 200, "text/html; charset=utf-8", _page(f"Báo tỉnh {self.number}",
                                                          f"<ul>{items}</ul>")
        match = re.fullmatch(r"/tin-tuc/bai-(\d+)\.html", path)
        if match and int(match[1]) < len(self.articles):
            article = self.articles[int(match[1])]
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["body"].split("\n"))
            body = (f"<h1>{html.escape(article['title'])}</h1>"
                    "<div class='date'>Thứ Tư, 10/01/2024 - 13:17</div>"
                    f"<div class='content'>{paragraphs}</div>")
            return 200, "text/html; charset=utf-8", _page(article["title"], body)
        return 404, "text/html", b"<h1>Not found</h1>"

    def gaps(self) -> list[float]:
        return [b[0] - a[0] for a, b in pairwise(sorted(self.log))]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _page(title: str, body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body>{body}</body></html>").encode()


def serve_sites(count: int, articles: int, crawl_delay: float) -> list[BenchSite]:
    corpus = list(generate(count * articles, seed=13))
    return [BenchSite(n, corpus[n * articles:(n + 1) * articles], crawl_delay)
            for n in range(count)]


def write_config(sites: list[BenchSite], path: Path) -> Path:
    path.write_text("".join(
        f'[sites.bao{site.number:02d}]\nstart_urls = ["{site.url}"]\ndelay = 0\n'
        'schedule = "1h"\n\n' for site in sites
    ), encoding="utf-8")
    return path


def schedule(config: Path, data_dir: Path, workers: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*VNSEARCH, "schedule", "--config", str(config), "--once", "--no-index",
         "--workers", str(workers), "--data-dir", str(data_dir), "--log-level", "warning",
         *extra],
    )


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- part 1: one scheduler, 1, 4, 16 workers --------------------------------------------------


def workers_run(sites: list[BenchSite], config: Path, workers: int, root: Path) -> dict:
    for site in sites:
        site.log.clear()
    data_dir = Path(tempfile.mkdtemp(dir=root, prefix=f"workers{workers}-"))
    cpu, started = child_cpu(), time.monotonic()
    process = schedule(config, data_dir, workers)
    process.wait()
    wall = time.monotonic() - started
    pages = sum(len(site.log) for site in sites)
    slowest = max(site.crawl_delay for site in sites)
    with open_store(None, data_dir) as store:
        stored = store.count_articles()
    return {
        "workers": workers, "seconds": round(wall, 1), "requests": pages,
        "pages_per_second": round(pages / wall, 2), "articles": stored,
        "cpu_seconds": round(child_cpu() - cpu, 1),
        "slowest_delay": slowest,
        "shortest_gap": round(min(g for s in sites if s.crawl_delay == slowest for g in s.gaps()), 3),
    }


def profile_run(sites: list[BenchSite], config: Path, workers: int, root: Path) -> dict:
    """Where the CPU goes: py-spy samples every thread of the scheduler (idle waits left out)
    and each sample is put under the first of our modules or libraries it is in."""
    for site in sites:
        site.log.clear()
    data_dir = Path(tempfile.mkdtemp(dir=root, prefix="profile-"))
    raw = root / "profile.txt"
    command = [str(PY_SPY), "record", "--format", "raw",
               "--rate", "200", "--threads", "--output", str(raw), "--nonblocking", "--",
               *VNSEARCH, "schedule", "--config", str(config), "--once", "--no-index",
               "--workers", str(workers), "--data-dir", str(data_dir), "--log-level", "warning"]
    subprocess.run(command, check=True, capture_output=True)
    return classify(raw)


PLACES = [  # (label, pattern in a frame), the innermost matching frame decides
    ("extraction (crawler/extract, dates, officials, charset)",
     r"crawler/(extract|dates|officials|charset|quality)\.py"),
    ("link discovery (crawler/discover, urls)", r"crawler/(discover|urls)\.py"),
    ("HTML parsing (lxml, bs4)", r"(lxml|bs4|html5lib)"),
    ("store (sqlite3, crawler/store)", r"(sqlite3|crawler/store)"),
    ("captures (crawler/capture, warcio, gzip, fsync)", r"(crawler/capture|warcio|gzip|zlib)"),
    ("HTTP (requests, urllib3, http.client, ssl, socket)",
     r"(requests|urllib3|http/client|ssl\.py|socket\.py)"),
    ("robots.txt (protego)", r"protego"),
    ("start-up (imports, config)", r"(<frozen importlib|importlib|tomllib)"),
    ("threads and locks (job pool, host gate)", r"(threading\.py|concurrent/futures)"),
]


def classify(raw: Path) -> dict:
    """Percent of the samples in which a thread ran Python code, by place; samples without a
    Python frame (a thread inside a C call that let go of the GIL) are left out."""
    counts: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f for f in stack.split(";")[::-1] if not f.startswith("thread (")]
        if not count.isdigit() or not frames:
            continue
        label = next((name for frame in frames for name, pattern in PLACES
                      if re.search(pattern, frame)), "other")
        counts[label] += int(count)
    total = sum(counts.values()) or 1
    return {label: round(100 * n / total, 1) for label, n in counts.most_common()}


# -- part 2: two schedulers on one PostgreSQL store, one killed --------------------------------


def two_schedulers(sites: list[BenchSite], config: Path, root: Path, workers: int) -> dict:
    from vnsearch.bench.pgcluster import Cluster

    for site in sites:
        site.log.clear()
    total = sum(len(site.articles) for site in sites)
    with Cluster() as cluster:
        url = cluster.create_database("bench")
        captures = root / "captures"
        machines = {name: root / f"machine-{name}" for name in ("a", "b")}

        def start(name: str) -> subprocess.Popen:
            return schedule(config, machines[name], workers, "--store", url, "--captures",
                            str(captures), "--contact", f"crawler-{name}")

        started = time.monotonic()
        a, b = start("a"), start("b")
        with open_store(url) as store:
            while store.count_articles() < total // 3 and a.poll() is None:
                time.sleep(0.05)
            a.send_signal(signal.SIGKILL)
            a.wait()
            killed_at = store.count_articles()
            b.wait()
            restarted = start("a")
            restarted.wait()
            wall = time.monotonic() - started
            urls = [article.url for _, article, _ in store.changes_since(0)]
            new_counted = sum(run["counts"].get("new", 0) for run in store.runs(10_000))
            jobs = {job["site"]: job["outcome"] for job in store.jobs()}
    fetched = Counter(f"{site.number}{path}" for site in sites for _, path, _ in site.log
                      if "/bai-" in path)
    return {
        "articles": total, "stored": len(urls), "distinct_urls": len(set(urls)),
        "counted_new": new_counted, "killed_at_articles": killed_at,
        "seconds": round(wall, 1),
        "jobs_complete": sum(outcome == "complete" for outcome in jobs.values()),
        "article_pages_fetched_twice": sum(n > 1 for n in fetched.values()),
        "sites_by_crawler": _crawlers(sites),
        "sites_crawled_by_both_at_once": sum(_overlap(site) for site in sites),
    }


def _crawlers(sites: list[BenchSite]) -> dict:
    """How many sites each crawler fetched from ("a+b": one started it, the other finished it)."""
    return dict(Counter("+".join(sorted({c for _, _, c in site.log})) for site in sites))


def _overlap(site: BenchSite) -> bool:
    """True if two crawlers' requests to the site interleave in time."""
    spans = defaultdict(list)
    for at, _, contact in site.log:
        spans[contact].append(at)
    ranges = sorted((min(times), max(times)) for times in spans.values())
    return any(later[0] < earlier[1] for earlier, later in pairwise(ranges))


# -- part 3: store throughput -------------------------------------------------------------------


def import_throughput(count: int, root: Path) -> dict:
    from vnsearch.bench.pgcluster import Cluster

    corpus = root / "import.jsonl"
    write_jsonl(generate(count, seed=7), corpus)
    figures = {}
    with Cluster() as cluster:
        for backend, store in (("sqlite", []), ("postgresql", ["--store",
                                                                cluster.create_database("imp")])):
            data_dir = Path(tempfile.mkdtemp(dir=root, prefix=f"import-{backend}-"))
            started = time.monotonic()
            subprocess.run([*VNSEARCH, "import", str(corpus), "--no-index", "--data-dir",
                            str(data_dir), *store], check=True, capture_output=True)
            seconds = time.monotonic() - started
            figures[backend] = {"articles": count, "seconds": round(seconds, 1),
                                "articles_per_second": round(count / seconds)}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=24)
    parser.add_argument("--articles", type=int, default=10, help="Articles on each site.")
    parser.add_argument("--crawl-delay", type=float, default=1.0)
    parser.add_argument("--workers", default="1,4,16", help="Comma-separated worker counts.")
    parser.add_argument("--profile-workers", type=int, default=16,
                        help="Worker count profiled with py-spy (0: no profile).")
    parser.add_argument("--shared-workers", type=int, default=4,
                        help="Workers of each of the two schedulers on one PostgreSQL store "
                        "(0: skip that part).")
    parser.add_argument("--import-articles", type=int, default=5000,
                        help="Articles imported into each backend (0: skip that part).")
    options = parser.parse_args(argv)
    result: dict = {"sites": options.sites, "articles_per_site": options.articles,
                    "crawl_delay": options.crawl_delay, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="vnsearch-crawlbench-") as tmp:
        root = Path(tmp)
        sites = serve_sites(options.sites, options.articles, options.crawl_delay)
        try:
            config = write_config(sites, root / "sites.toml")
            result["runs"] = []
            for workers in map(int, options.workers.split(",")):
                result["runs"].append(workers_run(sites, config, workers, root))
                print(json.dumps(result["runs"][-1]), file=sys.stderr)
            if options.profile_workers and not PY_SPY.exists():
                print(f"no {PY_SPY}: the CPU profile is left out (pip install py-spy)",
                      file=sys.stderr)
            elif options.profile_workers:
                result["cpu_profile"] = profile_run(sites, config, options.profile_workers, root)
                result["cpu_profile_workers"] = options.profile_workers
            if options.shared_workers:
                result["two_schedulers"] = two_schedulers(sites, config, root,
                                                          options.shared_workers)
        finally:
            for site in sites:
                site.close()
        if options.import_articles:
            result["import"] = import_throughput(options.import_articles, root)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
