"""Reading query syllables as words: the judged segmentations, the press's fixed terms, and
properties that must hold for any input."""

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.words import CountedStats, load_lexicon, read_words

JUDGED = json.loads((Path(__file__).parent / "words" / "judged.json").read_text(encoding="utf-8"))
NAMES = frozenset(JUDGED["names"])
# Measured with stats=None (word lists and known names only); see docs/words.md.
MIN_ACCURACY = 0.93


def lengths(case):
    return [len(word.split()) for word in case["words"]]


def test_judged_segmentations_stay_above_the_measured_accuracy():
    misses = [
        (case["query"], lengths(case), got)
        for case in JUDGED["cases"]
        if (got := read_words(case["query"].split(), names=NAMES)) != lengths(case)
    ]
    accuracy = 1 - len(misses) / len(JUDGED["cases"])
    assert accuracy >= MIN_ACCURACY, f"{accuracy:.3f} exact; misses: {misses}"


def test_the_judged_set_is_large_and_covers_every_kind_of_query():
    kinds = {case["kind"] for case in JUDGED["cases"]}
    assert len(JUDGED["cases"]) >= 150
    assert {"press terms, bare", "must not be joined", "abbreviations", "places"} <= kinds


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("uy ban nhan dan tinh", [4, 1]),
        ("kinh tế đà nẵng", [2, 2]),
        ("kinh te da nang", [2, 2]),
        ("bộ chính trị", [3]),
        ("tổng bí thư", [3]),
        ("xây dựng đảng", [3]),
        ("cải cách hành chính", [4]),
        ("an ninh trật tự", [4]),
        ("mặt trận tổ quốc", [4]),
        ("dân vận chính quyền", [2, 2]),
        ("đảng", [1]),
        ("thành phố hồ chí minh", [5]),
        ("kon tum", [2]),
    ],
)
def test_fixed_terms_and_places_read_as_one_word_and_neighbours_stay_apart(query, expected):
    assert read_words(query.split()) == expected


def test_an_official_the_archive_knows_is_one_word_typed_bare_or_with_a_slip():
    names = ["Nguyễn Xuân Phúc"]
    assert read_words(["nguyen", "xuan", "phuc"], names=names) == [3]
    assert read_words(["thủ", "tướng", "nguyễn", "xuân", "phúc"], names=names) == [2, 3]
    assert read_words(["Nguyễn", "Xuân", "Phúc"], names=frozenset(names)) == [3]


def test_every_abbreviation_long_form_is_kept_whole():
    assert read_words(["ủy", "ban", "kiểm", "tra", "trung", "ương"]) == [6]
    assert read_words(["ubnd", "tp", "hcm"]) == [1, 2]
    assert read_words(["giáo", "dục", "và", "đào", "tạo"]) == [5]


def test_marks_typed_are_marks_meant():
    """``dân vẫn`` is not the word ``dân vận``: a marked syllable is only itself."""
    assert read_words(["dân", "vận"]) == [2]
    assert read_words(["dân", "vẫn"]) == [1, 1]
    assert read_words(["dan", "van"]) == [2]


def test_of_two_equally_short_readings_the_more_used_words_win():
    lexicon = load_lexicon([("học", "sinh"), ("sinh", "học")], terms=[])
    assert read_words(["học", "sinh", "học"], lexicon=lexicon) == [2, 1]
    lexicon = load_lexicon([("sinh", "học"), ("học", "sinh")], terms=[])
    assert read_words(["học", "sinh", "học"], lexicon=lexicon) == [1, 2]


def test_a_fixed_term_outranks_the_word_list():
    lexicon = load_lexicon([("a", "b"), ("c", "d")], terms=[("b", "c")])
    assert read_words(["a", "b", "c"], lexicon=lexicon) == [1, 2]


def read(query, stats=None):
    return read_words(query.split(), stats)


