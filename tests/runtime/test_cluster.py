"""The cluster (`trolyao cluster`, as `make cluster` runs it) on the real services: two
engines, two action servers, two APIs and the worker behind HAProxy, on PostgreSQL (through
a proxy the test can cut), and a Redis and a RabbitMQ node of the test's own (to restart
them). Faults are injected while citizens talk to it, and every message must still be
answered and counted once."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.support.services import RabbitMQServer, RedisServer, TcpProxy
from trolyao.replies import edge_reply

pytestmark = [pytest.mark.cluster, pytest.mark.services, pytest.mark.slow]

TROLYAO = str(Path(sys.executable).parent / "trolyao")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POLITE = edge_reply("unavailable")
LOAD = ("thủ tục làm hộ chiếu", "lệ phí bao nhiêu", "nộp ở đâu", "mất bao lâu", "cần giấy tờ gì")
SECRET_NAMES = ("EDGE_ENGINE_TOKEN", "ACTION_SERVER_TOKEN")
NAMES = ("engine1", "engine2", "actions1", "actions2", "api1", "api2", "worker", "balancer")


def port_base() -> int:
    """Nine consecutive free ports, below the ephemeral range (32768–60999), so that no
    outgoing connection takes one of them while the cluster starts."""
    import random

    for _ in range(200):
        base = random.randrange(20000, 30000)
        if all(_free(base + i) for i in range(9)):
            return base
    raise RuntimeError("no nine free ports in a row")


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Cluster:
    url: str
    folder: Path
    log: Path
    app_database: str
    redis: RedisServer
    rabbitmq: RabbitMQServer
    postgres: TcpProxy
    edge_token: str

    def pid(self, name: str) -> int:
        return int((self.folder / f"{name}.pid").read_text())

    def kill(self, name: str) -> int:
        pid = self.pid(name)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def restarted(self, name: str, old: int, timeout: float = 120.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.pid(name) != old and f"restarting {name}" in self.log.read_text():
                    return True
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        return False

    def ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=3).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise AssertionError("the cluster did not become ready again")

    def say(self, session: str, message: str, timeout: float = 20.0) -> tuple[int, str, float]:
        started = time.monotonic()
        response = httpx.post(
            f"{self.url}/api/chat/messages",
            json={"session_id": session, "text": message, "message_id": uuid.uuid4().hex},
            timeout=timeout,
        )
        said = "\n".join(m["text"] for m in response.json().get("messages", []))
        return response.status_code, said, time.monotonic() - started

    def counted_turns(self, sessions: list[str], expected: int, timeout: float = 90.0) -> int:
        """The analytics turns of the web chat's ``sessions``, once ``expected`` are there
        (or at the timeout), and again a few seconds later: a duplicate would show."""
        app = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.app_database}")

        def count() -> int:
            with app.connect() as conn:
                return int(
                    conn.execute(
                        text(
                            "SELECT count(*) FROM analytics_turns WHERE sender_id IN "
                            "(SELECT unnest(CAST(:s AS text[])))"
                        ),
                        {"s": [f"web-{s}" for s in sessions]},
                    ).scalar_one()
                )

        try:
            deadline = time.monotonic() + timeout
            while count() < expected and time.monotonic() < deadline:
                time.sleep(1)
            time.sleep(5)  # redeliveries after a reconnect arrive within this
            return count()
        finally:
            app.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    redis = RedisServer(folder)
    redis.start()
    rabbitmq = RabbitMQServer(folder)
    rabbitmq.start()
    postgres = TcpProxy(5432)
    suffix = uuid.uuid4().hex[:10]
    app_db, tracker_db = f"trolyao_cl_{suffix}", f"trolyao_clt_{suffix}"
    base = port_base()
    log = folder / "cluster.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CHAT_RATE_PER_SESSION": "1000"}
    env["CHAT_RATE_PER_IP"] = "100000"
    # the cluster's secrets from its environment: nothing is written into the project
    tokens = {n: secrets.token_urlsafe(32) for n in SECRET_NAMES}
    env.update(tokens)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                TROLYAO,
                "cluster",
                "--port-base",
                str(base),
                "--postgres",
                f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres",
                "--app-database",
                app_db,
                "--tracker-database",
                tracker_db,
                "--redis",
                redis.base_url,
                "--amqp",
                rabbitmq.url,
                "--queue",
                f"trolyao_cl_{suffix}",
                "--folder",
                str(folder / "run"),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Cluster(
        f"http://127.0.0.1:{base + 6}",
        folder / "run",
        log,
        app_db,
        redis,
        rabbitmq,
        postgres,
        tokens["EDGE_ENGINE_TOKEN"],
    )

    def why() -> str:
        """The end of the log, and the engines' own last lines (they say why they are not up)."""
        text = log.read_text()
        engines = [line for line in text.splitlines() if line.startswith("[engine")]
        return text[-3000:] + "\n--- engines ---\n" + "\n".join(engines[-40:])

    try:
        deadline = time.monotonic() + 420
        while "The cluster is ready" not in log.read_text():
            assert process.poll() is None, why()
            assert time.monotonic() < deadline, why()
            time.sleep(1)
        yield running
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have stopped on its own
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        postgres.close()
        redis.stop()
        rabbitmq.stop()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in (app_db, tracker_db):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_cluster_comes_up_behind_the_balancer(cluster: Cluster) -> None:
    assert all((cluster.folder / f"{n}.pid").exists() for n in NAMES)
    assert httpx.get(f"{cluster.url}/readyz", timeout=5).status_code == 200
    status, said, _ = cluster.say("cl-hello-0001", "lệ phí làm hộ chiếu")
    assert status == 200 and "200.000" in said


