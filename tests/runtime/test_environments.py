"""The two environments: the engine env runs Rasa 3.6.21 on Python 3.10, the app env does not."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

from tests.support.paths import ROOT as PROJECT

ROOT = PROJECT
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


PREREQUISITES = ROOT / "scripts" / "test-prerequisites"


def _minimal_path(tmp_path: Path) -> str:
    """A PATH with the shell tools the script uses and none of the services or Chromium."""
    import shutil

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "ls", "head", "id", "seq", "sleep", "mkdir"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket is


def test_make_test_prerequisites_stop_at_once_with_one_clear_line(tmp_path: Path) -> None:
    env = {"PATH": _minimal_path(tmp_path), "PREREQ_POSTGRES_PORT": str(_closed_port())}
    done = subprocess.run(
        ["bash", str(PREREQUISITES)], env=env, capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "PostgreSQL" in lines[0] and "missing" in lines[0] and "apt-get install" in lines[0]


def test_make_test_prerequisites_name_chromium_when_it_cannot_be_installed(
    tmp_path: Path,
) -> None:
    # The services answer (they run on this machine); Chromium is not on this PATH, and
    # without apt-get it cannot be installed: one line says so.
    env = {"PATH": _minimal_path(tmp_path)}
    done = subprocess.run(
        ["bash", str(PREREQUISITES)], env=env, capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "Chromium" in done.stderr


def test_make_test_runs_the_prerequisites_before_installing_anything() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    prerequisites = test_rule.split(":", 1)[1].split("##")[0].split()
    assert prerequisites[0] == "test-prerequisites"
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
    assert "apt-get" not in (ROOT / ".ci" / "run").read_text("utf-8")
