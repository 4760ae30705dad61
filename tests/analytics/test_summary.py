"""The officials' summary: exact figures for a scripted stream, and who may read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.support.events import DAY
from tests.support.staff import bearer, staff_client
from trolyao.analytics.ingest import Ingester
from trolyao.kb.seed import load_seed_records


@pytest.fixture
def client(engine: Engine, broker: Engine) -> Iterator[TestClient]:
    Ingester(engine, broker).run_until_idle()
    with staff_client(engine) as client:
        yield client


def test_summary_reports_exact_figures(client: TestClient) -> None:
    response = client.get(
        "/api/analytics/summary",
        params={"from": DAY.isoformat(), "to": DAY.isoformat()},
        headers=bearer(client, "canbo"),
    )
    assert response.status_code == 200
    body = response.json()
    expected = {
        "conversations": 3,
        "unique_users": 3,
        "messages": 6,
        "bot_messages": 7,
        "avg_turns": 2.0,
        "answered_rate": 0.25,
        "fallback_rate": 0.1667,
        "handoff_requests": 1,
        "feedback_up": 0,
        "feedback_down": 1,
        "satisfaction": 0.0,
        "response_ms_p50": 250,
        "response_ms_p95": 400,
    }
    assert {k: body[k] for k in expected} == expected
    assert body["top_intents"] == [
        {"intent": "ask_procedure_overview", "count": 2},
        {"intent": "ask_procedure_fee", "count": 1},
        {"intent": "feedback", "count": 1},
        {"intent": "nlu_fallback", "count": 1},
        {"intent": "request_human", "count": 1},
    ]
    assert [(p["key"], p["name"], p["count"]) for p in body["top_procedures"]] == [
        ("1.004837", "Đăng ký giám hộ", 1),
        ("cap-ho-chieu-pho-thong-trong-nuoc", "Cấp hộ chiếu phổ thông trong nước", 1),
    ]
    assert body["by_day"] == [
        {
            "date": DAY.isoformat(),
            "messages": 6,
            "unique_users": 3,
            "fallbacks": 1,
            "feedback_up": 0,
            "feedback_down": 1,
        }
    ]
    assert body["by_channel"] == [
        {"channel": "telegram", "messages": 3, "unique_users": 1},
        {"channel": "web", "messages": 3, "unique_users": 2},
    ]
    assert body["plan"] == {
        "citizens_helped": 1,
        "catalog_procedures_answered": 1,
        "catalog_procedures": len(load_seed_records()),
        "catalog_coverage": round(1 / len(load_seed_records()), 4),
        "unanswered_questions": 3,
        "online_service_links": 1,
    }


def test_channel_filter_and_an_empty_range(client: TestClient) -> None:
    headers = bearer(client, "quantri")
    web = client.get(
        "/api/analytics/summary",
        headers=headers,
        params={"from": DAY.isoformat(), "to": DAY.isoformat(), "channel": "web"},
    ).json()
    assert (web["messages"], web["unique_users"], web["conversations"]) == (3, 2, 2)
    before = (DAY - dt.timedelta(days=10)).isoformat()
    empty = client.get(
        "/api/analytics/summary", headers=headers, params={"from": before, "to": before}
    ).json()
    assert (empty["messages"], empty["answered_rate"], empty["response_ms_p95"]) == (0, None, None)


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2026-13-01"}, 422),
        ({"from": "2026-11-20", "to": "2026-11-01"}, 422),
        ({"channel": "web; DROP TABLE"}, 422),
        ({"from": "1900-01-01", "to": "2026-01-01"}, 422),
        ({"to": "9999-12-31"}, 422),
        ({"from": "9999-12-01", "to": "9999-12-31"}, 422),
        ({"from": "0001-01-01", "to": "0001-01-02"}, 422),
    ],
)
def test_bad_parameters_are_4xx(client: TestClient, params: dict[str, str], status: int) -> None:
    for path in ("summary", "report.csv", "conversations", "conversations.csv", "unanswered"):
        response = client.get(
            f"/api/analytics/{path}", params=params, headers=bearer(client, "canbo")
        )
        assert response.status_code == status, (path, response.text)
    response = client.get("/api/analytics/summary", params=params, headers=bearer(client, "canbo"))
    assert response.status_code == status


def test_only_officials_and_admins_may_read_it(client: TestClient) -> None:
    assert client.get("/api/analytics/summary").status_code == 401
    assert (
        client.get("/api/analytics/summary", headers={"Authorization": "Bearer forged"}).status_code
        == 401
    )
    assert (
        client.get("/api/analytics/summary", headers=bearer(client, "bientap")).status_code == 403
    )
    assert client.get("/api/analytics/summary", headers=bearer(client, "canbo")).status_code == 200


def figures(client: TestClient) -> tuple[int, int, int, int]:
    body = client.get(
        "/api/analytics/summary",
        params={"from": DAY.isoformat(), "to": DAY.isoformat()},
        headers=bearer(client, "canbo"),
    ).json()
    return body["messages"], body["unique_users"], body["conversations"], body["handoff_requests"]


def test_deleting_a_sender_takes_them_out_of_the_figures(
    client: TestClient, engine: Engine, broker: Engine
) -> None:
    from trolyao.deletion import delete_sender_everywhere

    assert figures(client) == (6, 3, 3, 1)
    with Session(engine) as session, session.begin():
        delete_sender_everywhere(session, broker, None, "web-c")
    assert figures(client) == (5, 2, 2, 0)


def test_rollups_are_built_for_turns_stored_before_them(
    client: TestClient, engine: Engine, broker: Engine
) -> None:
    from sqlalchemy import delete

    from trolyao.analytics.models import IngestCheckpoint
    from trolyao.analytics.rollup import ROLLUP_MARK, TABLES

    with Session(engine) as session, session.begin():
        for table in TABLES:
            session.execute(delete(table))
        session.execute(delete(IngestCheckpoint).where(IngestCheckpoint.source == ROLLUP_MARK))
    assert figures(client) == (0, 0, 3, 0)  # conversations are not a rollup
    Ingester(engine, broker).run_until_idle()  # nothing new to read; the rollups are built
    assert figures(client) == (6, 3, 3, 1)
