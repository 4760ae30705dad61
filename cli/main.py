"""The ``trolyao`` command: the parser of every command group, and the entry point."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from cli import database, evaluate, kb, places, serve
from trolyao.errors import TroLyAoError

DESCRIPTION = (
    "trolyao: operator tasks of the assistant (database, knowledge base, places, search, "
    "evaluation, serving, and in a clone the benchmarks)"
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``trolyao`` command."""
    parser = argparse.ArgumentParser(prog="trolyao", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (database, kb, places, evaluate, serve):
        group.register(sub)
    # The benchmarks ship with neither the wheel nor the image (pyproject.toml, .dockerignore).
    if importlib.util.find_spec("bench") is not None:
        importlib.import_module("bench.commands").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``trolyao`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TroLyAoError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
