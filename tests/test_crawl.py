"""The crawl loop against small news sites on 127.0.0.1: duplicates, traps, recrawls, stops."""

import io
import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.capture import read_capture
from crawler.config import Site
from crawler.crawl import crawl, progress_bar
from crawler.fetch import ERROR_KINDS, Fetcher
from crawler.sample import serve_sample
from crawler.store import Store
from crawler.urls import canonicalize
from tests.httpserver import Server, page

PARAGRAPHS = [
    "Sáng nay, Ban Thường vụ Tỉnh ủy tổ chức hội nghị sơ kết công tác quý I, triển khai nhiệm vụ "
    "trọng tâm quý II năm 2024, với sự tham dự của các đồng chí lãnh đạo tỉnh.",
    "Đồng chí Nguyễn Văn An, Bí thư Tỉnh ủy, chủ trì hội nghị. Báo cáo tại hội nghị cho biết tình "
    "hình kinh tế - xã hội của tỉnh tiếp tục chuyển biến tích cực, thu ngân sách đạt khá.",
    "Công tác xây dựng Đảng, xây dựng hệ thống chính trị được quan tâm; quốc phòng, an ninh được "
    "giữ vững, trật tự an toàn xã hội được bảo đảm trên địa bàn toàn tỉnh.",
    "Phát biểu kết luận, đồng chí Bí thư Tỉnh ủy đề nghị các cấp, các ngành tập trung chỉ đạo "
    "quyết liệt, hoàn thành thắng lợi các chỉ tiêu, nhiệm vụ đã đề ra trong năm.",
]


def title(n: int) -> str:
    return f"Hội nghị sơ kết công tác quý I số {n}"


def article(n: int, head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>{title(n)}</title>{head}</head><body>"
        f"<nav><a href='/'>Trang chủ</a> <a href='/chinh-tri'>Chính trị</a></nav>"
        f"<h1>{title(n)}</h1><div class='date'>Thứ Tư, 10/01/2024 - 13:17</div>"
        f"<div class='content'>{body}</div></body></html>"
    )


def listing(links: list[str], head: str = "") -> str:
    items = "".join(
        f"<li><a href='{url}'>Tin {url}</a> <span>10/01/2024</span></li>" for url in links
    )
    return (
        f"<html><head><title>Chính trị</title>{head}</head><body><h1>Chính trị</h1>"
        f"<ul class='list'>{items}</ul></body></html>"
    )


class NewsSite:
    """A home page, a category listed over two pages, articles, a print version, a duplicate
    with share parameters, a redirect, a contact page, a page robots.txt forbids, a PDF."""

    def __init__(self, server: Server):
        self.server = server
        r = server.routes
        r["/robots.txt"] = page("User-agent: *\nDisallow: /admin/\n", content_type="text/plain")
        self.home = [
            "/chinh-tri",
            "/bai-1.html",
            "/bai-1.html?utm_source=zalo&zarsrc=31",
            "/in/bai-1.html",
            "/lien-he.html",
            "/admin/sua",
            "/van-ban.html",
            "/cu.html",
        ]
        r["/"] = lambda request: (200, {"Content-Type": "text/html"}, listing(self.home).encode())
        r["/chinh-tri"] = page(
            listing(["/bai-2.html", "/bai-3.html"], "<link rel='next' href='/chinh-tri?page=2'>")
        )
        r["/chinh-tri?page=2"] = page(listing(["/bai-4.html", "/bai-5.html"]))
        for n in range(1, 6):
            r[f"/bai-{n}.html"] = page(article(n))
        r["/in/bai-1.html"] = page(article(1, "<link rel='canonical' href='/bai-1.html'>"))
        r["/lien-he.html"] = page("<html><body><h1>Liên hệ</h1><p>Tòa soạn</p></body></html>")
        r["/van-ban.html"] = page(b"%PDF-1.4", content_type="application/pdf")
        r["/cu.html"] = page(status=301, Location="/bai-3.html")

    def site(self, **options) -> Site:
        return Site("baotinh", start_urls=[self.server.url("/")], delay=0, **options)

    def fetched(self, path: str) -> int:
        return self.server.paths().count(path)


@pytest.fixture
def news():
    with Server() as server:
        yield NewsSite(server)


