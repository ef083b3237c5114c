"""The Vietnamese analysis: properties over arbitrary text, and a table of real-world cases."""

import unicodedata
from collections import Counter, defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.analysis import (
    ExactAnalyzer,
    FoldedAnalyzer,
    PairAnalyzer,
    ReadingAnalyzer,
    TermMemo,
    exact_tokens,
    fold,
    folded_tokens,
    place_tone,
)

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


def nfd(text):
    return unicodedata.normalize("NFD", text)


def nfc(text):
    return unicodedata.normalize("NFC", text)


syllables = st.builds(
    lambda onset, nucleus, coda: onset + nucleus + coda,
    st.sampled_from(["", "b", "ch", "đ", "gi", "kh", "ng", "nh", "qu", "th", "tr", "h", "x"]),
    st.sampled_from(["a", "oa", "oe", "uy", "ươ", "iê", "uô", "oai", "uyê", "ư", "ô", "e"]),
    st.sampled_from(["", "n", "ng", "c", "t", "nh", "ch", "m", "p"]),
)


@st.composite
def toned_syllable_variants(draw):
    """The same syllable with its tone mark on each of its vowels in turn."""
    syllable = draw(syllables)
    tone = draw(st.sampled_from(TONES[1:]))
    vowels = [i for i, c in enumerate(syllable) if c in "aăâeêioôơuưy"]
    return [nfc(syllable[: i + 1] + tone + syllable[i + 1 :]) for i in vowels]


# Text as pages hold it: Vietnamese syllables in both normal forms, every kind of white space
# (no-break, em, tabs, separators), punctuation glued to words, stray combining marks, anything.
page_text = st.lists(
    st.one_of(
        syllables.map(nfc),
        syllables.map(nfd),
        st.sampled_from(
            [" ", "\t", "\n", "\u00a0", "\u2003", "\x1c", ",", "-", "/", "\u0301", "Đ"]
        ),
        st.text(max_size=4),
    ),
    max_size=40,
).map("".join)


@pytest.mark.parametrize(
    "analyzer",
    [ExactAnalyzer, FoldedAnalyzer, ReadingAnalyzer, PairAnalyzer],
    ids=["exact", "folded", "reading", "pairs"],
)
@given(text=page_text)
def test_memo_gives_the_analyzers_terms_and_positions(analyzer, text):
    """The writer's memoised analysis must index exactly what the analyzer would."""
    expected = defaultdict(list)
    for token in analyzer()(text, positions=True):
        expected[token.text.encode("utf-8")].append(token.pos)
    memo = TermMemo.for_analyzer(analyzer())
    assert memo.positions(text) == expected
    assert memo.positions(text) == expected  # the second time from memory
    assert memo.frequencies(text) == Counter({t: len(p) for t, p in expected.items()})


def test_memo_refuses_filters_it_cannot_memoise():
    from whoosh.analysis import StopFilter

    assert TermMemo.for_analyzer(ExactAnalyzer() | StopFilter()) is None


@given(st.text())
def test_fold_ignores_normalization_form(text):
    assert folded_tokens(nfd(text)) == folded_tokens(nfc(text))


@given(st.text())
def test_exact_view_ignores_normalization_form(text):
    assert exact_tokens(nfd(text)) == exact_tokens(nfc(text))


@given(toned_syllable_variants())
def test_tone_placement_variants_give_one_token(variants):
    assert len({tuple(exact_tokens(v)) for v in variants}) == 1


@given(st.text())
def test_folding_is_idempotent(text):
    once = folded_tokens(text)
    assert folded_tokens(" ".join(once)) == once


@given(st.text())
def test_analysis_never_raises_and_never_yields_empty_tokens(text):
    for tokens in (exact_tokens(text), folded_tokens(text)):
        assert all(tokens)


@given(st.sampled_from(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()), st.sampled_from(TONES))
def test_every_vietnamese_letter_with_any_tone_folds_to_ascii(letter, tone):
    folded = fold(nfc(letter + tone).lower())
    assert folded.isascii() and folded.isalpha() and len(folded) == 1


@given(syllables, st.sampled_from(TONES))
def test_place_tone_is_idempotent(syllable, tone):
    once = place_tone(nfc(syllable + tone))
    assert place_tone(once) == once


