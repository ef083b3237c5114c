"""The bundled sample archive: its ground truth, its pages and the behaviour of its servers."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import unicodedata
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
import requests

from crawler.sample import SITES_DIR, load_truth, serve_sample

TIMEOUT = 10
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DATE_FORMATS = {  # the visible date lines, and the machine-readable dates
    "date-numeric": r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b",
    "date-weekday": r"(?:Thứ (?:Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật), \d{2}/\d{2}/\d{4} - \d{2}:\d{2}",
    "date-cap-nhat": r"Cập nhật: \d{2}:\d{2} ngày \d{2}/\d{2}/\d{4}",
    "date-da-dang-vao": r"Đã đăng vào \d{1,2} Tháng \d{1,2}, \d{4} lúc \d{2}:\d{2}",
    "date-ngay-dang": r"Ngày đăng: \d{1,2}-\d{1,2}-\d{4}",
    "meta-published-time": r'<meta property="article:published_time" content="([^"]+)">',
    "jsonld-date-published": r'"datePublished": "([^"]+)"',
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def page_text(response: requests.Response) -> str:
    """The page as a reader sees it: UTF-8 whatever the header says, composed."""
    return nfc(response.content.decode("utf-8"))


def path_of(url: str) -> str:
    split = urlsplit(url)
    return split.path + (f"?{split.query}" if split.query else "")


@pytest.fixture(scope="module")
def truth() -> dict:
    return load_truth()


@pytest.fixture(scope="module")
def archive():
    with serve_sample() as running:
        yield running


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="module")
def article_pages(truth, archive, http) -> dict:
    """Every truth article fetched once, honouring a 503's Retry-After: {(site, path): response}."""
    pages = {}
    for article in truth["articles"]:
        url = archive.url(article["site"], article["path"])
        response = http.get(url, timeout=TIMEOUT)
        if response.status_code == 503:
            time.sleep(float(response.headers["Retry-After"]))
            response = http.get(url, timeout=TIMEOUT)
        pages[article["site"], article["path"]] = response
    return pages


# ---------------------------------------------------------------- the ground truth itself

def test_truth_size_and_spread(truth):
    articles = truth["articles"]
    assert len(articles) >= 33
    assert len(truth["sites"]) >= 3
    for site in truth["sites"]:
        assert sum(a["site"] == site for a in articles) >= 10, site
    years = {a["published"][:4] for a in articles if a["published"]}
    assert {"2017", "2024"} <= years and len(years) == 8
    assert len({a["section"] for a in articles}) >= 6
    assert len({(a["site"], a["path"]) for a in articles}) == len(articles)


def test_truth_records_are_complete_and_nfc(truth):
    for article in truth["articles"]:
        for key in ("site", "path", "title", "section", "author", "body"):
            assert article[key] and article[key] == nfc(article[key]), (article["path"], key)
        if "undated" in article["cases"]:  # a saved copy that states no date anywhere
            assert article["published"] is None and not article["date_line"]
        else:
            published = dt.datetime.fromisoformat(article["published"])
            assert published.utcoffset() == dt.timedelta(hours=7)
            assert bool(article["date_line"]) != ("url-date" in article["cases"])
        paragraphs = article["body"].split("\n\n")
        words = sum(len(p.split()) for p in paragraphs)
        assert 150 <= words <= 500, article["path"]
        assert all(p == p.strip() and p for p in paragraphs)
        for caption in article["captions"]:
            assert caption not in article["body"]
        assert article["author"] not in paragraphs[-1]
        for official in article["officials"]:
            assert official["name"] in article["body"]
            assert all(position in article["body"] for position in official["positions"])
        for person in article.get("non_official_people", []):
            assert person in article["body"]
            assert person not in {o["name"] for o in article["officials"]}


