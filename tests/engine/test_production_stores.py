"""The production stores against the machine's PostgreSQL and Redis (engine env)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from rasa.core.lock_store import LockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.stores import SQLEventBroker, SQLTrackerStore

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def _create_database() -> str:
    name = f"trolyao_engine_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return name


def _drop_database(name: str) -> None:
    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def pg_databases() -> Iterator[tuple[str, str]]:
    tracker, broker = _create_database(), _create_database()
    try:
        yield tracker, broker
    finally:
        _drop_database(tracker)
        _drop_database(broker)


def test_tracker_store_and_broker_on_postgresql(pg_databases: tuple[str, str]) -> None:
    tracker_db, broker_db = pg_databases
    broker = SQLEventBroker(
        dialect="postgresql", host="127.0.0.1", port=5432, username="postgres", db=broker_db
    )
    store = SQLTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=5432,
        username="postgres",
        db=tracker_db,
        event_broker=broker,
    )

    async def scenario() -> int:
        tracker = await store.get_or_create_tracker("citizen-pg")
        tracker.update(UserUttered("làm hộ chiếu", {"name": "ask_procedure_overview"}))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        again = await store.retrieve("citizen-pg")
        assert again is not None
        return len(again.events)

    stored_events = asyncio.run(scenario())
    assert stored_events >= 2
    counts = []
    for name in (tracker_db, broker_db):
        with psycopg2.connect(dbname=name, **PG) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM events WHERE sender_id = 'citizen-pg'")
            counts.append(cur.fetchone()[0])
        conn.close()
    assert counts == [stored_events, stored_events]  # stored once, published once


def ticket_store(prefix: str, lifetime: float = 5.0) -> LockStore:
    return LockStore.create(
        EndpointConfig(
            type="rasa_ext.locks.RedisTicketLockStore",
            url="127.0.0.1",
            port=6379,
            db=0,
            key_prefix=prefix,
            ticket_lifetime=lifetime,
        )
    )


def test_one_conversation_is_serialised_across_two_replicas_in_ticket_order() -> None:
    prefix = f"trolyao-test-{uuid.uuid4().hex[:6]}"
    replicas = [ticket_store(prefix), ticket_store(prefix)]

    async def scenario() -> list[str]:
        order: list[str] = []

        async def turn(name: str, store: LockStore, delay: float) -> None:
            await asyncio.sleep(delay)  # the order in which the messages arrive
            async with store.lock("citizen-redis", wait_time_in_seconds=0.01):
                order.append(f"{name}-start")
                await asyncio.sleep(0.05)
                order.append(f"{name}-end")

        await asyncio.gather(*(turn(f"m{i}", replicas[i % 2], i * 0.01) for i in range(6)))
        return order

    order = asyncio.run(scenario())
    assert order == [f"m{i}-{part}" for i in range(6) for part in ("start", "end")]


def test_a_dead_replicas_ticket_frees_the_conversation_within_its_lifetime() -> None:
    import redis

    prefix = f"trolyao-test-{uuid.uuid4().hex[:6]}"
    store = ticket_store(prefix, lifetime=1.0)
    base = f"{prefix}:lock:citizen-dead"
    red = redis.Redis(host="127.0.0.1", port=6379, db=0)
    # a replica took ticket 1 and was killed: its ticket is never renewed
    red.set(f"{base}:next", 1)
    red.zadd(f"{base}:queue", {"1": 1})
    red.set(f"{base}:ticket:1", 1, px=1000)

    async def scenario() -> float:
        started = time.monotonic()
        async with store.lock("citizen-dead", wait_time_in_seconds=0.01):
            return time.monotonic() - started

    waited = asyncio.run(scenario())
    assert 0.5 < waited < 2.0  # not Rasa's 60 s
    assert red.zcard(f"{base}:queue") == 0  # the dead ticket is gone, ours released