CASES = [
    # (problem pinned down, text on the page, what the user types, view)
    ("accentless name", "Nguyễn Xuân Phúc", "nguyen xuan phuc", "folded"),
    ("accentless phrase", "Năm dân vận chính quyền", "nam dan van chinh quyen", "folded"),
    ("đ is not decomposed by Unicode", "Đảng bộ", "dang bo", "folded"),
    ("uppercase Đ", "ĐẢNG CỘNG SẢN", "đảng cộng sản", "exact"),
    ("tone on o or a: Hòa/Hoà", "Nguyễn Văn Hoà", "Nguyễn Văn Hòa", "exact"),
    ("tone on u or y: Thủy/Thuỷ", "Thuỷ điện", "thủy điện", "exact"),
    ("Ủy ban/Uỷ ban", "Uỷ ban nhân dân", "Ủy ban nhân dân", "exact"),
    ("khỏe/khoẻ", "sức khoẻ", "sức khỏe", "exact"),
    ("closed oa keeps the mark on a", "Hoàng Sa", "hoàng sa", "exact"),
    ("NFD page, NFC query", nfd("Việt Nam"), "Việt Nam", "exact"),
    ("NFD page, accentless query", nfd("Tỉnh ủy Kon Tum"), "tinh uy kon tum", "folded"),
    ("document number with dash and slash", "Nghị quyết 25-NQ/TW", "25 NQ TW", "exact"),
    ("document number typed lowercase with slash", "Nghị quyết 25-NQ/TW", "25/nq-tw", "exact"),
    ("document number with Đ", "Kế hoạch số 148/KH-BCĐ", "148 kh bcd", "folded"),
    ("Prime Minister's directive", "Chỉ thị 16/CT-TTg", "16/ct-ttg", "exact"),
    ("one-letter syllables are words", "ý kiến ở cơ sở", "y kien o co so", "folded"),
    ("ethnic-minority name", "đồng chí A Pớt", "a pot", "folded"),
    ("apostrophe in a name", "H'Yim Kđoh", "h yim kdoh", "folded"),
    ("gi onset", "giữa nhiệm kỳ", "giua nhiem ky", "folded"),
    ("qu onset", "Quốc hội", "quoc hoi", "folded"),
]


@pytest.mark.parametrize("problem, page, typed, view", CASES, ids=[c[0] for c in CASES])
def test_real_world_case(problem, page, typed, view):
    analyse = exact_tokens if view == "exact" else folded_tokens
    page_tokens, typed_tokens = analyse(page), analyse(typed)
    assert typed_tokens, problem
    n = len(typed_tokens)
    windows = [page_tokens[i : i + n] for i in range(len(page_tokens) - n + 1)]
    assert typed_tokens in windows, f"{problem}: {typed_tokens} not a phrase of {page_tokens}"


COLLISIONS = [("bầu", "bấu"), ("Đảng", "đang"), ("Hòa", "Hóa")]


@pytest.mark.parametrize("left, right", COLLISIONS)
def test_exact_view_keeps_words_that_fold_together_apart(left, right):
    assert folded_tokens(left) == folded_tokens(right)
    assert exact_tokens(left) != exact_tokens(right)


def test_nfd_is_composed_before_tokenizing():
    assert exact_tokens(nfd("Việt")) == ["việt"]


def test_canonical_tone_style_is_traditional():
    assert exact_tokens("hoà thuỷ khoẻ") == ["hòa", "thủy", "khỏe"]


def pairs_of(text):
    return [(t.text, t.pos) for t in PairAnalyzer()(text, positions=True)]


def test_pairs_are_adjacent_syllables_keyed_by_their_folded_form():
    assert pairs_of("Uỷ ban nhân dân") == [
        ("uy ban|ủy ban", 0), ("ban nhan|ban nhân", 1), ("nhan dan|nhân dân", 2)
    ]


@pytest.mark.parametrize(
    "problem, text",
    [
        ("comma between two words", "người dân, vận động"),
        ("a line between two paragraphs", "người dân\nVận động"),
        ("a bracket", "dân (vận"),
        ("a colon", "dân: vận"),
        ("a quotation mark", "dân “vận”"),
    ],
)
def test_no_pair_across_a_break(problem, text):
    assert "dan van|dân vận" not in dict(pairs_of(text)), problem


@pytest.mark.parametrize(
    "problem, text, pair",
    [
        ("document number parts", "Nghị quyết 25-NQ/TW", "nq tw|nq tw"),
        ("a dash between words", "kinh tế - xã hội", "te xa|tế xã"),
        ("an abbreviation with a period", "TP. HCM", "tp hcm|tp hcm"),
    ],
)
def test_pairs_across_dashes_slashes_and_periods(problem, text, pair):
    assert pair in dict(pairs_of(text)), problem


def test_reading_key_keeps_words_that_fold_together_apart_but_side_by_side():
    keys = [t.text for t in ReadingAnalyzer()("Đảng đang")]
    assert keys == ["dang|đảng", "dang|đang"]
