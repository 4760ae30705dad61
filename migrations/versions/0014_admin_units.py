"""Lạng Sơn's administrative units after the 1 July 2025 reform, the old communes mapped
to them, and the commune a turn's citizen gave

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_units',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('phone', sa.String(length=100), nullable=True),
    sa.Column('hours', sa.String(length=300), nullable=True),
    sa.Column('map_url', sa.String(length=1000), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('admin_units_legacy',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('district_code', sa.String(length=10), nullable=False),
    sa.Column('district_name', sa.String(length=100), nullable=False),
    sa.Column('district_kind', sa.String(length=10), nullable=False),
    sa.Column('successors', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('analytics_turns') as batch:
        batch.add_column(sa.Column('place_code', sa.String(length=10), nullable=True))
        batch.create_index('ix_analytics_turns_place_code', ['place_code'])


def downgrade() -> None:
    with op.batch_alter_table('analytics_turns') as batch:
        batch.drop_index('ix_analytics_turns_place_code')
        batch.drop_column('place_code')
    op.drop_table('admin_units_legacy')
    op.drop_table('admin_units')
