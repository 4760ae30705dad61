"""The benchmarks check what they need before anything slow runs, and are commands of
``trolyao`` only where they exist (a clone, not the image)."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import pytest

import bench.citizen
import bench.citizen_compare
from cli.main import build_parser


def test_a_missing_load_generator_stops_the_comparison_before_training(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(bench.citizen.shutil, "which", lambda _name: None)

    def must_not_train(_folder: Path) -> float:
        raise AssertionError("trained the stock model before checking for wrk")

    monkeypatch.setattr(bench.citizen_compare, "stock_model", must_not_train)
    with pytest.raises(SystemExit) as stopped:
        bench.citizen_compare.run_citizen_comparison(2, 1, tmp_path / "out.json")
    assert "wrk is missing" in str(stopped.value) and "apt-get install wrk" in str(stopped.value)


def _commands() -> set[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def test_the_bench_commands_exist_only_where_the_benchmarks_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert {"bench", "kb", "db", "run"} <= _commands()
    find_spec = importlib.util.find_spec

    def without_bench(name: str, *rest: object) -> object:
        return None if name == "bench" else find_spec(name, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", without_bench)
    assert "bench" not in _commands() and {"kb", "db", "run"} <= _commands()
