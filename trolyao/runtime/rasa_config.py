"""Rasa's endpoints (tracker store, lock store, event broker, actions) from our settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from trolyao.settings import Settings


def _sql_store(url: str) -> dict[str, Any]:
    """Rasa's SQL store keys (dialect, db, host, ...) for a SQLAlchemy-style URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "sqlite":
        path = url.split(":///", 1)[1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {"dialect": "sqlite", "db": path}
    if scheme in ("postgresql", "postgres"):
        store: dict[str, Any] = {"dialect": "postgresql", "db": parts.path.lstrip("/")}
        if parts.hostname:
            store["url"] = parts.hostname
        if parts.port:
            store["port"] = parts.port
        if parts.username:
            store["username"] = unquote(parts.username)
        if parts.password:
            store["password"] = unquote(parts.password)
        return store
    raise ValueError(f"unsupported SQL store URL scheme {parts.scheme!r}")


def endpoints(settings: Settings) -> dict[str, Any]:
    """Return the content of Rasa's ``endpoints.yml`` for ``settings``."""
    action: dict[str, Any] = {"url": f"{settings.action_server_url.rstrip('/')}/webhook"}
    if settings.action_server_token:
        action["token"] = settings.action_server_token  # sent as ?token= with every call
    config: dict[str, Any] = {
        "action_endpoint": action,
        "tracker_store": {
            "type": "rasa_ext.stores.SQLTrackerStore",
            **_sql_store(settings.tracker_store_url),
        },
    }
    if settings.lock_store_url:
        parts = urlsplit(settings.lock_store_url)
        lock: dict[str, Any] = {
            "type": "rasa_ext.locks.RedisTicketLockStore",
            "url": parts.hostname or "127.0.0.1",
            "port": parts.port or 6379,
            "db": int(parts.path.lstrip("/") or 0),
            "key_prefix": "trolyao",
            # a dead replica's ticket frees its conversation within 2 s (renewed every 0.7 s
            # while alive): a retried message is still answered within the edge's deadline
            "ticket_lifetime": 2,
        }
        if parts.password:
            lock["password"] = unquote(parts.password)
        config["lock_store"] = lock
    broker_scheme = urlsplit(settings.event_broker_url).scheme
    if broker_scheme in ("amqp", "amqps"):
        parts = urlsplit(settings.event_broker_url)
        config["event_broker"] = {
            "type": "pika",
            "url": parts.hostname or "127.0.0.1",
            "port": parts.port or 5672,
            "username": unquote(parts.username or "guest"),
            "password": unquote(parts.password or "guest"),
            "queues": [settings.event_broker_queue],
        }
    else:
        config["event_broker"] = {
            "type": "rasa_ext.stores.SQLEventBroker",
            **_sql_store(settings.event_broker_url),
        }
    return config


def write_endpoints(settings: Settings, path: Path) -> Path:
    """Write Rasa's ``endpoints.yml`` for ``settings`` to ``path``, readable by its owner only
    (mode 0600: it holds the action server's token and the stores' and broker's passwords)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(endpoints(settings), sort_keys=False)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)  # also when the file was there before, with a wider mode
    return path
