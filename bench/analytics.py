"""Analytics benchmarks (make bench): ingestion throughput, and the summary's latency with a
million broker events in PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Iterator
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


CHANNELS = ("web", "web", "web", "telegram", "telegram")
ASKS = (
    ("ask_procedure_fee", "fee", "utter_procedure_fee"),
    ("ask_procedure_documents", "documents", "utter_procedure_documents"),
    ("ask_procedure_duration", "duration", "utter_procedure_duration"),
    ("ask_procedure_overview", "overview", "utter_procedure_overview"),
    ("ask_procedure_online", "online", "utter_procedure_online_yes"),
    ("ask_procedure_steps", "steps", "utter_procedure_steps_unknown"),
)


def realistic_events(
    target: int, keys: list[str], *, days: int = 365, seed: int = 7
) -> Iterator[list[dict[str, Any]]]:
    """About ``target`` broker events over ``days`` days, in batches, oldest first: many
    citizens, both channels, answered and unknown facts, fallbacks, feedback, handoffs."""
    rng = random.Random(seed)
    start = dt.datetime.now(dt.timezone.utc).timestamp() - days * 86400 - 3600
    per_batch = 2000  # conversations; about 16 events each
    window = days * 86400 / max(1, round(target / (per_batch * 16)))
    users = max(target // 40, 10)
    made = 0
    k = 0
    while made < target:  # conversations in time order, as a broker receives them
        batch: list[dict[str, Any]] = []
        times = sorted(start + (k + rng.random()) * window for _ in range(per_batch))
        k += 1
        for t in times:
            sender = f"bench-{rng.randrange(users)}"
            channel = rng.choice(CHANNELS)
            key = rng.choice(keys)
            for _turn in range(rng.randint(1, 5)):
                t += rng.uniform(5, 120)
                roll = rng.random()
                events: list[dict[str, Any]]
                if roll < 0.08:
                    events = _turn_events(
                        t,
                        "hỏi linh tinh abc",
                        "nlu_fallback",
                        channel,
                        "action_fallback",
                        "utter_fallback",
                        None,
                        None,
                    )
                elif roll < 0.13:
                    value = "up" if rng.random() < 0.7 else "down"
                    events = _turn_events(
                        t,
                        "/feedback",
                        "feedback",
                        channel,
                        "action_record_feedback",
                        f"utter_feedback_{value}",
                        None,
                        None,
                        feedback=value,
                    )
                elif roll < 0.14:
                    events = _turn_events(
                        t,
                        "cho gặp cán bộ",
                        "request_human",
                        channel,
                        "action_request_human",
                        "utter_handoff",
                        None,
                        None,
                    )
                    events.append(
                        {
                            "event": "slot",
                            "timestamp": t + 0.3,
                            "name": "handoff_requested",
                            "value": True,
                        }
                    )
                else:
                    intent, attribute, utter = rng.choice(ASKS)
                    events = _turn_events(
                        t,
                        "lệ phí làm hộ chiếu bao nhiêu",
                        intent,
                        channel,
                        "action_answer_procedure",
                        utter,
                        key,
                        attribute,
                    )
                batch += [{"sender_id": sender, "data": json.dumps(e)} for e in events]
        made += len(batch)
        yield batch


def _turn_events(
    t: float,
    text: str,
    intent: str,
    channel: str,
    action: str,
    utter: str,
    key: str | None,
    attribute: str | None,
    *,
    feedback: str | None = None,
) -> list[dict[str, Any]]:
    entities = [{"entity": "feedback_value", "value": feedback}] if feedback else []
    events: list[dict[str, Any]] = [
        {
            "event": "user",
            "timestamp": t,
            "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": 0.93}, "entities": entities},
            "metadata": {"channel": channel},
        },
        {"event": "action", "timestamp": t + 0.05, "name": action},
        {"event": "bot", "timestamp": t + 0.2 + (t % 1) / 2, "text": "…",
         "metadata": {"utter_action": utter}},
    ]  # fmt: skip
    if key:
        events.append(
            {"event": "slot", "timestamp": t + 0.21, "name": "procedure_key", "value": key}
        )
        events.append(
            {"event": "slot", "timestamp": t + 0.21, "name": "last_attribute", "value": attribute}
        )
    events.append({"event": "action", "timestamp": t + 0.3, "name": "action_listen"})
    return events


def run_summary_benchmark(
    events: int, requests: int, workdir: Path, postgres_admin_url: str
) -> dict[str, Any]:
    """``GET /api/analytics/summary`` latency with ``events`` broker events in PostgreSQL."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from api.main import create_app
    from trolyao.accounts.auth import create_user
    from trolyao.kb.models import Procedure
    from trolyao.kb.seed import seed_all

    workdir.mkdir(parents=True, exist_ok=True)
    broker_url = create_postgres_database(postgres_admin_url, "trolyao_bench_broker")
    app_url = create_postgres_database(postgres_admin_url, "trolyao_bench")
    try:
        migrate.upgrade(app_url)
        app = make_engine(app_url)
        with Session(app) as session, session.begin():
            seed_all(session)
            keys = [c for c in session.scalars(select(Procedure.code)) if c]
            create_user(session, "bench", "mat-khau-bench-123", "official")
        broker = make_engine(broker_url)
        table = broker_events_table()
        table.metadata.create_all(broker)
        loaded = 0
        started = time.perf_counter()
        for batch in realistic_events(events, keys):
            with broker.begin() as conn:
                conn.execute(insert(table), batch)
            loaded += len(batch)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        report = Ingester(app, broker).run_until_idle()
        ingest_s = time.perf_counter() - started
        with app.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        print(
            f"summary bench: {loaded} events loaded in {load_s:.0f} s, "
            f"{report.turns} turns ingested in {ingest_s:.0f} s",
            flush=True,
        )
        today = dt.datetime.now(dt.timezone.utc).date()
        year = {"from": str(today - dt.timedelta(days=364)), "to": str(today)}
        month = {"from": str(today - dt.timedelta(days=29)), "to": str(today)}
        summary = "/api/analytics/summary"
        cases: dict[str, tuple[str, dict[str, str]]] = {
            "summary_last_30_days": (summary, month),
            "summary_last_365_days": (summary, year),
            "summary_365_days_telegram": (summary, {**year, "channel": "telegram"}),
            "conversations_365_days": ("/api/analytics/conversations", year),
            "conversations_365_days_fallback": (
                "/api/analytics/conversations",
                {**year, "fallback": "true"},
            ),
            "unanswered_365_days": ("/api/analytics/unanswered", year),
        }
        results: dict[str, Any] = {
            "events": loaded,
            "turns": report.turns,
            "ingest_events_per_s": round(report.events / ingest_s),
            "requests_per_case": requests,
            "cases": {},
        }
        with TestClient(create_app(app)) as client:
            token = client.post(
                "/api/auth/token", data={"username": "bench", "password": "mat-khau-bench-123"}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            for name, (path, params) in cases.items():
                client.get(path, params=params, headers=headers)  # warm
                timings = []
                for _ in range(requests):
                    begun = time.perf_counter()
                    response = client.get(path, params=params, headers=headers)
                    timings.append((time.perf_counter() - begun) * 1000)
                    assert response.status_code == 200, response.text
                timings.sort()
                body = response.json()
                results["cases"][name] = {
                    "messages": body.get("messages", body.get("total", body.get("questions"))),
                    "p50_ms": round(timings[len(timings) // 2], 1),
                    "p95_ms": round(timings[min(int(0.95 * len(timings)), len(timings) - 1)], 1),
                    "max_ms": round(timings[-1], 1),
                }
                print(f"{name}: {results['cases'][name]}", flush=True)
        app.dispose()
        broker.dispose()
    finally:
        drop_database(app_url, postgres_admin_url)
        drop_database(broker_url, postgres_admin_url)
    return results
