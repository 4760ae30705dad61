"""The RabbitMQ (Pika) broker path, against the machine's RabbitMQ at 127.0.0.1:5672.

Rasa's own ``PikaEventBroker`` (run in the engine environment) publishes the events; the
ingester consumes them at least once and stores them exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from typing import Any

import pika
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.support.events import STREAM, crash_at
from trolyao.analytics.ingest import AmqpIngester
from trolyao.analytics.models import Conversation, IngestedMessage, Turn
from trolyao.settings import PROJECT_ROOT

pytestmark = pytest.mark.services

AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
ENGINE_PYTHON = PROJECT_ROOT / ".venv-engine" / "bin" / "python"


@pytest.fixture
def queue() -> Iterator[str]:
    name = f"test-events-{uuid.uuid4().hex[:10]}"
    yield name
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.queue_delete(queue=name)
    channel.exchange_delete(exchange=f"{name}-exchange")
    connection.close()


def publish_with_rasa(queue: str, stream: list[tuple[str, dict[str, Any]]]) -> None:
    """Publish ``stream`` with Rasa's PikaEventBroker, as the running engine does."""
    script = textwrap.dedent(
        """
        import asyncio, json, sys
        import rasa.shared.core.events  # as in the running server (pika.py assumes it)
        from rasa.core.brokers.pika import PikaEventBroker

        async def main():
            queue, events = sys.argv[1], json.load(sys.stdin)
            broker = PikaEventBroker(
                "127.0.0.1", "guest", "guest", port=5672, queues=[queue],
                exchange_name=queue + "-exchange", raise_on_failure=True,
                connection_attempts=3, retry_delay_in_seconds=1,
            )
            await broker.connect()
            for event in events:
                broker.publish(event)
            await asyncio.gather(*list(broker._background_tasks))  # raises what failed
            await broker.close()

        asyncio.run(main())
        """
    )
    events = [{"sender_id": sender, **event} for sender, event in stream]
    done = subprocess.run(
        [str(ENGINE_PYTHON), "-c", script, queue],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def publish_raw(queue: str, bodies: list[bytes]) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    channel = connection.channel()
    channel.queue_declare(queue=queue, durable=True)
    for body in bodies:
        channel.basic_publish(exchange="", routing_key=queue, body=body)
    connection.close()


def waiting(queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    count = int(connection.channel().queue_declare(queue=queue, durable=True).method.message_count)
    connection.close()
    return count


def shape(engine: Engine) -> list[tuple[Any, ...]]:
    with Session(engine) as session:
        return [
            (t.sender_id, t.channel, t.intent, t.outcome, t.procedure_key, t.feedback, t.handoff)
            for t in session.scalars(select(Turn).order_by(Turn.started_at))
        ]


EXPECTED = [
    ("web-a", "web", "ask_procedure_overview", "answered",
     "cap-ho-chieu-pho-thong-trong-nuoc", None, False),
    ("tg-b", "telegram", "ask_procedure_fee", "unknown_fact", "1.004837", None, False),
    ("web-a", "web", "feedback", "other", None, "down", False),
    ("tg-b", "telegram", "ask_procedure_overview", "no_match", None, None, False),
    ("tg-b", "telegram", "nlu_fallback", "fallback", None, None, False),
    ("web-c", "web", "request_human", "other", None, None, True),
]  # fmt: skip


def test_events_published_by_rasa_are_ingested_exactly(engine: Engine, queue: str) -> None:
    publish_with_rasa(queue, STREAM)
    ingester = AmqpIngester(engine, AMQP_URL, queue, wait=0.3)
    try:
        report = ingester.run_until_idle(batch=10)
        assert (report.events, report.turns, report.duplicates) == (len(STREAM), 6, 0)
        assert shape(engine) == EXPECTED
        assert ingester.run_until_idle().events == 0  # acknowledged: nothing is left
    finally:
        ingester.close()
    assert waiting(queue) == 0
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 3


def test_a_crash_before_commit_loses_nothing(
    engine: Engine, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_raw(queue, [json.dumps({"sender_id": s, **e}).encode() for s, e in STREAM])
    crashing = AmqpIngester(engine, AMQP_URL, queue, wait=0.3)
    with monkeypatch.context() as patch:
        crash_at(patch, 12)
        with pytest.raises(RuntimeError):
            crashing.run_until_idle(batch=100)
    crashing.close()  # the process died: its unacknowledged messages go back to the queue
    assert shape(engine) == []
    ingester = AmqpIngester(engine, AMQP_URL, queue, wait=0.3)
    try:
        assert ingester.run_until_idle().turns == 6
    finally:
        ingester.close()
    assert shape(engine) == EXPECTED


def test_a_crash_between_commit_and_ack_is_redelivered_and_dropped(
    engine: Engine, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = [json.dumps({"sender_id": s, **e}).encode() for s, e in STREAM]
    publish_raw(queue, [*bodies, b"not json", b"[1, 2]"])
    first = AmqpIngester(engine, AMQP_URL, queue, wait=0.3)
    channel = first._open()

    def lost_ack(*_args: Any, **_kwargs: Any) -> None:
        raise ConnectionError("connection reset before the ack")

    monkeypatch.setattr(channel, "basic_ack", lost_ack)
    with pytest.raises(ConnectionError):
        first.run_until_idle(batch=100)
    first.close()
    assert len(shape(engine)) == 6
    assert waiting(queue) == len(bodies) + 2  # all of them come back

    second = AmqpIngester(engine, AMQP_URL, queue, wait=0.3)
    try:
        report = second.run_until_idle(batch=100)
    finally:
        second.close()
    assert (report.events, report.turns, report.duplicates) == (len(bodies) + 2, 0, len(bodies) + 2)
    assert shape(engine) == EXPECTED
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(IngestedMessage)) == len(bodies) + 2


def test_the_worker_uses_the_queue_when_the_broker_url_is_amqp(
    engine: Engine, queue: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from trolyao.runtime import worker
    from trolyao.settings import get_settings

    publish_raw(queue, [json.dumps({"sender_id": s, **e}).encode() for s, e in STREAM])
    monkeypatch.setenv("EVENT_BROKER_URL", AMQP_URL)
    monkeypatch.setenv("EVENT_BROKER_QUEUE", queue)
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setattr(worker, "get_engine", lambda: engine)
    get_settings.cache_clear()
    try:
        worker.run_worker(once=True)
    finally:
        get_settings.cache_clear()
    assert shape(engine) == EXPECTED
