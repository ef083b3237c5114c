from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.dates import EARLIEST_URL_YEAR, VIETNAM, parse_published, published_from_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/01/2018 13:17", "2018-01-10T13:17:00+07:00"),
        ("Thứ Tư, 10/01/2018 - 13:17", "2018-01-10T13:17:00+07:00"),
        ("Cập nhật: 08:30 ngày 15/05/2019", "2019-05-15T08:30:00+07:00"),
        ("Đã đăng vào 15 Tháng 5, 2019 lúc 19:35", "2019-05-15T19:35:00+07:00"),
        ("Ngày đăng: 23-9-2019", "2019-09-23T00:00:00+07:00"),
        ("15/5/2019", "2019-05-15T00:00:00+07:00"),
        ("2019-05-15T19:35:00+07:00", "2019-05-15T19:35:00+07:00"),
        ("2019-05-15T12:35:00Z", "2019-05-15T19:35:00+07:00"),
        ("2019-05-15T19:35:00.000+0700", "2019-05-15T19:35:00+07:00"),
        ("ngày 15 tháng 5 năm 2019", "2019-05-15T00:00:00+07:00"),
        ("(15/05/2019 - 07:30)", "2019-05-15T07:30:00+07:00"),
        ("13:17 | 10/01/2018", "2018-01-10T13:17:00+07:00"),
        ("Đăng lúc: 09:15 - 03/08/2020", "2020-08-03T09:15:00+07:00"),
        ("Thứ Bảy, 07-05-2022, 10h15", "2022-05-07T10:15:00+07:00"),
        ("05/10/2019", "2019-10-05T00:00:00+07:00"),  # day first, always
    ],
)
def test_printed_formats(text, expected):
    assert parse_published(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/02/2019", None),
        ("29/02/2019 hoặc 01/03/2019", "2019-03-01T00:00:00+07:00"),
        ("29/02/2020", "2020-02-29T00:00:00+07:00"),
        ("15/13/2019", None),
        ("10/01/2018 25:61", "2018-01-10T00:00:00+07:00"),
        ("Sáng 10/1, hội nghị", None),
        ("Nghị quyết số 25-NQ/TW", None),
        ("", None),
        (None, None),
    ],
)
def test_impossible_or_missing_dates(text, expected):
    assert parse_published(text) == expected


@pytest.mark.parametrize(
    "markup",
    [
        '<meta property="article:published_time" content="2021-03-09T16:05:00+07:00">',
        '<meta itemprop="datePublished" content="2021-03-09T09:05:00Z">',
        '<time datetime="2021-03-09T16:05">9/3</time>',
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2021-03-09T16:05:00+07:00"}</script>',
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "datePublished": "2000-01-01"},'
        ' {"@type": ["Article"], "datePublished": "2021-03-09T09:05:00Z"}]}</script>',
        '<script type="application/ld+json">{broken</script><div>Ngày 09/03/2021 16:05</div>',
    ],
)
def test_metadata(markup):
    assert parse_published(markup) == "2021-03-09T16:05:00+07:00"


def test_a_time_in_a_list_dates_another_article():
    markup = '<ul><li><a href="/a">Tin khác</a><time datetime="2024-07-19T09:05">19/07</time></li></ul>'
    assert parse_published(markup) is None


FORMATS = [
    lambda d: d.strftime("%d/%m/%Y %H:%M"),
    lambda d: f"Thứ Tư, {d:%d/%m/%Y} - {d:%H:%M}",
    lambda d: f"Cập nhật: {d:%H:%M} ngày {d:%d/%m/%Y}",
    lambda d: f"Đã đăng vào {d.day} Tháng {d.month}, {d.year} lúc {d:%H:%M}",
    lambda d: f"({d:%d/%m/%Y} - {d:%H:%M})",
    lambda d: d.isoformat(),
    lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
]
DATE_ONLY = [
    lambda d: f"Ngày đăng: {d.day}-{d.month}-{d.year}",
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"ngày {d.day} tháng {d.month} năm {d.year}",
]
MOMENTS = st.datetimes(datetime(1990, 1, 1), datetime(2099, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=VIETNAM)
)


@given(MOMENTS, st.sampled_from(FORMATS))
def test_round_trip(moment, fmt):
    assert datetime.fromisoformat(parse_published(fmt(moment))) == moment


@given(MOMENTS, st.sampled_from(DATE_ONLY))
def test_round_trip_date_only(moment, fmt):
    parsed = datetime.fromisoformat(parse_published(fmt(moment)))
    assert parsed == moment.replace(hour=0, minute=0)
    assert parsed.utcoffset() == timedelta(hours=7)


@given(st.text())
def test_never_raises(text):
    result = parse_published(text)
    assert result is None or datetime.fromisoformat(result).utcoffset() == timedelta(hours=7)


