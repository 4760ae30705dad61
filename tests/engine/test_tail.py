"""The question at the end of a story gets its own features (rasa_ext/tail.py)."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.nlu import VietnameseTokenizer
from rasa_ext.tail import QuestionTailFeaturizer


@pytest.fixture
def featurizer() -> QuestionTailFeaturizer:
    config = {**QuestionTailFeaturizer.get_default_config(), "max_tail_tokens": 5}
    return QuestionTailFeaturizer(config, "tail")


def message(text: str) -> Message:
    msg = Message(data={TEXT: text})
    VietnameseTokenizer(VietnameseTokenizer.get_default_config()).process([msg])
    return msg


def test_the_tail_is_the_last_clause_folded(featurizer: QuestionTailFeaturizer) -> None:
    text = "Bố tôi mất hôm kia ở nhà, đã lo hậu sự xong, giờ cần giấy tờ gì?"
    assert featurizer.tail(message(text)) == ["gio", "can", "giay", "to", "gi"]
    # no clause break: the last words, at most max_tail_tokens
    assert featurizer.tail(message("làm hộ chiếu lần đầu ở đâu vậy")) == [
        "lan",
        "dau",
        "o",
        "dau",
        "vay",
    ]
    # a short last clause is widened to min_tail_tokens
    assert featurizer.tail(message("thủ tục khai sinh, ở đâu")) == ["sinh", "o", "dau"]


def test_the_same_question_after_different_stories_gets_the_same_features(
    featurizer: QuestionTailFeaturizer,
) -> None:
    first = message("con tôi mới sinh ở bệnh viện huyện, nộp hồ sơ ở đâu")
    second = message("tôi muốn mở quán tạp hóa, nộp hồ sơ ở đâu")
    other = message("tôi muốn mở quán tạp hóa, mất bao nhiêu tiền")
    featurizer.process([first, second, other])
    vectors = [m.get_sparse_features(TEXT)[1].features.toarray() for m in (first, second, other)]
    assert vectors[0].sum() > 0
    assert np.array_equal(vectors[0], vectors[1])
    assert not np.array_equal(vectors[1], vectors[2])


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError):
        QuestionTailFeaturizer(
            {**QuestionTailFeaturizer.get_default_config(), "min_tail_tokens": 9}, "tail"
        )


@pytest.mark.parametrize("text", ["", "😀😀", "?!…", "x" * 5000])
def test_odd_messages_get_features_or_none_without_failing(
    featurizer: QuestionTailFeaturizer, text: str
) -> None:
    msg = message(text)
    featurizer.process([msg])
    tail = featurizer.tail(msg)
    assert len(tail) <= 5
    if not tail:
        assert msg.get_sparse_features(TEXT)[1] is None
