"""``trolyao nlu parse``: intents from the trained model, with no server and no HTTP API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trolyao.runtime.engine import model_path

pytestmark = pytest.mark.engine
TROLYAO = str(Path(sys.executable).parent / "trolyao")


def test_one_json_object_per_stdin_line_from_the_trained_model() -> None:
    assert model_path().exists(), "train first: `make test` runs `trolyao train`"
    done = subprocess.run(
        [TROLYAO, "nlu", "parse", "-"],
        input="xin chào\n\nlam ho chieu can giay to gi\ncảm ơn bạn nhiều\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in rows] == [
        "xin chào",
        "",
        "lam ho chieu can giay to gi",
        "cảm ơn bạn nhiều",
    ]
    assert all(set(r) == {"text", "intent", "confidence"} for r in rows)
    assert rows[0]["intent"] == "greet" and rows[3]["intent"] == "thank"
    assert rows[1]["intent"] is None and rows[1]["confidence"] == 0.0
    assert rows[2]["intent"] == "ask_procedure_documents"
    assert all(0.0 <= r["confidence"] <= 1.0 for r in rows)


def test_a_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [TROLYAO, "nlu", "parse", "xin chào", "--model", str(tmp_path / "none.tar.gz")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "no trained model" in done.stderr
