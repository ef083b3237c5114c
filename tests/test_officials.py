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


# -- shapes of real political news (issue: officials in real text) ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bộ trưởng Ngoại giao Lê Văn Khang tiếp đại sứ.", [("Lê Văn Khang", ["Bộ trưởng Ngoại giao"])]),
        (
            "Bộ trưởng Giao thông Vận tải Đinh Văn Thắng kiểm tra cầu.",
            [("Đinh Văn Thắng", ["Bộ trưởng Giao thông Vận tải"])],
        ),
        ("Bộ trưởng GTVT Đinh Văn Thắng yêu cầu.", [("Đinh Văn Thắng", ["Bộ trưởng GTVT"])]),
        (
            "Thứ trưởng Bộ NN & PTNT Vũ Văn Tâm khẳng định .",
            [("Vũ Văn Tâm", ["Thứ trưởng Bộ NN & PTNT"])],
        ),
        (
            "Bộ trưởng Văn hoá , Thể thao và Du lịch Nguyễn Ngọc Thuận sẽ dự .",
            [("Nguyễn Ngọc Thuận", ["Bộ trưởng Văn hoá , Thể thao và Du lịch"])],
        ),
        (
            "Thống đốc NHNN Lê Minh Hải xác nhận .",
            [("Lê Minh Hải", ["Thống đốc NHNN"])],
        ),
    ],
)
def test_a_minister_named_with_the_ministry_alone(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Trước đó, bí thư Thành uỷ TP. HCM Nguyễn Thiện Ngân đã chỉ đạo.",
            [("Nguyễn Thiện Ngân", ["bí thư Thành uỷ TP. HCM"])],
        ),
        (
            "Chủ tịch UBND TP. HCM Nguyễn Thành Long vừa kiến nghị.",
            [("Nguyễn Thành Long", ["Chủ tịch UBND TP. HCM"])],
        ),
        (
            "Hiện nay, phó chủ tịch UBND TP HCM Trần Vĩnh Tài yêu cầu giảm thất thoát.",
            [("Trần Vĩnh Tài", ["phó chủ tịch UBND TP HCM"])],
        ),
        (
            "Giám đốc Sở Xây dựng Hà Nội Lê Văn Dũng trả lời.",
            [("Lê Văn Dũng", ["Giám đốc Sở Xây dựng Hà Nội"])],
        ),
        (
            "Ngày 20/3, Bí thư tỉnh đoàn Quảng Nam Đinh Nguyên Vĩnh cho biết.",
            [("Đinh Nguyên Vĩnh", ["Bí thư tỉnh đoàn Quảng Nam"])],
        ),
        (
            "Theo chỉ đạo của Chủ tịch UBND TP Nha Trang Lê Hữu Thành, đoàn kiểm tra đến hiện trường.",
            [("Lê Hữu Thành", ["Chủ tịch UBND TP Nha Trang"])],
        ),
        ("Bí thư Đà Nẵng Trương Quang Nhân yêu cầu thu hồi dự án.", [("Trương Quang Nhân", ["Bí thư Đà Nẵng"])]),
        ("Chủ tịch UBND An Giang Nguyễn Thanh Bảo cho biết.", [("Nguyễn Thanh Bảo", ["Chủ tịch UBND An Giang"])]),
        ("Thủ tướng Thái Lan Somchai Wongsa phát biểu.", [("Somchai Wongsa", ["Thủ tướng Thái Lan"])]),
    ],
)
def test_an_abbreviation_or_a_place_between_position_and_name_joins_the_position(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thiếu tướng Nguyễn Đức Cường , Giám đốc Công an Hà Nội cho biết.",
            [("Nguyễn Đức Cường", ["Giám đốc Công an Hà Nội"])],
        ),
        (
            "Thượng tá Đinh Quốc Hưng - Lữ đoàn trưởng Lữ đoàn 429 - chia sẻ.",
            [("Đinh Quốc Hưng", [])],
        ),
        ("Đại tá Nguyễn Chí Phong khi đang giữ chức vụ cũ.", [("Nguyễn Chí Phong", [])]),
        ("Thượng uý Nguyễn Hồng Bảo , Phó trưởng Công an phường nói.", [("Nguyễn Hồng Bảo", ["Phó trưởng Công an phường"])]),
        ("Đó là ghi chép của tướng Trần Văn Tài về hiệp định.", [("Trần Văn Tài", [])]),
        ("Thủ tướng Lê Minh Khôi dự.", [("Lê Minh Khôi", ["Thủ tướng"])]),
    ],
)
def test_a_rank_names_an_official_without_a_position(text, expected):
    assert found(text) == expected