def test_hard_cases_are_all_present(truth):
    cases = {case for a in truth["articles"] for case in a["cases"]}
    assert {
        "tone-variant", "official-name-variant", "nfd-page", "wrong-charset", "doc-number",
        "doc-number-variant", "ethnic-minority-official", "official-dong-chi", "official-thu-tuong",
        "official-pho-chu-tich", "official-ong-ba", "official-dc", "folded-collision",
        "redirect-target", "retry-503", "tracking-duplicate", "print-version", "undated",
        "url-date", "reprint-original", "reprint", "look-alike", "follow-up",
    } <= cases
    bodies = "\n".join(a["title"] + "\n" + a["body"] for a in truth["articles"])
    for variant in ("Hòa", "Hoà", "Thủy", "Thuỷ", "Ủy ban", "Uỷ ban", "khỏe", "khoẻ", "Đảng", "đang", "bầu cử"):
        assert variant in bodies, variant
    for number in ("Nghị quyết số 25-NQ/TW", "Chỉ thị 16/CT-TTg", "Kế hoạch số 148/KH-BCĐ", "Quyết định 1234/QĐ-UBND", "25/NQ-TW"):
        assert number in bodies, number
    names = {o["name"] for a in truth["articles"] for o in a["officials"]}
    assert {"A Pớt", "Y Mửi", "Kring Ba", "Y Ngọc"} <= names
    assert {"Nguyễn Văn Hòa", "Nguyễn Văn Hoà", "Lê Thị Thủy", "Lê Thị Thuỷ"} <= names


def test_boilerplate_only_words(truth, archive, http):
    words = truth["boilerplate_only_words"]
    assert words
    for article in truth["articles"]:
        text = (article["title"] + "\n" + article["body"]).lower()
        for word in words:
            assert word.lower() not in text, (word, article["path"])
    seen = ""
    for item in truth["non_articles"]:
        if item["kind"] in ("home", "contact"):
            seen += page_text(http.get(archive.url(item["site"], item["path"]), timeout=TIMEOUT)).lower()
    for word in words:
        assert word.lower() in seen, word


# ---------------------------------------------------------------- articles over HTTP

def test_every_article_is_served_with_its_text(truth, article_pages):
    for article in truth["articles"]:
        response = article_pages[article["site"], article["path"]]
        assert response.status_code == 200, article["path"]
        text = page_text(response)
        assert article["title"] in text
        assert article["date_line"] in text
        if not article["date_line"]:  # undated, or dated by its URL only: no date on the page
            own = text[: text.index('id="right-col"')]  # the footer dates the site's licence
            assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}|datePublished|published_time", own)
        assert article["author"] in text
        for paragraph in article["body"].split("\n\n"):
            assert paragraph in text, (article["path"], paragraph[:60])
        for official in article["officials"]:
            assert official["name"] in text


def test_article_pages_say_they_are_articles(truth, archive, http, article_pages):
    marks = ('<meta property="og:type" content="article">', '"@type": "NewsArticle"')
    for response in article_pages.values():
        assert any(mark in page_text(response) for mark in marks)
    for item in truth["non_articles"]:
        response = http.get(archive.url(item["site"], item["path"]), timeout=TIMEOUT)
        assert response.status_code == 200, item
        says_article = any(mark in page_text(response) for mark in marks)
        assert says_article == item.get("looks_like_article", False), item


def test_date_formats(truth, article_pages):
    found: dict[str, int] = {}
    for article in truth["articles"]:
        text = page_text(article_pages[article["site"], article["path"]])
        for case in article["cases"]:
            if case not in DATE_FORMATS:
                continue
            match = re.search(DATE_FORMATS[case], text)
            assert match, (case, article["path"])
            if match.groups():  # machine-readable: must agree with the visible date
                assert match.group(1) == article["published"]
            else:
                assert match.group(0) == article["date_line"]
            found[case] = found.get(case, 0) + 1
    assert set(found) == set(DATE_FORMATS)
    assert all(count >= 2 for count in found.values()), found


def test_conditional_get(truth, archive, http):
    article = truth["articles"][0]
    url = archive.url(article["site"], article["path"])
    first = http.get(url, timeout=TIMEOUT)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert parsedate_to_datetime(modified) == dt.datetime.fromisoformat(article["published"])
    assert http.get(url, headers={"If-None-Match": etag}, timeout=TIMEOUT).status_code == 304
    assert http.get(url, headers={"If-Modified-Since": modified}, timeout=TIMEOUT).status_code == 304
    again = http.get(url, headers={"If-None-Match": '"something-else"'}, timeout=TIMEOUT)
    assert again.status_code == 200 and again.content == first.content
    head = http.head(url, timeout=TIMEOUT)
    assert head.status_code == 200 and head.headers["ETag"] == etag and not head.content


