"""The store's interface, run against both backends (``any_store``: SQLite and a real
PostgreSQL): the same calls must give the same records and the same behaviour."""

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from crawler.article import Article, Official
from crawler.store import DuplicateURL, StoreError, open_store
from crawler.store.migrations import STEPS

BODY = ("Chiều 12/3, Thường trực Tỉnh ủy làm việc với Ban Thường vụ Huyện ủy Đăk Hà về tình hình "
        "thực hiện nhiệm vụ chính trị quý I năm 2024.")


def article(n: int, title: str = "Thường trực Tỉnh ủy làm việc với Huyện ủy Đăk Hà") -> Article:
    return Article(
        url=f"https://baokontum.vn/chinh-tri/bai-{n}.html", title=f"{title} ({n})", body=BODY,
        published="2024-03-12T15:00:00+07:00", source="baokontum", section="Chính trị",
        officials=[Official("Dương Văn Trang", ["Bí thư Tỉnh ủy"])],
    )


def test_an_article_is_new_then_unchanged_then_updated_and_keeps_its_record(any_store):
    first = article(1)
    with any_store.transaction():
        assert any_store.save_article(first, "crawl-1-x.warc.gz:0") == "new"
    with any_store.transaction():
        assert any_store.save_article(first) == "unchanged"
    edited = Article(**{**first.__dict__, "title": first.title + " (cập nhật)"})
    with any_store.transaction():
        assert any_store.save_article(edited) == "updated"
    assert any_store.article(first.id) == edited
    assert any_store.article(first.id).officials == [Official("Dương Văn Trang", ["Bí thư Tỉnh ủy"])]
    meta = any_store.article_meta(first.id)
    assert meta["capture"] == "crawl-1-x.warc.gz:0" and meta["status"] == "live"
    assert any_store.article_id_for_url(first.url) == first.id
    assert any_store.article("missing") is None and any_store.article_meta("missing") is None


def test_first_seen_is_when_the_archive_met_each_article_and_stays_through_updates(any_store):
    """A story is named by the copy the archive met first, so first_seen must never move."""
    articles = [article(n) for n in range(1, 1203)]  # more than one query's worth of ids
    with any_store.transaction():
        for one in articles:
            any_store.save_article(one)
    seen = any_store.first_seen([a.id for a in articles] + ["missing"])
    assert set(seen) == {a.id for a in articles}
    assert all(value == any_store.article_meta(i)["first_seen"] for i, value in seen.items())
    edited = Article(**{**articles[0].__dict__, "title": "Tin đã sửa"})
    with any_store.transaction():
        assert any_store.save_article(edited) == "updated"
    assert any_store.first_seen([edited.id]) == {edited.id: seen[edited.id]}
    assert any_store.first_seen([]) == {}


def test_a_second_id_for_a_stored_url_is_refused_and_the_batch_goes_on(any_store):
    """An import whose lines give two ids one URL: the second is refused, the rest stored."""
    with any_store.transaction():
        any_store.save_article(article(1))
        with pytest.raises(DuplicateURL, match="already has the URL"):
            any_store.save_article(Article(**{**article(1).__dict__, "id": "another-id"}))
        assert any_store.save_article(article(2)) == "new"
    assert any_store.count_articles() == 2 and any_store.article("another-id") is None


def test_every_change_gets_the_next_seq_and_the_index_reads_them_in_order(any_store):
    with any_store.transaction():
        for n in range(1, 4):
            any_store.save_article(article(n))
    with any_store.transaction():
        any_store.save_article(Article(**{**article(1).__dict__, "body": BODY + " Bổ sung."}))
        assert any_store.mark_gone(article(2).id)
        assert not any_store.mark_gone(article(2).id)  # already gone: no new change
    changes = [(seq, a.url, status) for seq, a, status in any_store.changes_since(0)]
    assert [seq for seq, _, _ in changes] == [3, 4, 5]
    assert [(url[-10:], status) for _, url, status in changes] == [
        ("bai-3.html", "live"), ("bai-1.html", "live"), ("bai-2.html", "gone")
    ]
    assert [s for s, _, _ in any_store.changes_since(3, upto=4)] == [4]
    assert any_store.max_seq() == 5 and any_store.count_articles() == 3
    assert any_store.seq_ranges(2) == [(0, 4), (4, 5)]
    assert [ref for _, _, ref in any_store.captures()] == []


