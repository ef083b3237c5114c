"""The fields of one news page: title, date, main text, author, section, canonical URL.

Fetching stays with the fetcher: this module takes the page as served (text, or bytes it decodes
the way a browser would) and never touches the network. It must work on sites it has never seen,
so the main text is found readability-style: paragraphs vote for the containers around them,
links count against, and subtrees whose class or id says menu, sidebar, related news or share
bar never vote. Per-site CSS selectors (``title``, ``date``, ``body``, ``author``) override the
guess for a field where it is wrong; a selector that matches nothing falls back to the guess.

The result is an :class:`Extracted`, not an :class:`~crawler.article.Article`: the crawler knows
the source, and decides what to keep from ``is_article`` and ``canonical``.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.builder import ParserRejectedMarkup
from bs4.element import PreformattedString

from crawler.article import Article, Official
from crawler.charset import decode
from crawler.dates import dated_metadata, parse_published, published_from_url
from crawler.officials import find_officials, fold

MIN_WORDS = 80
MIN_PARAGRAPHS = 3
UNDATED_MIN_WORDS = 150  # an article with no date anywhere must at least read like one

# fmt: off
_BLOCK_TAGS = frozenset([
    "p", "div", "td", "th", "tr", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4",
    "h5", "h6", "blockquote", "section", "article", "main", "table", "tbody", "thead", "tfoot",
    "center", "pre", "address", "figure", "header", "footer", "aside", "nav", "form", "body",
    "hr",
])
_PARAGRAPH_TAGS = frozenset([
    "p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt",
])
_NOISE_TAGS = frozenset([
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "button", "select",
    "input", "textarea", "object", "embed", "video", "audio", "nav", "footer", "aside",
    "figure", "figcaption", "map",
])
# fmt: on
# Class or id words that mark boilerplate: any substring of the long ones, whole words of the rest.
_BOILERPLATE = re.compile(
    r"related|sidebar|breadcrumb|comment|footer|lien-?quan|tin-?khac|doc-?nhieu|xem-?nhieu|"
    r"quang-?cao|advert|banner|social|toolbar|copyright|pagination|navbar|navigation|menu|"
    r"cung-?chuyen-?muc|today|date-?now|current-?date|"
    r"(?:^|[\s_-])(?:nav|ads|tags?|share|sharing|other|others|logo|topbar|search|login|popup|"
    r"modal|widget|rating|vote|weather|poll|paging|tools?)(?:$|[\s_\d-])",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"caption|chu-?thich|(?:img|image|photo|anh)-?(?:desc|note)|desc-?(?:img|image)|expnote",
    re.IGNORECASE,
)
_CONTENT = re.compile(
    r"article|content|detail|body|entry|post|main|story|noi-?dung|chi-?tiet|fulltext",
    re.IGNORECASE,
)
_AUTHOR_CLASS = re.compile(r"author|tac-?gia|byline", re.IGNORECASE)
_BREADCRUMB = re.compile(r"bread-?crumb|duong-?dan|path-?way", re.IGNORECASE)
# Headings of blocks that list other articles; compared on the folded, lowercased text.
_LABELS = frozenset(
    fold(label)
    for label in (
        "tin liên quan",
        "bài liên quan",
        "tin bài liên quan",
        "bài viết liên quan",
        "chuyên mục khác",
        "các tin khác",
        "tin khác",
        "các bài khác",
        "bài viết khác",
        "tin tức khác",
        "tin cùng chuyên mục",
        "cùng chuyên mục",
        "tin mới",
        "tin mới nhất",
        "tin mới hơn",
        "tin cũ hơn",
        "các tin đã đưa",
        "tin đọc nhiều",
        "đọc nhiều",
        "xem nhiều",
        "tin xem nhiều",
        "tin nổi bật",
        "tiêu điểm",
        "xem thêm",
        "có thể bạn quan tâm",
        "ý kiến bạn đọc",
        "bình luận",
        "gửi bình luận",
        "từ khóa",
        "tags",
    )
)
_SHARE = re.compile(
    r"^(?:chia sẻ|in bài|in trang|gửi bài|gửi email|lượt xem|lượt đọc|cỡ chữ|bình luận|"
    r"quay lại|trở về|về đầu trang|lên đầu trang|facebook|zalo|twitter|tweet|like|share|print|"
    r"email|từ khóa|tags?)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:(?:tin|bài|ảnh|video)(?:\s*(?:,|và|/|-|\+|&)\s*(?:tin|bài|ảnh|video))+|"
    r"tin|bài|bài viết|thực hiện|tác giả|nhóm pv|nhóm phóng viên)\s*[:：]\s*(?P<name>.{2,80})$",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(r"(?:^\(?\s*ảnh\b|\(\s*ảnh\s*:?[^)]*\)\s*\.?$)", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+(?:[-|–—»]|::)\s+")
# Words that open a site's name and hardly ever a headline ("UBND tỉnh...", "Sở..." do).
_SITE_WORDS = re.compile(
    r"^(?:báo(?! cáo| chí)|cổng thông tin|cổng ttđt|trang thông tin|trang tin|tạp chí|"
    r"đài phát thanh|website|portal)\b",
    re.IGNORECASE,
)
_ARTICLE_SCHEMA = re.compile(r"schema\.org/(?:News|Reportage|Analysis)?Article$|BlogPosting$")
_ARTICLE_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"(?:News|Reportage|Analysis)?Article"')
# The last part of an article's URL: a slug of four or more words, or one ending in an id
# (``...-1047.html``, ``a18790.html``, ``post695421.html``), or an ``id`` parameter.
_ARTICLE_SLUG = re.compile(r"(?:[^/\W_]+[-_]){3,}[^/\W_]+|\D\d{3,}(?:\.html?|\.aspx?)?$")
_HOME = frozenset(fold(w) for w in ("trang chủ", "trang nhất", "trang chính", "home"))
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Extracted:
    title: str
    published: str | None
    body: str
    author: str = ""
    section: str = ""
    canonical: str = ""
    is_article: bool = False
    officials: list[Official] = field(default_factory=list)
    date_source: str = ""  # where the date stood: page, meta, json-ld or url
    rejected: str = ""  # why the page is not an article: no_title, no_body, listing, no_date
    site_name: str = ""  # the name the page gives its site (og:site_name, <title> suffix)

    def to_article(self, source: str, source_name: str = "") -> Article:
        return Article(
            url=self.canonical,
            title=self.title,
            body=self.body,
            published=self.published,
            date_source=self.date_source,
            source=source,
            source_name=source_name or self.site_name,
            section=self.section,
            author=self.author,
            officials=self.officials,
        )


def extract(html: str | bytes, url: str, selectors: dict | None = None) -> Extracted | None:
    """The fields of the page at ``url``; None when the page holds no text at all.

    Never raises on what a server sends: malformed markup, empty bodies and binary garbage
    give None or a page with ``is_article`` false.
    """
    markup = (decode(html) or "") if isinstance(html, bytes) else html or ""
    markup = _CONTROL.sub("", unicodedata.normalize("NFC", markup))
    if not markup.strip():
        return None
    try:
        with warnings.catch_warnings():
            # Whatever a server sent at an article URL is read as HTML, XML-looking or not.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            soup = BeautifulSoup(markup, "lxml")
        return _Page(soup, url, selectors or {}).extract()
    except (RecursionError, ParserRejectedMarkup):
        return None


def clean(text: str) -> str:
    """NFC, no invisible characters, every run of whitespace (nbsp too) one space."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)).split())


