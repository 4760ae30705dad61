"""knowledge-base administration: publication status, versions, audit log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action', ['action'], unique=False)
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_log_target', ['target'], unique=False)
        batch_op.create_index('ix_audit_log_username', ['username'], unique=False)

    op.create_table('procedure_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_key', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('procedure_key', 'version', name='uq_procedure_version')
    )
    with op.batch_alter_table('procedure_versions', schema=None) as batch_op:
        batch_op.create_index('ix_procedure_versions_procedure_key', ['procedure_key'], unique=False)
        batch_op.create_index('ix_procedure_versions_code', ['code'], unique=False)

    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), nullable=False,
                                      server_default='published'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_index('ix_procedures_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_index('ix_procedures_status')
        batch_op.drop_column('version')
        batch_op.drop_column('status')
    with op.batch_alter_table('procedure_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_procedure_versions_code')
        batch_op.drop_index('ix_procedure_versions_procedure_key')
    op.drop_table('procedure_versions')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_username')
        batch_op.drop_index('ix_audit_log_target')
        batch_op.drop_index('ix_audit_log_at')
        batch_op.drop_index('ix_audit_log_action')
    op.drop_table('audit_log')
