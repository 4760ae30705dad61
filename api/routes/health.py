"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import SessionDep
from trolyao.runtime.engine import ready_url
from trolyao.settings import get_settings

router = APIRouter(tags=["health"])


@router.get("/livez")
async def livez() -> dict[str, str]:
    """Answer when the process runs (a balancer's check: a replica whose database is
    briefly away still answers citizens politely, better than the balancer's own error)."""
    return {"status": "ok"}


@router.get("/healthz")
def healthz(session: SessionDep) -> dict[str, str]:
    """Answer when the process runs and its database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


async def _check_rasa(client: httpx.AsyncClient) -> tuple[bool, str]:
    settings = get_settings()
    token = settings.edge_engine_token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        # the edge channel's readiness route: Rasa's HTTP API stays closed
        response = await client.get(ready_url(settings.rasa_url), headers=headers)
    except httpx.HTTPError as exc:
        return False, f"unreachable: {type(exc).__name__}"
    if response.status_code != 200:
        return False, f"HTTP {response.status_code}"
    return (True, "model loaded") if response.json().get("model_id") else (False, "no model")


async def _check_actions(client: httpx.AsyncClient) -> tuple[bool, str]:
    try:
        response = await client.get(f"{get_settings().action_server_url}/health")
    except httpx.HTTPError as exc:
        return False, f"unreachable: {type(exc).__name__}"
    return response.status_code == 200, f"HTTP {response.status_code}"


def _check_database(request: Request) -> tuple[bool, str]:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready"
        return False, type(exc).__name__
    return True, "ok"


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 only when the model is loaded and the action server and database answer."""
    async with httpx.AsyncClient(timeout=2.0) as client:
        (rasa_ok, rasa), (actions_ok, actions) = await asyncio.gather(
            _check_rasa(client), _check_actions(client)
        )
    db_ok, db = await asyncio.to_thread(_check_database, request)
    body: dict[str, Any] = {
        "status": "ready" if rasa_ok and actions_ok and db_ok else "not ready",
        "checks": {"rasa": rasa, "actions": actions, "database": db},
    }
    return JSONResponse(body, status_code=200 if body["status"] == "ready" else 503)
