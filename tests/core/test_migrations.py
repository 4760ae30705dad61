"""Migrations: the schema comes from Alembic only, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from trolyao import migrate
from trolyao.db import make_engine
from trolyao.migrate import all_metadata


def test_upgrade_creates_every_table_and_matches_the_models(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {
            "procedures",
            "submission_channels",
            "fees",
            "documents",
            "legal_bases",
            "dossiers",
            "kb_state",
            "alembic_version",
        } <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), all_metadata())
        assert diff == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_downgrade_reverses_it(fresh_url: str) -> None:
    migrate.upgrade(fresh_url)
    migrate.upgrade(fresh_url)
    migrate.downgrade(fresh_url, "base")
    engine = make_engine(fresh_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    migrate.upgrade(fresh_url)
