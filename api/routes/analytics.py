"""Conversation analytics for officials (roles ``official`` or ``admin``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from api.deps import SessionDep, require_roles
from trolyao.analytics.summary import Range, summary
from trolyao.models import User

router = APIRouter(prefix="/api/analytics", tags=["analytics"])
Official = Annotated[User, Depends(require_roles("official", "admin"))]
MAX_DAYS = 3660


@router.get("/summary")
def get_summary(
    _user: Official,
    session: SessionDep,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    channel: Annotated[str | None, Query(max_length=20, pattern=r"^[a-z_]+$")] = None,
) -> dict[str, Any]:
    """Usage, quality and the plan's measures between ``from`` and ``to`` (UTC days)."""
    end = end or dt.datetime.now(dt.timezone.utc).date()
    start = start or end - dt.timedelta(days=29)
    if start > end:
        raise HTTPException(422, detail="Ngày bắt đầu phải trước ngày kết thúc.")
    if (end - start).days > MAX_DAYS:
        raise HTTPException(422, detail="Khoảng thời gian tối đa 10 năm.")
    return summary(session, Range(start, end, channel or None))
