"""analytics conversations (review, tags, notes), bot replies, ingested message digests

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SESSION_GAP = dt.timedelta(minutes=60)


def upgrade() -> None:
    op.create_table('analytics_conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=255), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('turn_count', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_conversations', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_conversations_channel', ['channel'], unique=False)
        batch_op.create_index('ix_analytics_conversations_last_at', ['last_at'], unique=False)
        batch_op.create_index('ix_analytics_conversations_sender_id', ['sender_id'], unique=False)
        batch_op.create_index('ix_analytics_conversations_started_at', ['started_at'], unique=False)

    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conversation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=True))
        batch_op.create_index('ix_analytics_turns_conversation_id', ['conversation_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_analytics_turns_conversation_id', 'analytics_conversations',
            ['conversation_id'], ['id'], ondelete='CASCADE',
        )

    op.create_table('ingested_messages',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )
    with op.batch_alter_table('ingested_messages', schema=None) as batch_op:
        batch_op.create_index('ix_ingested_messages_ingested_at', ['ingested_at'], unique=False)

    _backfill_conversations()


def _backfill_conversations() -> None:
    """Group turns ingested before this revision into conversations (the same gap rule)."""
    bind = op.get_bind()
    turns = sa.table('analytics_turns', sa.column('id'), sa.column('sender_id'),
                     sa.column('channel'), sa.column('started_at'), sa.column('conversation_id'))
    conversations = sa.table('analytics_conversations', sa.column('id'), sa.column('sender_id'),
                             sa.column('channel'), sa.column('started_at'), sa.column('last_at'),
                             sa.column('turn_count'), sa.column('tags', sa.JSON()))
    rows = bind.execute(
        sa.select(turns.c.id, turns.c.sender_id, turns.c.channel, turns.c.started_at)
        .order_by(turns.c.sender_id, turns.c.started_at, turns.c.id)
    ).all()
    current: dict[str, object] | None = None
    members: list[int] = []

    def flush() -> None:
        if current is None:
            return
        new_id = bind.execute(
            sa.insert(conversations).values(**current).returning(conversations.c.id)
        ).scalar_one()
        for start in range(0, len(members), 500):
            bind.execute(sa.update(turns).where(turns.c.id.in_(members[start:start + 500]))
                         .values(conversation_id=new_id))

    for row in rows:
        at = row.started_at if isinstance(row.started_at, dt.datetime) else \
            dt.datetime.fromisoformat(str(row.started_at))
        if (current is not None and current['sender_id'] == row.sender_id
                and at - current['last_at'] <= SESSION_GAP):
            current['last_at'] = at
            current['turn_count'] += 1
            members.append(row.id)
            continue
        flush()
        current = {'sender_id': row.sender_id, 'channel': row.channel, 'started_at': at,
                   'last_at': at, 'turn_count': 1, 'tags': []}
        members = [row.id]
    flush()


def downgrade() -> None:
    with op.batch_alter_table('ingested_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_ingested_messages_ingested_at')
    op.drop_table('ingested_messages')
    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.drop_constraint('fk_analytics_turns_conversation_id', type_='foreignkey')
        batch_op.drop_index('ix_analytics_turns_conversation_id')
        batch_op.drop_column('reply')
        batch_op.drop_column('conversation_id')
    with op.batch_alter_table('analytics_conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_conversations_started_at')
        batch_op.drop_index('ix_analytics_conversations_sender_id')
        batch_op.drop_index('ix_analytics_conversations_last_at')
        batch_op.drop_index('ix_analytics_conversations_channel')
    op.drop_table('analytics_conversations')