def _key(text: str) -> str:
    return fold(clean(text)).casefold()


@dataclass
class _Block:
    """A run of text between two block boundaries, and what it is made of."""

    tag: Tag
    text: str
    link_chars: int
    bold_chars: int
    italic_chars: int
    after_image: bool

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def link_density(self) -> float:
        return self.link_chars / max(len(self.text), 1)


class _Page:
    def __init__(self, soup: BeautifulSoup, url: str, selectors: dict):
        self.soup, self.url, self.selectors = soup, url, selectors
        self.title, self.title_tag = self._title()
        self.blocks = _Walker(self._skip).run(soup.body or soup)

    def extract(self) -> Extracted | None:
        if not self.blocks:
            return None
        start = self._title_index()
        chosen = self._selected("body")
        container = chosen or self._container()
        first = -1 if chosen else start  # a chosen body is taken whole, wherever the title is
        body = [
            b
            for b in self._lead(first, container) + self._inside(container, first)
            if self._is_text(b)
        ]
        author, bylines = self._author(body)
        paragraphs = [b.text for b in body if id(b) not in bylines]
        published, date_source = self._published(start) or (None, "")
        text = "\n\n".join(paragraphs)
        rejected = self._rejected(container, paragraphs, published)
        return Extracted(
            title=self.title,
            published=published,
            body=text,
            author=author,
            section=self._section(),
            canonical=self._canonical(),
            is_article=not rejected,
            officials=find_officials(f"{self.title}\n\n{text}"),
            date_source=date_source,
            rejected=rejected,
            site_name=self._site_name(),
        )

    def _rejected(self, container: Tag | None, paragraphs: list[str], published) -> str:
        """Why the page is not an article, or "" when it is one.

        A page with no date anywhere is still an article when it plainly reads as one: a
        single headline over a long text, and the page or its URL says it is an article.
        """
        words = sum(len(p.split()) for p in paragraphs)
        if not self.title:
            return "no_title"
        if self._is_listing(container, paragraphs):
            return "listing"
        if words < MIN_WORDS and len(paragraphs) < MIN_PARAGRAPHS:
            return "no_body"
        if published or (words >= UNDATED_MIN_WORDS and self._reads_as_article()):
            return ""
        return "no_date"

    def _reads_as_article(self) -> bool:
        """One headline, and an article type in the metadata or an article-shaped URL."""
        headlines = [h for h in self.soup.find_all("h1") if not _in_boilerplate(h)]
        if self.title_tag is None or len(headlines) > 1:
            return False
        return self._typed_article() or _article_shaped(self.url)

    def _typed_article(self) -> bool:
        if self._meta("og:type").lower() == "article":
            return True
        if self.soup.find(attrs={"itemtype": _ARTICLE_SCHEMA}):
            return True
        return any(
            _ARTICLE_TYPE.search(script.string or "")
            for script in self.soup.find_all("script", type="application/ld+json")
        )

    # -- title ----------------------------------------------------------------------------

    def _title(self) -> tuple[str, Tag | None]:
        """The article's own heading, told from a logo or a listing heading by agreeing with
        the title the page gives in its metadata."""
        chosen = self._selected("title")
        if chosen:
            return clean(chosen.get_text(" ")), chosen
        meta = self._meta_title()
        headings = self.soup.find_all(["h1", "h2", "h3"])
        headings += self.soup.find_all(class_=re.compile("title", re.IGNORECASE))
        agreeing = next((h for h in headings if meta and _agrees(h.get_text(" "), meta)), None)
        if agreeing:
            return clean(agreeing.get_text(" ")), agreeing
        # The metadata may carry the site's name alone, or a title written for search engines.
        h1 = next(
            (h for h in self.soup.find_all("h1") if _is_heading(h) and not _in_boilerplate(h)),
            None,
        )
        if h1:
            return clean(h1.get_text(" ")), h1
        return meta, None

    def _meta_title(self) -> str:
        raw = self._meta("og:title") or self._meta("twitter:title")
        if not raw and self.soup.title:
            raw = self.soup.title.get_text(" ")
        return _strip_site(
            clean(raw or ""), self._meta("og:site_name"), urlparse(self.url).hostname or ""
        )

    def _meta(self, key: str) -> str:
        tag = self.soup.find("meta", attrs={"property": key}) or self.soup.find(
            "meta", attrs={"name": key}
        )
        return clean(tag.get("content") or "") if tag else ""

    def _title_index(self) -> int:
        """Index of the title's block: the article starts after it."""
        for i, block in enumerate(self.blocks):
            if self.title_tag is not None and _within(block.tag, self.title_tag):
                return i
            if self.title_tag is None and self.title and _key(block.text) == _key(self.title):
                return i
        return -1

    # -- what to skip ---------------------------------------------------------------------

    def _skip(self, tag: Tag) -> bool:
        """Whether a subtree holds no article text: noise, boilerplate, captions, hidden."""
        if tag.name in _NOISE_TAGS or tag.name == "header":
            return not self._holds_title(tag)
        if tag.name in ("html", "body"):
            return False
        marks = _marks(tag)
        style = (tag.get("style") or "").replace(" ", "").lower()
        if "display:none" in style or tag.has_attr("hidden") or _CAPTION.search(marks):
            return True
        if _BOILERPLATE.search(marks) or self._lists_other_articles(tag):
            return not self._holds_title(tag)
        return (
            tag.name == "table"
            and tag.find("img") is not None
            and len(tag.get_text(" ").split()) < 40
        )

    def _holds_title(self, tag: Tag) -> bool:
        return self.title_tag is not None and _within(self.title_tag, tag)

    @staticmethod
    def _lists_other_articles(tag: Tag) -> bool:
        """A "Tin liên quan" heading, or a block opened by one and made of links."""
        if tag.name not in _BLOCK_TAGS and tag.name not in ("span", "strong", "b", "a"):
            return False
        text = _key(tag.get_text(" ")).rstrip(" :")
        if text in _LABELS:
            return True
        if len(text) > 3000 or not any(text.startswith(label + " ") for label in _LABELS):
            return False
        linked = sum(len(clean(a.get_text(" "))) for a in tag.find_all("a"))
        return linked > 0.5 * len(text)

    # -- main text ------------------------------------------------------------------------

    def _container(self) -> Tag | None:
        """The element the article's paragraphs vote for, readability-style."""
        scores: dict[int, float] = {}
        chars: dict[int, list[int]] = {}
        tags: dict[int, Tag] = {}
        for block in self.blocks:
            for tag in [block.tag, *block.tag.parents]:
                total = chars.setdefault(id(tag), [0, 0])
                total[0] += len(block.text)
                total[1] += block.link_chars
            if len(block.text) < 25 or block.link_density > 0.5:
                continue
            points = 1 + block.text.count(",") + min(len(block.text) / 100, 3)
            start = block.tag.parent if block.tag.name in _PARAGRAPH_TAGS else block.tag
            for level, tag in enumerate([start, *start.parents][:3]):
                if isinstance(tag, Tag) and tag is not self.soup:
                    tags[id(tag)] = tag
                    scores[id(tag)] = scores.get(id(tag), 0) + points / (level + 1)
        if not scores:
            return None

        def final(key: int) -> float:
            text, links = chars[key]
            bonus = 25 if _CONTENT.search(_marks(tags[key])) else 0
            return (scores[key] + bonus) * (1 - links / max(text, 1))

        return tags[max(scores, key=final)]

    def _inside(self, container: Tag | None, start: int) -> list[_Block]:
        if container is None:
            return []
        return [b for b in self.blocks[start + 1 :] if _within(b.tag, container)]

    def _lead(self, start: int, container: Tag | None) -> list[_Block]:
        """The lead paragraph, which many sites set between the title and the body's box."""
        if start < 0 or container is None:
            return []
        lead = []
        for block in self.blocks[start + 1 :]:
            if _within(block.tag, container):
                break
            if block.words >= 12 and block.link_density < 0.3 and not _date_line(block.text):
                lead.append(block)
        return lead

    def _is_text(self, block: _Block) -> bool:
        text = block.text
        return not (
            block.link_density > 0.5
            or (_SHARE.match(text) and block.words <= 12)
            or _key(text) == _key(self.title)
            or _date_line(text)
            or self._is_caption(block)
        )

    @staticmethod
    def _is_caption(block: _Block) -> bool:
        """A short line right under an image: italic, centred, or ending in a photo credit."""
        if not block.after_image or block.words > 50:
            return False
        italic = block.italic_chars > 0.6 * len(block.text)
        return italic or _aligned(block.tag, "center") or bool(_PHOTO_CREDIT.search(block.text))

    def _is_listing(self, container: Tag | None, paragraphs: list[str]) -> bool:
        """Home, category, tag and search pages: headlines that link away, or many dates.

        When the best box has twins (same tag, same class) it is one item of a list, and the
        list is what gets counted.
        """
        if container is not None and container.parent is not None and _has_twin(container):
            container = container.parent
        inside = self._inside(container, -1)
        teasers = sum(1 for b in inside if _is_headline_link(b))
        dated = sum(1 for b in inside if b.link_density < 0.5 and _date_line(b.text))
        return (teasers >= 2 and teasers >= len(paragraphs)) or dated >= 3 or self._teasers()

    def _teasers(self) -> bool:
        """Mostly teasers, wherever the text voted: headlines that link away, each with its
        summary under it, hold at least half the words after the page's heading. A topic page
        or a listing at an article-shaped URL is told apart from an article this way."""
        blocks = self.blocks[self._title_index() + 1 :]
        count = words = 0
        for i, block in enumerate(blocks):
            if not _is_headline_link(block):
                continue
            count, words = count + 1, words + block.words
            if i + 1 < len(blocks) and _is_summary(blocks[i + 1], block):
                words += blocks[i + 1].words
        return count >= 3 and 2 * words >= sum(b.words for b in blocks)

    # -- other fields ---------------------------------------------------------------------

    def _published(self, start: int) -> tuple[str, str] | None:
        """``(date, where)``: the page's own date and where it stood (``page``, ``meta``,
        ``json-ld``, ``url``); the URL is read last, when the page states none."""
        chosen = self._selected("date")
        if chosen and (found := parse_published(clean(chosen.get_text(" ")))):
            return found, "page"
        found = dated_metadata(self.soup)
        if found:
            return found
        # The printed date sits right after the title, or just above it in the same box; the
        # "today" in the page head is further out, and menus and footers never get this far.
        after = self.blocks[start + 1 :]
        before = self.blocks[: max(start, 0)][::-1]
        if start >= 0:
            box = next(iter(list(self.blocks[start].tag.parents)[1:2]), None)
            before = [b for b in before if box is not None and _within(b.tag, box)]
        printed = next((d for b in after + before if (d := _date_line(b.text))), None)
        if printed:
            return printed, "page"
        found = published_from_url(self.url) or published_from_url(self._canonical())
        return (found, "url") if found else None

    def _site_name(self) -> str:
        """The site's name as the page gives it: ``og:site_name``, else the part of the
        ``<title>`` that names the site (``Title - Báo Ngọc Linh``)."""
        named = self._meta("og:site_name")
        if named:
            return named
        raw = clean(self.soup.title.get_text(" ")) if self.soup.title else ""
        title = _strip_site(raw, "", urlparse(self.url).hostname or "")
        if title == raw:
            return ""
        return clean(raw.replace(title, "", 1)).strip(" -|–—»:")

    def _author(self, body: list[_Block]) -> tuple[str, set[int]]:
        """The byline, and the blocks of the body that hold it."""
        chosen = self._selected("author")
        if chosen:
            return _byline_name(clean(chosen.get_text(" "))), set()
        for block in body[:2] + body[-3:]:
            match = _BYLINE.match(block.text)
            if match or _AUTHOR_CLASS.search(_marks(block.tag)):
                return _byline_name(block.text), {id(block)}
        if body and _closing_name(body[-1]):
            return body[-1].text, {id(body[-1])}
        tagged = self.soup.find(class_=_AUTHOR_CLASS)
        if (
            tagged
            and (name := _byline_name(clean(tagged.get_text(" "))))
            and len(name.split()) <= 8
        ):
            return name, set()
        meta = self._meta("author")
        return ("" if not meta or _SITE_WORDS.match(meta) else meta), set()

    def _section(self) -> str:
        """The last breadcrumb item that is neither home nor the article, else the category
        the page declares (meta ``article:section``, or a link with ``rel="category"``)."""
        crumbs = self.soup.find(class_=_BREADCRUMB) or self.soup.find(id=_BREADCRUMB)
        crumbs = crumbs or self.soup.find(attrs={"itemtype": re.compile("BreadcrumbList")})
        if crumbs:
            items = [clean(t.get_text(" ")) for t in crumbs.find_all("li")]
            items = items or [clean(a.get_text(" ")) for a in crumbs.find_all("a")]
            items = items or [clean(t) for t in re.split(r"[»>›/|]", crumbs.get_text(" "))]
            items = [i for i in items if i and _key(i) not in _HOME and not self._is_title_crumb(i)]
            if items:
                return items[-1]
        category = self.soup.find("a", rel="category")
        return self._meta("article:section") or (clean(category.get_text(" ")) if category else "")

    def _is_title_crumb(self, item: str) -> bool:
        """Breadcrumbs often end with the article's title, cut short with an ellipsis."""
        key, title = _key(item).rstrip(". …"), _key(self.title)
        return key == title or (len(key) > 20 and title.startswith(key))

    def _canonical(self) -> str:
        """rel=canonical made absolute, unless it sends an article to the home page."""
        link = self.soup.find("link", rel="canonical")
        for href in (link.get("href") if link else None, self._meta("og:url")):
            if not href:
                continue
            absolute = urljoin(self.url, href.strip())
            parsed = urlparse(absolute)
            if parsed.scheme in ("http", "https") and (
                parsed.path not in ("", "/") or urlparse(self.url).path in ("", "/")
            ):
                return absolute
        return self.url

    def _selected(self, name: str) -> Tag | None:
        css = self.selectors.get(name)
        return self.soup.select_one(css) if css else None


