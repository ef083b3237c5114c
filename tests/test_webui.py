"""The HTML side through Flask's test client: pages, links that carry the search, headers, XSS."""

import re

import pytest

from tests import webui_fixtures
from tests.webui_fixtures import IMG, SCRIPT, Page, get, params
from webui import create_app

# The shared fixtures, exposed here so that pytest finds them.
app, client, data_dir = webui_fixtures.app, webui_fixtures.client, webui_fixtures.data_dir


# -- home and results -----------------------------------------------------------------------


def test_home_has_search_box_and_opensearch_link(client):
    html = client.get("/").get_data(as_text=True)
    page = Page(html)
    assert '<html lang="vi">' in html
    assert ("link", {"rel": "search", "type": "application/opensearchdescription+xml",
                     "title": "vnsearch", "href": "/opensearch.xml"}) in page.tags
    assert any(attrs.get("id") == "q" for attrs in page.inputs)
    assert page.link("Nguyễn Xuân Phúc").startswith("/officials/")


def test_accentless_search_keeps_query_and_highlights(client):
    response = client.get("/search?q=nguyen+xuan+phuc")
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.value("q") == "nguyen xuan phuc"
    assert "<mark>Nguyễn Xuân Phúc</mark>" in html
    assert "Tìm thấy <strong>3</strong> tin (không có bản đăng lại)" in html
    assert page.link("Chủ tịch nước Nguyễn Xuân Phúc") == "/articles/phuc-cutri"
    assert "/officials/Nguy%E1%BB%85n%20Xu%C3%A2n%20Ph%C3%BAc" in html
    for label in ("Liên quan nhất", "Mới nhất", "Cũ nhất", "Nguồn", "Chuyên mục", "Năm",
                  "Cán bộ/Lãnh đạo được nhắc đến", "Sắp xếp", "Từ ngày", "Đến ngày"):
        assert label in html, label
    assert '<svg class="chart"' in html and "Số tin theo năm" in html
    flat = client.get("/search?q=nguyen+xuan+phuc&collapse=none").get_data(as_text=True)
    assert "Tìm thấy <strong>3</strong> bài viết\n" in flat and "Số bài viết theo năm" in flat


def test_facet_links_carry_the_whole_search_and_toggle(client):
    page = get(client, "/search?q=thu+tuong&sort=newest")
    href = page.link("baochinhphu")
    assert params(href) == {"q": ["thu tuong"], "source": ["baochinhphu"], "sort": ["newest"]}
    filtered = get(client, href)
    assert filtered.value("source") == "baochinhphu"  # kept by the search form
    assert params(filtered.link("Bỏ lọc: baochinhphu")) == {"q": ["thu tuong"], "sort": ["newest"]}
    official = params(filtered.link("Lê Trí Thanh"))
    assert official["official"] == ["Lê Trí Thanh"] and official["source"] == ["baochinhphu"]


def test_year_facet_sets_range_and_shows_months(client):
    page = get(client, "/search?q=")
    year = params(page.link("2019"))
    assert year["from"] == ["2019"] and year["to"] == ["2019"]
    response = client.get("/search?from=2019&to=2019")
    html = response.get_data(as_text=True)
    months = Page(html)
    assert "Số tin theo tháng trong năm 2019" in html
    assert params(months.link("Tháng 5/2019")) == {"from": ["2019-05"], "to": ["2019-05"]}
    assert params(months.link("Bỏ lọc: 2019")) == {}
    narrowed = get(client, "/search?from=2019-05&to=2019-05")
    assert params(narrowed.link("Bỏ lọc: Tháng 5/2019")) == {"from": ["2019"], "to": ["2019"]}


def test_official_filter_accepts_accentless_names_and_several(client):
    page = get(client, "/search?official=phan+viet+cuong&official=le+tri+thanh")
    assert "Không tìm thấy" in "".join(page.text)
    page = get(client, "/search?official=phan+viet+cuong")
    assert "Tìm thấy 3 tin" in page.words()
    assert params(page.link("Cán bộ: phan viet cuong")) == {}


def test_pagination_with_total(client):
    html = client.get("/search?q=&page_size=3").get_data(as_text=True)
    page = Page(html)
    assert "Trang 1 / 3" in html
    assert params(page.link("Trang sau")) == {"page": ["2"], "page_size": ["3"]}
    last = get(client, "/search?page=3&page_size=3")
    assert "Trang 3 / 3" in "".join(last.text)
    assert params(last.link("← Trang trước")) == {"page": ["2"], "page_size": ["3"]}


def test_no_results_offers_accentless_query_and_dropping_filters(client):
    html = client.get("/search?q=Đảng+zzzqqq&source=baochinhphu&from=2018").get_data(as_text=True)
    page = Page(html)
    assert "Không tìm thấy bài viết nào" in html
    assert params(page.link("dang zzzqqq")) == {
        "q": ["dang zzzqqq"], "source": ["baochinhphu"], "from": ["2018"]}
    assert params(page.link("Nguồn: baochinhphu")) == {"q": ["Đảng zzzqqq"], "from": ["2018"]}
    assert params(page.link("Từ: 2018")) == {"q": ["Đảng zzzqqq"], "source": ["baochinhphu"]}
    assert 'class="hits"' not in html


