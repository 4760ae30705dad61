"""analytics turns and ingest checkpoints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analytics_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=300), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=True),
    sa.Column('response', sa.String(length=100), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('procedure_key', sa.String(length=200), nullable=True),
    sa.Column('attribute', sa.String(length=20), nullable=True),
    sa.Column('handoff', sa.Boolean(), nullable=False),
    sa.Column('feedback', sa.String(length=4), nullable=True),
    sa.Column('bot_messages', sa.Integer(), nullable=False),
    sa.Column('response_ms', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_key')
    )
    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_turns_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_turns_intent'), ['intent'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_turns_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_turns_procedure_key'), ['procedure_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_turns_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_analytics_turns_started_at'), ['started_at'], unique=False)

    op.create_table('ingest_checkpoints',
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source')
    )


def downgrade() -> None:
    op.drop_table('ingest_checkpoints')
    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analytics_turns_started_at'))
        batch_op.drop_index(batch_op.f('ix_analytics_turns_sender_id'))
        batch_op.drop_index(batch_op.f('ix_analytics_turns_procedure_key'))
        batch_op.drop_index(batch_op.f('ix_analytics_turns_outcome'))
        batch_op.drop_index(batch_op.f('ix_analytics_turns_intent'))
        batch_op.drop_index(batch_op.f('ix_analytics_turns_channel'))

    op.drop_table('analytics_turns')
