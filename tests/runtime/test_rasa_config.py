"""Rasa's endpoints come from settings: SQLite by default, PostgreSQL/Redis/RabbitMQ when set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from trolyao.runtime.rasa_config import endpoints, write_endpoints
from trolyao.settings import Settings


def test_defaults_are_sqlite_files_and_the_local_action_server(tmp_path: Path) -> None:
    settings = Settings(
        tracker_store_url=f"sqlite:///{tmp_path / 'var' / 't.db'}",
        event_broker_url=f"sqlite:///{tmp_path / 'var' / 'e.db'}",
    )
    config = endpoints(settings)
    assert config["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}
    assert config["tracker_store"] == {
        "type": "rasa_ext.stores.SQLTrackerStore",
        "dialect": "sqlite",
        "db": str(tmp_path / "var" / "t.db"),
    }
    assert config["event_broker"]["type"] == "rasa_ext.stores.SQLEventBroker"
    assert "lock_store" not in config  # in memory: one engine process
    assert (tmp_path / "var").is_dir()


def test_production_urls_select_postgresql_redis_and_rabbitmq() -> None:
    settings = Settings(
        tracker_store_url="postgresql://bot:s%40cret@db.internal:5433/tracker",
        lock_store_url="redis://:pw@127.0.0.1:6380/2",
        event_broker_url="amqp://user:pass@127.0.0.1:5672",
        event_broker_queue="events",
    )
    config = endpoints(settings)
    assert config["tracker_store"] == {
        "type": "rasa_ext.stores.SQLTrackerStore",
        "dialect": "postgresql",
        "db": "tracker",
        "url": "db.internal",
        "port": 5433,
        "username": "bot",
        "password": "s@cret",
    }
    assert config["lock_store"] == {
        "type": "rasa_ext.locks.RedisTicketLockStore",
        "url": "127.0.0.1",
        "port": 6380,
        "db": 2,
        "key_prefix": "trolyao",
        "ticket_lifetime": 2,
        "password": "pw",
    }
    assert config["event_broker"] == {
        "type": "pika",
        "url": "127.0.0.1",
        "port": 5672,
        "username": "user",
        "password": "pass",
        "queues": ["events"],
    }


def test_written_file_is_yaml_rasa_can_read(tmp_path: Path) -> None:
    path = write_endpoints(
        Settings(tracker_store_url=f"sqlite:///{tmp_path / 't.db'}"), tmp_path / "endpoints.yml"
    )
    assert yaml.safe_load(path.read_text())["tracker_store"]["db"] == str(tmp_path / "t.db")


def test_the_written_endpoints_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "endpoints.yml"
    path.write_text("old: 1\n")
    path.chmod(0o644)  # a file left from before, with a wide mode
    settings = Settings(
        action_server_token="s" * 40,
        tracker_store_url="postgresql+psycopg://u:secret-pw@127.0.0.1:5432/t",
    )
    write_endpoints(settings, path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert yaml.safe_load(path.read_text())["action_endpoint"]["token"] == "s" * 40


@pytest.mark.parametrize(
    "name",
    [
        "edge_engine_token",
        "action_server_token",
        "channel_token_key",
        "telegram_webhook_secret",
        "telegram_id_secret",
        "zalo_id_secret",
    ],
)
def test_every_secret_of_ours_has_a_minimum_length(name: str) -> None:
    with pytest.raises(ValidationError):
        Settings(**{name: "short-secret"})
    assert getattr(Settings(**{name: "s" * 32}), name) == "s" * 32