def test_retry_once_then_ok(truth):
    trap = truth["traps"]["retry_once"][0]
    with serve_sample() as fresh:
        url = fresh.url(trap["site"], trap["path"])
        first = requests.get(url, timeout=TIMEOUT)
        assert first.status_code == 503
        assert first.headers["Retry-After"] == str(trap["retry_after"])
        assert requests.get(url, timeout=TIMEOUT).status_code == 200
        assert requests.get(url, timeout=TIMEOUT).status_code == 200


def test_redirects_lead_to_articles(truth, archive, http):
    article_paths = {(a["site"], a["path"]) for a in truth["articles"]}
    for trap in truth["traps"]["redirects"]:
        response = http.get(archive.url(trap["site"], trap["path"]), allow_redirects=False, timeout=TIMEOUT)
        assert response.status_code == trap["status"] == 301
        assert response.headers["Location"] == archive.url(trap["site"], trap["location"])
        assert (trap["site"], trap["location"]) in article_paths
        assert http.get(response.headers["Location"], timeout=TIMEOUT).status_code == 200


def test_not_found(truth, archive, http):
    for trap in truth["traps"]["not_found"]:
        assert http.get(archive.url(trap["site"], trap["path"]), timeout=TIMEOUT).status_code == 404
        linking = http.get(archive.url(trap["site"], trap["linked_from"]), timeout=TIMEOUT).text
        assert f'href="{trap["path"]}"' in linking
    assert http.get(archive.url("tinhuy", "/khong-co-trang-nay.html"), timeout=TIMEOUT).status_code == 404
    assert http.get(archive.url("tinhuy", "/chuyen-muc/dan-van?page=99"), timeout=TIMEOUT).status_code == 404


def test_nfd_page_is_really_nfd(truth, archive, http):
    for trap in truth["traps"]["nfd_pages"]:
        raw = http.get(archive.url(trap["site"], trap["path"]), timeout=TIMEOUT).content.decode("utf-8")
        assert raw == unicodedata.normalize("NFD", raw) != nfc(raw)
        article = next(a for a in truth["articles"] if a["path"] == trap["path"])
        assert "nfd-page" in article["cases"]
        assert article["title"] not in raw and article["title"] in nfc(raw)


def test_wrong_charset_header(truth, archive, http):
    for trap in truth["traps"]["wrong_charset"]:
        response = http.get(archive.url(trap["site"], trap["path"]), timeout=TIMEOUT)
        assert response.headers["Content-Type"] == f"text/html; charset={trap['header_charset']}"
        assert b'<meta charset="utf-8">' in response.content
        assert response.text != response.content.decode("utf-8")  # trusting the header garbles it
        article = next(a for a in truth["articles"] if a["path"] == trap["path"])
        assert article["title"] in page_text(response)
    other = http.get(archive.url("tinhuy", "/"), timeout=TIMEOUT)
    assert other.headers["Content-Type"] == "text/html; charset=utf-8"


def test_robots_txt(truth, archive, http):
    bodies = {}
    for site in truth["sites"]:
        response = http.get(archive.url(site, "/robots.txt"), timeout=TIMEOUT)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert "User-agent: *" in response.text and "Disallow: /admin/" in response.text
        bodies[site] = response.text
    delays = [float(d) for text in bodies.values() for d in re.findall(r"Crawl-delay: ([\d.]+)", text)]
    assert delays and max(delays) <= 0.2
    assert any("Disallow: /*" in text for text in bodies.values())
    assert f"Sitemap: {archive.url('baotinh', '/sitemap.xml')}" in bodies["baotinh"]


