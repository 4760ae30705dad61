"""The attribute a question asks, read from its question words in the last clause that has
any: the story before it does not decide (trolyao/replies/questions.py)."""

from __future__ import annotations

import pytest

from trolyao.replies.questions import asked_attributes


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("…thì công an xã giải quyết trong mấy ngày", ["duration"]),
        ("lam gop ca khai sinh, thuong tru va the BHYT thi mat bao lau", ["duration"]),
        ("Khi đi khai sinh cho con thì giấy gì do bệnh viện cấp là bắt buộc", ["documents"]),
        ("đơn trình báo theo mẫu nào?", ["forms"]),
        ("tờ khai là mẫu số mấy", ["forms"]),
        ("Mất hộ chiếu phải báo trong bao lâu?", ["deadline"]),
        ("mất bao lâu và bao nhiêu tiền", ["fee", "duration"]),
        ("Lệ phí đã nộp rồi, bao giờ có kết quả?", ["duration"]),
        ("dự án đang chờ hoàn thì dùng mẫu số mấy v ạ, cty e mới làm lần đầu", ["forms"]),
        ("có nộp online được không", ["online"]),
        ("con 15 tuổi có được làm không", ["requirements"]),
        ("thủ tục tiến hành ra sao", ["steps"]),
        ("lam ho chieu o dau", ["place"]),
        ("đổi gplx hết bn tiền", ["fee"]),
        # words of a procedure's name are topics, not the question
        ("lệ phí chứng thực bản sao bao nhiêu", ["fee"]),
        ("nộp tờ khai thuế ở đâu", ["place"]),
        ("mấy hôm nay trời trở rét, em bị cảm", []),
        ("xin chào", []),
        ("", []),
    ],
)
def test_the_last_clause_with_question_words_decides(text: str, asked: list[str]) -> None:
    assert asked_attributes(text) == asked


def test_hostile_and_huge_text_is_read_without_error() -> None:
    assert asked_attributes("\u200b" * 10 + "mấy ngày " + "x" * 10_000) == ["duration"]
    assert asked_attributes("(((" * 1000) == []
