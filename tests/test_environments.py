"""The two environments: the engine env runs Rasa 3.6.21 on Python 3.10, the app env does not."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE_PYTHON = ROOT / ".venv-engine" / "bin" / "python"


def test_engine_env_has_rasa_3_6_21_on_python_3_10_and_our_text_package() -> None:
    assert ENGINE_PYTHON.exists(), "run `make install-engine` (make test does it)"
    probe = (
        "import sys, importlib.metadata as m, vntext;"
        "print(sys.version_info[:2] == (3, 10), m.version('rasa'), vntext.fold('Hộ chiếu'))"
    )
    done = subprocess.run(
        [str(ENGINE_PYTHON), "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["True", "3.6.21", "ho", "chieu"]


def test_app_env_keeps_rasa_out_and_has_the_action_sdk() -> None:
    assert importlib.util.find_spec("rasa") is None
    assert importlib.util.find_spec("rasa_sdk") is not None
    assert importlib.util.find_spec("telegram") is not None
