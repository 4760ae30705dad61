"""Our Rasa tracker store and event broker (engine env), on a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_ext.stores import SQLEventBroker, SQLTrackerStore

DOMAIN = Domain.from_yaml(
    "version: '3.1'\nintents: [greet]\nslots:\n  procedure_key:\n    type: text\n"
    "    mappings: [{type: custom}]\nresponses:\n  utter_greet: [{text: hi}]\n"
)


@pytest.fixture
def store(tmp_path: Path) -> SQLTrackerStore:
    broker = SQLEventBroker(db=str(tmp_path / "events.db"))
    return SQLTrackerStore(domain=DOMAIN, db=str(tmp_path / "tracker.db"), event_broker=broker)


def turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(SlotSet("procedure_key", "1.001193"))
    tracker.update(BotUttered("hi"))
    tracker.update(ActionExecuted("action_listen"))


def test_save_and_retrieve_round_trip_and_publish_each_event_once(
    store: SQLTrackerStore, tmp_path: Path
) -> None:
    async def scenario() -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker("citizen-1")
        turn(tracker, "xin chào")
        await store.save(tracker)
        again = await store.retrieve("citizen-1")
        assert again is not None
        turn(again, "cảm ơn")
        await store.save(again)
        await store.save(again)  # nothing new: nothing written
        final = await store.retrieve("citizen-1")
        assert final is not None
        return final

    final = asyncio.run(scenario())
    texts = [e.text for e in final.events if isinstance(e, UserUttered)]
    assert texts == ["xin chào", "cảm ơn"]
    assert final.get_slot("procedure_key") == "1.001193"
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        stored = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with sqlite3.connect(tmp_path / "events.db") as conn:
        published = [json.loads(r[0]) for r in conn.execute("SELECT data FROM events ORDER BY id")]
    assert stored == len(final.events) == len(published)
    assert [p["event"] for p in published] == [e.type_name for e in final.events]
    assert all(p["sender_id"] == "citizen-1" for p in published)


def test_a_store_without_a_remembered_count_asks_the_database(
    store: SQLTrackerStore, tmp_path: Path
) -> None:
    async def scenario() -> None:
        tracker = await store.get_or_create_tracker("citizen-2")
        turn(tracker, "một")
        await store.save(tracker)
        store._stored.clear()  # as after a restart of the engine
        turn(tracker, "hai")
        await store.save(tracker)

    asyncio.run(scenario())
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        texts = [
            json.loads(r[0]).get("text")
            for r in conn.execute("SELECT data FROM events WHERE type_name='user' ORDER BY id")
        ]
    assert texts == ["một", "hai"]
