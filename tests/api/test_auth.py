"""Staff authentication: accounts, argon2, bearer tokens with expiry, roles, lockout."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from api.deps import require_roles
from api.main import create_app
from tests.support.assistant import serve_api
from tests.support.staff import PASSWORD
from trolyao.accounts.auth import AuthError, InvalidUser, authenticate, create_user
from trolyao.accounts.models import ApiToken, User


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with Session(engine) as session, session.begin():
        create_user(session, "canbo", PASSWORD, "official")
        create_user(session, "quantri", PASSWORD, "admin")
    with TestClient(create_app(engine)) as client:
        yield client


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, object]:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    return {"status": response.status_code, **response.json()}


def test_passwords_are_stored_as_argon2_hashes(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        user = create_user(session, "Nguoi.Dung", PASSWORD, "editor")
        assert user.username == "nguoi.dung"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("username", "password", "role"),
    [
        ("ab", PASSWORD, "admin"),
        ("ok_name", "short", "admin"),
        ("ok_name", PASSWORD, "root"),
        ("bad name!", PASSWORD, "admin"),
    ],
)
def test_invalid_accounts_are_refused(
    engine: Engine, username: str, password: str, role: str
) -> None:
    with Session(engine) as session, pytest.raises(InvalidUser):
        create_user(session, username, password, role)


def test_token_flow(client: TestClient) -> None:
    result = login(client, "canbo")
    assert result["status"] == 200
    assert result["token_type"] == "bearer" and result["role"] == "official"
    assert result["expires_in"] == 3600
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {result['access_token']}"})
    assert me.json() == {"username": "canbo", "role": "official"}


def test_signing_out_with_a_bearer_token_revokes_it(client: TestClient) -> None:
    token = login(client, "canbo")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    other = {"Authorization": f"Bearer {login(client, 'canbo')['access_token']}"}
    assert client.delete("/api/auth/session", headers=headers).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.get("/api/auth/me", headers=other).status_code == 200  # only that token


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic Y2FuYm86eA=="}]
)
def test_missing_or_invalid_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_401(client: TestClient, engine: Engine) -> None:
    token = login(client, "canbo")["access_token"]
    with Session(engine) as session, session.begin():
        session.execute(
            update(ApiToken).values(
                expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
            )
        )
    assert (
        client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def test_tokens_are_stored_hashed(client: TestClient, engine: Engine) -> None:
    token = str(login(client, "canbo")["access_token"])
    with Session(engine) as session:
        hashes = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in hashes and len(hashes) == 1


def test_wrong_password_is_401_and_locks_after_repeated_failures(client: TestClient) -> None:
    for _ in range(5):
        assert login(client, "canbo", "sai-mat-khau-roi")["status"] == 401
    locked = client.post("/api/auth/token", data={"username": "canbo", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 60
    assert login(client, "quantri")["status"] == 200  # other accounts unaffected


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client: TestClient) -> None:
    unknown = login(client, "khongco", PASSWORD)
    wrong = login(client, "canbo", "sai-mat-khau-roi")
    assert unknown == wrong == {"status": 401, "detail": "Sai tên đăng nhập hoặc mật khẩu."}


def test_an_unknown_name_is_locked_exactly_like_an_account(client: TestClient) -> None:
    for name in ("canbo", "khongco"):
        for _ in range(5):
            assert login(client, name, "sai-mat-khau-roi")["status"] == 401
    known = client.post("/api/auth/token", data={"username": "canbo", "password": "x" * 12})
    unknown = client.post("/api/auth/token", data={"username": "khongco", "password": "x" * 12})
    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()


def test_a_stranger_elsewhere_cannot_lock_an_official_out(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        create_user(session, "can.bo.xa", PASSWORD, "official")
    rules = {"max_failures": 3, "lockout": dt.timedelta(minutes=15)}
    with Session(engine) as session, session.begin():
        for _ in range(3):
            with pytest.raises(AuthError):
                authenticate(session, "can.bo.xa", "x" * 12, client="203.0.113.9", **rules)
    with Session(engine) as session, session.begin():
        with pytest.raises(AuthError):  # locked from the stranger's address
            authenticate(session, "can.bo.xa", PASSWORD, client="203.0.113.9", **rules)
        user = authenticate(session, "can.bo.xa", PASSWORD, client="10.1.2.3", **rules)
        assert user.username == "can.bo.xa"  # the official's own office still signs in


def test_lock_expires(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        create_user(session, "tam.khoa", PASSWORD, "editor")
    now = dt.datetime.now(dt.timezone.utc)
    with Session(engine) as session, session.begin():
        for _ in range(2):
            with pytest.raises(AuthError):
                authenticate(
                    session,
                    "tam.khoa",
                    "x" * 12,
                    max_failures=2,
                    lockout=dt.timedelta(minutes=15),
                    now=now,
                )
        with pytest.raises(AuthError):
            authenticate(
                session,
                "tam.khoa",
                PASSWORD,
                max_failures=2,
                lockout=dt.timedelta(minutes=15),
                now=now,
            )
        later = now + dt.timedelta(minutes=16)
        user = authenticate(
            session,
            "tam.khoa",
            PASSWORD,
            max_failures=2,
            lockout=dt.timedelta(minutes=15),
            now=later,
        )
        assert user.username == "tam.khoa"


def test_roles_are_enforced() -> None:
    official = User(username="canbo", role="official", password_hash="x", active=True)
    assert require_roles("official", "admin")(official) is official
    with pytest.raises(HTTPException) as caught:
        require_roles("admin", "editor")(official)
    assert caught.value.status_code == 403


def test_cli_creates_a_user_with_the_password_on_stdin(fresh_url: str, tmp_path: Path) -> None:
    trolyao = str(Path(sys.executable).parent / "trolyao")
    env = {**os.environ, "DATABASE_URL": fresh_url}
    subprocess.run([trolyao, "db", "upgrade"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [trolyao, "users", "create", "--username", "admin1", "--role", "admin"],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout
    listed = subprocess.run(
        [trolyao, "users", "list"], env=env, capture_output=True, text=True, check=True
    )
    assert listed.stdout.strip() == "admin1\tadmin"
    short = subprocess.run(
        [trolyao, "users", "create", "--username", "x2y", "--role", "admin"],
        input="short\n",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert short.returncode == 2 and "Mật khẩu" in short.stderr


def test_a_forged_forwarded_address_does_not_escape_the_login_limit(
    engine: Engine, tmp_path: Path
) -> None:

    url = str(engine.url.render_as_string(hide_password=False))
    with serve_api(url, tmp_path) as base:
        codes = [
            httpx.post(
                f"{base}/api/auth/token",
                data={"username": "nobody", "password": "x" * 12},
                headers={"X-Forwarded-For": f"10.0.{i // 250}.{i % 250}"},
            ).status_code
            for i in range(35)
        ]
    assert 429 in codes  # 30 a minute per address, and the address is the real one


def test_guesses_from_many_addresses_slow_down_per_account_but_not_the_owners_browser(
    engine: Engine,
) -> None:
    from trolyao.accounts.auth import (
        ACCOUNT_FREE_FAILURES,
        AccountThrottled,
        device_token,
    )

    with Session(engine) as session, session.begin():
        owner = create_user(session, "chu.tk", PASSWORD, "official")
        device = device_token(owner)  # the owner's browser signed in before
    rules = {"max_failures": 5, "lockout": dt.timedelta(minutes=15)}
    now = dt.datetime.now(dt.timezone.utc)
    with Session(engine) as session, session.begin():
        for i in range(ACCOUNT_FREE_FAILURES):  # one guess from each of many addresses
            with pytest.raises(AuthError) as raised:
                authenticate(
                    session, "chu.tk", "x" * 12, client=f"198.51.100.{i}", now=now, **rules
                )
            assert not isinstance(raised.value, AccountThrottled)
        # the tenth set a delay (1 s, then 2 s, 4 s …): meanwhile nothing is even checked
        with pytest.raises(AccountThrottled):
            authenticate(session, "chu.tk", "x" * 12, client="198.51.100.50", now=now, **rules)
        with pytest.raises(AccountThrottled) as waiting:
            authenticate(session, "chu.tk", PASSWORD, client="203.0.113.1", now=now, **rules)
        assert waiting.value.until == now + dt.timedelta(seconds=1)
        # the owner's browser is not delayed, and signing in clears the count
        user = authenticate(
            session, "chu.tk", PASSWORD, client="203.0.113.1", device=device, now=now, **rules
        )
        assert user.username == "chu.tk"
    later = now + dt.timedelta(seconds=2)
    with Session(engine) as session, session.begin():
        authenticate(session, "chu.tk", PASSWORD, client="203.0.113.2", now=later, **rules)


def test_the_delay_doubles_and_holds_for_unknown_names_alike(engine: Engine) -> None:
    from trolyao.accounts.auth import ACCOUNT_FREE_FAILURES, AccountThrottled

    rules = {"max_failures": 5, "lockout": dt.timedelta(minutes=15)}
    now = dt.datetime.now(dt.timezone.utc)
    delays = []
    with Session(engine) as session, session.begin():
        for i in range(ACCOUNT_FREE_FAILURES):
            with pytest.raises(AuthError):
                authenticate(session, "khong.co", "x" * 12, client=f"10.9.0.{i}", now=now, **rules)
        for i in range(4):
            with pytest.raises(AccountThrottled) as waiting:
                authenticate(session, "khong.co", "x" * 12, client="10.9.1.1", now=now, **rules)
            delays.append((waiting.value.until - now).total_seconds())
            now = waiting.value.until  # waited it out; one more wrong guess
            with pytest.raises(AuthError):
                authenticate(session, "khong.co", "x" * 12, client=f"10.9.2.{i}", now=now, **rules)
    assert delays == [1.0, 2.0, 4.0, 8.0]


def test_a_device_cookie_is_set_at_sign_in_and_voided_by_a_new_password(
    client: TestClient, engine: Engine
) -> None:
    from trolyao.accounts.auth import hash_password, known_device

    response = client.post("/api/auth/token", data={"username": "canbo", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "trolyao_device=" in cookie and "HttpOnly" in cookie and "Path=/api/auth" in cookie
    assert "samesite=strict" in cookie.lower()
    token = client.cookies.get("trolyao_device")
    with Session(engine) as session, session.begin():
        user = session.scalar(select(User).where(User.username == "canbo"))
        assert user is not None and known_device(user, token)
        assert not known_device(user, (token or "")[:-1] + "0")
        user.password_hash = hash_password("mat-khau-moi-hoan-toan")
        assert not known_device(user, token)


def test_sign_in_fails_closed_when_the_shared_limiter_is_unreachable() -> None:
    import asyncio

    from edge.shared import RedisLimiter

    class DeadRedis:
        def register_script(self, _script: str) -> object:
            async def run(**_kwargs: object) -> float:
                raise ConnectionError("redis down")

            return run

    login = RedisLimiter(DeadRedis(), "login", 30, 60.0, fail_closed=True)
    chat = RedisLimiter(DeadRedis(), "client", 30, 60.0)
    assert asyncio.run(login.hit("203.0.113.5")) == 60.0  # refused: wait the window
    assert asyncio.run(chat.hit("203.0.113.5")) == 0.0  # a citizen's message is never lost
