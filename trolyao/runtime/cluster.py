"""``trolyao cluster`` (``make cluster``): on one machine, the topology a province runs
across machines — two of each part behind HAProxy, the shared state in the machine's
PostgreSQL, Redis and RabbitMQ.

    127.0.0.1:8080  HAProxy "public"  → api1 :8001, api2 :8002        (the API, /readyz, web chat)
    127.0.0.1:8082  HAProxy "engines" → engine1 :5005, engine2 :5006  (the edge's calls)
    127.0.0.1:8081  HAProxy "actions" → actions1 :5055, actions2 :5056 (the engines' calls)

    engines: PostgreSQL tracker store, Redis lock store (one conversation in order across
    replicas), RabbitMQ event broker → the worker → analytics (PostgreSQL)
    API replicas: the same PostgreSQL database (the channels' redelivery memory too);
    rate limits, button payloads and answered message ids in Redis (REDIS_URL)

Why HAProxy (Debian's package) and not nginx: open-source HAProxy checks each replica
actively (``option httpchk``) and takes a dead one out within a second, and it retries a
request on the other replica only when the connection failed (``retry-on conn-failure``):
the request never reached the dead one, so no turn is applied twice. Open-source nginx only
notices a dead upstream when a citizen's request fails on it.

Every child is supervised (restarted with backoff, said in the log); each PID is in
``var/cluster/<name>.pid``; "The cluster is ready" is printed once ``/readyz`` answers 200
through the balancer; Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from trolyao.runtime.engine import engine_env, engine_ready, engine_run_argv, ensure_model
from trolyao.runtime.rasa_config import write_endpoints
from trolyao.runtime.supervisor import APP_BIN, Process, action_server_argv, supervise
from trolyao.settings import PROJECT_ROOT, Settings

CLUSTER_DIR = PROJECT_ROOT / "var" / "cluster"


@dataclass(frozen=True)
class Topology:
    """Ports and stores of the cluster (defaults: this machine's services)."""

    postgres_admin: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    app_database: str = "trolyao_cluster"
    tracker_database: str = "trolyao_cluster_tracker"
    redis: str = "redis://127.0.0.1:6379"
    amqp: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    queue: str = "trolyao_cluster_events"
    engines: tuple[int, ...] = (5005, 5006)
    actions: tuple[int, ...] = (5055, 5056)
    apis: tuple[int, ...] = (8001, 8002)
    public_port: int = 8080
    actions_port: int = 8081
    engines_port: int = 8082
    folder: Path = CLUSTER_DIR

    @classmethod
    def from_base(cls, base: int, **changes: object) -> Topology:
        """Every port from ``base`` (engines, actions, APIs, then the three fronts)."""
        return cls(
            engines=(base, base + 1),
            actions=(base + 2, base + 3),
            apis=(base + 4, base + 5),
            public_port=base + 6,
            actions_port=base + 7,
            engines_port=base + 8,
            **changes,  # type: ignore[arg-type]
        )

    def database_url(self, name: str) -> str:
        base = self.postgres_admin.rsplit("/", 1)[0]
        return f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


def ensure_databases(topology: Topology) -> None:
    """Create the cluster's two PostgreSQL databases if they are missing (idempotent)."""
    with psycopg.connect(topology.postgres_admin, autocommit=True) as conn:
        for name in (topology.app_database, topology.tracker_database):
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not found:
                conn.execute(f'CREATE DATABASE "{name}"')


def haproxy_config(topology: Topology) -> str:
    """HAProxy's configuration: three balanced fronts, active checks, safe retries."""

    def servers(name: str, ports: tuple[int, ...]) -> str:
        return "\n".join(
            f"    server {name}{i} 127.0.0.1:{port} check inter 1s fall 2 rise 1"
            for i, port in enumerate(ports, start=1)
        )

    return f"""# Written by trolyao cluster (trolyao/runtime/cluster.py); do not edit.
global
    maxconn 4096

defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout check 2s
    option redispatch
    retries 1
    # a request is tried on the other replica only when it never reached the first
    retry-on conn-failure

frontend public
    bind 127.0.0.1:{topology.public_port}
    option forwardfor
    default_backend api

backend api
    balance roundrobin
    option httpchk GET /livez
    errorfile 503 {topology.folder / "unavailable.http"}
{servers("api", topology.apis)}

frontend engines
    bind 127.0.0.1:{topology.engines_port}
    default_backend engine

backend engine
    balance roundrobin
    option httpchk GET /
{servers("engine", topology.engines)}

frontend actions
    bind 127.0.0.1:{topology.actions_port}
    default_backend actions

backend actions
    balance roundrobin
    option httpchk GET /health
{servers("actions", topology.actions)}
"""


def unavailable_response() -> bytes:
    """What the balancer answers when no API replica is up: the assistant's own polite
    sentence, in the chat API's shape, never an HTML error page."""
    import json

    from trolyao.replies import edge_reply

    body = json.dumps(
        {"messages": [{"text": edge_reply("unavailable"), "buttons": []}], "code": "unavailable"},
        ensure_ascii=False,
    ).encode()
    head = (
        "HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\nConnection: close\r\n"
        f"Content-Type: application/json; charset=utf-8\r\nRetry-After: 5\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def cluster_settings(base: Settings, topology: Topology) -> Settings:
    """The settings every process of the cluster shares."""
    return base.model_copy(
        update={
            "database_url": topology.database_url(topology.app_database),
            "tracker_store_url": topology.database_url(topology.tracker_database),
            "lock_store_url": f"{topology.redis}/0",
            "redis_url": f"{topology.redis}/1",
            "event_broker_url": topology.amqp,
            "event_broker_queue": topology.queue,
            "rasa_url": f"http://127.0.0.1:{topology.engines_port}",
            "action_server_url": f"http://127.0.0.1:{topology.actions_port}",
            # HAProxy on the loopback is the APIs' only proxy: its X-Forwarded-For is believed
            "trusted_proxies": "127.0.0.1",
        }
    )


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "TRACKER_STORE_URL": settings.tracker_store_url,
        "LOCK_STORE_URL": settings.lock_store_url or "",
        "REDIS_URL": settings.redis_url or "",
        "EVENT_BROKER_URL": settings.event_broker_url,
        "EVENT_BROKER_QUEUE": settings.event_broker_queue,
        "RASA_URL": settings.rasa_url,
        "ACTION_SERVER_URL": settings.action_server_url,
        "TRUSTED_PROXIES": settings.trusted_proxies,
        **extra,
    }


def _ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def build_cluster(settings: Settings, topology: Topology, haproxy: str) -> list[Process]:
    """The cluster's processes, in start order."""
    folder = topology.folder
    folder.mkdir(parents=True, exist_ok=True)
    endpoints = write_endpoints(settings, folder / "endpoints.yml")
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(topology))
    (folder / "unavailable.http").write_bytes(unavailable_response())
    out: list[Process] = []
    for i, port in enumerate(topology.actions, start=1):
        out.append(
            Process(
                f"actions{i}",
                action_server_argv(port),
                _env(settings, SANIC_HOST="127.0.0.1"),
                lambda port=port: _ok(f"http://127.0.0.1:{port}/health"),  # type: ignore[misc]
            )
        )
    timeout = str(max(1.0, settings.engine_timeout_seconds - 0.5))
    for i, port in enumerate(topology.engines, start=1):
        argv = engine_run_argv(port, endpoints)
        env = engine_env(ACTION_TIMEOUT_SECONDS=timeout)
        env.update(_env(settings))
        out.append(
            Process(
                f"engine{i}",
                argv,
                env,
                lambda port=port: engine_ready(  # type: ignore[misc]
                    f"http://127.0.0.1:{port}", settings.edge_engine_token
                ),
            )
        )
    out.append(Process("balancer", [haproxy, "-f", str(config), "-db"], dict(os.environ)))
    for i, port in enumerate(topology.apis, start=1):
        out.append(
            Process(
                f"api{i}",
                [str(APP_BIN / "trolyao"), "api", "--host", "127.0.0.1", "--port", str(port)],
                _env(settings, API_PORT=str(port)),
                lambda port=port: _ok(f"http://127.0.0.1:{port}/healthz"),  # type: ignore[misc]
            )
        )
    out.append(Process("worker", [str(APP_BIN / "trolyao"), "worker"], _env(settings)))
    readyz = f"http://127.0.0.1:{topology.public_port}/readyz"
    out[-1].ready = lambda: _ok(readyz)
    return out


def run_cluster(base: Settings, topology: Topology | None = None) -> int:
    """Bring the cluster up; return on Ctrl-C."""
    topology = topology or Topology()
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        print("» HAProxy is missing: make cluster installs it (apt-get install haproxy)")
        return 2
    ensure_model()
    ensure_databases(topology)
    settings = cluster_settings(base, topology)
    from sqlalchemy.orm import Session

    from trolyao.db import make_engine
    from trolyao.kb.seed import seed_all
    from trolyao.migrate import upgrade

    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with Session(engine) as session, session.begin():
        seed_all(session)
    engine.dispose()
    processes = build_cluster(settings, topology, haproxy)

    def ready(seconds: float) -> None:
        print(
            f"\n» The cluster is ready ({seconds:.0f} s): http://127.0.0.1:{topology.public_port}/ "
            f"(readiness /readyz, docs /docs)\n"
            f"  PIDs in {topology.folder}/<name>.pid; Ctrl-C stops everything.\n",
            flush=True,
        )

    return supervise(processes, ready_timeout=300.0, on_ready=ready, pid_dir=topology.folder)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_cluster(Settings()))
