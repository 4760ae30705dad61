"""Staff login: OAuth2 password flow returning a bearer token with an expiry."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep
from trolyao.auth import AccountLocked, AuthError, authenticate, issue_token
from trolyao.models import utcnow
from trolyao.settings import get_settings

router = APIRouter(prefix="/api/auth", tags=["auth"])


class TokenOut(BaseModel):
    """A bearer token."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int
    role: str


class Me(BaseModel):
    """The signed-in staff member."""

    username: str
    role: str


@router.post("/token", response_model=TokenOut, responses={401: {}, 429: {}})
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep, request: Request
) -> TokenOut | JSONResponse:
    """Exchange a username and password for a bearer token (locked after repeated failures)."""
    settings = get_settings()
    if request.app.state.login_limiter.hit(request.client.host if request.client else "-"):
        return JSONResponse(
            {"detail": "Đăng nhập quá nhiều lần. Vui lòng thử lại sau."},
            status_code=429,
            headers={"Retry-After": "60"},
        )
    try:
        user = authenticate(
            session,
            form.username,
            form.password,
            max_failures=settings.auth_max_failures,
            lockout=dt.timedelta(minutes=settings.auth_lockout_minutes),
        )
    except AccountLocked as exc:
        session.commit()
        wait = max(int((exc.until - utcnow()).total_seconds()), 1)
        return JSONResponse(
            {"detail": exc.message}, status_code=429, headers={"Retry-After": str(wait)}
        )
    except AuthError as exc:
        session.commit()  # keep the failure count
        return JSONResponse(
            {"detail": exc.message}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    ttl = dt.timedelta(minutes=settings.auth_token_ttl_minutes)
    value, _expires = issue_token(session, user, ttl)
    session.commit()
    return TokenOut(access_token=value, expires_in=int(ttl.total_seconds()), role=user.role)


@router.get("/me", response_model=Me)
def me(user: CurrentUser) -> Me:
    """Who the bearer token belongs to."""
    return Me(username=user.username, role=user.role)