class _Walker:
    """Cuts a tree into text blocks at block elements and line breaks, in reading order."""

    def __init__(self, skip):
        self.skip, self.blocks, self.parts, self.image = skip, [], [], False

    def run(self, root: Tag) -> list[_Block]:
        self.walk(root, root, (False, False, False))
        self.flush(root)
        return self.blocks

    def walk(self, tag: Tag, owner: Tag, style: tuple[bool, bool, bool]) -> None:
        for child in tag.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, PreformattedString):
                    self.parts.append((str(child), *style))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                self.flush(owner)
            elif child.name == "img":
                self.flush(owner)
                self.image = True
            elif self.skip(child):
                self.flush(owner)
            elif child.name in _BLOCK_TAGS:
                self.flush(owner)
                self.walk(child, child, style)
                self.flush(child)
            else:
                link, bold, italic = style
                name = child.name
                self.walk(
                    child,
                    owner,
                    (
                        link or name == "a",
                        bold or name in ("b", "strong"),
                        italic or name in ("i", "em"),
                    ),
                )

    def flush(self, owner: Tag) -> None:
        text = clean("".join(part for part, *_ in self.parts))
        if text:

            def chars(flag: int) -> int:
                return sum(len(clean(p[0])) for p in self.parts if p[flag])

            self.blocks.append(_Block(owner, text, chars(1), chars(2), chars(3), self.image))
            self.image = False
        self.parts = []


