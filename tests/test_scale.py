"""Many sites at once, and several crawlers and an indexer on one shared store.

Every site here is a real HTTP server on 127.0.0.1; the PostgreSQL store is a real throwaway
cluster. What is pinned is behaviour (sites overlap in time, a host is never asked twice at
once nor sooner than its delay, no site is crawled by two schedulers), never speed.
"""

import json
import signal
import subprocess
import sys
import threading
import time
from itertools import pairwise

import pytest
from click.testing import CliRunner

from crawler.jobs import Scheduler
from crawler.sample import serve_sample
from crawler.store import open_store
from tests.httpserver import Server, page
from tests.test_schedule import ChangingSite
from vnsearch.cli.main import main


@pytest.fixture
def papers():
    """Four provincial papers, five articles each, each on a server of its own that asks for
    Crawl-delay: 0.2 and takes 20 ms an article."""
    servers = [Server() for _ in range(4)]
    try:
        sites = []
        for number, server in enumerate(servers):
            paper = ChangingSite(server, slow=0.02)
            server.routes["/robots.txt"] = page("User-agent: *\nCrawl-delay: 0.2\n",
                                                content_type="text/plain")
            paper.publish(*range(1, 6))
            sites.append(paper.site("1h", name=f"bao{number}"))
        yield servers, sites
    finally:
        for server in servers:
            server.close()


def spans(server: Server) -> tuple[float, float]:
    return server.requests[0].at, server.requests[-1].at


def min_gap(server: Server) -> float:
    return min(b.at - a.at for a, b in pairwise(server.requests))


def test_four_sites_crawl_at_once_and_each_host_keeps_its_crawl_delay(papers, store, tmp_path):
    servers, sites = papers
    results = Scheduler(store, tmp_path, sites, workers=4).run_due()
    assert sorted(r.site for r in results) == [s.name for s in sites]
    assert all(r.outcome == "complete" and r.counts["new"] == 5 for r in results)
    assert store.count_articles() == 20
    # every site had started before any had finished: they ran side by side
    assert max(start for start, _ in map(spans, servers)) < min(end for _, end in map(spans, servers))
    assert min(min_gap(server) for server in servers) >= 0.2


def test_two_sites_on_one_host_are_asked_one_request_at_a_time(store, tmp_path):
    with Server() as server:
        news = ChangingSite(server, slow=0.05)
        server.routes["/robots.txt"] = page("User-agent: *\nCrawl-delay: 0.1\n",
                                            content_type="text/plain")
        news.publish(1, 2, 3, 4)
        sites = [news.site("1h", name=name) for name in ("tinhuy", "tinhuy-ban-tuyen-giao")]
        results = Scheduler(store, tmp_path, sites, workers=2).run_due()
        assert [r.counts["pages"] > 0 for r in results] == [True, True]
        # one robots.txt for both jobs, whose Crawl-delay then spaces every request of either
        assert server.paths().count("/robots.txt") == 1
        assert min_gap(server) >= 0.1


def test_two_schedulers_on_one_postgres_store_share_the_sites(papers, postgres_url, tmp_path):
    servers, sites = papers
    done: dict[str, list] = {}

    def scheduler(name: str):
        with open_store(postgres_url) as store:
            done[name] = Scheduler(store, tmp_path / name, sites, workers=2).run_due()

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ran = [r.site for results in done.values() for r in results]
    assert sorted(ran) == sorted(s.name for s in sites)  # each site once, by one of them
    assert done["a"] and done["b"]
    with open_store(postgres_url) as store:
        assert store.count_articles() == 20
        assert sum(r["counts"]["new"] for r in store.runs(100)) == 20
        assert sorted(r["site"] for r in store.runs(100)) == sorted(s.name for s in sites)


def invoke(data_dir, *args):
    return CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)])


def test_two_crawl_machines_share_store_and_captures_and_the_index_machine_rebuilds(
    postgres_url, tmp_path
):
    """Crawler data dirs of their own, one PostgreSQL store, one shared captures directory;
    the index machine re-extracts every article from the shared captures."""
    shared = tmp_path / "captures"
    with serve_sample() as archive:
        (tinhuy, baotinh, congtt) = (archive.sites[n] for n in ("tinhuy", "baotinh", "congtt"))
        first = invoke(tmp_path / "crawler1", "crawl", tinhuy, baotinh, "--workers", "2",
                       "--store", postgres_url, "--captures", str(shared), "--no-index",
                       "--delay", "0")
        second = invoke(tmp_path / "crawler2", "crawl", congtt, "--store", postgres_url,
                        "--captures", str(shared), "--no-index", "--delay", "0")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert first.output.count(" new,") == 2  # one line for each host
    with open_store(postgres_url) as store:
        stored = store.count_articles()
        sources = {a.source for _, a, _ in store.changes_since(0)}
    assert stored > 20 and len(sources) == 3
    index_dir = tmp_path / "indexer"
    result = invoke(index_dir, "index", "--rebuild", "--store", postgres_url,
                    "--captures", str(shared))
    assert result.exit_code == 0, result.output
    assert f"re-extracted: unchanged {stored}" in result.output
    assert f"indexed {stored}" in result.output
    result = invoke(index_dir, "index", "--rebuild", "--store", postgres_url)
    assert f"missing {stored}" in result.output  # without the shared directory: nothing to read


