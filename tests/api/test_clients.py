"""The client's address behind proxies: X-Forwarded-For believed only from TRUSTED_PROXIES,
read from the right, skipping trusted hops (api/clients.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.requests import Request

from api.clients import client_address
from tests.support.assistant import serve_api
from trolyao.settings import Settings, get_settings


def _request(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request(
        {"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 5)}
    )


@pytest.fixture
def proxies(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.2, 10.1.0.0/16")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_without_trusted_proxies_a_forged_header_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    get_settings.cache_clear()
    try:
        assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    finally:
        get_settings.cache_clear()


@pytest.mark.usefixtures("proxies")
def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address(_request("203.0.113.7", "198.51.100.1, 10.0.0.2")) == "203.0.113.7"


@pytest.mark.usefixtures("proxies")
def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() -> None:
    # the client forged "1.1.1.1" to the left; the proxy appended the real address
    assert client_address(_request("10.0.0.2", "1.1.1.1, 198.51.100.9")) == "198.51.100.9"
    # trusted hops (a second proxy in 10.1.0.0/16) are skipped, in one header or several
    assert client_address(_request("10.0.0.2", "198.51.100.9, 10.1.4.4")) == "198.51.100.9"
    assert client_address(_request("10.1.0.3", "1.1.1.1, 198.51.100.9", "10.0.0.2")) == (
        "198.51.100.9"
    )
    # ports and IPv6 as proxies write them
    assert client_address(_request("10.0.0.2", "198.51.100.9:4711")) == "198.51.100.9"
    assert client_address(_request("10.0.0.2", "[2001:db8::5]:80")) == "2001:db8::5"
    # no header: the proxy itself
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"
    # a hostile, non-address entry is the client's (cut short), never a proxy's
    assert client_address(_request("10.0.0.2", "x" * 500)) == "x" * 64


@pytest.mark.parametrize("value", ["*", "0.0.0.0/0", "::/0", "proxy.example", "10.0.0.2,*"])
def test_trusting_every_sender_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="TRUSTED_PROXIES"):
        Settings(trusted_proxies=value)


def test_two_clients_behind_a_trusted_proxy_have_their_own_sign_in_limits(
    engine: Engine, tmp_path: Path
) -> None:
    url = str(engine.url.render_as_string(hide_password=False))
    with serve_api(url, tmp_path, TRUSTED_PROXIES="127.0.0.1") as base:

        def attempts(client: str, names: list[str]) -> list[int]:
            return [
                httpx.post(
                    f"{base}/api/auth/token",
                    data={"username": name, "password": "x" * 12},
                    headers={"X-Forwarded-For": client},
                ).status_code
                for name in names
            ]

        # the per-address limit (30 a minute): 20 each, 40 in all, none refused
        first = attempts("198.51.100.1", [f"a{i}" for i in range(20)])
        second = attempts("198.51.100.2", [f"b{i}" for i in range(20)])
        assert set(first) == set(second) == {401}
        # the lockout: "admin" locked for one client after 5 failures, not for another
        assert attempts("198.51.100.3", ["admin"] * 6)[-1] == 429
        assert attempts("198.51.100.4", ["admin"]) == [401]
        # and without a trusted proxy, every client is the proxy: the limit is shared
    with serve_api(url, tmp_path) as base:
        shared = attempts("198.51.100.1", [f"c{i}" for i in range(20)])
        shared += attempts("198.51.100.2", [f"d{i}" for i in range(20)])
    assert 429 in shared
