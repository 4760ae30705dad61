"""Redaction at the edge: personal data out, what citizens need answered untouched."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trolyao.redaction import redact

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "redaction_cases.jsonl")
    .read_text("utf-8")
    .splitlines()
    if line.strip()
]
PLACEHOLDERS = re.compile(r"\[(CCCD|CMND|SĐT|EMAIL|STK)\]")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_labelled_cases(case: dict[str, str]) -> None:
    assert redact(case["text"]) == case["expected"]


def test_the_labelled_set_covers_every_kind_and_protected_tokens() -> None:
    kinds = {m for c in CASES for m in PLACEHOLDERS.findall(c["expected"])}
    assert kinds == {"CCCD", "CMND", "SĐT", "EMAIL", "STK"}
    untouched = [c for c in CASES if c["text"] == c["expected"]]
    assert len(untouched) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_redaction_is_idempotent(case: dict[str, str]) -> None:
    once = redact(case["text"])
    assert redact(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😀🙏",
        "xin chào",
        "<script>alert(1)</script>",
        "'; DROP TABLE events; --",
        "паспорт 护照",
        "x" * 10_000,
        "\u200b\u200c\u200d",
    ],
)
def test_text_without_personal_data_passes_through(text: str) -> None:
    assert not PLACEHOLDERS.search(redact(text))


def test_long_text_is_redacted_throughout() -> None:
    text = ("hỏi về hộ chiếu, sđt 0912345678. " * 300).strip()
    redacted = redact(text)
    assert redacted.count("[SĐT]") == 300
    assert "0912345678" not in redacted


def test_cli_redacts_each_stdin_line() -> None:
    trolyao = str(Path(sys.executable).parent / "trolyao")
    stdin = "sđt 0912345678\nthủ tục 1.001193\n\ncccd 001203012345 và a@b.vn\n"
    done = subprocess.run(
        [trolyao, "redact"], input=stdin, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines() == [
        "sđt [SĐT]",
        "thủ tục 1.001193",
        "",
        "cccd [CCCD] và [EMAIL]",
    ]
