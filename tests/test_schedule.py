"""The scheduler against news sites on 127.0.0.1 that change between runs: incremental rounds,
missed runs, backoff, the site lock, kills and SIGTERM."""

import json
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from crawler.config import ConfigError, Site
from crawler.crawl import crawl
from crawler.jobs import Scheduler, scheduled_sites
from crawler.store import Store, open_store, stamp
from index.writer import open_index
from tests.httpserver import Server, page
from vnsearch.cli.main import main
from vnsearch.cli.schedule import index_after_job

PARAGRAPHS = [
    "Sáng nay, Ban Thường vụ Tỉnh ủy Kon Tum tổ chức hội nghị sơ kết công tác quý I, triển khai "
    "nhiệm vụ trọng tâm quý II năm 2024, với sự tham dự của các đồng chí lãnh đạo tỉnh.",
    "Báo cáo tại hội nghị cho biết tình hình kinh tế - xã hội của tỉnh tiếp tục chuyển biến tích "
    "cực, thu ngân sách đạt khá, đời sống của nhân dân được cải thiện rõ rệt.",
    "Công tác xây dựng Đảng, xây dựng hệ thống chính trị được quan tâm; quốc phòng, an ninh được "
    "giữ vững, trật tự an toàn xã hội được bảo đảm trên địa bàn toàn tỉnh.",
    "Phát biểu kết luận, đồng chí Bí thư Tỉnh ủy đề nghị các cấp, các ngành tập trung chỉ đạo "
    "quyết liệt, hoàn thành thắng lợi các chỉ tiêu, nhiệm vụ đã đề ra trong năm.",
]
EDIT = "Bài viết được cập nhật: hội nghị thống nhất bổ sung ba nhiệm vụ trọng tâm mới."


def title(n: int, edition: int = 1) -> str:
    return f"Hội nghị Ban Thường vụ Tỉnh ủy số {n}" + (" (cập nhật)" if edition > 1 else "")


class ChangingSite:
    """A provincial paper: a home page and an RSS feed linking its articles, newest first.
    The test publishes, edits and removes articles between runs; articles answer conditional
    GETs from their ETag; a removed article stays linked and answers 404."""

    def __init__(self, server: Server, slow: float = 0.0):
        self.server = server
        self.slow = slow
        self.editions: dict[int, int] = {}  # article -> edition; absent once removed
        self.linked: list[int] = []
        self.failing = False
        server.routes["/robots.txt"] = page("User-agent: *\nAllow: /\n", content_type="text/plain")
        server.routes["/"] = self.home
        server.routes["/rss.xml"] = self.feed

    def site(self, schedule: str = "1s", name: str = "baokontum", **options) -> Site:
        return Site(name, start_urls=[self.server.url("/")],
                    feeds=[self.server.url("/rss.xml")], delay=0, schedule=schedule, **options)

    def publish(self, *numbers: int):
        for n in numbers:
            self.editions[n] = 1
            self.linked.insert(0, n)
            self.server.routes[f"/bai-{n}.html"] = self.article

    def edit(self, n: int):
        self.editions[n] += 1

    def remove(self, n: int):
        del self.editions[n]

    def fetched(self, n: int) -> int:
        return self.server.paths().count(f"/bai-{n}.html")

    def home(self, request):
        if self.failing:
            return 500, {"Retry-After": "0"}, b"<h1>Internal Server Error</h1>"
        items = "".join(f"<li><a href='/bai-{n}.html'>{title(n)}</a></li>" for n in self.linked)
        body = f"<html><head><title>Báo Kon Tum</title></head><body><ul>{items}</ul></body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    def feed(self, request):
        if self.failing:
            return 500, {"Retry-After": "0"}, b""
        items = "".join(
            f"<item><link>{self.server.url(f'/bai-{n}.html')}</link></item>" for n in self.linked
        )
        body = f"<?xml version='1.0'?><rss><channel>{items}</channel></rss>"
        return 200, {"Content-Type": "application/rss+xml"}, body.encode()

    def article(self, request):
        time.sleep(self.slow)
        n = int(re.search(r"\d+", request.path)[0])
        if n not in self.editions:
            return 404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"
        edition = self.editions[n]
        etag = f'"{n}-{edition}"'
        if request.headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        paragraphs = PARAGRAPHS + [EDIT] * (edition > 1)
        body = (
            f"<html><head><title>{title(n, edition)}</title></head><body>"
            f"<h1>{title(n, edition)}</h1><div class='date'>Thứ Tư, 10/01/2024 - 13:17</div>"
            f"<div class='content'>{''.join(f'<p>{p}</p>' for p in paragraphs)}</div>"
            "</body></html>"
        )
        return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": etag}, body.encode()


