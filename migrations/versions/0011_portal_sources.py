"""national-portal import: raw source records by sha256, and the end date of a fee

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('source_records',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('collected_on', sa.Date(), nullable=True),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('source_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_records_code'), ['code'], unique=False)
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.drop_column('valid_until')
    with op.batch_alter_table('source_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_records_code'))
    op.drop_table('source_records')
