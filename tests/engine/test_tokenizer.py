"""The Vietnamese tokenizer (engine env): folded features, raw offsets."""

from __future__ import annotations

import unicodedata

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.nlu import VietnameseTokenizer


@pytest.fixture
def tokenizer() -> VietnameseTokenizer:
    return VietnameseTokenizer(VietnameseTokenizer.get_default_config())


def tokens_of(tokenizer: VietnameseTokenizer, text: str) -> list[tuple[str, int, int]]:
    message = Message(data={TEXT: text})
    tokenizer.process([message])
    return [(t.text, t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT])]


def test_diacritics_are_folded_and_offsets_point_at_the_raw_words(
    tokenizer: VietnameseTokenizer,
) -> None:
    text = "Làm Hộ chiếu ở đâu?"
    tokens = tokens_of(tokenizer, text)
    assert [t[0] for t in tokens] == ["lam", "ho", "chieu", "o", "dau"]
    assert [text[s:e] for _, s, e in tokens] == ["Làm", "Hộ", "chiếu", "ở", "đâu"]


def test_accented_and_unaccented_messages_give_the_same_features(
    tokenizer: VietnameseTokenizer,
) -> None:
    accented = [t[0] for t in tokens_of(tokenizer, "đăng ký tạm trú cần giấy tờ gì")]
    plain = [t[0] for t in tokens_of(tokenizer, "dang ky tam tru can giay to gi")]
    assert accented == plain


def test_abbreviations_expand_with_the_offsets_of_the_abbreviation(
    tokenizer: VietnameseTokenizer,
) -> None:
    text = "đk cccd ko?"
    tokens = tokens_of(tokenizer, text)
    assert [t[0] for t in tokens] == ["dang", "ky", "can", "cuoc", "cong", "dan", "khong"]
    assert {text[s:e] for _, s, e in tokens[2:6]} == {"cccd"}


def test_decomposed_input_and_zero_width_characters(tokenizer: VietnameseTokenizer) -> None:
    text = unicodedata.normalize("NFD", "hộ\u200bchiếu")
    tokens = tokens_of(tokenizer, text)
    assert [t[0] for t in tokens] == ["ho", "chieu"]
    assert [text[s:e] for _, s, e in tokens] == [
        unicodedata.normalize("NFD", "hộ"),
        unicodedata.normalize("NFD", "chiếu"),
    ]


def test_codes_stay_one_token(tokenizer: VietnameseTokenizer) -> None:
    tokens = tokens_of(tokenizer, "tra cứu 000.00.12.H37-251120-0001 và thủ tục 1.001193")
    words = [t[0] for t in tokens]
    assert "000.00.12.h37-251120-0001" in words
    assert "1.001193" in words


@pytest.mark.parametrize("text", ["😀😀", "???", "  "])
def test_messages_without_words_still_get_a_token(
    tokenizer: VietnameseTokenizer, text: str
) -> None:
    assert len(tokens_of(tokenizer, text)) == 1


def test_redaction_placeholders_become_one_neutral_token(tokenizer: VietnameseTokenizer) -> None:
    tokens = tokens_of(tokenizer, "sđt [SĐT], cccd [CCCD] nhé")
    assert [t[0] for t in tokens] == [
        "so",
        "dien",
        "thoai",
        "pii",
        "can",
        "cuoc",
        "cong",
        "dan",
        "pii",
        "nhe",
    ]