def test_sitemap_index_leads_to_every_article(truth, archive, http):
    index = ET.fromstring(http.get(archive.url("baotinh", truth["sites"]["baotinh"]["sitemap"]), timeout=TIMEOUT).content)
    assert index.tag == ET.QName(SITEMAP_NS["sm"], "sitemapindex").text
    children = [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert len(children) == 2
    found = set()
    for child in children:
        urlset = ET.fromstring(http.get(child, timeout=TIMEOUT).content)
        for loc in urlset.findall("sm:url/sm:loc", SITEMAP_NS):
            assert loc.text.startswith(archive.sites["baotinh"])
            found.add(path_of(loc.text))
    assert found == {a["path"] for a in truth["articles"] if a["site"] == "baotinh"}


def test_rss_feed_items_are_articles(truth, archive, http):
    home = page_text(http.get(archive.url("tinhuy", "/"), timeout=TIMEOUT))
    link = re.search(r'<link rel="alternate" type="application/rss\+xml" [^>]*href="([^"]+)"', home)
    assert link and link.group(1) == truth["sites"]["tinhuy"]["rss"]
    response = http.get(archive.url("tinhuy", link.group(1)), timeout=TIMEOUT)
    assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    published = {a["path"]: a["published"] for a in truth["articles"] if a["site"] == "tinhuy"}
    items = ET.fromstring(response.content).findall("channel/item")
    assert len(items) >= 5
    for item in items:
        path = path_of(item.findtext("link"))
        assert path in published
        when = parsedate_to_datetime(item.findtext("pubDate"))
        assert when == dt.datetime.fromisoformat(published[path])


# ---------------------------------------------------------------- duplicates and traps

def test_duplicates_serve_the_canonical_page(truth, archive, http, article_pages):
    for dup in truth["duplicates"]:
        site, canonical = dup["site"], dup["canonical"]
        if dup["kind"] == "fragment":
            continue  # a fragment never reaches the server
        response = http.get(archive.url(site, dup["path"]), timeout=TIMEOUT)
        assert response.status_code == 200, dup
        if dup["kind"] == "print" and "?" not in dup["path"] and "&" not in dup["path"]:
            assert f'<link rel="canonical" href="{archive.url(site, canonical)}">' in response.text
        else:  # tracking parameters, ?print=1 and redirects: the very same page
            assert response.content == article_pages[site, canonical].content, dup


def test_tracking_and_fragment_links_are_on_the_pages(truth, archive, http):
    links = "".join(
        http.get(archive.url(item["site"], item["path"]), timeout=TIMEOUT).text
        for item in truth["non_articles"]
        if item["kind"] == "home"
    )
    assert "?utm_source=facebook&amp;fbclid=xyz" in links
    assert "#binh-luan" in links


def test_identity_parameters(truth, archive, http, article_pages):
    congtt = [a for a in truth["articles"] if a["site"] == "congtt"]
    first, second = congtt[0], congtt[1]
    same = http.get(archive.url("congtt", first["path"] + "&utm_source=zalo&utm_medium=social"), timeout=TIMEOUT)
    assert same.content == article_pages["congtt", first["path"]].content
    assert article_pages["congtt", second["path"]].content != same.content
    assert http.get(archive.url("congtt", "/vi/tin-tuc/chi-tiet"), timeout=TIMEOUT).status_code == 404


def test_pagination(truth, archive, http):
    paged = [item for item in truth["non_articles"] if item["kind"] == "listing" and "?page=" in item["path"]]
    assert paged
    for item in paged:
        base = item["path"].split("?")[0]
        assert f'href="{item["path"]}"' in http.get(archive.url(item["site"], base), timeout=TIMEOUT).text
    page_one = http.get(archive.url("tinhuy", "/chuyen-muc/xay-dung-dang?page=1&utm_campaign=x"), timeout=TIMEOUT)
    assert page_one.content == http.get(archive.url("tinhuy", "/chuyen-muc/xay-dung-dang"), timeout=TIMEOUT).content


def test_calendar_trap_never_ends(truth, archive, http):
    trap = truth["traps"]["calendar"][0]
    day = dt.date.fromisoformat(trap["start"])
    path = f"{trap['path']}?{trap['param']}={day}"
    for _ in range(5):
        response = http.get(archive.url(trap["site"], path), timeout=TIMEOUT)
        assert response.status_code == 200
        day += dt.timedelta(days=1)
        path = f"{trap['path']}?{trap['param']}={day}"
        assert f'href="{path}"' in response.text
    bad = http.get(archive.url(trap["site"], f"{trap['path']}?{trap['param']}=hom-nay"), timeout=TIMEOUT)
    assert bad.status_code == 404


def test_static_files_are_package_data():
    truth_file = SITES_DIR.parent / "truth.json"
    assert json.loads(truth_file.read_text(encoding="utf-8")) == load_truth()
    for site in load_truth()["sites"]:
        assert (SITES_DIR / site / "robots.txt").is_file()
