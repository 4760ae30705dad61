"""Vietnamese text normalisation."""

from __future__ import annotations

import unicodedata

import pytest

from vntext import (
    accent_signature,
    clean_text,
    expand_abbreviations,
    fold,
    fold_tokens,
    has_control_chars,
    normalize_tokens,
    surface_tokens,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đăng ký KHAI SINH", "dang ky khai sinh"),
        ("Hoà giải", "hoa giai"),
        ("Hòa giải", "hoa giai"),
        ("giấy phép lái xe", "giay phep lai xe"),
        ("ĐƯỜNG BỘ", "duong bo"),
        ("already ascii 123", "already ascii 123"),
    ],
)
def test_fold_strips_diacritics_and_case(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_treats_decomposed_and_composed_input_alike() -> None:
    composed = unicodedata.normalize("NFC", "Hộ chiếu")
    decomposed = unicodedata.normalize("NFD", "Hộ chiếu")
    assert composed != decomposed
    assert fold(decomposed) == fold(composed) == "ho chieu"


def test_clean_text_removes_invisible_and_control_characters() -> None:
    assert clean_text("hộ\u200b chiếu\u200d\ufeff  \x00 mới\n") == "hộ chiếu mới"


def test_control_characters_are_detected_but_newlines_are_allowed() -> None:
    assert has_control_chars("abc\x00")
    assert has_control_chars("abc\x1b[31m")
    assert not has_control_chars("dòng 1\ndòng 2\tcột")


def test_tokens_drop_punctuation_and_emoji() -> None:
    assert fold_tokens("Làm hộ chiếu??? 😀👍 ở đâu!!!") == ["lam", "ho", "chieu", "o", "dau"]


@pytest.mark.parametrize(
    ("abbreviation", "words"),
    [
        ("cccd", ["can", "cuoc", "cong", "dan"]),
        ("gplx", ["giay", "phep", "lai", "xe"]),
        ("lltp", ["ly", "lich", "tu", "phap"]),
        ("hkd", ["ho", "kinh", "doanh"]),
        ("dk", ["dang", "ky"]),
        ("ko", ["khong"]),
        ("bn", ["bao", "nhieu"]),
    ],
)
def test_abbreviations_expand(abbreviation: str, words: list[str]) -> None:
    assert expand_abbreviations([abbreviation]) == words


def test_accented_abbreviation_expands_too() -> None:
    assert normalize_tokens("đk tạm trú") == ["dang", "ky", "tam", "tru"]
    assert normalize_tokens("ĐK tạm trú") == ["dang", "ky", "tam", "tru"]


def test_accent_signature_ignores_tone_placement_but_tells_words_apart() -> None:
    assert accent_signature("hoà") == accent_signature("hòa")
    assert accent_signature("vàng") != accent_signature("vắng")
    assert accent_signature("cười") != accent_signature("cưới")
    assert accent_signature("dang") is None
    assert accent_signature("đang") != accent_signature("dang")


def test_surface_tokens_mark_expansions_and_unaccented_words_as_unknown_accents() -> None:
    tokens = surface_tokens("cccd vàng hoa")
    assert tokens[:4] == [("can", None), ("cuoc", None), ("cong", None), ("dan", None)]
    assert tokens[4][0] == "vang" and tokens[4][1] is not None
    assert tokens[5] == ("hoa", None)


def test_mixed_scripts_are_kept_as_tokens_without_crashing() -> None:
    assert normalize_tokens("hộ chiếu 护照 паспорт") == ["ho", "chieu", "护照", "паспорт"]