def test_the_follower_indexes_what_another_process_stores_and_publishes_it(location, tmp_path):
    """The index machine follows the store and publishes whole generations into a directory
    from which search servers elsewhere copy them."""
    index_dir, published = tmp_path / "indexer", tmp_path / "published"
    store_args = ["--store", location] if location else []
    data_args = ["--data-dir", str(tmp_path if location is None else index_dir)]
    follower = subprocess.Popen(
        [sys.executable, "-c", "from vnsearch.cli.main import main; main()", "index", "--follow",
         "--interval", "0.2", "--publish", str(published), *store_args, *data_args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert follower.stdout.readline().startswith("indexed 0 article(s)")
        assert follower.stdout.readline().startswith("published gen-")
        lines = tmp_path / "articles.jsonl"
        lines.write_text("".join(json.dumps({
            "url": f"https://baokontum.vn/bai-{n}.html", "title": f"Hội nghị Tỉnh ủy số {n}",
            "body": "Ban Thường vụ Tỉnh ủy Kon Tum họp phiên thường kỳ.",
        }, ensure_ascii=False) + "\n" for n in range(3)), encoding="utf-8")
        result = invoke(tmp_path, "import", str(lines), "--no-index", *store_args)
        assert result.exit_code == 0 and "3 new" in result.output, result.output
        assert follower.stdout.readline().startswith("indexed 3 article(s)")
        assert follower.stdout.readline().startswith("published gen-")
        follower.send_signal(signal.SIGTERM)
        follower.wait(10)
    finally:
        follower.kill()
    assert follower.returncode == 0, follower.stderr.read()
    for searched in (tmp_path if location is None else index_dir, published):
        found = json.loads(invoke(searched, "search", "hoi nghi tinh uy", "--json").stdout)
        assert found["total"] == 3
    assert len(list((published / "index").glob("gen-*"))) == 2  # the live one and the one before


def test_a_store_that_is_not_postgres_is_refused_with_a_sentence(tmp_path):
    result = invoke(tmp_path, "jobs", "--store", "mysql://x@127.0.0.1/db")
    assert result.exit_code != 0 and "is not a PostgreSQL URL" in result.output
    assert "Traceback" not in result.output
    result = invoke(tmp_path, "jobs", "--store", "postgresql://x@127.0.0.1:1/db")
    assert result.exit_code != 0 and "cannot open the PostgreSQL store 127.0.0.1:1/db" in result.output


def test_sigterm_stops_every_running_job_and_the_next_start_resumes_them_all(tmp_path):
    with Server() as one, Server() as two:
        papers = [ChangingSite(one, slow=0.05), ChangingSite(two, slow=0.05)]
        config = tmp_path / "sites.toml"
        for number, paper in enumerate(papers):
            paper.publish(*range(1, 16))
            site = paper.site("1h", name=f"bao{number}")
            with config.open("a", encoding="utf-8") as handle:
                handle.write(f'[sites.{site.name}]\nstart_urls = ["{site.start_urls[0]}"]\n'
                             f'feeds = ["{site.feeds[0]}"]\ndelay = 0\nschedule = "1h"\n')
        command = [sys.executable, "-c", "from vnsearch.cli.main import main; main()", "schedule",
                   "--config", str(config), "--workers", "2", "--data-dir", str(tmp_path)]
        process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 20
            while min(len(p.server.requests) for p in papers) < 6:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.02)
            with open_store(None, tmp_path) as store:
                assert sum(job["running"] for job in store.jobs()) == 2
            process.send_signal(signal.SIGTERM)
            _, log = process.communicate(timeout=15)
        finally:
            process.kill()
        assert process.returncode == 0, log
        with open_store(None, tmp_path) as store:
            assert [job["outcome"] for job in store.jobs()] == ["stopped", "stopped"]
            assert 0 < store.count_articles() < 30
        result = invoke(tmp_path, "schedule", "--config", str(config), "--once",
                        "--workers", "2")
        assert result.exit_code == 0, result.output
    with open_store(None, tmp_path) as store:
        assert [job["outcome"] for job in store.jobs()] == ["complete", "complete"]
        assert store.count_articles() == 30
        assert sum(run["counts"]["new"] for run in store.runs(100)) == 30
