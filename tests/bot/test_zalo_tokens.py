"""Zalo's tokens at rest: encrypted with a key from the environment, readable after a key
rotation, and refreshed by one replica at a time (the refresh token is single-use)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bench.peers.zalo import FakeZalo
from bot.zalo import StoredTokens, Tokens, ZaloApi
from trolyao.deliveries import (
    ChannelTokens,
    TokenCipher,
    TokenKeyMissing,
    load_tokens,
    save_tokens,
)
from trolyao.settings import Settings

KEY = "channel-token-key-" + "x" * 20
NEW_KEY = "channel-token-key-" + "y" * 20


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    """Zalo's API; a refresh takes half a second: the other replica arrives meanwhile."""
    fake = FakeZalo(access="a0", refresh="r0", refresh_delay=0.5).start()
    yield fake
    fake.stop()


def test_tokens_are_encrypted_at_rest_and_survive_a_key_rotation(engine: Engine) -> None:
    with Session(engine) as session:
        save_tokens(session, "zalo", "access-A", "refresh-A", TokenCipher(KEY))
        raw = session.get(ChannelTokens, "zalo")
        assert raw is not None and "access-A" not in raw.access_token
        assert raw.refresh_token and "refresh-A" not in raw.refresh_token
    with Session(engine) as session:  # rotated: the new key, the old one to read with
        rotated = TokenCipher(NEW_KEY, old_keys=KEY)
        assert load_tokens(session, "zalo", rotated) == ("access-A", "refresh-A")
        save_tokens(session, "zalo", "access-B", "refresh-B", rotated)
    with Session(engine) as session:  # the old key may now go
        assert load_tokens(session, "zalo", TokenCipher(NEW_KEY)) == ("access-B", "refresh-B")
        with pytest.raises(TokenKeyMissing):
            load_tokens(session, "zalo", TokenCipher(KEY))


def test_a_pair_stored_in_clear_before_is_encrypted_when_first_read(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.add(ChannelTokens(channel="zalo", access_token="old-a", refresh_token="old-r"))
    with Session(engine) as session:
        assert load_tokens(session, "zalo", TokenCipher(KEY)) == ("old-a", "old-r")
    with Session(engine) as session:
        raw = session.get(ChannelTokens, "zalo")
        assert raw is not None and "old-a" not in raw.access_token


def test_no_key_no_tokens_kept() -> None:
    with pytest.raises(TokenKeyMissing, match="CHANNEL_TOKEN_KEY"):
        TokenCipher(None)
    with pytest.raises(TokenKeyMissing):
        TokenCipher("short")


def test_two_replicas_refreshing_at_once_spend_the_refresh_token_once(
    engine: Engine, zalo: FakeZalo
) -> None:
    settings = Settings(
        zalo_app_id="1",
        zalo_app_secret="s",
        channel_token_key=KEY,
        zalo_oauth_base_url=zalo.base_url,
    )
    first = StoredTokens(engine, TokenCipher(KEY))
    first.save(Tokens("a0", "r0"))

    async def both() -> tuple[Tokens, Tokens]:
        replicas = [
            ZaloApi(settings, Tokens("a0", "r0"), StoredTokens(engine, TokenCipher(KEY)))
            for _ in range(2)
        ]
        await asyncio.gather(*(r.refresh() for r in replicas))
        for r in replicas:
            await r.aclose()
        return replicas[0].tokens, replicas[1].tokens

    one, two = asyncio.run(both())
    assert [r["refresh_token"] for r in zalo.refreshes] == ["r0"]  # spent once
    assert one == two == Tokens("access-2", "refresh-2")
    assert first.load() == Tokens("access-2", "refresh-2")
