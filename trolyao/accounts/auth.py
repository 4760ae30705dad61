"""Staff accounts: argon2 password hashes, roles, bearer tokens, lockout after failures."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trolyao.accounts.models import ApiToken, User
from trolyao.accounts.roles import ROLES
from trolyao.errors import TroLyAoError
from trolyao.schema import as_utc, utcnow

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10
# Verified against when the user does not exist, so that timing does not reveal it.
_DUMMY_HASH = _hasher.hash("not a real password, only for constant-time checks")


class AuthError(TroLyAoError):
    """Authentication failed; ``message`` never says whether the user exists."""


class AccountLocked(AuthError):
    """Too many failed logins: the account is locked until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau.")
        self.until = until


class InvalidUser(TroLyAoError):
    """A user cannot be created as asked (bad username, role or password)."""


def create_user(session: Session, username: str, password: str, role: str) -> User:
    """Create a staff account with an argon2 hash of ``password``."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidUser("Tên đăng nhập chỉ gồm a-z, 0-9, . _ - (3–64 ký tự).")
    if role not in ROLES:
        raise InvalidUser(f"Vai trò phải là một trong: {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise InvalidUser(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidUser("Tên đăng nhập đã tồn tại.")
    user = User(
        username=username,
        password_hash=_hasher.hash(password),
        role=role,
        active=True,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    return user


def hash_password(password: str) -> str:
    """An argon2 hash of a new password (checked for length)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidUser(f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.")
    return _hasher.hash(password)


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    max_failures: int,
    lockout: dt.timedelta,
    now: dt.datetime | None = None,
) -> User:
    """Return the user for these credentials, counting failures and locking the account."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu.")
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        raise AccountLocked(as_utc(user.locked_until))
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + lockout
            user.failed_logins = 0
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu.")
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def issue_token(session: Session, user: User, ttl: dt.timedelta) -> tuple[str, dt.datetime]:
    """Create a bearer token for ``user``; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires = utcnow() + ttl
    session.add(ApiToken(token_hash=_digest(token), user_id=user.id, expires_at=expires))
    session.execute(delete(ApiToken).where(ApiToken.expires_at < utcnow()))
    session.flush()
    return token, expires


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a valid, unexpired token belongs to."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or as_utc(row.expires_at) <= utcnow() or not row.user.active:
        return None
    return row.user


def revoke_token(session: Session, token: str) -> None:
    """Forget a token (sign out)."""
    session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(token)))


def csrf_for(token: str) -> str:
    """The CSRF token bound to a session token (the double-submit value of the web pages)."""
    return hashlib.sha256(b"csrf:" + token.encode()).hexdigest()[:40]


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
