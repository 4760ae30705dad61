"""Staff accounts: argon2 password hashes, roles, bearer tokens, and throttled sign-in.

Sign-in failures are counted twice:

- per (name, client address): after ``max_failures`` the name is locked for ``lockout``
  from that address only, so a stranger elsewhere cannot lock an official out;
- per account, from every address together (the row whose client is :data:`ACCOUNT_ROW`):
  after :data:`ACCOUNT_FREE_FAILURES` in an hour, each further attempt waits an
  exponentially growing delay (1 s, 2 s, 4 s … at most :data:`ACCOUNT_MAX_DELAY`), so that
  guesses spread over many addresses slow down too.

The per-account delay cannot be used against the owner: a browser that signed in to the
account before carries a device cookie (:func:`device_token`, keyed by the account's
password hash, so a new password voids every one), and attempts with it skip the delay.
Unknown names are counted and delayed the same way, so the answers never tell which exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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
#: The client of the per-account row of ``login_failures`` (never an address).
ACCOUNT_ROW = "*"
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_DELAY = dt.timedelta(minutes=15)
ACCOUNT_WINDOW = dt.timedelta(hours=1)
DEVICE_DAYS = 180
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


class AccountThrottled(AccountLocked):
    """Too many failures on this account from everywhere: wait until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.message = "Đăng nhập sai nhiều lần. Vui lòng chờ một lát rồi thử lại."


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


def device_token(user: User, now: dt.datetime | None = None) -> str:
    """The device cookie of a browser that signed in to ``user`` (valid :data:`DEVICE_DAYS`
    days, and only until the password changes)."""
    issued = int((now or utcnow()).timestamp())
    return f"{issued}.{_device_signature(user, issued)}"


def _device_signature(user: User, issued: int) -> str:
    key = user.password_hash.encode()
    return hmac.new(key, f"{user.username}|{issued}".encode(), hashlib.sha256).hexdigest()[:40]


def known_device(user: User | None, token: str | None, now: dt.datetime | None = None) -> bool:
    """Whether ``token`` is a device cookie of ``user`` that still holds."""
    if user is None or not token or "." not in token:
        return False
    issued_text, signature = token.split(".", 1)
    if not issued_text.isdigit() or len(signature) != 40:
        return False
    issued = int(issued_text)
    age = (now or utcnow()).timestamp() - issued
    if not 0 <= age <= DEVICE_DAYS * 86400:
        return False
    return hmac.compare_digest(signature, _device_signature(user, issued))


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    max_failures: int,
    lockout: dt.timedelta,
    client: str = "-",
    device: str | None = None,
    now: dt.datetime | None = None,
) -> User:
    """Return the user for these credentials; count failures per (name, client) and per
    account, lock and delay (see the module's docstring).

    An unknown name and a wrong password get the same answer, and so does a locked one: the
    lock and the delay are kept whether the account exists or not.
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
    trusted = known_device(user, device, now)
    account = session.get(LoginFailures, (name, ACCOUNT_ROW))
    if account is not None and account.locked_until is not None:
        last = as_utc(account.locked_until)
        if last < now - ACCOUNT_WINDOW:  # an hour without failures: start again
            account.failures, account.locked_until = 0, None
        elif last > now and not trusted:
            raise AccountThrottled(last)
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
        if not trusted:
            if account is None:
                account = LoginFailures(username=name, client=ACCOUNT_ROW, failures=0)
                session.add(account)
            account.failures += 1
            over = account.failures - ACCOUNT_FREE_FAILURES
            delay = min(dt.timedelta(seconds=2 ** min(over, 20)), ACCOUNT_MAX_DELAY)
            # the time of the last failure, or the end of the delay it set
            account.locked_until = now + delay if over >= 0 else now
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu.")
    assert user is not None
    if failures is not None:
        session.delete(failures)
    if account is not None:
        session.delete(account)
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
