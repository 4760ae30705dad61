"""Conversation review: filters, transcripts, tags and notes, the unanswered inbox, CSV
exports, the web session (cookie + CSRF), and who may use each endpoint."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from tests.support.events import DAY, T0, bot, user
from tests.support.staff import PASSWORD, bearer, staff_client
from trolyao.analytics.ingest import Ingester, broker_events_table
from trolyao.kb.seed import load_seed_records

SPAN = {"from": DAY.isoformat(), "to": DAY.isoformat()}


@pytest.fixture
def client(engine: Engine, broker: Engine) -> Iterator[TestClient]:
    Ingester(engine, broker).run_until_idle()
    with staff_client(engine) as client:
        yield client


def listed(client: TestClient, **params: Any) -> list[str]:
    response = client.get(
        "/api/analytics/conversations", params={**SPAN, **params}, headers=bearer(client, "canbo")
    )
    assert response.status_code == 200, response.text
    return [item["first_message"] for item in response.json()["items"]]


def test_the_list_has_every_conversation_newest_first(client: TestClient) -> None:
    body = client.get(
        "/api/analytics/conversations", params=SPAN, headers=bearer(client, "canbo")
    ).json()
    assert (body["total"], body["page"], body["page_size"]) == (3, 1, 50)
    web_c, tg_b, web_a = body["items"]
    assert (web_c["first_message"], web_c["channel"], web_c["turns"]) == (
        "cho gặp cán bộ",
        "web",
        1,
    )
    assert tg_b["intents"] == ["ask_procedure_fee", "ask_procedure_overview", "nlu_fallback"]
    assert tg_b["procedures"] == ["1.004837"]
    assert (tg_b["fallback"], tg_b["unanswered"], tg_b["handoff"]) == (True, True, False)
    assert (web_a["negative_feedback"], web_a["unanswered"]) == (True, False)
    assert all(len(item["user_ref"]) == 10 for item in body["items"])
    assert "tg-b" not in json.dumps(body)  # the sender id is never shown


@pytest.mark.parametrize(
    ("params", "first_messages"),
    [
        ({"fallback": "true"}, ["lệ phí giám hộ"]),
        ({"fallback": "false"}, ["cho gặp cán bộ", "thu tuc lam ho chieu"]),
        ({"negative_feedback": "true"}, ["thu tuc lam ho chieu"]),
        ({"handoff": "true"}, ["cho gặp cán bộ"]),
        ({"unanswered": "false"}, ["cho gặp cán bộ", "thu tuc lam ho chieu"]),
        ({"intent": "ask_procedure_fee"}, ["lệ phí giám hộ"]),
        ({"procedure": "cap-ho-chieu-pho-thong-trong-nuoc"}, ["thu tuc lam ho chieu"]),
        ({"channel": "telegram"}, ["lệ phí giám hộ"]),
        ({"channel": "web", "handoff": "false"}, ["thu tuc lam ho chieu"]),
        ({"page": "2", "page_size": "2"}, ["thu tuc lam ho chieu"]),
    ],
)
def test_filters(client: TestClient, params: dict[str, str], first_messages: list[str]) -> None:
    assert listed(client, **params) == first_messages


def test_a_transcript_is_redacted_and_names_the_procedures(
    client: TestClient, broker: Engine, engine: Engine
) -> None:
    with broker.begin() as conn:
        conn.execute(
            insert(broker_events_table()),
            [
                {"sender_id": "web-p", "data": json.dumps(e)}
                for e in (
                    user(T0 + 50, "gọi tôi 0912 345 678 nhé", "ask_procedure_fee"),
                    bot(T0 + 50.3, "utter_procedure_fee"),
                )
            ],
        )
    Ingester(engine, broker).run_until_idle()
    headers = bearer(client, "canbo")
    items = client.get("/api/analytics/conversations", params=SPAN, headers=headers).json()
    newest = items["items"][0]
    detail = client.get(f"/api/analytics/conversations/{newest['id']}", headers=headers).json()
    (turn,) = detail["transcript"]
    assert turn["text"] == "gọi tôi [SĐT] nhé"
    assert (turn["outcome"], turn["response"], turn["response_ms"]) == (
        "answered",
        "utter_procedure_fee",
        300,
    )
    tg_b = next(i for i in items["items"] if i["first_message"] == "lệ phí giám hộ")
    detail = client.get(f"/api/analytics/conversations/{tg_b['id']}", headers=headers).json()
    assert [(t["text"], t["outcome"]) for t in detail["transcript"]] == [
        ("lệ phí giám hộ", "unknown_fact"),
        ("nuôi ong mật", "no_match"),
        ("abc xyz", "fallback"),
    ]
    assert detail["transcript"][0]["procedure_name"] == "Đăng ký giám hộ"
    assert detail["transcript"][0]["procedure_code"] == "1.004837"
    assert client.get("/api/analytics/conversations/999999", headers=headers).status_code == 404


def test_tags_and_notes_are_kept_and_filterable(client: TestClient) -> None:
    headers = bearer(client, "canbo")
    first = client.get("/api/analytics/conversations", params=SPAN, headers=headers).json()
    target = first["items"][1]["id"]
    note = '<script>alert("x")</script> cần bổ sung lệ phí'
    response = client.patch(
        f"/api/analytics/conversations/{target}",
        json={"tags": ["Thiếu lệ phí", "thiếu lệ phí", " cần-sửa "], "note": note},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tags"] == ["thiếu lệ phí", "cần-sửa"]
    assert body["note"] == note  # stored as written; every page shows it as text
    assert body["reviewed_by"] == "canbo"
    assert listed(client, tag="Thiếu lệ phí") == ["lệ phí giám hộ"]
    assert listed(client, tag="thiếu") == []
    # only the note changes; the tags stay
    again = client.patch(
        f"/api/analytics/conversations/{target}", json={"note": None}, headers=headers
    ).json()
    assert (again["tags"], again["note"]) == (["thiếu lệ phí", "cần-sửa"], None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tags": ["<b>x</b>"]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"note": "n" * 2001}, "note"),
        ({"colour": "red"}, "colour"),
        ({"tags": "not-a-list"}, "tags"),
    ],
)
def test_bad_review_changes_name_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    headers = bearer(client, "canbo")
    target = client.get("/api/analytics/conversations", params=SPAN, headers=headers).json()
    response = client.patch(
        f"/api/analytics/conversations/{target['items'][0]['id']}", json=body, headers=headers
    )
    assert response.status_code == 422
    assert field in json.dumps(response.json(), ensure_ascii=False)


def test_the_unanswered_inbox_groups_similar_questions(
    client: TestClient, broker: Engine, engine: Engine
) -> None:
    more = [
        ("web-q1", user(T0 + 100, "thủ tục nuôi ong mật thế nào", "ask_procedure_overview")),
        ("web-q1", bot(T0 + 100.2, "utter_procedure_not_found")),
        ("web-q2", user(T0 + 200, "NUOI ONG MAT can gi", "ask_procedure_documents")),
        ("web-q2", bot(T0 + 200.2, "utter_procedure_not_found")),
        ("web-q3", user(T0 + 300, "le phi giam ho bao nhieu", "ask_procedure_fee")),
        ("web-q3", bot(T0 + 300.2, "utter_procedure_fee_unknown")),
        ("web-q3", {"event": "slot", "timestamp": T0 + 300.2, "name": "procedure_key",
                    "value": "1.004837"}),
        ("web-q3", {"event": "slot", "timestamp": T0 + 300.2, "name": "last_attribute",
                    "value": "fee"}),
    ]  # fmt: skip
    with broker.begin() as conn:
        conn.execute(
            insert(broker_events_table()),
            [{"sender_id": s, "data": json.dumps(e)} for s, e in more],
        )
    Ingester(engine, broker).run_until_idle()
    body = client.get(
        "/api/analytics/unanswered", params=SPAN, headers=bearer(client, "canbo")
    ).json()
    assert body["questions"] == 6
    groups = [(g["kind"], g["count"], g["suggestion"]) for g in body["groups"]]
    assert groups == [
        ("no_match", 3, "create"),
        ("missing_fact", 2, "update"),
        ("not_understood", 1, "create"),
    ]
    bees, fee, _ = body["groups"]
    assert bees["title"] == "nuôi ong mật"
    assert bees["examples"] == [
        "nuôi ong mật",
        "thủ tục nuôi ong mật thế nào",
        "NUOI ONG MAT can gi",
    ]
    assert fee["procedure"] == {"key": "1.004837", "code": "1.004837", "name": "Đăng ký giám hộ"}
    assert (fee["title"], fee["attribute"]) == ("Chưa có phí, lệ phí: Đăng ký giám hộ", "fee")
    assert len(fee["conversation_ids"]) == 2


def test_csv_exports(client: TestClient) -> None:
    headers = bearer(client, "canbo")
    target = client.get("/api/analytics/conversations", params=SPAN, headers=headers).json()
    first_started = target["items"][0]["started_at"]
    client.patch(
        f"/api/analytics/conversations/{target['items'][0]['id']}",
        json={"note": '=HYPERLINK("http://evil")'},
        headers=headers,
    )
    response = client.get("/api/analytics/conversations.csv", params=SPAN, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == [
        "Mã hội thoại",
        "Bắt đầu (giờ Việt Nam, UTC+7)",
        "Kết thúc (giờ Việt Nam, UTC+7)",
        "Kênh",
    ]
    started = dt.datetime.strptime(rows[1][1], "%Y-%m-%d %H:%M:%S")
    assert started.hour == (dt.datetime.fromisoformat(first_started).hour + 7) % 24
    assert len(rows) == 4
    assert [r[6] for r in rows[1:]] == ["cho gặp cán bộ", "lệ phí giám hộ", "thu tuc lam ho chieu"]
    assert rows[1][-1] == '\'=HYPERLINK("http://evil")'  # never a live formula
    only_handoff = client.get(
        "/api/analytics/conversations.csv", params={**SPAN, "handoff": "true"}, headers=headers
    )
    assert len(list(csv.reader(io.StringIO(only_handoff.text)))) == 2

    report = client.get("/api/analytics/report.csv", params=SPAN, headers=headers)
    assert report.status_code == 200
    measures = {
        row[0]: row[2]
        for row in csv.reader(io.StringIO(report.content.decode("utf-8").lstrip("\ufeff")))
        if len(row) == 3
    }
    assert measures["plan.citizens_helped"] == "1"
    assert measures["plan.catalog_procedures"] == str(len(load_seed_records()))
    assert measures["plan.unanswered_questions"] == "3"
    assert measures["messages"] == "6"
    assert measures["from"] == DAY.isoformat()


ENDPOINTS = [
    ("GET", "/api/analytics/summary"),
    ("GET", "/api/analytics/report.csv"),
    ("GET", "/api/analytics/conversations"),
    ("GET", "/api/analytics/conversations.csv"),
    ("GET", "/api/analytics/conversations/1"),
    ("PATCH", "/api/analytics/conversations/1"),
    ("GET", "/api/analytics/unanswered"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_rejects_a_missing_or_wrong_role(
    client: TestClient, method: str, path: str
) -> None:
    body = {"json": {"tags": []}} if method == "PATCH" else {}
    assert client.request(method, path, **body).status_code == 401
    forged = {"Authorization": "Bearer forged"}
    assert client.request(method, path, headers=forged, **body).status_code == 401
    editor = bearer(client, "bientap")
    assert client.request(method, path, headers=editor, **body).status_code == 403
    for role in ("canbo", "quantri"):
        response = client.request(method, path, headers=bearer(client, role), **body)
        assert response.status_code == 200, (role, response.text)


def test_the_web_session_uses_a_cookie_and_a_csrf_token(engine: Engine, client: TestClient) -> None:
    from api.main import create_app

    with TestClient(create_app(engine), base_url="https://testserver") as web:
        wrong = web.post("/api/auth/session", data={"username": "canbo", "password": "sai"})
        assert wrong.status_code == 401
        login = web.post("/api/auth/session", data={"username": "canbo", "password": PASSWORD})
        assert login.status_code == 200
        csrf = login.json()["csrf_token"]
        cookie = login.headers.get_list("set-cookie")
        session_cookie = next(c for c in cookie if c.startswith("trolyao_session="))
        assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie
        assert "Secure" in session_cookie
        assert web.get("/api/analytics/summary", params=SPAN).status_code == 200
        target = web.get("/api/analytics/conversations", params=SPAN).json()["items"][0]["id"]
        path = f"/api/analytics/conversations/{target}"
        assert web.patch(path, json={"note": "x"}).status_code == 403  # no CSRF token
        forged = web.patch(path, json={"note": "x"}, headers={"X-CSRF-Token": "0" * 40})
        assert forged.status_code == 403
        ok = web.patch(path, json={"note": "x"}, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 200
        other_site = {"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
        assert web.patch(path, json={"note": "x"}, headers=other_site).status_code == 403
        assert (
            web.post(
                "/api/auth/session",
                data={"username": "canbo", "password": PASSWORD},
                headers={"Origin": "https://evil.example"},
            ).status_code
            == 403
        )
        assert web.delete("/api/auth/session").status_code == 403  # sign-out needs it too
        assert web.delete("/api/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert web.get("/api/analytics/summary", params=SPAN).status_code == 401