# -- dates in URLs ------------------------------------------------------------------------------

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://baochinhphu.vn/thoi-su/2022/12/24/hoi-nghi-trung-uong.htm", "2022-12-24T00:00:00+07:00"),
        ("https://bao.vn/chinh-tri/hoi-nghi-trung-uong-20221224.html", "2022-12-24T00:00:00+07:00"),
        ("https://bao.vn/hoi-nghi-tong-ket-20221224192522724.htm", "2022-12-24T19:25:22+07:00"),
        ("https://bao.vn/hoi-nghi-tong-ket-20221224192522.htm", "2022-12-24T19:25:22+07:00"),
        ("https://bao.vn/2022-12-24/hoi-nghi-trung-uong.html", "2022-12-24T00:00:00+07:00"),
        ("https://congtt.vn/tin-tuc/chi-tiet?ngay=24/12/2022&id=5", "2022-12-24T00:00:00+07:00"),
        ("https://congtt.vn/tin-tuc/chi-tiet?id=5&date=2022-12-24", "2022-12-24T00:00:00+07:00"),
        # a stamp whose time is no time still dates the day
        ("https://bao.vn/hoi-nghi-20221224996622724.htm", "2022-12-24T00:00:00+07:00"),
    ],
)
def test_url_shapes_of_real_sites(url, expected):
    assert published_from_url(url, NOW) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://tinhuy.vn/tin-tuc/khai-mac-dai-hoi-nhiem-ky-2020-2025-1047.html",  # a term, not a date
        "https://bao.vn/kinh-te/chu-tich-ubnd-tinh-a18530.html",  # an article id
        "https://bao.vn/tin-tuc/12345678.html",  # an 8-digit id that is no date
        "https://bao.vn/tin-tuc/hoi-nghi-202212241925.htm",  # 12 digits: an id, not a stamp
        "http://127.0.0.1:20221/tin-tuc/x.html",  # a port
        "https://bao.vn/2030/01/01/tin-tuong-lai.html",  # after now
        "https://bao.vn/1985/01/01/tin-cu.html",  # before any site
        "https://bao.vn/tin-tuc/x-20221399.html",  # month 13
        "https://bao.vn/lich?ngay=31/02/2022",  # 31 February
        "https://bao.vn/tin-tuc/ngay-24-12-2022-hoi-nghi.html",  # an event's date in the slug
        "",
        "http://[::1",
    ],
)
def test_url_digits_that_are_not_a_publication_date(url):
    assert published_from_url(url, NOW) is None


@given(st.text())
def test_url_reader_never_raises_on_any_text(text):
    result = published_from_url(text, NOW)
    if result is not None:
        moment = datetime.fromisoformat(result)
        assert moment.year >= EARLIEST_URL_YEAR and moment <= NOW + timedelta(days=1)


URL_CHARS = st.sampled_from("0123456789/-_?=&.abcdeghn")


@given(st.builds(lambda a, b: f"https://bao.vn/{a}?{b}", st.text(URL_CHARS), st.text(URL_CHARS)))
def test_url_reader_never_returns_an_impossible_date(url):
    result = published_from_url(url, NOW)
    if result is not None:
        moment = datetime.fromisoformat(result)  # a real calendar date, or this raises
        assert moment.utcoffset() == timedelta(hours=7)
        assert moment.year >= EARLIEST_URL_YEAR and moment <= NOW + timedelta(days=1)


URL_FORMATS = [
    lambda d: f"https://bao.vn/thoi-su/{d:%Y/%m/%d}/hoi-nghi-trung-uong.htm",
    lambda d: f"https://bao.vn/thoi-su/{d.year}/{d.month}/{d.day}/hoi-nghi.htm",
    lambda d: f"https://bao.vn/{d:%Y-%m-%d}/hoi-nghi-trung-uong.html",
    lambda d: f"https://bao.vn/chinh-tri/hoi-nghi-trung-uong-{d:%Y%m%d}.html",
    lambda d: f"https://bao.vn/tin-tuc/chi-tiet?ngay={d:%d/%m/%Y}&id=51988",
]
STAMP_FORMATS = [
    lambda d: f"https://bao.vn/hoi-nghi-tong-ket-{d:%Y%m%d%H%M%S}{d.microsecond // 1000:03d}.htm",
    lambda d: f"https://bao.vn/hoi-nghi-tong-ket-{d:%Y%m%d%H%M%S}.htm",
]
URL_MOMENTS = st.datetimes(datetime(1990, 1, 1), datetime(2025, 5, 31)).map(
    lambda d: d.replace(tzinfo=VIETNAM)
)


@given(URL_MOMENTS, st.sampled_from(URL_FORMATS))
def test_url_date_round_trip(moment, fmt):
    assert datetime.fromisoformat(published_from_url(fmt(moment), NOW)) == moment.replace(
        hour=0, minute=0, second=0, microsecond=0
    )


@given(URL_MOMENTS, st.sampled_from(STAMP_FORMATS))
def test_url_stamp_round_trip(moment, fmt):
    assert datetime.fromisoformat(published_from_url(fmt(moment), NOW)) == moment.replace(
        microsecond=0
    )
