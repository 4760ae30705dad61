"""The hot-path fixes to Rasa 3.6.21: one test per patch, the version guard, the entry point."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from types import SimpleNamespace

import pytest
import rasa
import rasa.core.run
import rasa.shared.utils.common as common
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

from rasa_ext import patches


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    assert patches.install() is True


def test_action_responses_are_still_validated() -> None:
    action = RemoteAction("action_x", EndpointConfig("http://127.0.0.1:1"))
    assert action._validate_action_result({"events": [], "responses": [{"text": "x"}]})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": 3}], "responses": []})
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list"})


def test_subclass_lookup_finds_every_event_type_and_later_grandchildren() -> None:
    names = {cls.type_name for cls in common.all_subclasses(Event)}
    assert {"user", "bot", "slot", "action", "session_started"} <= names

    class Base:
        pass

    class Child(Base):
        pass

    assert common.all_subclasses(Base) == [Child]

    class GrandChild(Child):  # a new class deeper than the direct subclasses
        pass

    assert set(common.all_subclasses(Base)) == {Child, GrandChild}


def test_action_server_sessions_are_kept_alive_and_closed_at_shutdown() -> None:
    endpoint = EndpointConfig("http://127.0.0.1:1")

    async def scenario() -> None:
        async with endpoint.session() as first:
            pass
        assert not first.closed  # leaving the block keeps the connection pool
        async with endpoint.session() as second:
            assert second is first
        app = SimpleNamespace(ctx=SimpleNamespace())  # a server stopping with no agent
        await rasa.core.run.close_resources(app, asyncio.get_running_loop())
        assert first.closed
        async with endpoint.session() as third:
            assert third is not first and not third.closed
        assert await patches.close_shared_sessions() == 1

    asyncio.run(scenario())


def test_another_rasa_version_is_not_patched(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(patches, "_installed", False)
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    monkeypatch.setattr(common, "all_subclasses", common.all_subclasses)
    before = RemoteAction._validate_action_result
    with caplog.at_level(logging.WARNING):
        assert patches.install() is False
    assert RemoteAction._validate_action_result is before
    assert "Rasa 3.7.0 is not 3.6.21" in caplog.text


def test_the_engine_command_is_rasa_with_the_patches() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rasa_ext.engine", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "3.6.21" in done.stdout


def test_the_engine_stops_waiting_for_a_slow_action_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rasa waits 300 s for an action by default; ours gives up at ACTION_TIMEOUT_SECONDS,
    a little before the edge's deadline, so a turn the edge gave up on does not go on."""
    import asyncio
    import time

    import rasa.core.actions.action as action_module
    from aiohttp import web
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.exceptions import RasaException
    from rasa.utils.endpoints import EndpointConfig

    from rasa_ext import patches

    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setattr(action_module, "DEFAULT_REQUEST_TIMEOUT", 300)
    patches._install_action_timeout()
    assert action_module.DEFAULT_REQUEST_TIMEOUT == 0.5

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({"events": [], "responses": []})

    async def scenario() -> float:
        app = web.Application()
        app.router.add_post("/webhook", slow)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        action = RemoteAction("action_slow", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        domain = Domain.empty()
        started = time.monotonic()
        try:
            # Rasa's processor logs either and ends the turn ("Bot will continue")
            with pytest.raises((RasaException, asyncio.TimeoutError)):
                await action.run(
                    CollectingOutputChannel(),
                    TemplatedNaturalLanguageGenerator(domain.responses),
                    DialogueStateTracker("s", []),
                    domain,
                )
            waited = time.monotonic() - started
        finally:
            await runner.shutdown()
        return waited

    assert asyncio.run(scenario()) < 2.0
