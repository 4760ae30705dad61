"""Liveness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(session: SessionDep) -> dict[str, str]:
    """Answer when the process runs and its database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