def urls(store: Store) -> list[str]:
    return sorted(r[0] for r in store.db.execute("SELECT url FROM articles"))


def expected(news: NewsSite, numbers) -> list[str]:
    return sorted(news.server.url(f"/bai-{n}.html") for n in numbers)


def test_every_article_once_and_nothing_else(news, store, tmp_path):
    summary = crawl(store, tmp_path, site=news.site())
    assert urls(store) == expected(news, range(1, 6))
    assert summary.outcome == "complete" and summary.new == 5 and summary.updated == 0
    assert summary.errors == {"robots_disallowed": 1, "not_html": 1}
    assert news.fetched("/admin/sua") == 0
    assert news.fetched("/bai-3.html") == 1  # the redirect landed on a page already fetched
    stored = store.article(store.article_id_for_url(news.server.url("/bai-2.html")))
    assert stored.title == title(2) and stored.source == "baotinh"
    assert stored.published == "2024-01-10T13:17:00+07:00"
    assert stored.officials[0].name == "Nguyễn Văn An"
    assert store.runs(1)[0]["outcome"] == "complete"
    assert store.runs(1)[0]["counts"]["new"] == 5


def test_captures_hold_the_raw_responses(news, store, tmp_path):
    crawl(store, tmp_path, site=news.site())
    captures = list(store.captures())
    assert len(captures) == 5
    for _, url, ref in captures:
        fetched_url, headers, body = read_capture(tmp_path / "warc", ref)
        assert fetched_url == url
        assert headers["Content-Type"].startswith("text/html")
        assert title(int(url[-6])).encode() in body
    [warc] = (tmp_path / "warc").glob("crawl-*.warc.gz")
    with open(warc, "rb") as stream:
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_headers.protocol == "WARC/1.1" and record.rec_type == "response"


def test_the_crawler_imports_nothing_downstream():
    code = (
        "import sys, crawler.crawl, crawler.jobs, crawler.sample.server; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'index', 'search', 'webui', 'vnsearch'}))"
    )
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "[]"
    )


def test_source_without_a_site_is_host_and_port(news, store, tmp_path):
    crawl(store, tmp_path, [news.server.url("/")], delay=0)
    host = news.server.base.removeprefix("http://")
    sources = {r[0] for r in store.db.execute("SELECT source FROM articles")}
    assert sources == {host}


def test_recrawl_is_incremental(news, store, tmp_path):
    crawl(store, tmp_path, site=news.site())
    news.home.insert(0, "/bai-6.html")
    news.server.routes["/bai-6.html"] = page(article(6))
    news.server.routes["/bai-2.html"] = page(status=404)
    news.server.requests.clear()
    summary = crawl(store, tmp_path, site=news.site())
    assert summary.new == 1 and urls(store) == expected(news, range(1, 7))
    assert summary.unchanged == 2  # bai-1 and /cu.html (bai-3), linked from the home page
    assert news.fetched("/bai-4.html") == 0  # old and deep: not fetched again
    assert news.fetched("/chinh-tri?page=2") == 0  # page 1 held only known articles
    assert news.fetched("/bai-2.html") == 0  # so this one is not fetched either
    assert (
        store.article_meta(store.article_id_for_url(news.server.url("/bai-2.html")))["status"]
        == "live"
    )


def test_conditional_get_and_gone(news, store, tmp_path):
    def with_etag(request):
        if request.headers.get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "text/html", "ETag": '"v1"'}, article(1).encode()

    news.server.routes["/bai-1.html"] = with_etag
    news.home.append("/bai-5.html")
    crawl(store, tmp_path, site=news.site())
    news.server.routes["/bai-5.html"] = page(status=410)
    summary = crawl(store, tmp_path, site=news.site())
    assert summary.not_modified == 1 and summary.errors["http_4xx"] == 1
    gone = store.article_meta(store.article_id_for_url(news.server.url("/bai-5.html")))
    assert gone["status"] == "gone"


