"""Search latency benchmark on synthetic knowledge bases (``make bench``)."""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, update
from sqlalchemy.orm import Session

from trolyao import migrate
from trolyao.db import make_engine
from trolyao.dbadmin import create_postgres_database, drop_database
from trolyao.kb.models import KnowledgeBaseState, Procedure
from trolyao.kb.search import ProcedureSearch
from trolyao.kb.seed import seed_all
from trolyao.schema import utcnow

_VERBS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Đăng ký",
    "Xác nhận",
    "Thẩm định",
    "Phê duyệt",
    "Thu hồi",
    "Điều chỉnh",
    "Công nhận",
    "Hỗ trợ",
    "Thông báo",
    "Giải quyết",
]
_OBJECTS = [
    "giấy phép kinh doanh rượu",
    "chứng chỉ hành nghề dược",
    "giấy phép khai thác nước mặt",
    "giấy chứng nhận an toàn thực phẩm",
    "giấy phép biểu diễn nghệ thuật",
    "chứng chỉ hành nghề xây dựng",
    "giấy phép vận tải",
    "phù hiệu xe tải",
    "giấy phép quảng cáo",
    "giấy chứng nhận cơ sở đủ điều kiện chăn nuôi",
    "trợ cấp xã hội hằng tháng",
    "chế độ người có công",
    "học bổng chính sách",
    "giấy phép hoạt động khoáng sản",
    "giấy phép môi trường",
    "quyết định giao rừng",
    "giấy chứng nhận hợp tác xã",
    "giấy phép thành lập thư viện",
    "danh hiệu làng nghề",
    "giấy phép tổ chức lễ hội",
    "chứng nhận nghề truyền thống",
    "giấy phép bán lẻ thuốc lá",
    "giấy chứng nhận kiểm dịch động vật",
    "giấy phép lao động cho người nước ngoài",
    "bằng tốt nghiệp trung học",
    "giấy phép thành lập trường mầm non",
    "giấy phép hoạt động cơ sở khám bệnh",
    "giấy chứng nhận đăng ký tàu cá",
    "giấy phép khai thác thủy sản",
    "giấy phép đào đường",
    "giấy phép đấu nối giao thông",
]
_QUALIFIERS = [
    "",
    "cho tổ chức",
    "cho cá nhân",
    "có yếu tố nước ngoài",
    "lần đầu",
    "trong trường hợp bị mất",
    "do hết hạn",
    "đối với doanh nghiệp nhỏ và vừa",
    "tại khu kinh tế cửa khẩu",
    "cho hộ gia đình",
    "thuộc thẩm quyền cấp tỉnh",
    "thuộc thẩm quyền cấp xã",
]
_FIELDS = [
    "Công thương",
    "Y tế",
    "Tài nguyên và môi trường",
    "Văn hóa",
    "Giao thông vận tải",
    "Lao động",
    "Giáo dục",
    "Nông nghiệp",
    "Nội vụ",
    "Xây dựng",
]


def synthetic_rows(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Return ``count`` distinct, realistic-looking procedure rows (codes 9.xxxxxx)."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    now = utcnow()
    while len(rows) < count:
        name = " ".join(
            p for p in (rng.choice(_VERBS), rng.choice(_OBJECTS), rng.choice(_QUALIFIERS)) if p
        )
        name = f"{name} ({rng.choice(_FIELDS).lower()}, mẫu {len(rows) + 1})"
        if name in seen:
            continue
        seen.add(name)
        n = len(rows) + 1
        rows.append(
            {
                "code": f"9.{n:06d}",
                "slug": f"tt-tong-hop-{n}",
                "name": name,
                "aliases": [
                    rng.choice(_OBJECTS),
                    f"{rng.choice(_VERBS).lower()} {rng.choice(_OBJECTS)}",
                ],
                "field": rng.choice(_FIELDS),
                "levels": [],
                "subjects": [],
                "steps": [],
                "results": [],
                "related_codes": [],
                "validity": "dang_ap_dung",
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def build_database(url: str, procedures: int) -> Engine:
    """Migrate ``url``, seed the catalog, then add synthetic procedures up to ``procedures``."""
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        seed_all(session)
        extra = max(procedures - 45, 0)
        rows = synthetic_rows(extra)
        for start in range(0, len(rows), 1000):
            session.execute(insert(Procedure), rows[start : start + 1000])
        session.execute(update(KnowledgeBaseState).values(revision=KnowledgeBaseState.revision + 1))
    return engine


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(engine: Engine, queries: list[str], rounds: int) -> dict[str, float]:
    """Time cold index build, warm searches (revision check included) and edit pick-up."""
    search = ProcedureSearch(engine)
    started = time.perf_counter()
    search.search("đăng ký khai sinh", 5)
    cold_ms = (time.perf_counter() - started) * 1000
    timings = []
    for i in range(rounds):
        text = queries[i % len(queries)]
        started = time.perf_counter()
        search.search(text, 5)
        timings.append((time.perf_counter() - started) * 1000)
    with Session(engine) as session, session.begin():
        session.execute(update(KnowledgeBaseState).values(revision=KnowledgeBaseState.revision + 1))
    started = time.perf_counter()
    search.search("đăng ký khai sinh", 5)
    rebuild_ms = (time.perf_counter() - started) * 1000
    return {
        "searches": len(timings),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(_percentile(timings, 0.95), 3),
        "p99_ms": round(_percentile(timings, 0.99), 3),
        "max_ms": round(max(timings), 3),
        "cold_index_ms": round(cold_ms, 1),
        "rebuild_after_edit_ms": round(rebuild_ms, 1),
    }


def run_search_benchmark(
    procedures: int,
    rounds: int,
    databases: list[str],
    output: Path,
    queries_file: Path,
    postgres_admin_url: str,
) -> dict[str, Any]:
    """Benchmark search on each database kind; print a table and write JSON to ``output``."""
    queries = [
        json.loads(line)["query"]
        for line in queries_file.read_text("utf-8").splitlines()
        if line.strip()
    ]
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "procedures": procedures,
        "queries": len(queries),
        "databases": {},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    for kind in databases:
        if kind == "sqlite":
            url = f"sqlite:///{output.parent / 'bench-search.db'}"
            drop_database(url, postgres_admin_url)
        else:
            url = create_postgres_database(postgres_admin_url, "trolyao_bench")
        try:
            started = time.perf_counter()
            engine = build_database(url, procedures)
            load_s = time.perf_counter() - started
            figures = measure(engine, queries, rounds)
            figures["load_s"] = round(load_s, 1)
            engine.dispose()
        finally:
            drop_database(url, postgres_admin_url)
        results["databases"][kind] = figures
        print(
            f"{kind:11} {procedures} procedures: p50 {figures['p50_ms']:.2f} ms, "
            f"p95 {figures['p95_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms; "
            f"cold index {figures['cold_index_ms']:.0f} ms, "
            f"rebuild after an edit {figures['rebuild_after_edit_ms']:.0f} ms",
            flush=True,
        )
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return results
