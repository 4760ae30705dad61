"""``trolyao``: operator tasks (database, knowledge base, search, evaluation, benchmarks).

The composition root: the one module of ``trolyao`` that may reach every part (the API,
the Telegram adapter, the benchmarks), each imported only inside the command that needs it,
so that ``trolyao db upgrade`` loads no web framework. One cohesive thing (the commands and
their parser, about 500 lines); each command is a few lines that call the part it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from trolyao.accounts.roles import ROLES
from trolyao.errors import InvalidQuery, TroLyAoError


def _cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from trolyao import migrate

    migrate.upgrade()
    print("Cơ sở dữ liệu đã ở phiên bản mới nhất.")
    return 0


def _cmd_kb_seed(args: argparse.Namespace) -> int:
    from trolyao.db import session_scope
    from trolyao.kb.seed import seed_all

    with session_scope() as session:
        report = seed_all(session, overwrite=args.overwrite)
    print(
        f"Thủ tục: thêm {report.inserted}, cập nhật {report.updated},"
        f" giữ nguyên {report.unchanged};"
        f" hồ sơ mẫu: thêm {report.dossiers_inserted}."
    )
    return 0


def _search_json(text: str, limit: int) -> list[dict[str, object]]:
    from trolyao.kb.search import search_procedures

    result = search_procedures(text, limit)
    # Always the best candidates, best first, with their scores, even when none is a
    # confident match: the score says how confident.
    return [{"code": hit.code, "name": hit.name, "score": hit.score} for hit in result.hits]


def _cmd_kb_stats(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from trolyao.db import get_engine
    from trolyao.kb.stats import coverage

    with Session(get_engine()) as session:
        report = coverage(session).as_dict()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{report['procedures']} thủ tục ({report['from_portal']} từ Cổng DVC quốc gia); "
        f"ô trả lời có dữ liệu: {report['filled_cells']}/{report['answer_cells']} "
        f"({report['filled_share']:.0%})"
        + (
            f"; trên các ô nguồn có: {report['filled_share_where_source_has']:.1%}"
            if report["filled_share_where_source_has"] is not None
            else ""
        )
    )
    words = report["everyday_words"]
    print(
        f"từ ngữ đời thường: {words['with']}/{report['procedures']} thủ tục có"
        + (f"; cần bổ sung: {', '.join(words['work_list'][:20])}" if words["without"] else "")
    )
    print(f"{'thuộc tính':<14}{'có':>6}{'tỉ lệ':>8}{'nguồn có':>10}{'đạt':>8}")
    for name, a in report["attributes"].items():
        where = a["share_where_source_has"]
        print(
            f"{name:<14}{a['filled']:>6}{a['share']:>8.0%}{a['source_has']:>10}"
            + (f"{where:>8.0%}" if where is not None else f"{'—':>8}")
        )
    print(f"{'trường':<44}{'có':>6}{'tỉ lệ':>8}")
    for name, f in report["fields"].items():
        print(f"{name:<44}{f['filled']:>6}{f['share']:>8.0%}")
    return 0


def _date(text: str) -> object:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _cmd_kb_import(args: argparse.Namespace) -> int:
    from trolyao.db import get_engine
    from trolyao.kb.spreadsheet import ImportFileError
    from trolyao.kb.transfer import import_file

    def progress(phase: str, rows: int) -> None:
        label = "kiểm tra" if phase == "validate" else "ghi"
        print(f"  {label}: {rows} dòng", file=sys.stderr, flush=True)

    try:
        report = import_file(
            get_engine(),
            Path(args.file),
            user=args.user,
            kind=args.format,
            dry_run=args.dry_run,
            status=args.status,
            progress=progress,
            collected_on=args.collected_on,
        )
    except (ImportFileError, OSError) as exc:
        print(f"Không nhập được: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    for error in report.errors[:200]:
        print(f"dòng {error['row']}: {error['field']}: {error['message']}")
    if len(report.errors) > 200:
        print(f"… và {len(report.errors) - 200} lỗi nữa")
    if report.dry_run:
        for note in report.notes[:500]:
            print(f"dòng {note['row']}: {note['field']}: (để trống) {note['message']}")
        if len(report.notes) > 500:
            print(f"… và {len(report.notes) - 500} ghi chú nữa")
    partial = report.skipped or (report.notes and not report.errors)
    print(
        f"{report.rows} dòng: {report.created} mới, {report.updated} cập nhật, "
        f"{report.unchanged} không đổi, {len(report.errors)} lỗi"
        + (f", {report.skipped} dòng bỏ qua" if report.skipped else "")
        + (f", {len(report.notes)} ô để trống" if partial or report.notes else "")
        + (" (chạy thử, không ghi gì)" if report.dry_run else "")
        + (
            " — không ghi gì vì còn lỗi"
            if report.errors and not report.dry_run and not report.written
            else ""
        )
        + f"; {report.seconds:.1f} s"
    )
    return 1 if report.errors else 0


def _cmd_kb_export(args: argparse.Namespace) -> int:
    from trolyao.db import get_engine
    from trolyao.kb.export import export_file
    from trolyao.kb.spreadsheet import ImportFileError

    try:
        count = export_file(get_engine(), Path(args.file))
    except ImportFileError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    print(f"Đã xuất {count} thủ tục ra {args.file}")
    return 0


def _cmd_places_export(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from trolyao.db import get_engine
    from trolyao.places.transfer import PlacesFileError, detect_kind, export_bytes

    path = Path(args.file)
    try:
        kind = detect_kind(path.name)
    except PlacesFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    with Session(get_engine()) as session:
        path.write_bytes(export_bytes(session, kind))
    print(f"Đã xuất liên hệ của các xã, phường ra {path}")
    return 0


def _cmd_places_import(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from trolyao.audit import audit
    from trolyao.db import get_engine
    from trolyao.places.transfer import PlacesFileError, detect_kind, import_bytes

    path = Path(args.file)
    try:
        kind = detect_kind(path.name)
        with Session(get_engine()) as session, session.begin():
            report = import_bytes(
                session, path.read_bytes(), kind, user=args.user, dry_run=args.dry_run
            )
            if report.written:
                audit(session, args.user, "import_places", path.name[:200], None, report.as_dict())
    except (PlacesFileError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    for error in report.errors:
        print(f"dòng {error['row']}, cột {error['column']}: {error['message']}", file=sys.stderr)
    state = "đã ghi" if report.written else "chưa ghi gì"
    print(
        f"{report.rows} dòng: {report.updated} cập nhật, {report.unchanged} không đổi, "
        f"{len(report.errors)} lỗi; {state}"
    )
    return 1 if report.errors else 0


def _cmd_kb_search(args: argparse.Namespace) -> int:
    queries = sys.stdin if args.text == "-" else [args.text]
    status = 0
    for raw in queries:
        text = raw.rstrip("\n") if args.text == "-" else raw
        try:
            hits = _search_json(text, args.limit)
        except InvalidQuery as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            hits, status = [], 2 if args.text != "-" else status
        if args.json:
            print(json.dumps(hits, ensure_ascii=False), flush=True)
        elif not hits:
            print("Không tìm thấy thủ tục phù hợp.")
        else:
            for hit in hits:
                print(f"{hit['score']:.3f}  {hit['code'] or '-':10}  {hit['name']}")
    return status


def _cmd_eval_search(args: argparse.Namespace) -> int:
    from trolyao.kb.search import get_search
    from trolyao.kb.search.evaluation import Candidate, evaluate, read_cases
    from trolyao.kb.search.guide import two_press_reach

    search = get_search()

    def rank(query: str) -> list[Candidate]:
        try:
            return [(hit.name, hit.key) for hit in search.search(query, 5).hits]
        except InvalidQuery:
            return []

    try:
        cases = read_cases(Path(args.file))
    except (OSError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluate(cases, rank)
    reach = two_press_reach(search.index(), cases)
    print(f"{'form':14} {'n':>5} {'top1':>7} {'top3':>7} {'mrr':>7}")
    rows = [("overall", report.overall), *list(report.by_form.items())]
    for name, scores in rows:
        print(
            f"{name:14} {scores.count:5d} {scores.top1:7.3f} {scores.top3:7.3f} {scores.mrr:7.3f}"
        )
    print(f"reached in at most two presses (a procedure, or a life event): {reach:.3f}")
    if args.show_misses:
        for miss in report.misses:
            print(json.dumps(miss, ensure_ascii=False))
    if args.json:
        print(
            json.dumps(
                {
                    "overall": report.overall.as_dict(),
                    "by_form": {k: v.as_dict() for k, v in report.by_form.items()},
                    "two_press_reach": round(reach, 4),
                }
            )
        )
    return 0


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


def _cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    from trolyao.settings import get_settings

    trusted = get_settings().forwarded_allow_ips.strip()
    # Room for a long query string, so that it gets our clear 422 rather than a bare 400.
    # Forwarded headers count only from the proxies the settings name (none by default).
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        h11_max_incomplete_event_size=256 * 1024,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or None,
    )
    return 0


def _cmd_redact(_args: argparse.Namespace) -> int:
    from trolyao.redaction import redact

    for line in sys.stdin:
        ending = "\n" if line.endswith("\n") else ""
        sys.stdout.write(redact(line.rstrip("\n")) + ending)
        sys.stdout.flush()
    return 0


def _cmd_telegram(_args: argparse.Namespace) -> int:
    from bot.telegram import TelegramBridge
    from edge.engine_client import RasaClient
    from edge.pipeline import Edge
    from trolyao.settings import get_settings

    settings = get_settings()
    if not settings.telegram_bot_token:
        print("error: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    from edge.handoffs import HandoffDesk
    from trolyao.db import get_engine

    edge = Edge(settings, RasaClient(timeout=30.0), HandoffDesk(get_engine()))
    bridge = TelegramBridge(settings, edge)
    bridge.build(settings, webhook=False).run_polling()
    return 0


def _cmd_users_create(args: argparse.Namespace) -> int:
    from trolyao.accounts.auth import InvalidUser, create_user
    from trolyao.db import session_scope

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope() as session:
            user = create_user(session, args.username, password, args.role)
            print(f"Đã tạo tài khoản {user.username} ({user.role}).")
    except InvalidUser as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def _cmd_users_list(_args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from trolyao.accounts.models import User
    from trolyao.db import session_scope

    with session_scope() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            state = "" if user.active else " (khóa)"
            print(f"{user.username}\t{user.role}{state}")
    return 0


def _cmd_run(_args: argparse.Namespace) -> int:
    from trolyao.runtime.secrets import SECRETS_FILE, ensure_secrets
    from trolyao.runtime.supervisor import run
    from trolyao.settings import get_settings

    generated = ensure_secrets()
    if generated:
        print(f"» Generated {', '.join(generated)} in {SECRETS_FILE} (kept for the next run)")
    get_settings.cache_clear()
    return run(get_settings())


def _cmd_cluster(args: argparse.Namespace) -> int:
    from trolyao.runtime.cluster import Topology, run_cluster
    from trolyao.runtime.secrets import SECRETS_FILE, ensure_secrets
    from trolyao.settings import get_settings

    generated = ensure_secrets()
    if generated:
        print(f"» Generated {', '.join(generated)} in {SECRETS_FILE} (kept for the next run)")
    get_settings.cache_clear()
    changes = {
        k: v
        for k, v in (
            ("postgres_admin", args.postgres),
            ("app_database", args.app_database),
            ("tracker_database", args.tracker_database),
            ("redis", args.redis),
            ("amqp", args.amqp),
            ("queue", args.queue),
            ("folder", Path(args.folder) if args.folder else None),
        )
        if v
    }
    topology = (
        Topology.from_base(args.port_base, **changes) if args.port_base else Topology(**changes)  # type: ignore[arg-type]
    )
    return run_cluster(get_settings(), topology)


def _cmd_train(args: argparse.Namespace) -> int:
    from trolyao.runtime.engine import ensure_model

    print(ensure_model(force=args.force))
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    from trolyao.runtime.worker import run_worker

    run_worker(interval=args.interval, once=args.once)
    return 0


def _postgres_admin_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="an administrative connection used to create and drop the benchmark database",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``trolyao`` command."""
    parser = argparse.ArgumentParser(prog="trolyao", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate the database to the latest schema").set_defaults(
        func=_cmd_db_upgrade
    )

    kb = sub.add_parser("kb", help="knowledge base").add_subparsers(
        dest="kb_command", required=True
    )
    seed = kb.add_parser("seed", help="load the seed procedures and demo dossiers (idempotent)")
    seed.add_argument(
        "--overwrite",
        action="store_true",
        help="also replace procedures that already exist (loses admins' edits)",
    )
    seed.set_defaults(func=_cmd_kb_seed)
    search = kb.add_parser("search", help="search procedures ('-' reads one query per line)")
    search.add_argument("text")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=_cmd_kb_search)
    kb_import = kb.add_parser(
        "import",
        help="import procedures from .json, .csv, .xlsx or national-portal records (.jsonl, "
        "--format dvc-portal); upsert by code",
    )
    kb_import.add_argument("file")
    kb_import.add_argument(
        "--format",
        choices=["json", "csv", "xlsx", "dvc-portal"],
        default=None,
        help="the file's format (default: from its extension; .jsonl is dvc-portal)",
    )
    kb_import.add_argument(
        "--collected-on",
        type=_date,
        default=None,
        help="dvc-portal: the day the records were collected from the portal (YYYY-MM-DD)",
    )
    kb_import.add_argument(
        "--dry-run", action="store_true", help="report every row's errors, write nothing"
    )
    kb_import.add_argument("--status", choices=["draft", "published"], default=None)
    kb_import.add_argument("--user", default="cli", help="recorded in versions and the audit log")
    kb_import.set_defaults(func=_cmd_kb_import)
    kb_stats = kb.add_parser(
        "stats", help="knowledge-base coverage: answer cells per attribute and per field"
    )
    kb_stats.add_argument("--json", action="store_true")
    kb_stats.set_defaults(func=_cmd_kb_stats)
    kb_export = kb.add_parser("export", help="export the knowledge base to .json, .csv or .xlsx")
    kb_export.add_argument("file")
    kb_export.set_defaults(func=_cmd_kb_export)

    places = sub.add_parser("places", help="the province's communes").add_subparsers(
        dest="places_command", required=True
    )
    places_export = places.add_parser("export", help="the offices' contacts to .csv or .xlsx")
    places_export.add_argument("file")
    places_export.set_defaults(func=_cmd_places_export)
    places_import = places.add_parser("import", help="the offices' contacts from .csv or .xlsx")
    places_import.add_argument("file")
    places_import.add_argument("--dry-run", action="store_true", help="check, write nothing")
    places_import.add_argument("--user", default="cli", help="who, for the audit log")
    places_import.set_defaults(func=_cmd_places_import)

    ev = sub.add_parser("eval", help="evaluations").add_subparsers(
        dest="eval_command", required=True
    )
    ev_search = ev.add_parser("search", help="top-1/top-3/MRR of search on a JSONL file")
    ev_search.add_argument("file")
    ev_search.add_argument("--show-misses", action="store_true")
    ev_search.add_argument("--json", action="store_true")
    ev_search.set_defaults(func=_cmd_eval_search)

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

    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.set_defaults(func=_cmd_api)
    users = sub.add_parser("users", help="staff accounts").add_subparsers(
        dest="users_command", required=True
    )
    create = users.add_parser("create", help="create an account; the password is read on stdin")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=list(ROLES))
    create.set_defaults(func=_cmd_users_create)
    users.add_parser("list", help="list accounts").set_defaults(func=_cmd_users_list)
    sub.add_parser("telegram", help="the Telegram bot in polling mode").set_defaults(
        func=_cmd_telegram
    )
    sub.add_parser("redact", help="redact personal data from each stdin line").set_defaults(
        func=_cmd_redact
    )
    sub.add_parser(
        "run", help="bring up the whole assistant (engine, actions, API, worker)"
    ).set_defaults(func=_cmd_run)
    cluster = sub.add_parser(
        "cluster",
        help="two engines, two action servers, two APIs and the worker behind HAProxy on :8080",
    )
    cluster.add_argument("--port-base", type=int, help="every port from here (default: 8080…)")
    cluster.add_argument("--postgres", help="PostgreSQL admin URL (postgresql://…/postgres)")
    cluster.add_argument("--app-database", help="the app's database (trolyao_cluster)")
    cluster.add_argument("--tracker-database", help="the tracker store's database")
    cluster.add_argument("--redis", help="redis://host:port (db 0 locks, db 1 edge state)")
    cluster.add_argument("--amqp", help="amqp://user:password@host:port/%%2F")
    cluster.add_argument("--queue", help="the broker's queue (trolyao_cluster_events)")
    cluster.add_argument("--folder", help="PIDs and configuration (var/cluster)")
    cluster.set_defaults(func=_cmd_cluster)
    train = sub.add_parser("train", help="train the model if its inputs changed")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=_cmd_train)
    worker = sub.add_parser("worker", help="background jobs: data deletion requests")
    worker.add_argument("--interval", type=float, default=2.0)
    worker.add_argument("--once", action="store_true")
    worker.set_defaults(func=_cmd_worker)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``trolyao`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TroLyAoError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
