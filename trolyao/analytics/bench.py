"""Ingestion throughput: synthetic Rasa event streams through the ingester (make bench)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from trolyao import migrate
from trolyao.analytics.ingest import Ingester, broker_events_table
from trolyao.db import make_engine
from trolyao.dbadmin import create_postgres_database, drop_database


def synthetic_events(conversations: int, turns: int = 5) -> list[dict[str, Any]]:
    """Rows of an SQL broker: per turn a user, an action, two bots, two slots, a listen."""
    rows = []
    t = 1_795_000_000.0
    for c in range(conversations):
        sender = f"web-bench-{c}"
        for i in range(turns):
            t += 1.0
            events = [
                {
                    "event": "user",
                    "timestamp": t,
                    "text": "lệ phí làm hộ chiếu bao nhiêu",
                    "parse_data": {
                        "intent": {"name": "ask_procedure_fee", "confidence": 0.99},
                        "entities": [],
                    },
                    "metadata": {"channel": "web"},
                },
                {"event": "action", "timestamp": t + 0.1, "name": "action_answer_procedure"},
                {
                    "event": "bot",
                    "timestamp": t + 0.2,
                    "metadata": {"utter_action": "utter_procedure_fee"},
                },
                {
                    "event": "bot",
                    "timestamp": t + 0.21,
                    "metadata": {"utter_action": "utter_feedback_prompt"},
                },
                {
                    "event": "slot",
                    "timestamp": t + 0.21,
                    "name": "procedure_key",
                    "value": "cap-ho-chieu-pho-thong-trong-nuoc",
                },
                {
                    "event": "slot",
                    "timestamp": t + 0.21,
                    "name": "last_attribute",
                    "value": "fee" if i else "overview",
                },
                {"event": "action", "timestamp": t + 0.3, "name": "action_listen"},
            ]
            rows += [{"sender_id": sender, "data": json.dumps(e)} for e in events]
    return rows


def run_ingest_benchmark(
    conversations: int, databases: list[str], workdir: Path, postgres_admin_url: str
) -> dict[str, Any]:
    """Time the ingestion of ``conversations`` × 5 turns × 7 events into each database."""
    workdir.mkdir(parents=True, exist_ok=True)
    broker_url = f"sqlite:///{workdir / 'bench-broker.db'}"
    drop_database(broker_url, postgres_admin_url)
    broker = make_engine(broker_url)
    table = broker_events_table()
    table.metadata.create_all(broker)
    rows = synthetic_events(conversations)
    with broker.begin() as conn:
        for start in range(0, len(rows), 10_000):
            conn.execute(insert(table), rows[start : start + 10_000])
    results: dict[str, Any] = {"events": len(rows), "databases": {}}
    for kind in databases:
        url = (
            f"sqlite:///{workdir / 'bench-app.db'}"
            if kind == "sqlite"
            else create_postgres_database(postgres_admin_url, "trolyao_bench")
        )
        if kind == "sqlite":
            drop_database(url, postgres_admin_url)
        try:
            migrate.upgrade(url)
            app = make_engine(url)
            started = time.perf_counter()
            report = Ingester(app, broker).run_until_idle()
            elapsed = time.perf_counter() - started
            again = Ingester(app, broker).run_until_idle()
            app.dispose()
        finally:
            drop_database(url, postgres_admin_url)
        results["databases"][kind] = {
            "events_per_s": round(report.events / elapsed),
            "seconds": round(elapsed, 2),
            "turns": report.turns,
            "second_run_events": again.events,
        }
        print(f"ingest {kind}: {results['databases'][kind]}", flush=True)
    broker.dispose()
    return results
