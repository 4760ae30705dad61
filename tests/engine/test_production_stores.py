"""The production stores against the machine's PostgreSQL and Redis (engine env)."""

from __future__ import annotations

import asyncio
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


def test_redis_lock_store_serialises_one_conversation() -> None:
    store = LockStore.create(
        EndpointConfig(
            type="redis",
            url="127.0.0.1",
            port=6379,
            db=0,
            key_prefix=f"trolyao-test-{uuid.uuid4().hex[:6]}",
        )
    )

    async def scenario() -> list[str]:
        order: list[str] = []

        async def turn(name: str) -> None:
            async with store.lock("citizen-redis", wait_time_in_seconds=0.01):
                order.append(f"{name}-start")
                await asyncio.sleep(0.05)
                order.append(f"{name}-end")

        await asyncio.gather(turn("a"), turn("b"))
        return order

    order = asyncio.run(scenario())
    assert order in (
        ["a-start", "a-end", "b-start", "b-end"],
        ["b-start", "b-end", "a-start", "a-end"],
    )