@pytest.fixture
def news():
    with Server() as server:
        yield ChangingSite(server)


def article_id(store: Store, news: ChangingSite, n: int) -> str:
    return store.article_id_for_url(news.server.url(f"/bai-{n}.html"))


def new_total(store: Store) -> int:
    """New articles summed over every run, killed runs included."""
    return sum(r["counts"].get("new", 0) for r in store.runs(100))


def pick(counts: dict, *keys: str) -> dict:
    return {key: counts[key] for key in keys}


# -- rounds ------------------------------------------------------------------------------------


def test_three_rounds_new_edited_and_gone(news, store, tmp_path):
    """A real scheduler loop on a 1s schedule; after each job the index is updated and the
    site changes: two articles appear and one is edited, then one appears and one is gone."""
    news.publish(1, 2, 3)
    changes = [lambda: (news.publish(4, 5), news.edit(2)), lambda: (news.publish(6), news.remove(3))]
    rounds = []
    index = index_after_job(tmp_path)

    def after_job(store, result):
        index(store, result)
        rounds.append(result)
        if changes:
            changes.pop(0)()

    scheduler = Scheduler(store, tmp_path, [news.site("1s")], after_job=after_job)
    assert scheduler.run(max_jobs=3) == 3
    keys = ("new", "updated", "not_modified", "gone")
    assert [pick(r.counts, *keys) for r in rounds] == [
        {"new": 3, "updated": 0, "not_modified": 0, "gone": 0},
        {"new": 2, "updated": 1, "not_modified": 2, "gone": 0},
        {"new": 1, "updated": 0, "not_modified": 4, "gone": 1},
    ]
    assert [r.outcome for r in rounds] == ["complete"] * 3
    runs = store.runs(3)[::-1]
    for result, earlier, later in zip(rounds[:-1], runs[:-1], runs[1:], strict=True):
        assert earlier["finished"] < stamp(result.next_run) <= later["started"]  # 1s later

    assert store.count_articles() == 6
    edited = article_id(store, news, 2)
    assert store.article(edited).title == title(2, 2) and EDIT in store.article(edited).body
    assert store.article_meta(article_id(store, news, 3))["status"] == "gone"
    with open_index(tmp_path).searcher() as searcher:
        assert searcher.doc_count() == 6
        assert searcher.document(id=edited)["title"] == title(2, 2)
        assert searcher.document(id=article_id(store, news, 3))["status"] == "gone"
        assert searcher.document(id=article_id(store, news, 1))["status"] == "live"

    job = store.job("baokontum")
    assert job["outcome"] == "complete" and job["failures"] == 0 and job["owner"] is None
    assert job["counts"]["new"] == 1
    assert datetime.fromisoformat(job["next_run"]) > datetime.fromisoformat(job["last_run_finished"])


# -- missed runs and backoff -------------------------------------------------------------------


@pytest.mark.parametrize("schedule", ["1d", "0 6 * * *"])
def test_runs_missed_while_down_run_once(news, store, tmp_path, schedule):
    news.publish(1)
    site = news.site(schedule)
    assert len(Scheduler(store, tmp_path, [site]).run_due()) == 1
    # no scheduler ran for a week: seven slots went by
    store.db.execute("UPDATE jobs SET next_run = ?",
                     (stamp(datetime.now(timezone.utc) - timedelta(days=7)),))
    restarted = Scheduler(store, tmp_path, [site])
    assert restarted.run(once=True) == 1
    assert restarted.run(once=True) == 0
    assert datetime.fromisoformat(store.job(site.name)["next_run"]) > datetime.now(timezone.utc)
    assert len(store.runs()) == 2


