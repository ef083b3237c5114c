"""A data dir with a real store and index of a few Vietnamese articles, for the web tests, and
the reading of the pages they get.

One article is hostile: its title, body, section, author and official carry markup and a
spreadsheet formula, the way a compromised or careless site could serve them.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.article import Article
from crawler.store import Store
from index import writer
from webui import create_app

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'

ARTICLES = [
    dict(
        id="phuc-quangnam",
        title="Thủ tướng Nguyễn Xuân Phúc làm việc với lãnh đạo tỉnh Quảng Nam",
        body="Chiều 12/3, Thủ tướng Nguyễn Xuân Phúc đã làm việc với Ban Thường vụ Tỉnh ủy "
        "Quảng Nam về tình hình phát triển kinh tế - xã hội.\n"
        "Bí thư Tỉnh ủy Phan Việt Cường báo cáo kết quả thực hiện Nghị quyết 25-NQ/TW về "
        "công tác dân vận.\nThủ tướng đề nghị tỉnh tập trung cải cách hành chính.",
        published="2018-03-12T15:30:00+07:00", source="baochinhphu", section="Thời sự",
        officials=[{"name": "Nguyễn Xuân Phúc", "positions": ["Thủ tướng Chính phủ"]},
                   {"name": "Phan Việt Cường", "positions": ["Bí thư Tỉnh ủy"]}],
    ),
    dict(
        id="danvan-2018",
        title="Hội nghị tổng kết công tác dân vận năm 2018",
        body="Ban Dân vận Tỉnh ủy tổ chức hội nghị tổng kết công tác dân vận năm 2018. Đồng chí "
        "Phan Việt Cường - Bí thư Tỉnh ủy dự và phát biểu chỉ đạo.\n"
        "Năm 2019 được chọn là Năm dân vận chính quyền.",
        published="2019-01-15T08:00:00+07:00", source="tinhuyquangnam", section="Dân vận",
        officials=[{"name": "Phan Việt Cường", "positions": ["Bí thư Tỉnh ủy"]}],
    ),
    dict(
        id="nq25",
        title="Triển khai Nghị quyết 25-NQ/TW trong hệ thống chính trị",
        body="Các cấp ủy đảng tiếp tục quán triệt Nghị quyết số 25-NQ/TW của Ban Chấp hành Trung "
        "ương về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận.",
        published="2019-05-08T10:00:00+07:00", source="baoquangnam", section="Xây dựng Đảng",
        officials=[],
    ),
    dict(
        id="ubnd-thang5",
        title="UBND tỉnh họp phiên thường kỳ tháng 5",
        body="Chủ tịch UBND tỉnh Lê Trí Thanh chủ trì phiên họp thường kỳ tháng 5, đánh giá tiến "
        "độ giải ngân vốn đầu tư công.",
        published="2019-05-30T14:00:00+07:00", source="congthongtin", section="Chính quyền",
        officials=[{"name": "Lê Trí Thanh", "positions": ["Chủ tịch UBND tỉnh"]}],
    ),
    dict(
        id="phuc-chinhphu",
        title="Thủ tướng chỉ đạo tháo gỡ khó khăn cho doanh nghiệp",
        body="Thủ tướng Nguyễn Xuân Phúc yêu cầu các bộ, ngành tháo gỡ ngay các điểm nghẽn. "
        "Chủ tịch UBND tỉnh Quảng Nam Lê Trí Thanh báo cáo tại hội nghị trực tuyến.",
        published="2019-11-20T09:00:00+07:00", source="baochinhphu", section="Thời sự",
        officials=[{"name": "Nguyễn Xuân Phúc", "positions": ["Thủ tướng Chính phủ"]},
                   {"name": "Lê Trí Thanh", "positions": ["Chủ tịch UBND tỉnh"]}],
    ),
    dict(
        id="daihoi-xxii",
        title="Đại hội đại biểu Đảng bộ tỉnh lần thứ XXII thành công tốt đẹp",
        body="Đại hội đã bầu Ban Chấp hành Đảng bộ tỉnh khóa XXII. Đồng chí Phan Việt Cường tái "
        "đắc cử Bí thư Tỉnh ủy nhiệm kỳ 2020 - 2025.",
        published="2020-10-14T17:00:00+07:00", source="tinhuyquangnam", section="Xây dựng Đảng",
        officials=[{"name": "Phan Việt Cường", "positions": ["Bí thư Tỉnh ủy"]}],
    ),
    dict(
        id="phuc-cutri",
        title="Chủ tịch nước Nguyễn Xuân Phúc tiếp xúc cử tri",
        body="Chủ tịch nước Nguyễn Xuân Phúc tiếp xúc cử tri sau kỳ họp thứ nhất Quốc hội khóa "
        "XV, lắng nghe kiến nghị về phòng, chống dịch.",
        published="2021-08-20T09:00:00+07:00", source="nhandan", section="Chính trị",
        officials=[{"name": "Nguyễn Xuân Phúc", "positions": ["Chủ tịch nước"]}],
    ),
    dict(
        id="xss",
        url="javascript:alert(document.domain)//xss",
        title=f"Cảnh giác tin giả {SCRIPT} {IMG}",
        body=f"Cảnh giác với tin giả trên mạng xã hội {SCRIPT} và {IMG} được phát tán.",
        published="2020-06-01T08:00:00+07:00", source="baoquangnam", section=f"Pháp luật {IMG}",
        author='=HYPERLINK("http://127.0.0.1:9/","bấm")',
        officials=[{"name": f"Lê Văn {IMG}", "positions": [f"Phó Chủ tịch {SCRIPT}"]}],
    ),
]


def save_articles(data_dir: Path, articles: list[dict]) -> None:
    """Store the articles the way the crawler does, then bring the index up to date."""
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for fields in articles:
                url = fields.get("url") or f"http://127.0.0.1:9/tin/{fields['id']}.html"
                store.save_article(Article(**{**fields, "url": url}))
        writer.update(store, data_dir)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("web")
    save_articles(path, ARTICLES)
    return path


@pytest.fixture(scope="module")
def app(data_dir):
    return create_app({"DATA_DIR": data_dir})


@pytest.fixture
def client(app):
    return app.test_client()


class Page(HTMLParser):
    """The parts of an HTML page the tests look at: links, inputs, scripts, inline code."""

    def __init__(self, html: str):
        super().__init__()
        self.html = html
        self.links: list[tuple[dict, str]] = []
        self.inputs: list[dict] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._link: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "a":
            self._link, self._link_text = attrs, []
        if tag in ("input", "select"):
            self.inputs.append(attrs)

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link, "".join(self._link_text).strip()))
            self._link = None

    def handle_data(self, data):
        self.text.append(data)
        if self._link is not None:
            self._link_text.append(data)

    def link(self, text: str) -> str:
        """The href of the first link whose text starts with ``text``."""
        for attrs, label in self.links:
            if " ".join(label.split()).startswith(text):
                return attrs["href"]
        raise AssertionError(f"no link {text!r}")

    def value(self, name: str) -> str | None:
        return next((i.get("value") for i in self.inputs if i.get("name") == name), None)

    def words(self) -> str:
        """The page's text as a reader sees it: runs of white space are one space."""
        return " ".join("".join(self.text).split())


def get(client, url, status=200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True))


def params(href: str) -> dict:
    return parse_qs(urlsplit(href).query)