def _agrees(heading: str, meta: str) -> bool:
    """The heading is the metadata title, or the title once a site name at either end goes."""
    a = _key(heading)
    cuts = list(_TITLE_SEPARATOR.finditer(meta))
    parts = [meta] + [meta[c.end() :] for c in cuts[:1]] + [meta[: c.start()] for c in cuts[-1:]]
    for b in map(_key, parts):
        short, long = sorted((a, b), key=len)
        if short and short in long and len(short) >= 0.6 * len(long):
            return True
    return False


def _strip_site(title: str, site_name: str, host: str) -> str:
    """``Title - Báo Kon Tum`` -> ``Title``; the site's part goes, whichever end it is on."""
    cuts = list(_TITLE_SEPARATOR.finditer(title))
    if not cuts:
        return title
    site, host = _key(site_name), host.removeprefix("www.").split(".")[0].lower()
    host = host if host.isalpha() and len(host) > 3 else ""

    def is_site(part: str) -> bool:
        key = _key(part)
        return bool(
            key == site or (host and host in key.replace(" ", "")) or _SITE_WORDS.match(part)
        )

    if is_site(title[cuts[-1].end() :]):
        return title[: cuts[-1].start()]
    if is_site(title[: cuts[0].start()]):
        return title[cuts[0].end() :]
    return title


