"""An official's profile over a real index: spellings of one position are one position."""

import pytest

from crawler.article import Article, Official
from crawler.officials import find_officials
from crawler.store import Store
from index import writer
from index.officials import merge, position_key
from search.engine import Engine

BODIES = {
    # Three papers, two tone styles and a lowercase habit, one career.
    "2019-03-01": "Đồng chí Lê Thị Thủy - Phó Bí thư Tỉnh ủy dự hội nghị.",
    "2019-06-01": "Đồng chí Lê Thị Thuỷ - Phó Bí thư Tỉnh uỷ phát biểu.",
    "2020-01-15": "Đồng chí Lê Thị Thủy - Phó Bí thư Tỉnh ủy, Trưởng Ban Chỉ đạo phòng, chống dịch"
    " COVID-19 tỉnh chủ trì cuộc họp.",
    "2020-09-30": "Bà Lê Thị Thuỷ, phó bí thư tỉnh uỷ kiểm tra.",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    with Store.in_data_dir(data_dir) as store, store.transaction():
        for day, body in BODIES.items():
            store.save_article(
                Article(
                    url=f"http://127.0.0.1:9/{day}.html", title=f"Tin ngày {day}", body=body,
                    published=f"{day}T08:00:00+07:00", source="tinhuy",
                    officials=find_officials(body),
                )
            )
    with Store.in_data_dir(data_dir) as store:
        writer.update(store, data_dir)
    return Engine(data_dir)


def test_one_position_whatever_its_tone_placement_or_case_shown_as_most_written(engine):
    profile = engine.official_profile("le thi thuy")
    assert profile["name"] == "Lê Thị Thủy" and profile["count"] == 4
    assert profile["positions"] == [
        {"position": "Phó Bí thư Tỉnh ủy", "first": "2019-03-01T08:00:00+07:00", "last": "2020-09-30T08:00:00+07:00"},
        {
            "position": "Trưởng Ban Chỉ đạo phòng, chống dịch COVID-19 tỉnh",
            "first": "2020-01-15T08:00:00+07:00",
            "last": "2020-01-15T08:00:00+07:00",
        },
    ]


def test_one_article_stores_each_position_once_in_its_first_spelling():
    merged = merge([
        Official("Lê Thị Thuỷ", ["Phó Bí thư Tỉnh uỷ", "Bộ trưởng Văn hoá , Thể thao và Du lịch"]),
        Official("LÊ THỊ THỦY", ["Phó  bí thư tỉnh ủy", "Bộ trưởng Văn hóa, Thể thao và Du lịch"]),
    ])
    assert merged == [
        Official("Lê Thị Thủy", ["Phó Bí thư Tỉnh uỷ", "Bộ trưởng Văn hoá , Thể thao và Du lịch"])
    ]


def test_position_key_is_the_analyzers_canonical_words():
    assert position_key("Phó Bí thư Tỉnh uỷ") == position_key("phó  bí thư TỈNH ỦY") == "phó bí thư tỉnh ủy"
    assert position_key("Phó Bí thư Tỉnh ủy") != position_key("Bí thư Tỉnh ủy")
