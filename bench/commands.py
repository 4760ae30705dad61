"""``trolyao bench``: the benchmarks' commands (docs/benchmarks.md).

They live with the benchmarks, which neither the wheel nor the product image ships; the
``trolyao`` command has them where ``bench`` can be imported (a clone with ``make install``).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def _cmd_bench_search(args: argparse.Namespace) -> int:
    from bench.search import run_search_benchmark

    run_search_benchmark(
        args.procedures,
        args.queries,
        args.databases,
        Path(args.output),
        Path(args.queries_file),
        args.postgres_url,
    )
    return 0


def _cmd_bench_chat(args: argparse.Namespace) -> int:
    from bench.chat import run_chat_benchmark

    run_chat_benchmark(
        args.senders, args.messages, Path(args.output), include_stock=not args.no_stock
    )
    return 0


def _cmd_bench_citizen(args: argparse.Namespace) -> int:
    from bench.citizen import run_citizen_benchmark

    result = run_citizen_benchmark(args.url, args.connections, args.seconds)
    print(json.dumps(result, indent=2))
    return 0


def _cmd_bench_citizen_compare(args: argparse.Namespace) -> int:
    from bench.citizen_compare import run_citizen_comparison

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    run_citizen_comparison(args.connections, args.seconds, output)
    print(output.read_text("utf-8"))
    return 0


def _cmd_bench_soak(args: argparse.Namespace) -> int:
    from bench.soak import run_soak

    rows = run_soak(args.url, args.rate, args.minutes)
    print(json.dumps(rows, indent=2))
    return 0


def _cmd_bench_webhook(args: argparse.Namespace) -> int:
    from bench.webhook import run_webhook_benchmark

    run_webhook_benchmark(args.updates, args.concurrency, Path(args.output))
    return 0


def _cmd_bench_zalo(args: argparse.Namespace) -> int:
    from bench.zalo_webhook import run_zalo_benchmark

    run_zalo_benchmark(args.events, args.concurrency, Path(args.output))
    return 0


def _cmd_bench_search_quality(args: argparse.Namespace) -> int:
    from bench.large_kb import run_large_kb_evaluation

    run_large_kb_evaluation(args.procedures, [Path(f) for f in args.files], Path(args.output))
    return 0


def _cmd_bench_ingest(args: argparse.Namespace) -> int:
    from bench.analytics import run_ingest_benchmark

    result = run_ingest_benchmark(
        args.conversations, args.databases, Path("var/bench"), args.postgres_url
    )
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return 0


def _cmd_bench_summary(args: argparse.Namespace) -> int:
    from bench.analytics import run_summary_benchmark

    result = run_summary_benchmark(args.events, args.requests, Path("var/bench"), args.postgres_url)
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return 0


def _cmd_bench_import(args: argparse.Namespace) -> int:
    from bench.kb_import import run_import_benchmark

    result = run_import_benchmark(args.rows, args.databases, Path("var/bench"), args.postgres_url)
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return 0


def _cmd_bench_portal_import(args: argparse.Namespace) -> int:
    from bench.portal_import import run_portal_import_benchmark

    result = run_portal_import_benchmark(args.records, Path("var/bench"))
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return 0


def _postgres_admin_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="an administrative connection used to create and drop the benchmark database",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``bench`` to the ``trolyao`` command."""
    bench = sub.add_parser("bench", help="benchmarks").add_subparsers(
        dest="bench_command", required=True
    )
    bench_search = bench.add_parser("search", help="search latency on synthetic procedures")
    bench_search.add_argument("--procedures", type=int, default=10_000)
    bench_search.add_argument("--queries", type=int, default=2_000)
    bench_search.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    bench_search.add_argument("--output", default="var/bench/search.json")
    bench_search.add_argument("--queries-file", default="tests/data/search_dev.jsonl")
    _postgres_admin_argument(bench_search)
    bench_search.set_defaults(func=_cmd_bench_search)
    bench_chat = bench.add_parser("chat", help="REST channel load: ours against stock Rasa")
    bench_chat.add_argument("--senders", type=int, default=20)
    bench_chat.add_argument("--messages", type=int, default=25, help="per sender")
    bench_chat.add_argument("--output", default="var/bench/chat.json")
    bench_chat.add_argument("--no-stock", action="store_true")
    bench_chat.set_defaults(func=_cmd_bench_chat)
    bench_citizen = bench.add_parser(
        "citizen", help="the citizen path (POST /api/chat/messages) under wrk's load"
    )
    bench_citizen.add_argument("--url", default="http://127.0.0.1:8000")
    bench_citizen.add_argument("--connections", type=int, default=20)
    bench_citizen.add_argument("--seconds", type=int, default=60)
    bench_citizen.set_defaults(func=_cmd_bench_citizen)
    bench_compare = bench.add_parser(
        "citizen-compare",
        help="the citizen path in one run: make run's stack with our engine, then stock Rasa",
    )
    bench_compare.add_argument("--connections", type=int, default=20)
    bench_compare.add_argument("--seconds", type=int, default=30)
    bench_compare.add_argument("--output", default="var/bench/citizen-compare.json")
    bench_compare.set_defaults(func=_cmd_bench_citizen_compare)
    bench_soak = bench.add_parser(
        "soak", help="a steady rate on the citizen path: p95 and RSS per minute"
    )
    bench_soak.add_argument("--url", default="http://127.0.0.1:8000")
    bench_soak.add_argument("--rate", type=float, default=30.0)
    bench_soak.add_argument("--minutes", type=int, default=10)
    bench_soak.set_defaults(func=_cmd_bench_soak)
    bench_webhook = bench.add_parser("webhook", help="Telegram webhook acknowledgement latency")
    bench_webhook.add_argument("--updates", type=int, default=500)
    bench_webhook.add_argument("--concurrency", type=int, default=20)
    bench_webhook.add_argument("--output", default="var/bench/webhook.json")
    bench_webhook.set_defaults(func=_cmd_bench_webhook)
    bench_quality = bench.add_parser(
        "search-quality", help="search quality among ~2,650 look-alike procedures"
    )
    bench_quality.add_argument("--procedures", type=int, default=2650)
    bench_quality.add_argument(
        "--files",
        nargs="+",
        default=[
            "tests/data/search_dev.jsonl",
            "tests/data/search_team_heldout.jsonl",
            "tests/data/search_citizen_dev.jsonl",
            "tests/data/portal_situations_citizen_dev.jsonl",
            "tests/data/portal_situations_team.jsonl",
        ],
    )
    bench_quality.add_argument("--output", default="var/bench/search_quality.json")
    bench_quality.set_defaults(func=_cmd_bench_search_quality)
    bench_zalo = bench.add_parser("zalo", help="Zalo webhook acknowledgement latency")
    bench_zalo.add_argument("--events", type=int, default=300)
    bench_zalo.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 20])
    bench_zalo.add_argument("--output", default="var/bench/zalo.json")
    bench_zalo.set_defaults(func=_cmd_bench_zalo)
    bench_ingest = bench.add_parser("ingest", help="usage ingestion throughput")
    bench_ingest.add_argument("--conversations", type=int, default=4000)
    bench_ingest.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    bench_ingest.add_argument("--output", default="var/bench/ingest.json")
    _postgres_admin_argument(bench_ingest)
    bench_ingest.set_defaults(func=_cmd_bench_ingest)
    bench_summary = bench.add_parser(
        "summary", help="analytics summary latency with a million events in PostgreSQL"
    )
    bench_summary.add_argument("--events", type=int, default=1_000_000)
    bench_summary.add_argument("--requests", type=int, default=40)
    bench_summary.add_argument("--output", default="var/bench/summary.json")
    _postgres_admin_argument(bench_summary)
    bench_summary.set_defaults(func=_cmd_bench_summary)
    bench_import = bench.add_parser("import", help="knowledge-base import of 10,000 rows")
    bench_import.add_argument("--rows", type=int, default=10_000)
    bench_import.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    bench_import.add_argument("--output", default="var/bench/import.json")
    _postgres_admin_argument(bench_import)
    bench_import.set_defaults(func=_cmd_bench_import)
    bench_portal = bench.add_parser(
        "portal-import", help="national-portal import (dvc-portal) of 2,600 records, SQLite"
    )
    bench_portal.add_argument("--records", type=int, default=2600)
    bench_portal.add_argument("--output", default="var/bench/portal-import.json")
    bench_portal.set_defaults(func=_cmd_bench_portal_import)
