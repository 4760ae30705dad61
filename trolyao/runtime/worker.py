"""Background jobs run by ``trolyao worker``: usage ingestion, data deletion requests, and the
retention purges (old usage events, closed hand-offs, the channels' redelivery memory)."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time

from sqlalchemy.orm import Session

from trolyao.analytics.ingest import AmqpIngester, Ingester
from trolyao.analytics.retention import purge
from trolyao.db import get_engine, make_engine
from trolyao.deletion import process_deletions
from trolyao.deliveries import DELIVERY_MEMORY, forget_deliveries
from trolyao.handoffs import purge_closed
from trolyao.settings import get_settings

log = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 3600.0


def run_worker(*, interval: float = 2.0, once: bool = False) -> None:
    """Run the jobs every ``interval`` seconds until SIGTERM/SIGINT (or once)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    app_engine = get_engine()
    tracker_engine = make_engine(settings.tracker_store_url)
    broker_url = settings.event_broker_url
    broker_engine = (
        None
        if broker_url.startswith("amqp")
        else make_engine(broker_url.replace("postgresql://", "postgresql+psycopg://", 1))
    )
    ingester: Ingester | AmqpIngester = (
        Ingester(app_engine, broker_engine)
        if broker_engine is not None
        else AmqpIngester(app_engine, broker_url, settings.event_broker_queue)
    )
    stop = threading.Event()
    if not once:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
    grace = dt.timedelta(seconds=settings.deletion_grace_seconds)
    resweep = dt.timedelta(seconds=settings.deletion_resweep_seconds)
    retention = dt.timedelta(days=settings.analytics_retention_days)
    last_purge = 0.0
    while True:
        try:
            ingester.run_until_idle()
        except Exception:  # the batch was rolled back; it is read again at the next tick
            log.exception("usage ingestion pass failed")
            ingester.close()  # a broken connection is opened again at the next tick
        try:
            process_deletions(
                app_engine,
                tracker_engine,
                grace=grace,
                resweep=resweep,
                broker_engine=broker_engine,
            )
        except Exception:  # a failed pass is retried at the next tick, nothing is lost
            log.exception("data deletion pass failed")
        if time.monotonic() - last_purge > PURGE_EVERY_SECONDS or once:
            try:
                purge(app_engine, broker_engine, keep=retention)
                with Session(app_engine) as session, session.begin():
                    purge_closed(session, settings.handoff_retention_days)
                    # every channel's redelivery memory (Telegram retries for up to a day)
                    forget_deliveries(session, DELIVERY_MEMORY)
                last_purge = time.monotonic()
            except Exception:  # retried at the next tick
                log.exception("retention purge failed")
        if once or stop.wait(interval):
            break
    ingester.close()
    tracker_engine.dispose()
    if broker_engine is not None:
        broker_engine.dispose()
