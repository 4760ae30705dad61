"""National-portal import benchmark (make bench): 2,600 portal records into a seeded
SQLite database, as ``trolyao kb import --format dvc-portal`` does it.

The ministries' 2,600-record export is not in this repository; the file is built from the
278 real records packaged with the seed, each repeated under a new national code and a
name of its own, so that cells keep the portal's real shapes and sizes.
"""

from __future__ import annotations

import gzip
import json
import time
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from trolyao import migrate
from trolyao.db import make_engine
from trolyao.kb.seed import PORTAL_FILE, seed_all
from trolyao.kb.transfer import import_file


def portal_lines(count: int) -> list[str]:
    """``count`` portal records: the packaged ones under new codes (9.xxxxxx) and names."""
    packed = resources.files("trolyao.kb.data").joinpath(PORTAL_FILE)
    with packed.open("rb") as handle, gzip.open(handle) as lines:
        base = [json.loads(line) for line in lines if line.strip()]
    out = []
    for n in range(count):
        record = dict(base[n % len(base)])
        record["ma_thu_tuc"] = f"9.{n:06d}"
        record["ten_thu_tuc"] = f"{record['ten_thu_tuc']} (bản {n + 1})"
        out.append(json.dumps(record, ensure_ascii=False))
    return out


def run_portal_import_benchmark(count: int, work: Path) -> dict[str, Any]:
    """Import ``count`` records into a fresh seeded SQLite database; twice (idempotent)."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / "portal.jsonl"
    path.write_text("\n".join(portal_lines(count)) + "\n", "utf-8")
    db = work / "portal-import.db"
    db.unlink(missing_ok=True)
    url = f"sqlite:///{db}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        seed_all(session)
    started = time.perf_counter()
    first = import_file(engine, path, user="bench")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = import_file(engine, path, user="bench")
    again_seconds = time.perf_counter() - started
    engine.dispose()
    result = {
        "records": count,
        "created": first.created,
        "errors": len(first.errors),
        "blank_cells": len(first.notes),
        "seconds": round(seconds, 1),
        "again_unchanged": again.unchanged,
        "again_seconds": round(again_seconds, 1),
    }
    print(json.dumps(result))
    return result
