"""Staff accounts: roles, argon2 password hashes, bearer tokens, lockout.

May import: ``trolyao.db``, ``trolyao.schema``, ``trolyao.settings``, ``trolyao.errors``.
"""
