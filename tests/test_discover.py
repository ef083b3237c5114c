"""Links from pages, sitemaps and feeds as Vietnamese news sites write them; the article test."""

import pytest

from crawler.config import Site
from crawler.discover import html_links, is_article, xml_links
from crawler.extract import Extracted

PAGE = "http://baotinh.vn/chinh-tri/index.html"


def test_links_resolve_against_base_and_skip_non_links():
    html = """<html><head><base href="http://baotinh.vn/tin-tuc/">
      <link rel="alternate" type="application/rss+xml" href="/rss/chinh-tri.rss">
      <link rel="stylesheet" href="/style.css"></head><body>
      <a href="bai-1.html">Bài 1</a> <a href=" /bai-2.html ">Bài 2</a>
      <a href="#top">Lên đầu trang</a> <a>không có đích</a>
      <a href="mailto:toasoan@baotinh.vn">Liên hệ</a></body></html>"""
    links = html_links(html, PAGE)
    assert links.pages[:2] == [
        "http://baotinh.vn/tin-tuc/bai-1.html",
        "http://baotinh.vn/bai-2.html",
    ]
    assert links.pages[2] == "mailto:toasoan@baotinh.vn"  # left for canonicalize to drop
    assert links.feeds == ["http://baotinh.vn/rss/chinh-tri.rss"]
    assert links.next_pages == []


def test_pagination_by_rel_next_and_page_number():
    html = """<html><head><link rel="next" href="?page=2"></head><body>
      <a href="?page=2">2</a> <a href="?page=3">3</a> <a rel="next" href="/trang-sau">Sau</a>
      </body></html>"""
    links = html_links(html, PAGE)
    assert links.next_pages == [f"{PAGE}?page=2", f"{PAGE}?page=2", "http://baotinh.vn/trang-sau"]
    assert links.pages == [f"{PAGE}?page=3"]


@pytest.mark.parametrize(
    ("link", "url", "expected"),
    [
        ("/list?page=2", "/list", True),
        ("/list?page=3&cat=1", "/list?cat=1&page=2", True),
        ("/list?trang=5", "/list?trang=4", True),
        ("/list?page=3", "/list", False),
        ("/other?page=2", "/list", False),
        ("/list?page=2&utm_source=fb", "/list", True),
    ],
)
def test_next_page_by_number(link, url, expected):
    base = "http://baotinh.vn"
    links = html_links(f"<html><body><a href='{base + link}'>sau</a></body></html>", base + url)
    assert (links.next_pages == [base + link]) is expected


def test_broken_html_and_links_give_no_links():
    assert html_links("", PAGE).pages == []
    assert html_links("<<<>>>", PAGE).pages == []
    broken = "<html><head><base href='http://[::1'></head><body><a href='http://[x'>x</a></body>"
    assert html_links(broken, PAGE).pages == []


SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://baotinh.vn/sitemap-2024-01.xml</loc></sitemap>
  <sitemap><loc> http://baotinh.vn/sitemap-2024-02.xml </loc></sitemap>
</sitemapindex>"""
URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>http://baotinh.vn/a.html</loc><news:news><news:title>A</news:title></news:news></url>
  <url><loc>http://baotinh.vn/b.html</loc></url>
</urlset>"""
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tỉnh ủy</title><link>http://tinhuy.vn/</link>
  <item><title>Hội nghị & tổng kết</title><link>http://tinhuy.vn/tin/1.html</link></item>
  <item><title>Bài 2</title><link>
    http://tinhuy.vn/tin/2.html
  </link></item>
</channel></rss>""".encode()
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Cổng</title>
  <link rel="self" href="http://congtt.vn/atom.xml"/>
  <entry><title>1</title><link href="http://congtt.vn/1.html"/></entry>
  <entry><title>2</title><link rel="alternate" href="http://congtt.vn/2.html"/>
    <link rel="enclosure" href="http://congtt.vn/2.mp3"/></entry>
</feed>""".encode()


def test_sitemap_index_and_urlset_whatever_the_namespace():
    index = xml_links(SITEMAP_INDEX)
    assert index.sitemaps == [
        "http://baotinh.vn/sitemap-2024-01.xml",
        "http://baotinh.vn/sitemap-2024-02.xml",
    ]
    assert index.pages == [] and index.source == "sitemap"
    urlset = xml_links(URLSET)
    assert urlset.pages == ["http://baotinh.vn/a.html", "http://baotinh.vn/b.html"]
    bare = xml_links(b"<urlset><url><loc>http://baotinh.vn/c.html</loc></url></urlset>")
    assert bare.pages == ["http://baotinh.vn/c.html"]


def test_rss_with_an_unescaped_ampersand_and_atom():
    rss = xml_links(RSS)
    assert rss.pages == ["http://tinhuy.vn/tin/1.html", "http://tinhuy.vn/tin/2.html"]
    assert rss.source == "feed"
    assert xml_links(ATOM).pages == ["http://congtt.vn/1.html", "http://congtt.vn/2.html"]


def test_xml_garbage_gives_no_links():
    assert xml_links(b"").pages == []
    assert xml_links(b"\x00\x01 not xml").pages == []
    assert (
        xml_links(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss>&e;</rss>').pages
        == []
    )


def extracted(is_article=True):
    return Extracted(
        title="Hội nghị", published="2024-01-02T08:00:00+07:00", body="...", is_article=is_article
    )


def test_is_article():
    site = Site("baotinh", start_urls=["http://baotinh.vn/"])
    assert is_article(extracted(), "http://baotinh.vn/chinh-tri/hoi-nghi-123.html", site)
    assert not is_article(extracted(False), "http://baotinh.vn/chinh-tri/hoi-nghi.html", site)
    assert not is_article(None, "http://baotinh.vn/chinh-tri/hoi-nghi.html", site)
    for listing in ("/", "/tag/hoi-nghi", "/tim-kiem?q=x", "/lien-he.html", "/chu-de/dai-hoi"):
        assert not is_article(extracted(), "http://baotinh.vn" + listing, site)


def test_article_url_patterns_narrow_the_choice():
    site = Site("baotinh", start_urls=["http://baotinh.vn/"], article_urls=[r"-\d+\.html$"])
    assert is_article(extracted(), "http://baotinh.vn/chinh-tri/hoi-nghi-123.html", site)
    assert not is_article(extracted(), "http://baotinh.vn/gioi-thieu.html", site)
