"""Staff login: OAuth2 password flow returning a bearer token with an expiry."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.clients import client_address
from api.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentUser, SessionDep, oauth2, same_origin
from trolyao.accounts.auth import (
    DEVICE_DAYS,
    AccountLocked,
    AuthError,
    authenticate,
    csrf_for,
    device_token,
    issue_token,
    revoke_token,
)
from trolyao.accounts.models import User
from trolyao.schema import utcnow
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


class SessionOut(BaseModel):
    """A web session: the cookie is set; the CSRF token goes with every change."""

    username: str
    role: str
    csrf_token: str
    expires_in: int


async def login_limit(request: Request) -> None:
    """At most 30 sign-in attempts a minute from one address (across API replicas when
    Redis is configured)."""
    if await request.app.state.login_limiter.hit(client_address(request)):
        raise HTTPException(
            429,
            detail="Đăng nhập quá nhiều lần. Vui lòng thử lại sau.",
            headers={"Retry-After": "60"},
        )


LoginLimit = Annotated[None, Depends(login_limit)]


#: The device cookie: a browser that signed in before skips the per-account delay.
DEVICE_COOKIE = "trolyao_device"


def _remember_device(response: Response, user: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(user),
        max_age=DEVICE_DAYS * 86400,
        path="/api/auth",
        secure=get_settings().session_cookie_secure,
        httponly=True,
        samesite="strict",
    )


def _login(
    form: OAuth2PasswordRequestForm, session: Session, request: Request
) -> User | JSONResponse:
    """Check the credentials (rate-limited, counted, locked); a user or the error reply."""
    settings = get_settings()
    try:
        return authenticate(
            session,
            form.username,
            form.password,
            max_failures=settings.auth_max_failures,
            lockout=dt.timedelta(minutes=settings.auth_lockout_minutes),
            client=client_address(request),
            device=request.cookies.get(DEVICE_COOKIE),
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


@router.post("/token", response_model=TokenOut, responses={401: {}, 429: {}})
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    request: Request,
    response: Response,
    _limit: LoginLimit,
) -> TokenOut | JSONResponse:
    """Exchange a username and password for a bearer token (locked after repeated failures)."""
    user = _login(form, session, request)
    if isinstance(user, JSONResponse):
        return user
    _remember_device(response, user)
    ttl = dt.timedelta(minutes=get_settings().auth_token_ttl_minutes)
    value, _expires = issue_token(session, user, ttl)
    session.commit()
    return TokenOut(access_token=value, expires_in=int(ttl.total_seconds()), role=user.role)


@router.post("/session", response_model=SessionOut, responses={401: {}, 429: {}})
def open_session(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    request: Request,
    response: Response,
    _limit: LoginLimit,
) -> SessionOut | JSONResponse:
    """Sign in to the staff web pages: an HttpOnly session cookie and a CSRF token."""
    if not same_origin(request):  # no signing a browser in from another site
        return JSONResponse({"detail": "Yêu cầu từ trang khác bị từ chối."}, status_code=403)
    user = _login(form, session, request)
    if isinstance(user, JSONResponse):
        return user
    settings = get_settings()
    ttl = dt.timedelta(minutes=settings.auth_token_ttl_minutes)
    value, _expires = issue_token(session, user, ttl)
    session.commit()
    seconds = int(ttl.total_seconds())
    common = {
        "max_age": seconds,
        "path": "/",
        "secure": settings.session_cookie_secure,
        "samesite": "strict",
    }
    response.set_cookie(SESSION_COOKIE, value, httponly=True, **common)  # type: ignore[arg-type]
    _remember_device(response, user)
    response.set_cookie(CSRF_COOKIE, csrf_for(value), httponly=False, **common)  # type: ignore[arg-type]
    return SessionOut(
        username=user.username, role=user.role, csrf_token=csrf_for(value), expires_in=seconds
    )


@router.delete("/session", status_code=204, responses={401: {}, 403: {}})
def close_session(
    user: CurrentUser,
    session: SessionDep,
    request: Request,
    bearer: Annotated[str | None, Depends(oauth2)],
) -> Response:
    """Sign out: the token it was called with (cookie or bearer) stops working, and the
    cookies are cleared."""
    for token in {request.cookies.get(SESSION_COOKIE), bearer} - {None, ""}:
        revoke_token(session, str(token))
    session.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me)
def me(user: CurrentUser) -> Me:
    """Who the bearer token belongs to."""
    return Me(username=user.username, role=user.role)
