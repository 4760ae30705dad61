"""Schema migrations through Alembic (the app never calls ``create_all``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from trolyao.schema import Base
from trolyao.settings import PROJECT_ROOT, get_settings

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """Return an Alembic configuration for ``database_url`` (default: the settings')."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url or get_settings().database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    """Migrate the database down to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)


def all_metadata() -> MetaData:
    """The metadata of every table, with every model module imported (for Alembic)."""
    import trolyao.accounts.models
    import trolyao.analytics.models
    import trolyao.audit
    import trolyao.deletion
    import trolyao.deliveries
    import trolyao.handoffs
    import trolyao.helpdesk
    import trolyao.kb.models
    import trolyao.places.models  # noqa: F401

    return Base.metadata
