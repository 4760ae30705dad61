"""``trolyao db`` and ``trolyao users``: the schema and the staff accounts."""

from __future__ import annotations

import argparse
import sys

from trolyao.accounts.roles import ROLES


def _cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from trolyao import migrate

    migrate.upgrade()
    print("Cơ sở dữ liệu đã ở phiên bản mới nhất.")
    return 0


def _cmd_users_create(args: argparse.Namespace) -> int:
    from trolyao.accounts.auth import InvalidUser, create_user
    from trolyao.db import session_scope

    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with session_scope() as session:
            user = create_user(session, args.username, password, args.role)
            print(f"Đã tạo tài khoản {user.username} ({user.role}).")
    except InvalidUser as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def _cmd_users_list(_args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from trolyao.accounts.models import User
    from trolyao.db import session_scope

    with session_scope() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            state = "" if user.active else " (khóa)"
            print(f"{user.username}\t{user.role}{state}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``db`` and ``users`` to the ``trolyao`` command."""
    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate the database to the latest schema").set_defaults(
        func=_cmd_db_upgrade
    )
    users = sub.add_parser("users", help="staff accounts").add_subparsers(
        dest="users_command", required=True
    )
    create = users.add_parser("create", help="create an account; the password is read on stdin")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=list(ROLES))
    create.set_defaults(func=_cmd_users_create)
    users.add_parser("list", help="list accounts").set_defaults(func=_cmd_users_list)
