import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.article import Official
from crawler.officials import find_officials, fold, load_lexicon, name_key


def found(text, **kwargs):
    return [(o.name, o.positions) for o in find_officials(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Đồng chí Hà Thị Lan - Ủy viên Bộ Chính trị, Bí thư Trung ương Đảng, Trưởng Ban Dân vận"
            " Trung ương chủ trì hội nghị.",
            [("Hà Thị Lan", ["Ủy viên Bộ Chính trị", "Bí thư Trung ương Đảng", "Trưởng Ban Dân vận Trung ương"])],
        ),
        (
            "Dự có đồng chí Trần Văn Lực, Phó Chủ tịch UBND tỉnh.",
            [("Trần Văn Lực", ["Phó Chủ tịch UBND tỉnh"])],
        ),
        (
            "Phát biểu, Thủ tướng Chính phủ Lê Minh Khôi ghi nhận kết quả. Thủ tướng Chính phủ đánh giá cao.",
            [("Lê Minh Khôi", ["Thủ tướng Chính phủ"])],
        ),
        ("Tổng Bí thư Đỗ Quang Hải dự.", [("Đỗ Quang Hải", ["Tổng Bí thư"])]),
        ("Chủ tịch nước Phan Văn Tùng tiếp đoàn.", [("Phan Văn Tùng", ["Chủ tịch nước"])]),
        ("Phó Thủ tướng Vũ Đức Anh kiểm tra.", [("Vũ Đức Anh", ["Phó Thủ tướng"])]),
        ("Bí thư Tỉnh ủy Kon Tum Dương Văn Hòa làm việc.", [("Dương Văn Hòa", ["Bí thư Tỉnh ủy Kon Tum"])]),
        ("Phó Chủ tịch UBND tỉnh Y Ngọc trả lời.", [("Y Ngọc", ["Phó Chủ tịch UBND tỉnh"])]),
        ("Bộ trưởng Bộ Y tế Nguyễn Thanh Bình cho biết.", [("Nguyễn Thanh Bình", ["Bộ trưởng Bộ Y tế"])]),
        (
            "Giám đốc Sở Lao động - Thương binh và Xã hội Trần Thị Mơ báo cáo.",
            [("Trần Thị Mơ", ["Giám đốc Sở Lao động - Thương binh và Xã hội"])],
        ),
        (
            "Ủy viên Bộ Chính trị, Chủ tịch Quốc hội Hồ Đức Vinh phát biểu.",
            [("Hồ Đức Vinh", ["Ủy viên Bộ Chính trị", "Chủ tịch Quốc hội"])],
        ),
        ("Đ/c Ksor Phước dự.", [("Ksor Phước", [])]),
        ("Bà H'Yim Kđoh - Phó Chủ tịch Hội LHPN tỉnh phát biểu.", [("H'Yim Kđoh", ["Phó Chủ tịch Hội LHPN tỉnh"])]),
        (
            "Ông Rơ Châm Ơi (Chủ tịch UBND huyện Chư Păh) cho biết.",
            [("Rơ Châm Ơi", ["Chủ tịch UBND huyện Chư Păh"])],
        ),
        (
            "Dự có các đồng chí: A Pớt, Phó Bí thư Tỉnh ủy; Y Mửi, Trưởng Ban Dân vận Tỉnh ủy; Kring Ba - Phó Chủ tịch UBND tỉnh.",
            [
                ("A Pớt", ["Phó Bí thư Tỉnh ủy"]),
                ("Y Mửi", ["Trưởng Ban Dân vận Tỉnh ủy"]),
                ("Kring Ba", ["Phó Chủ tịch UBND tỉnh"]),
            ],
        ),
        (
            "Thiếu tướng Lò Văn Sơn, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh báo cáo.",
            [("Lò Văn Sơn", ["Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh"])],
        ),
    ],
)
def test_cues(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tham dự tại điểm cầu tỉnh Kon Tum có lãnh đạo Ban Dân vận Tỉnh ủy, Mặt trận Tổ quốc Việt Nam.",
        "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12 bế mạc.",
        "Phó Chủ tịch UBND tỉnh Kon Tum phát biểu tại hội nghị.",
        "Ông Nguyễn Văn Bình, trú tại thôn 3, xã Ia Sao cho biết.",
        "bà con Nguyễn Văn Tâm ở làng",
        "Đồng chí Bí thư Tỉnh ủy yêu cầu các cấp ủy.",
        "Chỉ thị 16/CT-TTg của Thủ tướng Chính phủ về công tác dân vận.",
        "",
    ],
)
def test_capitalised_words_outside_a_cue_are_not_names(text):
    assert found(text) == []


def test_one_person_whatever_the_tone_placement_first_spelling_kept():
    text = (
        "ông Nguyễn Văn Hoà, Phó Chủ tịch Uỷ ban nhân dân tỉnh dự. "
        "Đồng chí Nguyễn Văn Hòa, Phó Chủ tịch Ủy ban nhân dân tỉnh, Bí thư Huyện ủy Đắk Hà kết luận. "
        "NGUYỄN VĂN HOÀ"
    )
    assert find_officials(text) == [
        Official("Nguyễn Văn Hoà", ["Phó Chủ tịch Uỷ ban nhân dân tỉnh", "Bí thư Huyện ủy Đắk Hà"])
    ]


def test_decomposed_text_comes_back_composed():
    text = unicodedata.normalize("NFD", "Đồng chí Lê Thị Thủy - Phó Bí thư Thường trực Huyện ủy chủ trì.")
    assert found(text) == [("Lê Thị Thủy", ["Phó Bí thư Thường trực Huyện ủy"])]


def test_name_key():
    assert name_key("Nguyễn Văn Hòa") == name_key("nguyễn văn hoà") == name_key("NGUYỄN VĂN HOÀ")
    assert name_key("Thủy") == name_key("Thuỷ")
    assert name_key("Hòa") != name_key("Hoa") != name_key("Hóa")


@given(st.text())
def test_fold_keeps_length(text):
    assert len(fold(text)) == len(text)


def test_user_lexicon_extends_the_bundled_one(tmp_path):
    extra = tmp_path / "more.txt"
    extra.write_text(
        "# a position the bundled lexicon lacks, and a district it cannot tell from a name\n"
        "[Phó] Hiệu trưởng Trường {ORG} [tỉnh]\n"
        "PLACE = A Lưới | Ia H'Drai\n",
        encoding="utf-8",
    )
    lexicon = load_lexicon([extra])
    school = "Ông Lê Hữu Tài, Hiệu trưởng Trường Cao đẳng Cộng đồng tỉnh cho biết."
    assert found(school) == []
    assert found(school, lexicon=lexicon) == [
        ("Lê Hữu Tài", ["Hiệu trưởng Trường Cao đẳng Cộng đồng tỉnh"])
    ]
    district = "Chủ tịch UBND huyện A Lưới Hồ Văn Ngọc báo cáo."
    assert found(district) != [("Hồ Văn Ngọc", ["Chủ tịch UBND huyện A Lưới"])]
    assert found(district, lexicon=lexicon) == [("Hồ Văn Ngọc", ["Chủ tịch UBND huyện A Lưới"])]


@pytest.mark.parametrize("line", ["Bí thư (Tỉnh ủy", "Bí thư Tỉnh ủy]", "Giám đốc Sở {NOWHERE}"])
def test_bad_lexicon_lines_are_reported(tmp_path, line):
    bad = tmp_path / "bad.txt"
    bad.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lexicon"):
        load_lexicon([bad])


@given(st.text())
def test_never_raises(text):
    for official in find_officials(text):
        assert 2 <= len(official.name.split()) <= 5