def test_calendar_trap_is_bounded_by_depth(store, tmp_path):
    with Server() as server:

        def day(request):
            n = int(request.path.rsplit("=", 1)[1])
            return 200, {"Content-Type": "text/html"}, listing([f"/lich?ngay={n + 1}"]).encode()

        server.routes["/"] = page(listing(["/lich?ngay=1"]))
        server.routes["/lich"] = day
        summary = crawl(store, tmp_path, [server.url("/")], delay=0, max_depth=4)
    assert summary.outcome == "complete"
    assert summary.pages == 5  # the home page and four days
    assert store.count_articles() == 0


def test_page_budget_stops_a_run_and_the_next_run_goes_on(news, store, tmp_path):
    first = crawl(store, tmp_path, site=news.site(max_pages=4))
    assert first.outcome == "budget" and first.pages == 4
    second = crawl(store, tmp_path, site=news.site())
    assert second.outcome == "complete"
    assert urls(store) == expected(news, range(1, 6))
    assert first.new + second.new == 5
    assert news.fetched("/chinh-tri") == 1


def test_endless_pagination_stops_when_nothing_is_new(store, tmp_path):
    with Server() as server:
        server.routes["/"] = page(listing(["/bai-1.html", "/?page=2"]))
        server.routes["/bai-1.html"] = page(article(1))
        summary = crawl(store, tmp_path, [server.url("/")], delay=0)
        pages = [p for p in server.paths() if "page=" in p]
    assert pages == ["/?page=2"]
    assert summary.outcome == "complete" and summary.new == 1


def test_stop_event_finishes_the_page_and_resumes(news, store, tmp_path):
    stop = threading.Event()
    seen = []

    def progress(summary, url):
        seen.append(url)
        if len(seen) == 3:
            stop.set()

    first = crawl(store, tmp_path, site=news.site(), progress=progress, stop_event=stop)
    assert first.outcome == "stopped" and first.pages == 3
    assert store.runs(1)[0]["outcome"] == "stopped"
    second = crawl(store, tmp_path, site=news.site())
    assert second.outcome == "complete"
    assert urls(store) == expected(news, range(1, 6))
    assert first.new + second.new == 5


def test_robots_unavailable_stores_nothing(store, tmp_path):
    with Server() as server:
        server.routes["/robots.txt"] = page(status=503)
        server.routes["/"] = page(listing(["/bai-1.html"]))
        fetcher = Fetcher(retries=0)
        summary = crawl(store, tmp_path, [server.url("/")], delay=0, fetcher=fetcher)
        assert "/" not in server.paths()
    assert summary.errors == {"robots_unavailable": 1}
    assert store.count_articles() == 0


def test_progress_bar(news, store, tmp_path):
    out = io.StringIO()
    with progress_bar(100, file=out) as progress:
        crawl(store, tmp_path, site=news.site(), progress=progress)
    assert "page" in out.getvalue() and "new=5" in out.getvalue()


# -- the sample archive -----------------------------------------------------------------------


def sample_sites(archive) -> list[Site]:
    """The three sample sites as a sites file would describe them."""
    sites = []
    for name, info in archive.truth["sites"].items():
        sites.append(
            Site(
                name,
                start_urls=[archive.url(name, info["home"])],
                feeds=[archive.url(name, path) for path in info.get("rss", [])],
                sitemaps=[archive.url(name, info["sitemap"])] if "sitemap" in info else [],
                delay=0,
            )
        )
    return sites


def truth_urls(archive) -> dict[str, str]:
    """Canonical URL -> site of every article in the truth file."""
    return {
        canonicalize(archive.url(a["site"], a["path"])): a["site"]
        for a in archive.truth["articles"]
    }


def assert_matches_truth(store: Store, archive):
    stored = {url: source for url, source in store.db.execute("SELECT url, source FROM articles")}
    assert stored == truth_urls(archive)
    assert store.count_articles() == len(archive.truth["articles"])


@pytest.fixture
def archive():
    with serve_sample() as archive:
        yield archive


def test_sample_archive_end_to_end(archive, store, tmp_path):
    summaries = [crawl(store, tmp_path, site=site) for site in sample_sites(archive)]
    assert all(s.outcome == "complete" for s in summaries)
    assert_matches_truth(store, archive)
    assert sum(s.new for s in summaries) == len(archive.truth["articles"])
    assert sum(s.errors["robots_disallowed"] for s in summaries) > 0
    assert {kind for s in summaries for kind in s.errors} <= set(ERROR_KINDS)
    for trap in archive.truth["traps"]["wrong_charset"] + archive.truth["traps"]["retry_once"]:
        truth = next(a for a in archive.truth["articles"] if a["path"] == trap["path"])
        stored = store.article(
            store.article_id_for_url(canonicalize(archive.url(trap["site"], trap["path"])))
        )
        assert stored.title == truth["title"]
    for _, url, ref in store.captures():
        assert read_capture(tmp_path / "warc", ref)[0] == url