def test_a_failing_site_backs_off_and_recovers(news, store, tmp_path):
    news.publish(1)
    news.failing = True
    scheduler = Scheduler(store, tmp_path, [news.site("1s")], max_backoff=timedelta(seconds=4))
    waits, now = [], None
    for failures in (1, 2, 3):
        if now is not None:
            assert scheduler.run_due(now=now - timedelta(seconds=1)) == []  # not due yet
        [result] = scheduler.run_due(now=now)
        assert result.outcome == "failed" and result.failures == failures
        assert "every page fetched failed (http_5xx 2)" in result.error
        finished = datetime.fromisoformat(store.job("baokontum")["last_run_finished"])
        waits.append((result.next_run - finished).total_seconds())
        now = result.next_run
    # 2 s, 4 s, then the cap of 4 s; the store keeps whole seconds, so each may be 1 s longer
    for wait, expected in zip(waits, [2, 4, 4], strict=True):
        assert expected <= wait <= expected + 1
    assert store.job("baokontum")["failures"] == 3
    news.failing = False
    [healed] = scheduler.run_due(now=now)
    assert healed.outcome == "complete" and healed.failures == 0 and healed.counts["new"] == 1
    assert store.job("baokontum")["error"] is None


# -- the lock, kills and signals ---------------------------------------------------------------

SCHEDULE = "from vnsearch.cli.main import main; main()"


def start_scheduler(tmp_path, news, *args, location=None) -> subprocess.Popen:
    config = tmp_path / "sites.toml"
    site = news.site("1h")
    config.write_text(
        f'[sites.{site.name}]\nstart_urls = ["{site.start_urls[0]}"]\n'
        f'feeds = ["{site.feeds[0]}"]\ndelay = 0\nschedule = "1h"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-c", SCHEDULE, "schedule", "--config", str(config),
               "--data-dir", str(tmp_path), *args, *(["--store", location] if location else [])]
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True)


def pages_so_far(tmp_path, location=None) -> int:
    if location is None and not (tmp_path / "store.sqlite").exists():
        return 0
    with open_store(location, tmp_path) as store:
        runs = store.runs(1)
    return runs[0]["counts"].get("pages", 0) if runs else 0


def wait_for_pages(process, tmp_path, pages: int, location=None):
    deadline = time.monotonic() + 20
    while pages_so_far(tmp_path, location) < pages:
        assert process.poll() is None, "the scheduler ended before it could be interrupted"
        assert time.monotonic() < deadline, "the scheduler made no progress"
        time.sleep(0.02)


@pytest.fixture
def slow_news():
    """25 articles that take 50 ms each: a job long enough to interrupt."""
    with Server() as server:
        news = ChangingSite(server, slow=0.05)
        news.publish(*range(1, 26))
        yield news


def test_a_second_scheduler_skips_a_held_site_and_a_killed_one_holds_nothing(
    slow_news, tmp_path, location
):
    process = start_scheduler(tmp_path, slow_news, "--once", location=location)
    try:
        wait_for_pages(process, tmp_path, 6, location)
        with open_store(location, tmp_path) as store:
            second = Scheduler(store, tmp_path, [slow_news.site("1h")])
            assert second.run_due() == []
            [job] = store.jobs()
            assert job["running"] and job["owner"].endswith(f":{process.pid}")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    with open_store(location, tmp_path) as store:
        assert store.jobs()[0]["outcome"] in ("running", "interrupted")
        killed_at = store.count_articles()
        assert 0 < killed_at < 25
        # the next scheduler is not blocked, resumes the queue, and counts each article once
        [result] = Scheduler(store, tmp_path, [slow_news.site("1h")],
                             after_job=index_after_job(tmp_path)).run_due()
        assert result.outcome == "complete" and result.counts["new"] == 25 - killed_at
        assert store.count_articles() == 25 and new_total(store) == 25
        assert sum(slow_news.fetched(n) for n in range(1, 26)) <= 26  # at most the page in hand
        with open_index(tmp_path).searcher() as searcher:
            assert searcher.doc_count() == 25