def test_a_list_of_names_after_one_comrade_cue():
    text = "Dự lễ có các đồng chí Trần Đại Nghĩa , Nguyễn Xuân Bách , Đinh La Cường và Lê Thị Dung , cùng lãnh đạo các bộ."
    assert found(text) == [
        ("Trần Đại Nghĩa", []),
        ("Nguyễn Xuân Bách", []),
        ("Đinh La Cường", []),
        ("Lê Thị Dung", []),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thượng tá Võ Văn Nam , Trưởng Công an huyện Bình Sơn cho biết vụ việc đang được điều tra.",
            [("Võ Văn Nam", ["Trưởng Công an huyện Bình Sơn"])],
        ),
        (
            "Ông Trần Quốc Dũng - Phó Chủ tịch UBND phường Bùi Thị Xuân , cho biết.",
            [("Trần Quốc Dũng", ["Phó Chủ tịch UBND phường Bùi Thị Xuân"])],
        ),
        (
            "Ông Nguyễn Quốc Hùng , phó giám đốc Sở Giáo dục và Đào tạo Hà Tĩnh , cho biết.",
            [("Nguyễn Quốc Hùng", ["phó giám đốc Sở Giáo dục và Đào tạo Hà Tĩnh"])],
        ),
    ],
)
def test_the_place_after_a_position_is_not_another_person(text, expected):
    assert found(text) == expected


def test_former_positions_in_brackets_after_a_name_without_a_cue():
    text = (
        "Cụ thể: Phạm Hữu Tâm ( nguyên Trưởng phòng Tài nguyên - Môi trường huyện ) 24 tháng tù ;"
        " Bạch Văn Đức ( nguyên Phó Giám đốc Văn phòng đăng ký đất đai huyện ) 30 tháng tù ;"
        " Lê Văn Hậu ( 38 tuổi , Phó Công an huyện Kim Sơn ) bị khởi tố ; Nguyễn Văn Bé ( SN 1994 ) bị bắt."
    )
    assert [name for name, _ in found(text)] == ["Phạm Hữu Tâm", "Bạch Văn Đức", "Lê Văn Hậu"]


def test_a_bare_chairman_title_names_only_the_person_right_after_it():
    assert found("Chủ tịch Hà Nội Nguyễn Đức Chính cho biết.") == [("Nguyễn Đức Chính", ["Chủ tịch Hà Nội"])]
    assert found("Ông Trịnh Văn Quý , Chủ tịch HĐQT Tập đoàn Hưng Thịnh cho biết.") == []


