"""FastAPI dependencies: one database session per request, the search service, staff auth.

Staff authenticate with a bearer token (API clients) or, on the web pages, with the same
token in an HttpOnly ``SameSite=Strict`` cookie. A cookie-authenticated request that
changes something must also send the session's CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from trolyao.accounts.auth import csrf_for, user_for_token
from trolyao.accounts.models import User
from trolyao.kb.search import ProcedureSearch

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
SESSION_COOKIE = "trolyao_session"
CSRF_COOKIE = "trolyao_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """Yield a session for this request; roll back if the request fails."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def get_procedure_search(request: Request) -> ProcedureSearch:
    """Return the app's search service."""
    search: ProcedureSearch = request.app.state.search
    return search


SessionDep = Annotated[Session, Depends(get_db)]
SearchDep = Annotated[ProcedureSearch, Depends(get_procedure_search)]


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def current_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2)]
) -> User:
    """The staff member of the bearer token or session cookie; 401 without a valid one."""
    if not token:
        token = request.cookies.get(SESSION_COOKIE)
        if token and request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not same_origin(request) or not hmac.compare_digest(
                sent.encode(), csrf_for(token).encode()
            ):
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN,
                    detail="Thiếu hoặc sai mã chống giả mạo (CSRF). Vui lòng tải lại trang.",
                )
    user = user_for_token(session, token) if token else None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Cần đăng nhập.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only ``roles`` through (403 for the others)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Bạn không có quyền này.")
        return user

    return check


DENIED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Cần đăng nhập"},
    403: {"description": "Không có quyền"},
}
"""The OpenAPI responses of a staff route: without a sign-in, and without the role."""
