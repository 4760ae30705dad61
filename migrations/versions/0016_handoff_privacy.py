"""hand-off privacy: a keyed client hash per case (new cases per address), and audit
entries of hand-off changes that keep which fields changed, never their values

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_handoffs_client_key', ['client_key'], unique=False)
    # Notes and assignees were copied into the audit log ("đã gọi 0912…"): keep the field
    # names and the status, drop the values.
    audit = sa.table(
        'audit_log', sa.column('id', sa.Integer), sa.column('action', sa.String),
        sa.column('detail', sa.JSON),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(audit.c.id, audit.c.detail).where(audit.c.action == 'update_handoff')
    ).all()
    for row_id, detail in rows:
        if isinstance(detail, str):
            detail = json.loads(detail)
        detail = detail or {}
        if 'fields' in detail:
            continue
        kept = {'fields': sorted(k for k in detail)}
        if detail.get('status'):
            kept['status'] = detail['status']
        conn.execute(sa.update(audit).where(audit.c.id == row_id).values(detail=kept))


def downgrade() -> None:
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index('ix_handoffs_client_key')
        batch_op.drop_column('client_key')
