"""``trolyao kb``: seed, search, import, export and coverage of the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trolyao.errors import InvalidQuery


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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kb`` to the ``trolyao`` command."""
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