CRAWL_SITES = """
import json, sys
from crawler.config import Site
from crawler.crawl import crawl
from crawler.store import Store
store = Store.in_data_dir(sys.argv[1])
for site in json.loads(sys.argv[2]):
    crawl(store, sys.argv[1], site=Site(**site))
"""


def pages_done(path) -> int:
    if not path.exists():
        return 0
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM frontier WHERE done = 1").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0


def test_killed_crawl_resumes_and_stores_every_article_once(archive, tmp_path):
    sites = sample_sites(archive)
    command = [
        sys.executable,
        "-c",
        CRAWL_SITES,
        str(tmp_path),
        json.dumps([site.__dict__ for site in sites]),
    ]
    process = subprocess.Popen(command)
    try:
        deadline = time.monotonic() + 30
        while pages_done(tmp_path / "store.sqlite") < 20 and time.monotonic() < deadline:
            assert process.poll() is None, "the crawl ended before it could be killed"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    with Store.in_data_dir(tmp_path) as store:
        assert 0 < store.count_articles() < len(archive.truth["articles"])
        assert [r["outcome"] for r in store.runs()] == [None]
        for site in sites:
            crawl(store, tmp_path, site=site)
        assert_matches_truth(store, archive)
        for _, url, ref in store.captures():
            assert read_capture(tmp_path / "warc", ref)[0] == url


FIXTURES = Path(__file__).parent / "fixtures" / "extract"
REAL_SHAPES = {
    "/chinh-tri/hoi-nghi-ban-chap-hanh-dang-bo-huyen-dak-ro-lan-thu-12-5521.html":
        "undated-saved-article-og-type.html",
    "/tong-ket-phong-trao-thi-dua-dan-van-kheo-20221215163012345.htm": "url-dated-17-digit-id.html",
    "/xa-hoi/tong-ket-phong-trao-dan-van-kheo-5530.html": "utf8-declared-with-broken-bytes.html",
    "/tin-tuc/chuyen-de-xay-dung-chinh-don-dang-8700.html": "topic-page-at-article-url.html",
    "/gioi-thieu": "undated-about-page-not-article.html",
}


def test_undated_url_dated_and_broken_byte_articles_are_kept_and_the_rest_counted(store, tmp_path):
    with Server() as server:
        for path, name in REAL_SHAPES.items():
            server.routes[path] = page((FIXTURES / name).read_bytes())  # header: UTF-8
        server.routes["/"] = page(listing(list(REAL_SHAPES)))
        site = Site("baodakro", start_urls=[server.url("/")], delay=0, title="Báo Đắk Rơ")
        summary = crawl(store, tmp_path, site=site, max_depth=1)
        stored = {
            a.url.removeprefix(server.base): a for _, a, _ in store.changes_since(0)
        }
    assert sorted(stored) == sorted(list(REAL_SHAPES)[:3])
    undated, url_dated, broken = (stored[p] for p in list(REAL_SHAPES)[:3])
    assert (undated.published, undated.date_source) == (None, "")
    assert (url_dated.published, url_dated.date_source) == ("2022-12-15T16:30:12+07:00", "url")
    assert broken.date_source == "page" and "phong trào thi đua \ufffdDân vận khéo\ufffd" in broken.body
    assert {a.source_name for a in stored.values()} == {"Báo Đắk Rơ"}  # the sites file's name
    assert summary.new == 3 and summary.undated == 1
    # the home page is a few links and no text, the topic page teasers, the about page undated
    assert summary.dropped == {"listing": 1, "no_body": 1, "no_date": 1}
    assert store.runs(1)[0]["counts"]["dropped"] == {"listing": 1, "no_body": 1, "no_date": 1}
    assert store.runs(1)[0]["counts"]["undated"] == 1
