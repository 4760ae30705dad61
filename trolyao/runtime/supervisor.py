"""``trolyao run``: train when needed, start every process, restart any that crashes (with
backoff, said in the log), stop them all on Ctrl-C.

Processes: the Rasa engine (engine env, 127.0.0.1:5005), the action server (app env,
127.0.0.1:5055), the HTTP API (127.0.0.1:8000) and the worker (data deletion).
``trolyao cluster`` (:mod:`trolyao.runtime.cluster`) supervises its replicas the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from trolyao.runtime.engine import engine_env, engine_ready, engine_run_argv, ensure_model
from trolyao.runtime.rasa_config import write_endpoints
from trolyao.settings import PROJECT_ROOT, Settings

APP_BIN = Path(sys.executable).parent


@dataclass
class Process:
    """One supervised child process."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    ready: Callable[[], bool] | None = None
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it in its own process group, its output prefixed with its name."""
        self.popen = subprocess.Popen(
            self.argv,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.popen is not None and self.popen.stdout is not None
        for raw in self.popen.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                print(f"[{self.name}] {line}", flush=True)

    def alive(self) -> bool:
        """Whether it still runs."""
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM its group, then SIGKILL after ``timeout``."""
        if not self.alive():
            return
        assert self.popen is not None
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        except ProcessLookupError:
            pass


def action_server_argv(port: int) -> list[str]:
    """The command that serves our actions (app env) on ``port``, behind
    ``ACTION_SERVER_TOKEN`` (in its environment); SANIC_HOST defaults to 127.0.0.1."""
    return [sys.executable, "-m", "actions.server", "--port", str(port)]


