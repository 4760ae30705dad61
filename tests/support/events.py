"""A scripted stream of Rasa broker events (two channels, answers, feedback, a hand-off),
and a SQL broker holding it, for the analytics tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from trolyao.analytics.ingest import TurnBuilder, broker_events_table
from trolyao.db import make_engine

T0 = 1_795_000_000.0
DAY = dt.datetime.fromtimestamp(T0, dt.timezone.utc).date()
"""The UTC day of the stream."""


def user(ts: float, text: str, intent: str, channel: str = "web", **extra: Any) -> dict[str, Any]:
    parse = {"intent": {"name": intent, "confidence": 0.97}, "entities": extra.pop("entities", [])}
    return {
        "event": "user",
        "timestamp": ts,
        "text": text,
        "parse_data": parse,
        "input_channel": "rest",
        "metadata": {"channel": channel},
    }


def bot(ts: float, utter: str) -> dict[str, Any]:
    return {"event": "bot", "timestamp": ts, "text": "…", "metadata": {"utter_action": utter}}


def action(ts: float, name: str) -> dict[str, Any]:
    return {"event": "action", "timestamp": ts, "name": name}


def slot(ts: float, name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": ts, "name": name, "value": value}


STREAM: list[tuple[str, dict[str, Any]]] = [
    ("web-a", action(T0, "action_session_start")),
    ("web-a", action(T0, "action_listen")),
    ("web-a", user(T0 + 1, "thu tuc lam ho chieu", "ask_procedure_overview")),
    ("web-a", action(T0 + 1.1, "action_answer_procedure")),
    ("web-a", bot(T0 + 1.2, "utter_procedure_overview")),
    ("web-a", bot(T0 + 1.25, "utter_feedback_prompt")),
    ("web-a", slot(T0 + 1.25, "procedure_key", "cap-ho-chieu-pho-thong-trong-nuoc")),
    ("web-a", slot(T0 + 1.25, "last_attribute", "overview")),
    ("web-a", action(T0 + 1.3, "action_listen")),
    ("tg-b", user(T0 + 2, "lệ phí giám hộ", "ask_procedure_fee", channel="telegram")),
    ("tg-b", action(T0 + 2.1, "action_answer_procedure")),
    ("tg-b", bot(T0 + 2.3, "utter_procedure_fee_unknown")),
    ("tg-b", slot(T0 + 2.3, "procedure_key", "1.004837")),
    (
        "web-a",
        user(
            T0 + 3,
            "/feedback",
            "feedback",
            entities=[{"entity": "feedback_value", "value": "down"}],
        ),
    ),
    ("web-a", action(T0 + 3.1, "action_record_feedback")),
    ("web-a", bot(T0 + 3.2, "utter_feedback_sorry")),
    ("tg-b", user(T0 + 4, "nuôi ong mật", "ask_procedure_overview", channel="telegram")),
    ("tg-b", action(T0 + 4.1, "action_answer_procedure")),
    ("tg-b", bot(T0 + 4.2, "utter_procedure_not_found")),
    ("tg-b", user(T0 + 5, "abc xyz", "nlu_fallback", channel="telegram")),
    ("tg-b", action(T0 + 5.1, "action_fallback")),
    ("tg-b", bot(T0 + 5.4, "utter_fallback_no_suggestion")),
    ("web-c", user(T0 + 6, "cho gặp cán bộ", "request_human")),
    ("web-c", action(T0 + 6.1, "action_request_human")),
    ("web-c", bot(T0 + 6.15, "utter_handoff")),
    ("web-c", slot(T0 + 6.15, "handoff_requested", True)),
]


def sql_broker(folder: Path) -> Engine:
    """A SQLite event broker holding :data:`STREAM` and one line of junk."""
    engine = make_engine(f"sqlite:///{folder / 'events.db'}")
    table = broker_events_table()
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table), [{"sender_id": s, "data": json.dumps(e)} for s, e in STREAM])
        conn.execute(insert(table), [{"sender_id": "web-x", "data": "not json"}])
    return engine


def crash_at(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Make the ``call``-th event applied raise, as a power cut would."""
    original = TurnBuilder._apply
    calls = {"n": 0}

    def crashing(self: TurnBuilder, *args: Any) -> int:
        calls["n"] += 1
        if calls["n"] == call:
            raise RuntimeError("power cut")
        return original(self, *args)

    monkeypatch.setattr(TurnBuilder, "_apply", crashing)
