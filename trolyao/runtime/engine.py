"""The Rasa engine as the app env sees it: its command, its environment, its model (trained
again only when what training reads has changed), and the one way to start it and to know it
is ready. The supervisor, the cluster, the benchmarks and the tests all start it here.

The engine runs without Rasa's HTTP API and with no secret on its command line: the edge's
token comes from the environment (``EDGE_ENGINE_TOKEN``, read by ``credentials.yml``), and
readiness is the edge channel's ``GET /webhooks/edge/ready`` behind that token."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

import httpx

from trolyao.settings import PROJECT_ROOT

MODEL_NAME = "trolyao"
MODELS_DIR = PROJECT_ROOT / "models"
ENGINE_BIN = PROJECT_ROOT / ".venv-engine" / "bin"
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "vntext",
    "rasa_ext/nlu.py",
    "requirements/engine.lock",
)


def model_path() -> Path:
    """Where the trained model lives."""
    return MODELS_DIR / f"{MODEL_NAME}.tar.gz"


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of everything training reads: config, domain, data, our NLU components."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".pyc" or "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def engine_env(**extra: str) -> dict[str, str]:
    """The environment of every Rasa process (train, run, test, bench).

    Telemetry is off unless the operator sets ``RASA_TELEMETRY_ENABLED=true``: a government
    intranet assistant must not phone home, nor try to (nor print Rasa's banner about it).
    """
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.setdefault("LOG_LEVEL_LIBRARIES", "ERROR")
    env.update(extra)
    return env


def engine_command() -> list[str]:
    """The command that runs Rasa with our patches (``rasa_ext.engine``); append Rasa's
    arguments (``run ...``, ``train ...``, ``test ...``)."""
    return [str(ENGINE_BIN / "python"), "-m", "rasa_ext.engine"]


def engine_run_argv(
    port: int,
    endpoints: Path,
    *,
    model: Path | None = None,
    credentials: Path | None = None,
    stock: bool = False,
) -> list[str]:
    """The command that serves a model on 127.0.0.1:``port``: ours (``rasa_ext.engine``, our
    patches, the edge's channel only) or, for the benchmarks' comparison, ``stock`` Rasa.
    Never Rasa's HTTP API, never a token among the arguments."""
    command = [str(ENGINE_BIN / "rasa")] if stock else engine_command()
    return [
        *command,
        "run",
        "--model",
        str(model or model_path()),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials or PROJECT_ROOT / "credentials.yml"),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def ready_url(engine_url: str) -> str:
    """The readiness route of our engine at ``engine_url`` (the edge channel's)."""
    return f"{engine_url.rstrip('/')}/webhooks/edge/ready"


def engine_ready(engine_url: str, token: str | None, timeout: float = 2.0) -> bool:
    """Whether our engine at ``engine_url`` has a model loaded (asked with the edge's token)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        response = httpx.get(ready_url(engine_url), headers=headers, timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and bool(response.json().get("model_id"))


def train_argv(config: Path, out: Path, name: str, *, stock: bool = False) -> list[str]:
    """The command that trains ``config`` on the project's domain and data into ``out``."""
    command = [str(ENGINE_BIN / "rasa")] if stock else engine_command()
    return [
        *command,
        "train",
        "--fixed-model-name",
        name,
        "--out",
        str(out),
        "--config",
        str(config),
        "--domain",
        "domain.yml",
        "--data",
        "data",
    ]


def ensure_model(*, force: bool = False) -> Path:
    """Train the model when it is missing or its inputs changed; return its path."""
    stamp = MODELS_DIR / f"{MODEL_NAME}.fingerprint"
    fingerprint = training_fingerprint()
    up_to_date = model_path().exists() and stamp.exists()
    if not force and up_to_date and stamp.read_text().strip() == fingerprint:
        return model_path()
    print("» Training the assistant's model (about a minute)…", flush=True)
    started = time.monotonic()
    subprocess.run(
        train_argv(Path("config.yml"), MODELS_DIR, MODEL_NAME),
        cwd=PROJECT_ROOT,
        env=engine_env(),
        check=True,
    )
    stamp.write_text(fingerprint + "\n")
    print(f"» Model trained in {time.monotonic() - started:.0f} s: {model_path()}", flush=True)
    return model_path()