def test_a_failed_transaction_leaves_nothing_behind(any_store):
    with pytest.raises(RuntimeError), any_store.transaction():
        any_store.save_article(article(1))
        any_store.record_url(article(1).url, "baokontum", http_status=200)
        raise RuntimeError("killed mid-page")
    assert any_store.count_articles() == 0 and any_store.url_state(article(1).url) is None
    with any_store.transaction():
        any_store.save_article(article(1))
    assert [seq for seq, _, _ in any_store.changes_since(0)] == [1]  # the counter rolled back too


def test_url_states_are_upserted_and_listed_by_site(any_store):
    url = article(1).url
    any_store.record_url(url, "baokontum", http_status=200, etag='"a"', article_id=None)
    any_store.record_url(url, "baokontum", http_status=404, error="http_4xx")
    state = any_store.url_state(url)
    assert (state["http_status"], state["error"], state["etag"]) == (404, "http_4xx", '"a"')
    with any_store.transaction():
        any_store.save_article(article(1))
    any_store.record_url(url, "baokontum", http_status=200, error=None, article_id=article(1).id)
    assert any_store.site_article_urls("baokontum") == {url: article(1).id}
    assert any_store.site_article_urls("other") == {}


def test_runs_keep_their_counts_and_the_latest_is_found_per_site(any_store):
    first = any_store.start_run("baokontum")
    second = any_store.start_run("tinhuy")
    assert second == first + 1
    any_store.update_run(first, {"pages": 3, "new": 2})
    any_store.finish_run(first, "complete", {"pages": 4, "new": 2, "errors": {"timeout": 1}})
    latest = any_store.latest_run("baokontum")
    assert latest["outcome"] == "complete" and latest["counts"]["errors"] == {"timeout": 1}
    assert [run["id"] for run in any_store.runs()] == [second, first]
    assert any_store.latest_run("nowhere") is None


def test_the_frontier_gives_feeds_first_then_order_found_and_a_pass_ends_when_empty(any_store):
    site = "baokontum"
    any_store.begin_pass(site)
    for n, priority in [(1, 2), (2, 2), (3, 0), (4, 1)]:
        assert any_store.queue_url(site, f"https://b.vn/{n}", f"https://b.vn/{n}#x", 1, priority)
    assert not any_store.queue_url(site, "https://b.vn/1", "https://b.vn/1", 1, 0)
    order = []
    while (row := any_store.next_queued(site)) is not None:
        order.append(row["url"][-1])
        any_store.mark_done(site, row["url"])
    assert order == ["3", "4", "1", "2"]
    assert not any_store.queue_url(site, "https://b.vn/1", "https://b.vn/1", 1, 2)  # seen this pass
    assert any_store.queue_url(site, "https://b.vn/1", "https://b.vn/1", 0, 0, again=True)
    any_store.mark_done(site, "https://b.vn/1")
    any_store.begin_pass(site)  # nothing queued: a new pass forgets what was seen
    assert any_store.queue_url(site, "https://b.vn/2", "https://b.vn/2", 1, 2)
    any_store.begin_pass(site)  # something queued: the pass goes on
    assert any_store.next_queued(site)["url"] == "https://b.vn/2"


def test_jobs_keep_the_earlier_due_time_and_a_silent_job_reads_interrupted(any_store):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    any_store.plan_job("baokontum", "6h", now)
    any_store.plan_job("baokontum", "1h", now + timedelta(hours=1))
    job = any_store.job("baokontum")
    assert job["schedule"] == "1h" and job["next_run"] == now.isoformat()
    any_store.start_job("baokontum", "crawler-1:42", now)
    [running] = any_store.jobs()
    assert running["running"] and running["owner"] == "crawler-1:42"
    assert any_store.jobs(stale_after=-1)[0]["outcome"] == "interrupted"
    any_store.finish_job("baokontum", "complete", {"new": 3}, now, now + timedelta(hours=1), 0)
    job = any_store.job("baokontum")
    assert job["outcome"] == "complete" and job["counts"] == {"new": 3} and job["owner"] is None
    any_store.set_meta("k", "v1")
    any_store.set_meta("k", "v2")
    assert any_store.get_meta("k") == "v2" and any_store.get_meta("x", "none") == "none"


