"""channel tokens: a refresh lease shared by the replicas (the tokens themselves are now
stored encrypted; plain rows are encrypted when first read)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('channel_tokens', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('refreshing_until', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('channel_tokens', schema=None) as batch_op:
        batch_op.drop_column('refreshing_until')