def test_behind_the_balancer_two_clients_have_two_limits_and_two_lockouts(
    cluster: Cluster,
) -> None:
    def attempts(client: str, names: list[str]) -> list[int]:
        return [
            httpx.post(
                f"{cluster.url}/api/auth/token",
                data={"username": name, "password": "x" * 12},
                headers={"X-Forwarded-For": client},
                timeout=10,
            ).status_code
            for name in names
        ]

    # 30 sign-ins a minute per client, counted in Redis across both APIs: 20 + 20 pass
    assert set(attempts("198.51.100.11", [f"p{i}" for i in range(20)])) == {401}
    assert set(attempts("198.51.100.12", [f"q{i}" for i in range(20)])) == {401}
    # one client's five failures lock "admin" for that client only
    assert attempts("198.51.100.13", ["admin"] * 6)[-1] == 429
    assert attempts("198.51.100.14", ["admin"]) == [401]


def test_one_conversation_stays_in_order_across_both_engines(cluster: Cluster) -> None:
    """Messages of one sender sent at once to both engines (not through the balancer):
    the lock store serialises them, so in the tracker each question is followed by its own
    answer before the next question starts."""
    engines = [int(cluster.pid(n)) for n in ("engine1", "engine2")]
    assert all(engines)
    ports = [int(cluster.url.rsplit(":", 1)[1]) - 6 + i for i in (0, 1)]
    token = cluster.edge_token
    questions = ["lệ phí làm hộ chiếu", "làm căn cước ở đâu", "đăng ký khai sinh mất bao lâu"] * 2

    def send(i: int) -> int:
        return httpx.post(
            f"http://127.0.0.1:{ports[i % 2]}/webhooks/edge/webhook",
            json={"sender": "cl-order-0001", "message": questions[i]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).status_code

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        assert list(pool.map(send, range(len(questions)))) == [200] * len(questions)
    tracker = create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0]
        + "/"
        + cluster.app_database.replace("trolyao_cl_", "trolyao_clt_")
    )
    with tracker.connect() as conn:
        kinds = [
            row[0]
            for row in conn.execute(
                text("SELECT type_name FROM events WHERE sender_id = 'cl-order-0001' ORDER BY id")
            )
        ]
    tracker.dispose()
    turns = [k for k in kinds if k in ("user", "bot")]
    assert turns.count("user") == len(questions)
    # each user message is answered before the next one is read: user, bot…, user, bot…
    for i, kind in enumerate(turns):
        if kind == "user" and i > 0:
            assert turns[i - 1] == "bot", turns


