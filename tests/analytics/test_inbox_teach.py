"""Unanswered inbox -> knowledge: an official attaches a failed question to the procedure it
was about; it is published at once, audited, and search finds it at the next question."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.support.staff import bearer, staff_client
from trolyao.audit import AuditEntry
from trolyao.kb.search import ProcedureSearch

URL = "/api/analytics/unanswered/attach"
QUESTION = "nhà tôi nuôi ong lấy mật cần giấy gì"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with staff_client(engine) as client:
        yield client


def test_an_official_teaches_a_question_and_search_finds_it(
    client: TestClient, engine: Engine
) -> None:
    search = ProcedureSearch(engine)
    assert search.search(QUESTION, 5).hits[0].name != "Xác định mức độ khuyết tật"
    response = client.post(
        URL,
        json={"question": QUESTION, "procedure": "1.001699"},
        headers=bearer(client, "canbo"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["procedure"]["name"] == "Xác định mức độ khuyết tật"
    assert body["added_to"] == "tinh_huong" and QUESTION in body["tinh_huong"]
    assert search.search(QUESTION, 5).hits[0].name == "Xác định mức độ khuyết tật"
    public = client.get("/api/procedures/1.001699").json()
    assert QUESTION in public["tinh_huong"]
    with Session(engine) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "teach_question")
        ).one()
    assert (entry.username, entry.target) == ("canbo", "1.001699")
    again = client.post(
        URL, json={"question": QUESTION, "procedure": "1.001699"}, headers=bearer(client, "canbo")
    )
    assert again.json()["tinh_huong"].count(QUESTION) == 1  # taught once


def test_an_editor_may_add_it_as_an_alias(client: TestClient) -> None:
    response = client.post(
        URL,
        json={"question": "giấy chứng nhận người tàn tật", "procedure": "1.001699", "as": "alias"},
        headers=bearer(client, "bientap"),
    )
    assert response.status_code == 200
    assert "giấy chứng nhận người tàn tật" in response.json()["ten_goi_khac"]


def test_bad_requests_are_clear(client: TestClient) -> None:
    headers = bearer(client, "canbo")
    assert (
        client.post(
            URL, json={"question": QUESTION, "procedure": "9.999999"}, headers=headers
        ).status_code
        == 404
    )
    assert (
        client.post(
            URL, json={"question": "   ", "procedure": "1.001699"}, headers=headers
        ).status_code
        == 422
    )
    assert (
        client.post(
            URL, json={"question": QUESTION, "procedure": "../x"}, headers=headers
        ).status_code
        == 422
    )
    assert client.post(URL, json={"question": QUESTION, "procedure": "1.001699"}).status_code == 401


def test_a_pending_draft_is_not_buried(client: TestClient) -> None:
    admin = bearer(client, "quantri")
    record = client.get("/api/admin/procedures/1.001699", headers=admin).json()
    record["status"] = "draft"
    record["yeu_cau_dieu_kien"] = "Bản nháp đang chờ duyệt."
    assert (
        client.put("/api/admin/procedures/1.001699", json=record, headers=admin).status_code == 200
    )
    response = client.post(
        URL, json={"question": QUESTION, "procedure": "1.001699"}, headers=bearer(client, "canbo")
    )
    assert response.status_code == 409
    assert "bản nháp" in response.json()["detail"]
