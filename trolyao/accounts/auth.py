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

from trolyao.accounts.models import ApiToken, LoginFailures, User
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
    client: str = "-",
    now: dt.datetime | None = None,
) -> User:
    """Return the user for these credentials; count failures per (name, client) and lock.

    An unknown name and a wrong password get the same answer, and so does a locked one: the
    lock is kept for (name, client) whether the account exists or not.
    """
    now = now or utcnow()
    name = username.strip().lower()[:64]
    failures = session.get(LoginFailures, (name, client[:64]))
    if failures is not None and failures.locked_until is not None:
        if as_utc(failures.locked_until) > now:
            raise AccountLocked(as_utc(failures.locked_until))
        failures.locked_until = None
        failures.failures = 0
    user = session.scalar(select(User).where(User.username == name))
    valid = user is not None and user.active and _verify(user.password_hash, password)
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)  # the same time for a name that does not exist
    if not valid:
        if failures is None:
            failures = LoginFailures(username=name, client=client[:64], failures=0)
            session.add(failures)
        failures.failures += 1
        if failures.failures >= max_failures:
            failures.locked_until = now + lockout
            failures.failures = 0
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu.")
    assert user is not None
    if failures is not None:
        session.delete(failures)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def locked(session: Session, username: str, now: dt.datetime | None = None) -> bool:
    """Whether the account is locked from some client."""
    now = now or utcnow()
    rows = session.scalars(select(LoginFailures).where(LoginFailures.username == username))
    return any(r.locked_until is not None and as_utc(r.locked_until) > now for r in rows)


def unlock(session: Session, username: str) -> None:
    """Forget every failure and lock of an account (an admin reset it)."""
    session.execute(delete(LoginFailures).where(LoginFailures.username == username))


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
