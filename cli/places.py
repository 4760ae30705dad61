"""``trolyao places``: the communes' offices, to and from a spreadsheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``places`` to the ``trolyao`` command."""
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
