"""The fetcher against real servers on 127.0.0.1 that misbehave the way news portals do."""

import gzip
import socket
import threading
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import pairwise

import pytest

from crawler.fetch import Fetcher, Stopped, retry_after, user_agent
from tests.httpserver import Server, page, sequence

VIETNAMESE = "Thủ tướng Chính phủ chủ trì hội nghị trực tuyến với các địa phương"
HTML = f"<html><head><title>Tin</title></head><body><p>{VIETNAMESE}</p></body></html>"


@pytest.fixture
def server():
    with Server() as server:
        yield server


@pytest.fixture
def fetcher():
    fetcher = Fetcher(
        contact="https://vnsearch.example/about", delay=0, backoff=0.01, time_limit=5, retries=2
    )
    yield fetcher
    fetcher.close()


def test_honest_user_agent_and_plain_page(server, fetcher):
    server.routes["/tin.html"] = page(HTML)
    response = fetcher.fetch(server.url("/tin.html"))
    assert response.error is None and response.status == 200 and response.kind == "html"
    assert VIETNAMESE in response.text
    agent = server.requests[-1].headers["user-agent"]
    assert agent == user_agent("https://vnsearch.example/about")
    assert agent.startswith("vnsearch/") and agent.endswith("(+https://vnsearch.example/about)")


# -- robots.txt -----------------------------------------------------------------------------------

