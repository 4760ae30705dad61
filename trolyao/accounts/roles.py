"""Staff roles, and which roles may do what: declared once, used by the API and the CLI."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["admin", "editor", "official"]
ROLES: tuple[str, ...] = get_args(Role)
"""Every role: ``admin`` (everything), ``editor`` (the knowledge base), ``official`` (analytics
and hand-offs)."""

KNOWLEDGE_BASE_ROLES = ("admin", "editor")
"""Who may edit, publish, import and export procedures."""

ANALYTICS_ROLES = ("official", "admin")
"""Who may read usage analytics, conversations and the unanswered-questions inbox."""

INBOX_ROLES = ("official", "editor", "admin")
"""Who may turn an unanswered question into knowledge (attach it to a procedure)."""

HANDOFF_ROLES = ("official", "admin")
"""Who may see hand-off cases, their contacts (each view audited), and follow them up."""

ADMIN_ROLES = ("admin",)
"""Who may manage staff accounts and read the audit log."""