def _date_line(text: str) -> str | None:
    """The date of a short line that prints one (``Thứ Tư, 10/01/2018 - 13:17 | Lượt xem: 9``)."""
    return parse_published(text) if len(text.split()) <= 12 else None


def _is_headline_link(block: _Block) -> bool:
    return block.link_density > 0.8 and block.words >= 5


def _is_summary(block: _Block, headline: _Block) -> bool:
    """The sapo under a teaser's headline: plain text, a sentence or a few, in the same item."""
    return (
        block.link_density < 0.3
        and 8 <= block.words <= 120
        and headline.tag.parent is not None
        and _within(block.tag, headline.tag.parent)
    )


def _article_shaped(url: str) -> bool:
    parts = urlparse(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    return bool(_ARTICLE_SLUG.search(last)) or query.get("id", "").isdigit()


def _byline_name(text: str) -> str:
    match = _BYLINE.match(text)
    return (match["name"] if match else text).strip(" .-–")


def _closing_name(block: _Block) -> bool:
    """A bold or right-aligned name closing the text (``Minh Châu``, ``PV``, ``Hà Anh (TTXVN)``)."""
    words = block.text.replace("(", " ").replace(")", " ").replace("-", " ").split()
    if not 1 <= len(words) <= 8 or block.text.endswith((".", ":", "?", "!")):
        return False
    if not all(w[0].isupper() or w == "và" for w in words):
        return False
    styled = block.bold_chars > 0.6 * len(block.text) or _aligned(block.tag, "right")
    return styled or block.text.isupper()


def _is_heading(tag: Tag) -> bool:
    """Not empty, and not an unclosed heading that swallowed the page."""
    return 0 < len(tag.get_text(" ").split()) <= 40


def _has_twin(tag: Tag) -> bool:
    classes = tag.get("class")
    return bool(classes) and any(
        s is not tag and s.name == tag.name and s.get("class") == classes
        for s in tag.parent.find_all(tag.name, recursive=False)
    )


def _marks(tag: Tag) -> str:
    return " ".join([*tag.get("class", []), tag.get("id") or ""])


def _within(tag: Tag, ancestor: Tag) -> bool:
    """Identity, not equality: bs4 compares tags by their markup."""
    return tag is ancestor or any(parent is ancestor for parent in tag.parents)


def _in_boilerplate(tag: Tag) -> bool:
    return any(
        t.name in _NOISE_TAGS or t.name == "header" or _BOILERPLATE.search(_marks(t))
        for t in [tag, *tag.parents]
        if t.name not in ("html", "body", "[document]")
    )


def _aligned(tag: Tag, side: str) -> bool:
    for node in [tag, *list(tag.parents)[:2]]:
        style = (node.get("style") or "").replace(" ", "").lower()
        if (
            f"text-align:{side}" in style
            or (node.get("align") or "").lower() == side
            or node.name == side
        ):
            return True
        if any(side in c.lower() for c in node.get("class", [])):
            return True
    return False