def _http_ok(url: str, params: dict[str, str] | None = None) -> Callable[[], bool]:
    def check() -> bool:
        try:
            response = httpx.get(url, params=params, timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    return check


def _rasa_model_loaded(settings: Settings) -> Callable[[], bool]:
    return lambda: engine_ready(settings.rasa_url, settings.edge_engine_token)


def build_processes(settings: Settings, endpoints_file: Path) -> list[Process]:
    """The processes of the whole assistant, in start order."""
    rasa_port = settings.rasa_url.rsplit(":", 1)[-1].strip("/")
    action_port = settings.action_server_url.rsplit(":", 1)[-1].strip("/")
    rasa_argv = engine_run_argv(int(rasa_port), endpoints_file)
    actions_env = {**os.environ, "SANIC_HOST": "127.0.0.1"}
    missing = [
        name
        for name, value in (
            ("EDGE_ENGINE_TOKEN", settings.edge_engine_token),
            ("ACTION_SERVER_TOKEN", settings.action_server_token),
        )
        if not value
    ]
    if missing:
        raise RuntimeError(f"set {', '.join(missing)} (trolyao run generates them)")
    return [
        Process(
            "actions",
            action_server_argv(int(action_port)),
            actions_env,
            _http_ok(f"{settings.action_server_url}/health"),
        ),
        Process(
            "rasa",
            rasa_argv,
            # the engine stops waiting for an action a little before the edge gives up
            engine_env(ACTION_TIMEOUT_SECONDS=str(max(1.0, settings.engine_timeout_seconds - 0.5))),
            _rasa_model_loaded(settings),
        ),
        Process(
            "api",
            [
                str(APP_BIN / "trolyao"),
                "api",
                "--host",
                settings.api_host,
                "--port",
                str(settings.api_port),
            ],
            dict(os.environ),
            _http_ok(f"http://{settings.api_host}:{settings.api_port}/healthz"),
        ),
        Process("worker", [str(APP_BIN / "trolyao"), "worker"], dict(os.environ)),
        *(
            [Process("telegram", [str(APP_BIN / "trolyao"), "telegram"], dict(os.environ))]
            if settings.telegram_bot_token and settings.telegram_mode == "polling"
            else []
        ),
    ]


def run(settings: Settings, *, ready_timeout: float = 180.0) -> int:
    """Bring up the whole assistant; return on Ctrl-C (a crashed child is restarted)."""
    ensure_model()
    endpoints_file = write_endpoints(settings, PROJECT_ROOT / "var" / "endpoints.yml")
    processes = build_processes(settings, endpoints_file)
    return supervise(
        processes,
        ready_timeout=ready_timeout,
        on_ready=lambda seconds: _print_banner(settings, seconds),
    )


BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0  # a child that ran this long starts again from the first delay


@dataclass
class Restarts:
    """When a crashed child may start again: 1 s, 2 s, 4 s … up to 30 s, reset after a
    minute of running."""

    attempts: int = 0
    due: float | None = None
    started: float = 0.0

    def delay(self) -> float:
        return float(min(BACKOFF_FIRST * 2 ** max(self.attempts - 1, 0), BACKOFF_MAX))


def supervise(
    processes: list[Process],
    *,
    ready_timeout: float = 180.0,
    on_ready: Callable[[float], None] | None = None,
    pid_dir: Path | None = None,
) -> int:
    """Start ``processes`` in order, call ``on_ready`` once every readiness check passes,
    restart any child that dies (with backoff, said in the log), stop all on Ctrl-C or
    SIGTERM. ``pid_dir``: write each child's PID to ``<pid_dir>/<name>.pid``."""
    stopping = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    restarts = {p.name: Restarts() for p in processes}

    def start(process: Process) -> None:
        process.start()
        restarts[process.name].started = time.monotonic()
        if pid_dir is not None and process.popen is not None:
            pid_dir.mkdir(parents=True, exist_ok=True)
            (pid_dir / f"{process.name}.pid").write_text(f"{process.popen.pid}\n")

    def tend() -> None:
        now = time.monotonic()
        for process in processes:
            state = restarts[process.name]
            if process.alive():
                if state.attempts and now - state.started > STABLE_AFTER:
                    state.attempts = 0
                continue
            if state.due is None:
                state.attempts += 1
                code = process.popen.returncode if process.popen is not None else None
                state.due = now + state.delay()
                print(
                    f"» {process.name} exited (code {code}); restarting in "
                    f"{state.delay():.0f} s (attempt {state.attempts})",
                    flush=True,
                )
            elif now >= state.due:
                state.due = None
                print(f"» restarting {process.name}", flush=True)
                start(process)

    try:
        for process in processes:
            start(process)
        started = time.monotonic()
        pending = [p for p in processes if p.ready]
        while pending and not stopping.is_set():
            if time.monotonic() - started > ready_timeout:
                print("» Timed out waiting for: " + ", ".join(p.name for p in pending))
                return 1
            tend()
            pending = [p for p in pending if not (p.ready and p.ready())]
            stopping.wait(0.5)
        if not stopping.is_set() and on_ready is not None:
            on_ready(time.monotonic() - started)
        while not stopping.is_set():
            tend()
            stopping.wait(0.5)
        return 0
    finally:
        print("» Stopping…", flush=True)
        for process in reversed(processes):
            process.stop()
        if pid_dir is not None:
            for process in processes:
                (pid_dir / f"{process.name}.pid").unlink(missing_ok=True)
        print("» Stopped.", flush=True)


def _print_banner(settings: Settings, seconds: float) -> None:
    api = f"http://{settings.api_host}:{settings.api_port}"
    print(
        f"\n» The assistant is ready ({seconds:.0f} s).\n"
        f"  Rasa engine     {settings.rasa_url}  (edge channel only, token required; no HTTP API)\n"
        f"  Action server   {settings.action_server_url}  (token required)\n"
        f"  API             {api}   docs {api}/docs   readiness {api}/readyz\n"
        f"  Web chat demo   {api}/\n"
        f"  Dashboard       {api}/dashboard   knowledge base {api}/admin\n"
        f"                  (account: .venv/bin/trolyao users create --username U --role admin)\n"
        f"  Database        {settings.database_url}\n"
        f"  Try: curl -s -XPOST {api}/api/chat/messages -H 'Content-Type: application/json' "
        f'-d \'{{"session_id": "demo-session", "text": "lam ho chieu can giay to gi"}}\'\n'
        f"  Ctrl-C stops everything.\n",
        flush=True,
    )
