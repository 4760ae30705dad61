"""The Rasa engine as the app env sees it: its command, its environment, and its model,
trained again only when what training reads has changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

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
        [
            *engine_command(),
            "train",
            "--fixed-model-name",
            MODEL_NAME,
            "--out",
            str(MODELS_DIR),
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
        ],
        cwd=PROJECT_ROOT,
        env=engine_env(),
        check=True,
    )
    stamp.write_text(fingerprint + "\n")
    print(f"» Model trained in {time.monotonic() - started:.0f} s: {model_path()}", flush=True)
    return model_path()
