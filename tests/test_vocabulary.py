"""The press's abbreviations stand for their words both ways, however they are typed."""

import pytest

from index.analysis import folded_tokens, words
from search.vocabulary import abbreviation_units, expansions, load_vocabulary, shown


def spellings(text):
    return expansions(text.split())


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("ubnd", "ủy ban nhân dân"),
        ("hđnd", "hội đồng nhân dân"),
        ("mttq", "mặt trận tổ quốc"),
        ("đbqh", "đại biểu quốc hội"),
        ("ttxvn", "thông tấn xã việt nam"),
        ("qđnd", "quân đội nhân dân"),
        ("cand", "công an nhân dân"),
        ("tw", "trung ương"),
        ("bchtw", "ban chấp hành trung ương"),
        ("bch tw", "ban chấp hành trung ương"),
        ("tp hcm", "thành phố hồ chí minh"),
        ("tphcm", "thành phố hồ chí minh"),
    ],
)
def test_an_abbreviation_and_its_long_form_expand_to_each_other(short, long):
    assert long.split() in spellings(short)
    assert short.split() in spellings(long)


def test_case_tone_placement_and_missing_marks_do_not_matter():
    assert spellings("UBND") == spellings("ubnd") == [["ủy", "ban", "nhân", "dân"]]
    assert ["ubnd"] in spellings("Uỷ ban Nhân dân")
    assert ["ubnd"] in spellings("uy ban nhan dan")
    assert ["ubnd"] in spellings("ủy ban nhan dan")
    assert ["hội", "đồng", "nhân", "dân"] in spellings("hdnd")


def test_marks_typed_must_be_the_words_own():
    """``ủy bản`` is not ``ủy ban``: a syllable typed with other marks is another word."""
    assert spellings("ủy bản nhân dân") == []
    assert spellings("ubnđ") == []


def test_a_word_without_abbreviation_has_no_expansion():
    assert spellings("dân vận") == []
    assert spellings("tư") == []  # "TƯ" alone is left out: it is the syllable "tư"
    assert expansions([]) == []


def test_every_spelling_of_one_word_is_offered_once_and_never_itself():
    found = spellings("tp hcm")
    assert ["tp", "hcm"] not in found
    assert ["tphcm"] in found
    assert len({tuple(folded_tokens(" ".join(s))) for s in found}) == len(found)


def test_expansions_are_cut_as_the_index_cuts_text():
    for unit in abbreviation_units():
        assert words(" ".join(unit)) == unit
    assert ["gd", "đt"] in spellings("giáo dục và đào tạo")


def test_a_users_file_adds_words_and_spellings(tmp_path):
    extra = tmp_path / "my-abbreviations.txt"
    extra.write_text(
        "# abbreviations of our province\n"
        "BQL = Ban quản lý\n"
        "UBND T. = Ủy ban nhân dân  # one more spelling of a known word\n",
        encoding="utf-8",
    )
    vocabulary = load_vocabulary(extra_paths=[extra])
    assert expansions(["bql"], vocabulary) == [["ban", "quản", "lý"]]
    assert ["ubnd", "t"] in expansions(["ubnd"], vocabulary)
    assert ["ubnd", "t"] in expansions(["ủy", "ban", "nhân", "dân"], vocabulary)
    assert spellings("bql") == []  # the bundled vocabulary is left as it was


def test_a_line_without_a_long_form_is_refused_with_its_text(tmp_path):
    extra = tmp_path / "bad.txt"
    extra.write_text("BQL Ban quản lý\n", encoding="utf-8")
    with pytest.raises(ValueError, match="BQL Ban quản lý"):
        load_vocabulary(extra_paths=[extra])


def test_the_bundled_file_has_the_well_known_abbreviations():
    assert len([u for u in abbreviation_units() if len(u) == 1]) >= 40


@pytest.mark.parametrize(
    "spelling, press",
    [(["ubnd"], "UBND"), (["tp", "hcm"], "TP HCM"), (["ủy", "ban", "nhân", "dân"], "ủy ban nhân dân"),
     (["hđnd"], "HĐND"), (["25", "nq", "tw"], "25 NQ TW")],
)
def test_abbreviations_are_shown_in_capitals(spelling, press):
    assert shown(spelling) == press
