"""``trolyao api|run|cluster|train|worker|telegram``: the processes of the assistant."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_api(args: argparse.Namespace) -> int:
    import uvicorn

    from trolyao.settings import get_settings

    get_settings()  # a wrong setting (TRUSTED_PROXIES="*") stops here, before serving
    # Room for a long query string, so that it gets our clear 422 rather than a bare 400.
    # Uvicorn's proxy handling is off: api/clients.py believes X-Forwarded-For only from
    # TRUSTED_PROXIES, in one place.
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        h11_max_incomplete_event_size=256 * 1024,
        proxy_headers=False,
    )
    return 0


def _cmd_run(_args: argparse.Namespace) -> int:
    from trolyao.runtime.secrets import SECRETS_FILE, ensure_secrets
    from trolyao.runtime.supervisor import run
    from trolyao.settings import get_settings

    generated = ensure_secrets()
    if generated:
        print(f"» Generated {', '.join(generated)} in {SECRETS_FILE} (kept for the next run)")
    get_settings.cache_clear()
    return run(get_settings())


def _cmd_cluster(args: argparse.Namespace) -> int:
    from trolyao.runtime.cluster import Topology, run_cluster
    from trolyao.runtime.secrets import SECRETS_FILE, ensure_secrets
    from trolyao.settings import get_settings

    generated = ensure_secrets()
    if generated:
        print(f"» Generated {', '.join(generated)} in {SECRETS_FILE} (kept for the next run)")
    get_settings.cache_clear()
    changes = {
        k: v
        for k, v in (
            ("postgres_admin", args.postgres),
            ("app_database", args.app_database),
            ("tracker_database", args.tracker_database),
            ("redis", args.redis),
            ("amqp", args.amqp),
            ("queue", args.queue),
            ("folder", Path(args.folder) if args.folder else None),
        )
        if v
    }
    topology = (
        Topology.from_base(args.port_base, **changes) if args.port_base else Topology(**changes)  # type: ignore[arg-type]
    )
    return run_cluster(get_settings(), topology)


def _cmd_train(args: argparse.Namespace) -> int:
    from trolyao.runtime.engine import ensure_model

    print(ensure_model(force=args.force))
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    from trolyao.runtime.worker import run_worker

    run_worker(interval=args.interval, once=args.once)
    return 0


def _cmd_telegram(_args: argparse.Namespace) -> int:
    from bot.telegram import TelegramBridge
    from edge.engine_client import RasaClient
    from edge.pipeline import Edge
    from trolyao.settings import get_settings

    settings = get_settings()
    if not settings.telegram_bot_token:
        print("error: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    from edge.handoffs import HandoffDesk
    from trolyao.db import get_engine

    edge = Edge(settings, RasaClient(timeout=30.0), HandoffDesk(get_engine()))
    bridge = TelegramBridge(settings, edge)
    bridge.build(settings, webhook=False).run_polling()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the serving commands to the ``trolyao`` command."""
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.set_defaults(func=_cmd_api)
    sub.add_parser("telegram", help="the Telegram bot in polling mode").set_defaults(
        func=_cmd_telegram
    )
    sub.add_parser(
        "run", help="bring up the whole assistant (engine, actions, API, worker)"
    ).set_defaults(func=_cmd_run)
    cluster = sub.add_parser(
        "cluster",
        help="two engines, two action servers, two APIs and the worker behind HAProxy on :8080",
    )
    cluster.add_argument("--port-base", type=int, help="every port from here (default: 8080…)")
    cluster.add_argument("--postgres", help="PostgreSQL admin URL (postgresql://…/postgres)")
    cluster.add_argument("--app-database", help="the app's database (trolyao_cluster)")
    cluster.add_argument("--tracker-database", help="the tracker store's database")
    cluster.add_argument("--redis", help="redis://host:port (db 0 locks, db 1 edge state)")
    cluster.add_argument("--amqp", help="amqp://user:password@host:port/%%2F")
    cluster.add_argument("--queue", help="the broker's queue (trolyao_cluster_events)")
    cluster.add_argument("--folder", help="PIDs and configuration (var/cluster)")
    cluster.set_defaults(func=_cmd_cluster)
    train = sub.add_parser("train", help="train the model if its inputs changed")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=_cmd_train)
    worker = sub.add_parser(
        "worker", help="background jobs: usage ingestion, data deletion requests, retention purges"
    )
    worker.add_argument("--interval", type=float, default=2.0)
    worker.add_argument("--once", action="store_true")
    worker.set_defaults(func=_cmd_worker)