def archive(*sentences_and_counts):
    """Statistics of a small archive that says each sentence the given number of times."""
    filler = "Người dân trong tỉnh đến dự buổi lễ và nghe báo cáo về tình hình kinh tế."
    texts = [filler] * 30
    for sentence, count in sentences_and_counts:
        texts += [sentence] * count
    return CountedStats(texts)


def test_syllables_the_archive_writes_together_are_joined_when_no_list_knows_them():
    stats = archive(("Kỳ họp thứ sáu bàn việc lấy phiếu tín nhiệm các chức danh.", 12))
    assert read("kỳ họp quốc hội") == [1, 1, 2]
    assert read("kỳ họp quốc hội", stats) == [2, 2]
    assert read("lay phieu tin nhiem", stats) == [2, 2]


def test_an_official_the_archive_names_often_is_one_word_without_the_names_list():
    stats = archive(("Đồng chí Huỳnh Đức Thơ phát biểu tại hội nghị.", 15))
    assert read("huỳnh đức thơ") == [1, 1, 1]
    assert read("huynh duc tho", stats) == [3]


def test_too_few_meetings_join_nothing():
    stats = archive(("Kỳ họp thứ sáu bàn việc lấy phiếu tín nhiệm các chức danh.", 3))
    assert read("kỳ họp", stats) == [1, 1]


def test_statistics_of_a_word_in_other_marks_do_not_join_what_was_typed():
    """The archive's ``dan van`` is ``dân vận``; the typed ``dân vẫn`` stays two syllables."""
    stats = archive(("Làm tốt công tác dân vận ở cơ sở.", 40))
    assert read("dân vẫn", stats) == [1, 1]
    assert read("dan van", stats) == [2]


def test_statistics_never_glue_an_abbreviation_or_extend_a_known_word():
    stats = archive(
        ("UBND tỉnh họp bàn về xây dựng Đảng bộ vững mạnh.", 20),
        ("Chủ tịch UBND tỉnh dự họp.", 20),
    )
    assert read("ubnd tỉnh", stats) == [1, 1]
    assert read("chủ tịch ubnd", stats) == [2, 1]
    assert read("xây dựng đảng bộ", stats) == [2, 2]


SYLLABLES = st.lists(st.text(max_size=8), max_size=12)
VIETNAMESE = st.lists(
    st.sampled_from(
        [
            "ủy",
            "uỷ",
            "ban",
            "nhân",
            "dân",
            "hòa",
            "hoà",
            "bình",
            "thủy",
            "thuỷ",
            "kinh",
            "tế",
            "đà",
            "nẵng",
            "xây",
            "dựng",
            "đảng",
            "bộ",
            "chính",
            "trị",
            "uy",
            "nhan",
            "dan",
            "hoa",
            "binh",
            "kinh",
            "te",
            "da",
            "nang",
            "xay",
            "dung",
            "dang",
            "bo",
            "chinh",
            "tri",
            "tp",
            "hcm",
            "ubnd",
        ]
    ),
    max_size=10,
)


ANY_STATS = CountedStats(["bất kỳ văn bản nào", "ubnd tỉnh", "kỳ họp kỳ họp"] * 20)


@given(SYLLABLES)
def test_lengths_cover_the_input_for_any_strings(syllables):
    for stats in (None, ANY_STATS):
        got = read_words(syllables, stats)
        assert sum(got) == len(syllables)
        assert all(n >= 1 for n in got)
        assert read_words(syllables, stats) == got


@given(VIETNAMESE)
def test_reading_ignores_case_normal_form_and_tone_placement(syllables):
    moved = {"ủy": "uỷ", "uỷ": "ủy", "hòa": "hoà", "hoà": "hòa", "thủy": "thuỷ", "thuỷ": "thủy"}
    for stats in (None, ANY_STATS):
        got = read_words(syllables, stats)
        assert read_words([unicodedata.normalize("NFD", s) for s in syllables], stats) == got
        assert read_words([s.upper() for s in syllables], stats) == got
        assert read_words([moved.get(s, s) for s in syllables], stats) == got