ROBOTS = """\
User-agent: *
Disallow: /*.pdf$
Disallow: /tim-kiem*
Allow: /tim-kiem/huong-dan
Disallow: /noi-bo/
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/tin.html", True),
        ("/van-ban.pdf", False),
        ("/van-ban.pdf?x=1", True),
        ("/tim-kiem?q=hop", False),
        ("/tim-kiem/huong-dan", True),
        ("/noi-bo/a", False),
    ],
)
def test_robots_wildcards(server, fetcher, path, allowed):
    server.routes["/robots.txt"] = page(ROBOTS, content_type="text/plain")
    response = fetcher.fetch(server.url(path))
    assert (response.error != "robots_disallowed") == allowed
    assert (path in server.paths()) == allowed


def test_robots_is_read_once_per_host(server, fetcher):
    server.routes["/robots.txt"] = page(ROBOTS, content_type="text/plain")
    for path in ("/a", "/b", "/c"):
        fetcher.fetch(server.url(path))
    assert server.paths().count("/robots.txt") == 1


def test_crawl_delay_is_honoured(server, fetcher):
    server.routes["/robots.txt"] = page(
        "User-agent: *\nCrawl-delay: 0.5\n", content_type="text/plain"
    )
    server.routes["/tin.html"] = page(HTML)
    for _ in range(3):
        assert fetcher.fetch(server.url("/tin.html")).error is None
    arrivals = [r.at for r in server.requests]
    gaps = [b - a for a, b in pairwise(arrivals)]
    assert len(gaps) == 3 and min(gaps) >= 0.45


def test_configured_delay_wins_when_longer(server, fetcher):
    server.routes["/robots.txt"] = page(
        "User-agent: *\nCrawl-delay: 0.1\n", content_type="text/plain"
    )
    fetcher.delay = 0.4
    fetcher.fetch(server.url("/a"))
    fetcher.fetch(server.url("/b"))
    assert server.requests[2].at - server.requests[1].at >= 0.36


def test_robots_4xx_allows_everything(server, fetcher):
    server.routes["/robots.txt"] = page("no", status=403)
    server.routes["/tin.html"] = page(HTML)
    assert fetcher.fetch(server.url("/tin.html")).error is None


def test_robots_5xx_keeps_off_the_host_for_the_run(server, fetcher):
    server.routes["/robots.txt"] = page("down", status=503)
    server.routes["/tin.html"] = page(HTML)
    assert fetcher.fetch(server.url("/tin.html")).error == "robots_unavailable"
    assert fetcher.fetch(server.url("/khac.html")).error == "robots_unavailable"
    assert "/tin.html" not in server.paths()
    assert server.paths().count("/robots.txt") == fetcher.retries + 1


def test_unreachable_host_and_hang_ups(server, fetcher):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert fetcher.fetch(f"http://127.0.0.1:{port}/tin.html").error == "robots_unavailable"
    server.routes["/tin.html"] = lambda request: None
    assert fetcher.fetch(server.url("/tin.html")).error == "connection"
    assert server.paths().count("/tin.html") == fetcher.retries + 1


# -- retries ------------------------------------------------------------------------------------


def test_429_waits_as_retry_after_says(server, fetcher):
    server.routes["/tin.html"] = sequence(page("chậm lại", status=429, Retry_After="1"), page(HTML))
    response = fetcher.fetch(server.url("/tin.html"))
    assert response.error is None and VIETNAMESE in response.text
    first, second = [r.at for r in server.requests if r.path == "/tin.html"]
    assert second - first >= 0.9


def test_5xx_then_recovery(server, fetcher):
    server.routes["/tin.html"] = sequence(page(status=500), page(status=502), page(HTML))
    response = fetcher.fetch(server.url("/tin.html"))
    assert response.error is None and response.status == 200


def test_5xx_that_stays(server, fetcher):
    server.routes["/tin.html"] = page(status=503)
    response = fetcher.fetch(server.url("/tin.html"))
    assert response.error == "http_5xx" and response.status == 503
    assert server.paths().count("/tin.html") == fetcher.retries + 1


def test_404_is_not_retried(server, fetcher):
    response = fetcher.fetch(server.url("/khong-co.html"))
    assert response.error == "http_4xx" and response.status == 404
    assert server.paths().count("/khong-co.html") == 1


def test_retry_after_forms():
    assert retry_after("2", cap=60) == 2
    assert retry_after("3600", cap=60) == 60
    assert retry_after("-5", cap=60) == 0
    assert retry_after("soon", cap=60) is None
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after(later, cap=60) <= 30


def test_stop_event_cuts_a_long_wait(server, fetcher):
    server.routes["/tin.html"] = page(status=503, Retry_After="30")
    threading.Timer(0.3, fetcher.stop_event.set).start()
    started = time.monotonic()
    with pytest.raises(Stopped):
        fetcher.fetch(server.url("/tin.html"))
    assert time.monotonic() - started < 5


# -- limits -------------------------------------------------------------------------------------


def drip(request):
    """One byte every 0.2 s for up to 10 s: a server that would hold a naive client forever."""

    def body():
        yield b"<html><body>"
        for _ in range(50):
            time.sleep(0.2)
            yield b"x"

    return 200, {"Content-Type": "text/html"}, body()


def test_dripping_server_is_cut_at_the_time_limit(server):
    server.routes["/cham.html"] = drip
    fetcher = Fetcher(delay=0, time_limit=1)
    started = time.monotonic()
    response = fetcher.fetch(server.url("/cham.html"))
    assert response.error == "timeout"
    assert time.monotonic() - started < 3


def test_size_cap_by_declared_length_and_by_counting(server):
    fetcher = Fetcher(delay=0, max_bytes=1000)
    server.routes["/lon.html"] = page("x" * 5000)
    server.routes["/lon-dong.html"] = lambda r: (
        200,
        {"Content-Type": "text/html"},
        (b"x" * 500 for _ in range(10)),
    )
    server.routes["/nho.html"] = page("x" * 900)
    server.routes["/nho-dong.html"] = lambda r: (
        200,
        {"Content-Type": "text/html"},
        (b"x" * 100 for _ in range(9)),
    )
    assert fetcher.fetch(server.url("/lon.html")).error == "too_large"
    assert fetcher.fetch(server.url("/lon-dong.html")).error == "too_large"
    assert fetcher.fetch(server.url("/nho.html")).error is None
    assert fetcher.fetch(server.url("/nho-dong.html")).content == b"x" * 900


def test_gzip_is_decoded_and_a_bomb_is_capped(server):
    fetcher = Fetcher(delay=0, max_bytes=10_000)
    server.routes["/nen.html"] = page(gzip.compress(HTML.encode()), Content_Encoding="gzip")
    server.routes["/bom.html"] = page(gzip.compress(b" " * 10**6), Content_Encoding="gzip")
    assert VIETNAMESE in fetcher.fetch(server.url("/nen.html")).text
    assert fetcher.fetch(server.url("/bom.html")).error == "too_large"


def test_non_html_at_an_article_url(server, fetcher):
    server.routes["/bai-viet.html"] = page(b"%PDF-1.4 ...", content_type="application/pdf")
    server.routes["/khong-nhan.html"] = page(b"\x89PNG\r\n...", content_type="")
    assert fetcher.fetch(server.url("/bai-viet.html")).error == "not_html"
    assert fetcher.fetch(server.url("/khong-nhan.html")).error == "not_html"


def test_unlabelled_xml_is_sniffed(server, fetcher):
    sitemap = b'<?xml version="1.0"?><urlset><url><loc>http://a/</loc></url></urlset>'
    server.routes["/sitemap.xml"] = page(sitemap, content_type="text/plain")
    server.routes["/rss"] = page(
        b"<rss><channel></channel></rss>", content_type="application/rss+xml"
    )
    assert fetcher.fetch(server.url("/sitemap.xml")).kind == "xml"
    assert fetcher.fetch(server.url("/rss")).kind == "xml"


# -- charsets -----------------------------------------------------------------------------------

TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 writes most tone marks as combining characters after a base letter."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            split = unicodedata.normalize("NFD", char)
            tone = next(mark for mark in split if mark in TONES)
            out += unicodedata.normalize("NFC", split.replace(tone, "")).encode("cp1258")
            out += tone.encode("cp1258")
    return out


META_UTF8 = f'<html><head><meta charset="utf-8"></head><body>{VIETNAMESE}</body></html>'
META_1258 = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
    f"</head><body>{VIETNAMESE}</body></html>"
)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (META_UTF8.encode("utf-8"), "text/html; charset=iso-8859-1"),  # the common lie
        (HTML.encode("utf-8"), "text/html; charset=ISO-8859-1"),  # the lie, and no meta
        (HTML.encode("utf-8"), "text/html"),  # no label at all
        (b"\xef\xbb\xbf" + HTML.encode("utf-8"), "text/html; charset=windows-1252"),  # BOM wins
        (HTML.encode("utf-16"), "text/html"),  # UTF-16 with its BOM
        (cp1258(META_1258), "text/html; charset=windows-1258"),  # a legacy page, labelled
        (cp1258(META_1258), "text/html"),  # a legacy page, by its meta only
    ],
)
def test_charsets(server, fetcher, body, content_type):
    server.routes["/tin.html"] = page(body, content_type=content_type)
    response = fetcher.fetch(server.url("/tin.html"))
    assert response.error is None
    assert VIETNAMESE in unicodedata.normalize("NFC", response.text)


# -- redirects and conditional GET ----------------------------------------------------------------


def test_redirect_is_followed_and_final_url_reported(server, fetcher):
    server.routes["/cu.html"] = page(status=301, Location="/moi.html")
    server.routes["/moi.html"] = page(HTML)
    response = fetcher.fetch(server.url("/cu.html"))
    assert response.error is None and response.url == server.url("/moi.html")


def test_redirect_loop_and_too_many_hops(server, fetcher):
    server.routes["/a"] = page(status=302, Location="/b")
    server.routes["/b"] = page(status=302, Location="/a")
    for n in range(8):
        server.routes[f"/hop{n}"] = page(status=301, Location=f"/hop{n + 1}")
    server.routes["/hop8"] = page(HTML)
    server.routes["/hong"] = page(status=302, Location="http://[::1")
    assert fetcher.fetch(server.url("/a")).error == "redirect_loop"
    assert fetcher.fetch(server.url("/hop0")).error == "redirect_loop"
    assert "/hop6" not in server.paths()
    assert fetcher.fetch(server.url("/hong")).error == "redirect_loop"


def test_redirect_out_of_scope(server, fetcher):
    server.routes["/ra-ngoai"] = page(status=301, Location="http://127.0.0.2:9/x")
    response = fetcher.fetch(
        server.url("/ra-ngoai"), in_scope=lambda url: url.startswith(server.base)
    )
    assert response.error == "out_of_scope" and response.url == "http://127.0.0.2:9/x"


def test_conditional_get(server, fetcher):
    def handler(request):
        if request.headers.get("if-none-match") == '"v1"':
            return 304, {}, b""
        return 200, {"Content-Type": "text/html", "ETag": '"v1"'}, HTML.encode()

    server.routes["/tin.html"] = handler
    first = fetcher.fetch(server.url("/tin.html"))
    assert first.headers["ETag"] == '"v1"' and not first.not_modified
    again = fetcher.fetch(
        server.url("/tin.html"), etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT"
    )
    assert again.not_modified and again.error is None and again.text is None
    assert server.requests[-1].headers["if-modified-since"] == "Wed, 01 Jan 2025 00:00:00 GMT"


def test_utf8_declared_twice_with_a_few_broken_bytes_stays_utf8(server, fetcher):
    """A character cut in half and a stray Latin-1 byte must not send the page to detection."""
    broken = META_UTF8.encode("utf-8").replace("tướng".encode(), b"t\xc6\xb0\xe1\xbbng", 1)
    broken += b"\xa0"
    server.routes["/tin.html"] = page(broken, content_type="text/html; charset=utf-8")
    response = fetcher.fetch(server.url("/tin.html"))
    assert response.error is None
    assert response.text.count("\ufffd") == 2
    assert VIETNAMESE.replace("tướng", "tư\ufffdng", 1) in response.text


def test_a_legacy_page_labelled_utf8_everywhere_is_not_read_as_broken_utf8(server, fetcher):
    mislabelled = cp1258(META_1258.replace("windows-1258", "utf-8"))
    server.routes["/tin.html"] = page(mislabelled, content_type="text/html; charset=utf-8")
    response = fetcher.fetch(server.url("/tin.html"))
    assert response.text is None or "\ufffd" not in response.text
