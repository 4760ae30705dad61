"""The analytics ingester: exact rows, idempotent, restart-safe (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from tests.support.events import STREAM, T0, crash_at, user
from trolyao.analytics.ingest import Ingester, broker_events_table, outcome_of
from trolyao.analytics.models import Conversation, IngestCheckpoint, Turn
from trolyao.db import make_engine


def turns(engine: Engine) -> list[Turn]:
    with Session(engine) as session:
        return list(session.scalars(select(Turn).order_by(Turn.started_at)))


def test_each_citizen_message_becomes_one_row_with_what_was_answered(
    engine: Engine, broker: Engine
) -> None:
    report = Ingester(engine, broker).run_until_idle()
    assert (report.events, report.turns) == (len(STREAM) + 1, 6)
    rows = turns(engine)
    summary = [
        (
            t.sender_id,
            t.channel,
            t.intent,
            t.outcome,
            t.procedure_key,
            t.attribute,
            t.feedback,
            t.handoff,
        )
        for t in rows
    ]
    assert summary == [
        (
            "web-a",
            "web",
            "ask_procedure_overview",
            "answered",
            "cap-ho-chieu-pho-thong-trong-nuoc",
            "overview",
            None,
            False,
        ),
        ("tg-b", "telegram", "ask_procedure_fee", "unknown_fact", "1.004837", None, None, False),
        ("web-a", "web", "feedback", "other", None, None, "down", False),
        ("tg-b", "telegram", "ask_procedure_overview", "no_match", None, None, None, False),
        ("tg-b", "telegram", "nlu_fallback", "fallback", None, None, None, False),
        ("web-c", "web", "request_human", "other", None, None, None, True),
    ]
    assert [t.response_ms for t in rows] == [250, 300, 200, 200, 400, 150]
    assert rows[0].bot_messages == 2 and rows[0].action == "action_answer_procedure"
    assert rows[0].text == "thu tuc lam ho chieu"


def test_running_twice_counts_nothing_twice(engine: Engine, broker: Engine) -> None:
    Ingester(engine, broker).run_until_idle()
    again = Ingester(engine, broker).run_until_idle()
    assert again.events == 0
    assert len(turns(engine)) == 6


def test_small_batches_give_the_same_rows(engine: Engine, broker: Engine) -> None:
    Ingester(engine, broker).run_until_idle(batch=3)
    rows = turns(engine)
    assert len(rows) == 6
    assert rows[0].procedure_key == "cap-ho-chieu-pho-thong-trong-nuoc"
    assert rows[0].response_ms == 250


def test_a_crash_mid_batch_loses_nothing_and_repeats_nothing(
    engine: Engine, broker: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        crash_at(patch, 12)
        with pytest.raises(RuntimeError):
            Ingester(engine, broker).run_until_idle(batch=100)
    assert turns(engine) == []
    with Session(engine) as session:
        assert session.get(IngestCheckpoint, "sql-broker") is None
    Ingester(engine, broker).run_until_idle()
    assert len(turns(engine)) == 6


def test_a_lost_checkpoint_replays_without_duplicates(engine: Engine, broker: Engine) -> None:
    Ingester(engine, broker).run_until_idle()
    with Session(engine) as session, session.begin():
        session.delete(session.get(IngestCheckpoint, "sql-broker"))
    Ingester(engine, broker).run_until_idle()
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 6


@pytest.mark.parametrize(
    ("response", "intent", "outcome"),
    [
        ("utter_procedure_fee", "ask_procedure_fee", "answered"),
        ("utter_procedure_online_no", "ask_procedure_online", "answered"),
        ("utter_procedure_steps_unknown", "ask_procedure_steps", "unknown_fact"),
        ("utter_procedure_choose", "ask_procedure_fee", "ambiguous"),
        ("utter_procedure_ask_which", "ask_procedure_fee", "no_match"),
        ("utter_dossier_status", "check_dossier_status", "answered"),
        ("utter_dossier_not_found", "check_dossier_status", "unknown_fact"),
        ("utter_out_of_scope", "out_of_scope", "out_of_scope"),
        ("utter_fallback", "nlu_fallback", "fallback"),
        ("utter_greet", "greet", "other"),
        (None, "greet", "pending"),
    ],
)
def test_outcomes(response: str | None, intent: str, outcome: str) -> None:
    assert outcome_of(response, intent) == outcome


def test_retention_purges_old_rows_and_ingested_broker_events(
    engine: Engine, broker: Engine
) -> None:
    import datetime as dt

    from trolyao.analytics.retention import purge

    Ingester(engine, broker).run_until_idle()
    day = dt.datetime.fromtimestamp(T0, dt.timezone.utc)
    kept = purge(engine, broker, keep=dt.timedelta(days=30), now=day + dt.timedelta(days=29))
    assert (kept.turns, kept.broker_events) == (0, 1)  # only the unreadable row goes
    gone = purge(engine, broker, keep=dt.timedelta(days=30), now=day + dt.timedelta(days=31))
    assert gone.turns == 6
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
    assert gone.broker_events == len(STREAM)
    assert turns(engine) == []
    again = Ingester(engine, broker).run_until_idle()
    assert again.events == 0


def test_turns_are_grouped_into_conversations_by_the_session_gap(
    engine: Engine, broker: Engine
) -> None:
    later = [
        ("web-a", user(T0 + 1800, "phí làm hộ chiếu", "ask_procedure_fee")),
        ("web-a", user(T0 + 1800 + 3601, "lại là tôi", "greet")),
    ]
    table = broker_events_table()
    with broker.begin() as conn:
        conn.execute(insert(table), [{"sender_id": s, "data": json.dumps(e)} for s, e in later])
    Ingester(engine, broker).run_until_idle(batch=4)
    with Session(engine) as session:
        rows = session.scalars(select(Conversation).order_by(Conversation.started_at)).all()
        shape = [(c.sender_id, c.channel, c.turn_count) for c in rows]
        assert shape == [
            ("web-a", "web", 3),
            ("tg-b", "telegram", 3),
            ("web-c", "web", 1),
            ("web-a", "web", 1),
        ]
        first = rows[0]
        members = session.scalars(
            select(Turn.text).where(Turn.conversation_id == first.id).order_by(Turn.started_at)
        ).all()
        assert members == ["thu tuc lam ho chieu", "/feedback", "phí làm hộ chiếu"]


def test_text_and_replies_are_redacted_again_and_replies_kept(
    engine: Engine, tmp_path: Path
) -> None:
    broker = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    table = broker_events_table()
    table.metadata.create_all(broker)
    stream = [
        ("web-z", user(T0, "số tôi 0912345678, cccd 001099012345", "ask_procedure_fee")),
        (
            "web-z",
            {
                "event": "bot",
                "timestamp": T0 + 0.2,
                "text": "Lệ phí: 200.000 đồng",
                "metadata": {"utter_action": "utter_procedure_fee"},
            },
        ),
        (
            "web-z",
            {
                "event": "bot",
                "timestamp": T0 + 0.3,
                "text": "Gọi a@b.vn",
                "metadata": {"utter_action": "utter_feedback_prompt"},
            },
        ),
    ]
    with broker.begin() as conn:
        conn.execute(insert(table), [{"sender_id": s, "data": json.dumps(e)} for s, e in stream])
    Ingester(engine, broker).run_until_idle()
    (row,) = turns(engine)
    assert "0912345678" not in row.text and "001099012345" not in row.text
    assert "[SĐT]" in row.text and "[CCCD]" in row.text
    assert row.reply == "Lệ phí: 200.000 đồng\n\nGọi [EMAIL]"


def test_deleting_a_sender_removes_their_conversations(engine: Engine, broker: Engine) -> None:
    from trolyao.deletion import delete_sender_everywhere

    Ingester(engine, broker).run_until_idle()
    with Session(engine) as session, session.begin():
        delete_sender_everywhere(session, broker, None, "tg-b")
    with Session(engine) as session:
        senders = set(session.scalars(select(Conversation.sender_id)))
        assert senders == {"web-a", "web-c"}
        assert "tg-b" not in set(session.scalars(select(Turn.sender_id)))