def test_no_results_suggests_officials_by_name(client):
    page = get(client, "/search?q=le+tri+thanh&from=2021-01&to=2021-06")
    assert page.link("Lê Trí Thanh").startswith("/officials/")


def test_repaired_query_and_fallback_are_explained(client):
    html = client.get('/search?q="dân+vận').get_data(as_text=True)
    assert "Đã tìm theo từ: <strong>&#34;dân vận&#34;</strong>" in html
    html = client.get("/search?q=thủ+tướng+zzzqqq").get_data(as_text=True)
    assert "ít nhất một" in html and "Tìm thấy" in html


@pytest.mark.parametrize("query", [
    "page=abc", "page=0", "page=1001", "page_size=101", "sort=best", "from=2019-13",
    "from=2020&to=2019", "q=" + "a" * 501,
])
def test_bad_parameters_give_a_400_page(client, query):
    page = get(client, "/search?" + query, status=400)
    assert "Yêu cầu không hợp lệ" in "".join(page.text)


# -- article, profile, embed ----------------------------------------------------------------


def test_article_page(client):
    html = client.get("/articles/phuc-quangnam").get_data(as_text=True)
    page = Page(html)
    assert "<p>Thủ tướng đề nghị tỉnh tập trung cải cách hành chính.</p>" in html
    assert html.count("<p>Chiều 12/3") == 1
    original = [a for a, _ in page.links if a.get("class") == "original"][0]
    assert original == {"class": "original", "href": "http://127.0.0.1:9/tin/phuc-quangnam.html",
                        "rel": "noopener nofollow"}
    assert page.link("Phan Việt Cường") == "/officials/Phan%20Vi%E1%BB%87t%20C%C6%B0%E1%BB%9Dng"
    assert re.search(r"lần đầu <time datetime=\"\d{4}-\d\d-\d\dT[^\"]+\">\d\d/\d\d/\d{4}</time>", html)
    assert "12/03/2018" in html


def test_unknown_article_and_page_are_html_404(client):
    assert "Không tìm thấy trang" in "".join(get(client, "/articles/nope", 404).text)
    assert "Không tìm thấy trang" in "".join(get(client, "/khong-co", 404).text)
    assert client.post("/search").status_code == 405


def test_official_profile(client):
    response = client.get("/officials/phan viet cuong")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    page = Page(html)
    assert "<h1>Phan Việt Cường</h1>" in html
    assert re.search(r"Bí thư Tỉnh ủy</th><td>12/03/2018</td><td>14/10/2020</td>", html)
    assert '<svg class="chart"' in html and "<title>2019: 1</title>" in html
    assert params(page.link("Xem các bài viết")) == {"official": ["Phan Việt Cường"]}
    assert page.link("Nguyễn Xuân Phúc") == "/officials/Nguy%E1%BB%85n%20Xu%C3%A2n%20Ph%C3%BAc"
    assert get(client, "/officials/khong co ai", 404)


def test_embed_page_is_compact_and_framable(client):
    response = client.get("/embed?q=phuc")
    page = Page(response.get_data(as_text=True))
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    hits = [a for a, _ in page.links if a["href"].startswith("/articles/")]
    assert len(hits) == 3 and all(a["target"] == "_blank" and a["rel"] == "noopener" for a in hits)
    assert client.get("/embed").status_code == 200


def test_embed_frame_ancestors_follow_configured_origins(data_dir):
    app = create_app({"DATA_DIR": data_dir, "CORS_ORIGINS": "https://a.example, https://b.example"})
    csp = app.test_client().get("/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors https://a.example https://b.example" in csp


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    assert 'template="http://localhost/search?q={searchTerms}"' in response.get_data(as_text=True)


def test_static_scripts_are_served_as_javascript(client):
    for name in ("app.js", "embed.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and response.mimetype == "text/javascript"


# -- headers and escaping -------------------------------------------------------------------

PAGES = ["/", "/search?q=canh+giac", "/search?q=", "/articles/xss", "/articles/phuc-quangnam",
         "/officials/Phan Việt Cường", "/embed?q=canh+giac", "/khong-co", "/search?page=x"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_and_no_inline_code(client, url):
    response = client.get(url)
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    if url.startswith("/embed"):
        assert "X-Frame-Options" not in headers
    else:
        assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in csp
    page = Page(response.get_data(as_text=True))
    for tag, attrs in page.tags:
        assert tag != "script" or attrs.get("src", "").startswith("/static/"), (tag, attrs)
        assert "style" not in attrs and not any(name.startswith("on") for name in attrs)
        assert not attrs.get("href", "").lower().startswith("javascript:")


@pytest.mark.parametrize("url", ["/search?q=canh+giac", "/search?q=", "/articles/xss", "/",
                                 "/officials/Lê Văn " + IMG, "/embed?q=canh+giac",
                                 "/search?q=canh+giac&section=Pháp+luật+" + IMG])
def test_crawled_markup_is_escaped_everywhere(client, url):
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert SCRIPT not in html and "<img src=x" not in html.lower()
    assert "&lt;script&gt;alert(" in html
    assert "img" not in {tag for tag, _ in Page(html).tags}


def test_search_box_escapes_the_query(client):
    html = client.get("/search", query_string={"q": IMG}).get_data(as_text=True)
    assert "<img" not in html and 'value="&#34;&gt;&lt;img' in html