def test_a_site_has_one_claimant_and_its_claim_ends_with_the_connection(any_store):
    other = any_store.reopen()
    try:
        with any_store.claim("báo/tỉnh") as first, other.claim("báo/tỉnh") as second:
            assert first and not second
            with other.claim("tinhuy") as unrelated:
                assert unrelated
        with other.claim("báo/tỉnh") as again:
            assert again
    finally:
        other.close()


CLAIM_AND_HANG = """
import sys, time
from crawler.store import open_store
store = open_store(sys.argv[1] or None, sys.argv[2])
with store.claim("baokontum") as held:
    print(held, flush=True)
    time.sleep(60)
"""


def test_the_claim_of_a_killed_process_is_free_at_once(any_store, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-c", CLAIM_AND_HANG, any_store.location if any_store.dialect ==
         "postgresql" else "", str(tmp_path)], stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline().strip() == "True"
        with any_store.claim("baokontum") as held:
            assert not held
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while True:
        with any_store.claim("baokontum") as held:
            if held or time.monotonic() > deadline:
                break
        time.sleep(0.05)
    assert held


def test_seqs_commit_in_their_own_order_with_two_writers(any_store):
    """A writer that takes a seq holds the counter until it commits, so a second writer's
    article can never be visible with a higher seq while a lower one is still to come."""
    seen_during = []
    with any_store.transaction():
        any_store.save_article(article(1))

        def second_writer():
            with any_store.reopen() as other, other.transaction():
                other.save_article(article(2))

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(0.5)
        seen_during.append(thread.is_alive())  # waiting for the counter
    thread.join(10)
    assert seen_during == [True]
    assert [(seq, a.url[-10:]) for seq, a, _ in any_store.changes_since(0)] == [
        (1, "bai-1.html"), (2, "bai-2.html")
    ]


def test_a_new_store_is_migrated_once_and_a_newer_schema_is_refused(any_store, location, tmp_path):
    versions = any_store._all("SELECT version FROM schema_migrations ORDER BY version")
    assert [row["version"] for row in versions] == list(range(1, len(STEPS) + 1))
    with open_store(location, tmp_path) as again:
        assert len(again._all("SELECT version FROM schema_migrations")) == len(STEPS)
    any_store._execute("INSERT INTO schema_migrations (version, applied) VALUES (?, 'x')",
                       (len(STEPS) + 1,))
    with pytest.raises(StoreError, match="upgrade vnsearch"):
        open_store(location, tmp_path)


OLD_SCHEMA = """
CREATE TABLE articles (id TEXT PRIMARY KEY, url TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
    body TEXT NOT NULL, published TEXT, source TEXT NOT NULL DEFAULT '', section TEXT NOT NULL
    DEFAULT '', author TEXT NOT NULL DEFAULT '', officials TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'live', capture TEXT,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, seq INTEGER NOT NULL);
INSERT INTO articles VALUES ('a1', 'https://b.vn/1', 'Tiêu đề', 'Nội dung', NULL, '', '', '',
    '[]', 'h', 'live', NULL, '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', 7);
"""


@pytest.mark.parametrize("had_new_columns", [False, True])
def test_a_sqlite_store_from_before_migrations_is_adopted_with_its_seqs(tmp_path, had_new_columns):
    """Stores of the first release, and of the one that added date_source and source_name
    before the schema had versions, open with their articles and go on counting seqs."""
    with sqlite3.connect(tmp_path / "store.sqlite") as db:
        db.executescript(OLD_SCHEMA)
        if had_new_columns:
            db.execute("ALTER TABLE articles ADD COLUMN date_source TEXT NOT NULL DEFAULT 'url'")
            db.execute("ALTER TABLE articles ADD COLUMN source_name TEXT NOT NULL DEFAULT ''")
    with open_store(None, tmp_path) as store:
        old = store.article("a1")
        assert (old.title, old.date_source) == ("Tiêu đề", "url" if had_new_columns else "")
        with store.transaction():
            store.save_article(article(1))
        assert [seq for seq, _, _ in store.changes_since(0)] == [7, 8]
        assert store.article(article(1).id) == article(1)


def test_an_unreachable_postgres_store_is_one_sentence(tmp_path):
    from vnsearch.bench.pgcluster import free_port

    url = f"postgresql://vnsearch@127.0.0.1:{free_port()}/archive"
    with pytest.raises(StoreError, match=r"cannot open the PostgreSQL store 127\.0\.0\.1:\d+/archive"):
        open_store(url)
