"""Private answers are never cached; the docs page has a strict CSP and cannot be framed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.main import create_app
from tests.support.staff import bearer, staff_client


def test_staff_and_chat_json_is_never_cached_and_the_catalogue_may_be(engine: Engine) -> None:
    with staff_client(engine) as client:
        headers = bearer(client, "canbo")
        for path in ("/api/handoffs", "/api/analytics/summary"):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, path
            assert response.headers["cache-control"] == "no-store", path
        denied = client.get("/api/handoffs")
        assert denied.status_code == 401 and denied.headers["cache-control"] == "no-store"
        chat = client.post("/api/chat/messages", json={"session_id": "h" * 16, "text": ""})
        assert chat.headers["cache-control"] == "no-store"
        public = client.get("/api/procedures/2.000200")
        assert public.status_code == 200 and "no-store" not in public.headers.get(
            "cache-control", ""
        )


def test_the_docs_page_has_a_strict_csp_and_cannot_be_framed(engine: Engine) -> None:
    with TestClient(create_app(engine)) as client:
        page = client.get("/docs")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert page.headers["x-frame-options"] == "DENY"