@pytest.mark.parametrize(
    ("text", "position"),
    [
        (
            "Đồng chí Nguyễn Văn Hòa - Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo"
            " phòng, chống dịch COVID-19 tỉnh chủ trì cuộc họp.",
            "Trưởng Ban Chỉ đạo phòng, chống dịch COVID-19 tỉnh",
        ),
        (
            "Ông Lê Văn Thái, Trưởng ban Chỉ đạo thi THPT quốc gia tỉnh Nghệ An cho biết.",
            "Trưởng ban Chỉ đạo thi THPT quốc gia tỉnh Nghệ An",
        ),
        (
            "Đồng chí Nguyễn Văn Hòa - Chủ tịch UBND tỉnh, Trưởng Ban Chỉ đạo chủ trì cuộc họp với các huyện.",
            "Trưởng Ban Chỉ đạo",
        ),
    ],
)
def test_a_steering_committee_position_is_kept_whole_and_no_further(text, position):
    assert found(text)[0][1][-1] == position


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Trong chuyến kiểm tra, chủ tịch UBND tỉnh Quảng Nam - ông Đinh Văn Tú lưu ý việc xả lũ.",
            [("Đinh Văn Tú", ["chủ tịch UBND tỉnh Quảng Nam"])],
        ),
        ("Giám đốc Sở Xây dựng - Lê Văn Dũng cho biết.", [("Lê Văn Dũng", ["Giám đốc Sở Xây dựng"])]),
        (
            "Tại cục hiện có 3 phó cục trưởng là ông Hoàng Văn Vỹ , ông Nguyễn Xuân Quý và bà Võ Thị Hiền .",
            [("Hoàng Văn Vỹ", ["phó cục trưởng"]), ("Nguyễn Xuân Quý", ["phó cục trưởng"]), ("Võ Thị Hiền", ["phó cục trưởng"])],
        ),
        (
            "Phó Giám đốc Sở Giáo dục và Đào tạo tỉnh Quảng Ninh Nguyễn Thị Thuý thông tin.",
            [("Nguyễn Thị Thuý", ["Phó Giám đốc Sở Giáo dục và Đào tạo tỉnh Quảng Ninh"])],
        ),
        ("Phó Chủ tịch Quốc hội Uông Chu Lâm cho rằng.", [("Uông Chu Lâm", ["Phó Chủ tịch Quốc hội"])]),
        ("Nguyên chủ tịch OceanBank Hà Văn Thắng tại tòa.", [("Hà Văn Thắng", ["chủ tịch OceanBank"])]),
        ("Phó chủ tịch thường trực Lê Thanh Liễu cho biết.", [("Lê Thanh Liễu", ["Phó chủ tịch thường trực"])]),
    ],
)
def test_between_a_position_and_its_holder(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kiến trúc sư Nguyễn Văn Lợi , nguyên Giám đốc sở Xây dựng tỉnh cho hay.",
            [("Nguyễn Văn Lợi", ["Giám đốc sở Xây dựng tỉnh"])],
        ),
        (
            "Luật sư bào chữa cho ông Phan Văn Vĩ - nguyên là Tổng cục trưởng Tổng cục Cảnh sát .",
            [("Phan Văn Vĩ", ["Tổng cục trưởng Tổng cục Cảnh sát"])],
        ),
        (
            "Anh Bùi Quang Hải , Bí thư Trung ương Đoàn chia sẻ với chiến sĩ.",
            [("Bùi Quang Hải", ["Bí thư Trung ương Đoàn"])],
        ),
        (
            "Đại biểu Lê Thu Hằng - uỷ viên thường trực Uỷ ban Đối ngoại của Quốc hội - nhấn mạnh.",
            [("Lê Thu Hằng", ["uỷ viên thường trực Uỷ ban Đối ngoại của Quốc hội"])],
        ),
        # The name closes a mention of its own, the position after the comma opens the next.
        (
            "Tiễn đoàn có Trưởng ban Tuyên giáo Trung ương Võ Văn Thành , Bộ trưởng , Chủ nhiệm"
            " Văn phòng Chính phủ Mai Tiến Dân , Thứ trưởng Bộ Ngoại giao Lê Hoài Tâm .",
            [
                ("Võ Văn Thành", ["Trưởng ban Tuyên giáo Trung ương"]),
                ("Mai Tiến Dân", ["Bộ trưởng , Chủ nhiệm Văn phòng Chính phủ"]),
                ("Lê Hoài Tâm", ["Thứ trưởng Bộ Ngoại giao"]),
            ],
        ),
        (
            "Trong lời từ biệt Nguyễn Hải Anh , Bộ trưởng Bộ Y tế Nguyễn Thị Kim Tuyến nói.",
            [("Nguyễn Thị Kim Tuyến", ["Bộ trưởng Bộ Y tế"])],
        ),
        ("Người dân xã Lê Lợi , Chủ tịch UBND xã cho biết.", []),
    ],
)
def test_a_name_beside_its_positions_without_a_cue(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phó chủ tịch UBND quận 6 Huỳnh Minh Hải vừa kiến nghị.", [("Huỳnh Minh Hải", ["Phó chủ tịch UBND quận 6"])]),
        ("Lễ trồng cây nhớ ơn Chủ tịch Hồ Chí Minh .", [("Hồ Chí Minh", ["Chủ tịch"])]),
        ("Chủ tịch Hà Nội gợi ý lãnh đạo quận khảo sát.", []),
        ("Đại biểu Nguyễn Anh Sang khẳng định mục đích của dự luật.", [("Nguyễn Anh Sang", [])]),
        ("Tổng thư ký Trần Văn Nhân lý giải sự tăng mạnh.", [("Trần Văn Nhân", ["Tổng thư ký"])]),
        (
            "Chiều 15/1 , TS Thái Văn Tâm , quyền Vụ trưởng Giáo dục Tiểu học thông tin kết quả.",
            [("Thái Văn Tâm", ["Vụ trưởng Giáo dục Tiểu học"])],
        ),
        ("Người gợi ý là anh Huỳnh Bá Quân , bí thư Đoàn P. 7 .", [("Huỳnh Bá Quân", ["bí thư Đoàn P. 7"])]),
        ("Việc này do bà Trần Thị Bích Vi - phó giám đốc sở - đảm nhiệm.", [("Trần Thị Bích Vi", ["phó giám đốc sở"])]),
    ],
)
def test_titles_numbers_and_degrees_around_a_name(text, expected):
    assert found(text) == expected


def test_a_retired_rank_and_a_district_department_written_in_lowercase():
    assert found("Trong xe có đại tá nghỉ hưu Huỳnh Bảo Hưng và hai người khác.") == [("Huỳnh Bảo Hưng", [])]
    assert found("Cựu trưởng phòng địa chính huyện Sóc Sơn Nguyễn Xuân Hải bị tuyên phạt.") == [
        ("Nguyễn Xuân Hải", ["trưởng phòng địa chính huyện Sóc Sơn"])
    ]