def test_an_engine_killed_mid_load_loses_no_message(cluster: Cluster) -> None:
    status, said, _ = cluster.say("cl-follow-0001", "lệ phí làm hộ chiếu")
    assert status == 200 and "200.000" in said
    killed: list[int] = []

    def citizen(i: int) -> list[tuple[int, str]]:
        out = []
        for j in range(5):
            if i == 0 and j == 1 and not killed:
                killed.append(cluster.kill("engine1"))
            status, said, _ = cluster.say(
                f"cl-load-{i:04d}",
                [
                    "thủ tục làm hộ chiếu",
                    "lệ phí bao nhiêu",
                    "nộp ở đâu",
                    "mất bao lâu",
                    "cần giấy tờ gì",
                ][j],
            )
            out.append((status, said))
        return out

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = [r for rs in pool.map(citizen, range(20)) for r in rs]
    assert killed
    assert len(results) == 100
    assert [r for r in results if r[0] != 200 or POLITE in r[1]] == []  # every one answered
    # the follow-up keeps its context whichever engine takes it
    status, said, _ = cluster.say("cl-follow-0001", "còn thời gian thì sao?")
    assert status == 200 and "hộ chiếu" in said.lower()
    assert cluster.restarted("engine1", killed[0])


def test_an_action_server_dies_and_the_other_answers(cluster: Cluster) -> None:
    cluster.ready()
    old = cluster.kill("actions1")
    outcomes = []
    for i in range(10):
        status, said, seconds = cluster.say(f"cl-actions-{i:04d}", "lệ phí làm hộ chiếu")
        outcomes.append((status, "200.000" in said or POLITE in said, seconds))
    assert all(ok and seconds <= 5.0 for _, ok, seconds in outcomes), outcomes
    assert sum(1 for status, _, _ in outcomes if status == 200) >= 8  # the other one answers
    assert cluster.restarted("actions1", old)


def test_the_worker_killed_mid_batch_counts_every_event_once(cluster: Cluster) -> None:
    cluster.ready()
    senders = [f"cl-count-{i:04d}" for i in range(30)]
    for s in senders:
        assert cluster.say(s, "lệ phí làm hộ chiếu")[0] == 200
    old = cluster.kill("worker")
    assert cluster.restarted("worker", old)
    assert cluster.counted_turns(senders, len(senders)) == len(senders)  # none lost, none twice


def test_rabbitmq_restarts_and_every_event_is_counted_once(cluster: Cluster) -> None:
    """The broker stops while citizens talk: they are answered all the same; the engines
    keep what they could not publish and publish it when the broker is back, the worker
    reconnects, and every turn is counted exactly once."""
    cluster.ready()
    before, during, after = (
        [f"cl-mq-{stage}-{i:04d}" for i in range(5)] for stage in ("a", "b", "c")
    )
    for s in before:
        assert cluster.say(s, "lệ phí làm hộ chiếu")[0] == 200
    cluster.rabbitmq.stop()
    try:
        answers = [cluster.say(s, "lệ phí làm hộ chiếu") for s in during]
        assert all(status == 200 and "200.000" in said for status, said, _ in answers), answers
    finally:
        cluster.rabbitmq.start()
    for s in after:
        assert cluster.say(s, "lệ phí làm hộ chiếu")[0] == 200
    everyone = before + during + after
    assert cluster.counted_turns(everyone, len(everyone), timeout=120) == len(everyone)


def test_redis_restarts_and_service_goes_on(cluster: Cluster) -> None:
    cluster.ready()
    cluster.redis.stop()
    try:
        during = [cluster.say(f"cl-redis-{i:04d}", "lệ phí làm hộ chiếu") for i in range(3)]
        assert all(status in (200, 503) for status, _, _ in during)  # answered, or told to retry
    finally:
        cluster.redis.start()
    time.sleep(2)
    after = [cluster.say(f"cl-redis-b-{i:04d}", "lệ phí làm hộ chiếu") for i in range(5)]
    assert all(status == 200 and "200.000" in said for status, said, _ in after), after


def test_postgres_unreachable_for_ten_seconds(cluster: Cluster) -> None:
    cluster.ready()
    cluster.postgres.cut()
    try:
        status, said, seconds = cluster.say("cl-pg-0001", "lệ phí làm hộ chiếu")
        assert seconds <= 10.0
        assert (status == 503 and POLITE in said) or (status == 200 and "200.000" in said)
        time.sleep(10)
    finally:
        cluster.postgres.restore()
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline and not answered:
        status, said, _ = cluster.say("cl-pg-0002", "lệ phí làm hộ chiếu")
        answered = status == 200 and "200.000" in said
        time.sleep(1)
    assert answered  # service resumes by itself
