"""Where the next URLs come from (links, pagination, sitemaps, feeds) and which pages are articles.

Pagination is told apart from other links because it does not lead deeper into the site: page 40
of a category is as close to the front page as page 2, and it is followed only while it turns
up something new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.html
from lxml import etree

from crawler.config import Site
from crawler.urls import canonicalize

PAGE_PARAMS = ("page", "trang")
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
# Listings and utility pages on Vietnamese news sites: tags, topics, search, contact.
NOT_ARTICLES = re.compile(r"^/(tag|tags|chu-de|tim-kiem|search|lien-he|contact)(/|\.|$)", re.I)
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
HTML_PARSER = lxml.html.HTMLParser(encoding="utf-8")


@dataclass
class Links:
    """Absolute URLs found on one page, not yet canonical nor checked against the site's scope."""

    pages: list[str] = field(default_factory=list)  # one level deeper
    next_pages: list[str] = field(default_factory=list)  # the same listing, further on
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    source: str = "html"  # or "feed" or "sitemap"


def html_links(html: str, url: str) -> Links:
    """Links of an HTML page, resolved against its ``<base href>`` when it has one."""
    try:
        doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=HTML_PARSER)
    except (etree.ParserError, ValueError):
        return Links()
    base = next((_resolve(url, b) for b in doc.xpath("//base/@href")), None) or url
    this_page = _paged(url)
    links = Links()
    for element in doc.iter("a", "link"):
        href = (element.get("href") or "").strip()
        target = _resolve(base, href) if href and not href.startswith("#") else None
        if target is None:
            continue
        rel = (element.get("rel") or "").lower().split()
        if element.tag == "link":
            if "next" in rel:
                links.next_pages.append(target)
            elif "alternate" in rel and (element.get("type") or "").lower() in FEED_TYPES:
                links.feeds.append(target)
        elif "next" in rel or _follows(_paged(target), this_page):
            links.next_pages.append(target)
        else:
            links.pages.append(target)
    return links


def _resolve(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href.strip())
    except ValueError:  # a broken link such as http://[::1
        return None


def _follows(that: tuple[str, int] | None, this: tuple[str, int] | None) -> bool:
    """``that`` is ``this`` listing with its ``?page=`` (or ``?trang=``) number one higher."""
    return this is not None and that is not None and that == (this[0], this[1] + 1)


def _paged(url: str) -> tuple[str, int] | None:
    canonical = canonicalize(url)
    if canonical is None:
        return None
    parts = urlsplit(canonical)
    number, rest = 1, []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name in PAGE_PARAMS and value.isdigit():
            number = int(value)
        else:
            rest.append((name, value))
    return parts._replace(query=urlencode(rest)).geturl(), number


def xml_links(content: bytes) -> Links:
    """Links of a sitemap, a sitemap index, an RSS 2.0 / RSS 1.0 feed or an Atom feed; whatever
    namespace the site put on the elements, since many put none or a wrong one."""
    try:
        root = etree.fromstring(content, parser=XML_PARSER)
    except etree.XMLSyntaxError:
        return Links()
    if root is None:
        return Links()
    name = _local(root)
    if name == "sitemapindex":
        return Links(sitemaps=_texts(root, "sitemap", "loc"), source="sitemap")
    if name == "urlset":
        return Links(pages=_texts(root, "url", "loc"), source="sitemap")
    if name == "feed":
        return Links(pages=_atom_links(root), source="feed")
    return Links(pages=_texts(root, "item", "link"), source="feed")


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _texts(root, parent: str, child: str) -> list[str]:
    return [
        element.text.strip()
        for container in root.iter()
        if _local(container) == parent
        for element in container
        if _local(element) == child and element.text and element.text.strip()
    ]


def _atom_links(root) -> list[str]:
    return [
        link.get("href").strip()
        for entry in root.iter()
        if _local(entry) == "entry"
        for link in entry
        if _local(link) == "link"
        and link.get("href")
        and link.get("rel", "alternate") == "alternate"
    ]


def is_article(page, url: str, site: Site) -> bool:
    return not rejection(page, url, site)


def rejection(page, url: str, site: Site) -> str:
    """Why the page at ``url`` is not stored as an article ("" when it is one): what the
    extractor found (``no_text``, ``no_title``, ``no_body``, ``listing``, ``no_date``), a
    listing or utility URL (``listing_url``), or a URL outside the site's article patterns
    (``not_article_url``)."""
    if page is None:
        return "no_text"
    if not page.is_article:
        return page.rejected or "not_article"
    path = urlsplit(url).path
    if path == "/" or NOT_ARTICLES.search(path):
        return "listing_url"
    if site.article_urls and not any(re.search(p, url) for p in site.article_urls):
        return "not_article_url"
    return ""