def test_sigterm_finishes_the_page_and_the_next_start_resumes(slow_news, tmp_path, location):
    process = start_scheduler(tmp_path, slow_news, location=location)
    try:
        wait_for_pages(process, tmp_path, 6, location)
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, log
    lines = log.splitlines()
    pattern = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING) [\w.]+: \S"
    assert all(re.match(pattern, line) for line in lines), log
    assert any("SIGTERM received" in line for line in lines)
    assert any("baokontum: stopped" in line for line in lines)
    with open_store(location, tmp_path) as store:
        job = store.job("baokontum")
        assert job["outcome"] == "stopped" and store.runs(1)[0]["outcome"] == "stopped"
        assert job["owner"] is None and job["failures"] == 0
        stopped_at = store.count_articles()
        assert 0 < stopped_at < 25
        # a stopped job stays due: the next start resumes it at once
        assert datetime.fromisoformat(job["next_run"]) <= datetime.now(timezone.utc)
    process = start_scheduler(tmp_path, slow_news, "--once", location=location)
    _, log = process.communicate(timeout=30)
    assert process.returncode == 0, log
    with open_store(location, tmp_path) as store:
        assert store.job("baokontum")["outcome"] == "complete"
        assert store.count_articles() == 25 and new_total(store) == 25
        assert store.runs(1)[0]["counts"]["new"] == 25 - stopped_at
    assert "indexed" in log


def test_a_run_that_ended_as_its_scheduler_died_is_recorded_not_repeated(news, store, tmp_path):
    news.publish(1, 2)
    site = news.site("1h")
    scheduler = Scheduler(store, tmp_path, [site])
    store.start_job(site.name, "elsewhere:1", datetime.now(timezone.utc))
    crawl(store, tmp_path, site=site)  # the crawl ends; its scheduler dies before writing the job
    requests = len(news.server.requests)
    [result] = scheduler.run_due()
    assert result.outcome == "complete" and result.counts["new"] == 2
    assert len(news.server.requests) == requests
    assert scheduler.run_due() == []


# -- choosing sites, and the jobs command ------------------------------------------------------


def test_scheduled_sites_need_a_schedule(news):
    sites = {"a": news.site("6h"), "b": Site("b", start_urls=["http://b.vn/"])}
    assert [s.schedule for s in scheduled_sites(sites)] == ["6h"]
    with pytest.raises(ConfigError, match=r"no site 'c'; it lists a, b"):
        scheduled_sites(sites, ["c"], "sites.toml")
    with pytest.raises(ConfigError, match=r'\[sites.b\] has no schedule; add schedule = "6h"'):
        scheduled_sites(sites, ["b"], "sites.toml")
    with pytest.raises(ConfigError, match="no site has a schedule"):
        scheduled_sites({"b": sites["b"]}, (), "sites.toml")


def test_jobs_command_prints_a_table_and_json(news, tmp_path):
    news.publish(1, 2)
    runner = CliRunner()
    assert "no jobs yet" in runner.invoke(main, ["jobs", "--data-dir", str(tmp_path)]).output
    with Store.in_data_dir(tmp_path) as store:
        Scheduler(store, tmp_path, [news.site("6h")]).run_due()
    table = runner.invoke(main, ["jobs", "--data-dir", str(tmp_path)])
    assert table.exit_code == 0
    header, row = table.output.splitlines()
    assert header.split() == [
        "SITE", "LAST", "RUN", "OUTCOME", "NEW", "UNDATED", "DROPPED", "NEXT", "RUN"
    ]
    # two articles, both dated; the home page is counted as no article
    assert row.split()[0] == "baokontum" and "complete" in row
    assert row.split()[-5:-2] == ["2", "0", "1"]
    printed = json.loads(runner.invoke(main, ["jobs", "--json", "--data-dir", str(tmp_path)]).output)
    [job] = printed["jobs"]
    assert job["site"] == "baokontum" and job["counts"]["new"] == 2 and not job["running"]
