"""Canonical URLs: fixed examples from Vietnamese news links, then properties over any string."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.config import Site
from crawler.urls import canonicalize, in_scope


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://BaoTinh.VN:80/Chinh-Tri/", "http://baotinh.vn/Chinh-Tri"),
        ("https://baotinh.vn:443", "https://baotinh.vn/"),
        ("http://baotinh.vn:8080/a", "http://baotinh.vn:8080/a"),
        ("http://baotinh.vn/a/./b/../c.html#binh-luan", "http://baotinh.vn/a/c.html"),
        (
            "http://baotinh.vn/tin.html?utm_source=zalo&utm_medium=social&id=5&fbclid=IwAR",
            "http://baotinh.vn/tin.html?id=5",
        ),
        ("http://baotinh.vn/tin.html?zarsrc=30&gclid=x&zaloid=1", "http://baotinh.vn/tin.html"),
        ("http://baotinh.vn/tin.html?b=2&a=1&c", "http://baotinh.vn/tin.html?a=1&b=2&c"),
        ("http://baotinh.vn/%7e%61%2f%c3%a0", "http://baotinh.vn/~a%2F%C3%A0"),
        (
            "http://baotinh.vn/tin-tức/hà nội",
            "http://baotinh.vn/tin-t%E1%BB%A9c/h%C3%A0%20n%E1%BB%99i",
        ),
        ("http://baotinh.vn/100%", "http://baotinh.vn/100%25"),
        ("http://hà-nội.vn/", "http://xn--h-ni-0na4517b.vn/"),
        ("http://[::1]:8000/x", "http://[::1]:8000/x"),
        ("  http://baotinh.vn/x  ", "http://baotinh.vn/x"),
    ],
)
def test_canonical_forms(url, canonical):
    assert canonicalize(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "mailto:toasoan@baotinh.vn",
        "javascript:void(0)",
        "tel:0123",
        "ftp://baotinh.vn/x",
        "http://",
        "http://baotinh.vn:99999/",
        "http://bad host/",
        "/relative/only",
        "",
        "::::",
    ],
)
def test_unusable_urls_are_none(url):
    assert canonicalize(url) is None


def test_relative_links_resolve_against_the_page():
    page = "http://baotinh.vn/chinh-tri/index.html?page=2"
    assert canonicalize("../xa-hoi/bai-1.html", base=page) == "http://baotinh.vn/xa-hoi/bai-1.html"
    assert canonicalize("?page=3", base=page) == "http://baotinh.vn/chinh-tri/index.html?page=3"
    assert canonicalize("#top", base=page) == "http://baotinh.vn/chinh-tri/index.html?page=2"


def test_scope_is_the_site_host_widened_by_allow_and_narrowed_by_deny():
    site = Site(
        "baotinh",
        start_urls=["http://baotinh.vn/"],
        allow=[r"^https?://media\.baotinh\.vn/"],
        deny=[r"/lich/", r"[?&]print="],
    )
    assert in_scope("http://baotinh.vn/tin.html", site)
    assert in_scope("https://www.baotinh.vn/tin.html", site)
    assert in_scope("http://media.baotinh.vn/anh.html", site)
    assert not in_scope("http://baotinh.vn:8080/tin.html", site)
    assert not in_scope("http://tinhuy.vn/tin.html", site)
    assert not in_scope("http://baotinh.vn/lich/2024-01-01", site)
    assert not in_scope("http://baotinh.vn/tin.html?print=1", site)
    assert not in_scope("mailto:toasoan@baotinh.vn", site)


# -- properties ---------------------------------------------------------------------------------

TRACKING = st.sampled_from(
    [
        "utm_source",
        "utm_campaign",
        "UTM_Medium",
        "fbclid",
        "gclid",
        "zarsrc",
        "zaloid",
        "zalo_share",
    ]
)
# A path segment as written in a link: "?" and "#" would end the path, and spaces or controls
# at the very end of a link are not part of it.
SEGMENT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="?#"),
    max_size=8,
)
PARAM = st.tuples(st.text("abcdefghijk", min_size=1, max_size=4), st.text("xyz019%", max_size=3))


@st.composite
def tracked_urls(draw):
    """A URL, and the same URL with tracking parameters put anywhere and a fragment."""
    host = draw(st.sampled_from(["baotinh.vn", "WWW.TinhUy.gov.vn", "127.0.0.1:8000", "[::1]"]))
    scheme = draw(st.sampled_from(["http", "HTTPS"]))
    path = "/".join(draw(st.lists(SEGMENT, max_size=4)))
    params = draw(st.lists(PARAM, max_size=4))
    tracking = draw(st.lists(st.tuples(TRACKING, st.text("abc12", max_size=4)), max_size=3))
    mixed = draw(st.permutations(params + tracking))
    fragment = draw(st.text(max_size=10))

    def url(pairs, tail=""):
        query = "&".join(f"{k}={v}" for k, v in pairs)
        return f"{scheme}://{host}/{path}" + (f"?{query}" if query else "") + tail

    return url(params), url(mixed, "#" + fragment), [k for k, _ in tracking]


@settings(max_examples=200)
@given(st.text())
def test_never_raises_on_any_string(text):
    canonical = canonicalize(text)
    assert canonical is None or canonical.startswith(("http://", "https://"))


@settings(max_examples=200)
@given(st.one_of(st.text(), tracked_urls().map(lambda urls: urls[1])))
def test_idempotent(url):
    once = canonicalize(url)
    assert once is None or canonicalize(once) == once


@settings(max_examples=200)
@given(tracked_urls())
def test_tracking_and_fragments_never_survive_and_do_not_change_the_key(urls):
    clean, tracked, names = urls
    canonical = canonicalize(tracked)
    assert canonical == canonicalize(clean)
    assert "#" not in canonical
    assert not any(f"{name.lower()}=" in canonical.lower() for name in names)
