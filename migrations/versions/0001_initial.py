"""initial schema: procedures, channels, fees, documents, dossiers

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kb_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=True),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('local_code', sa.String(length=40), nullable=True),
    sa.Column('decision_no', sa.String(length=200), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=False),
    sa.Column('procedure_type', sa.String(length=200), nullable=True),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('agency_competent', sa.Text(), nullable=True),
    sa.Column('agency_executing', sa.Text(), nullable=True),
    sa.Column('agency_delegated', sa.Text(), nullable=True),
    sa.Column('agency_coordinating', sa.Text(), nullable=True),
    sa.Column('submission_address', sa.Text(), nullable=True),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('dossier_sets', sa.Integer(), nullable=True),
    sa.Column('requirements', sa.Text(), nullable=True),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('related_codes', sa.JSON(), nullable=False),
    sa.Column('online_level', sa.String(length=20), nullable=True),
    sa.Column('online_level_legacy', sa.Integer(), nullable=True),
    sa.Column('online_url', sa.String(length=1000), nullable=True),
    sa.Column('province_code', sa.String(length=8), nullable=True),
    sa.Column('province_name', sa.String(length=100), nullable=True),
    sa.Column('validity', sa.String(length=20), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('replaced_by', sa.String(length=16), nullable=True),
    sa.Column('source_url', sa.String(length=1000), nullable=True),
    sa.Column('source_collected_on', sa.Date(), nullable=True),
    sa.Column('source_sha256', sa.String(length=64), nullable=True),
    sa.Column('source_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("online_level IS NULL OR online_level IN ('toan_trinh', 'mot_phan', 'khong')", name='online_level_valid'),
    sa.CheckConstraint("validity IN ('dang_ap_dung', 'het_hieu_luc', 'thay_the')", name='validity_valid'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('case', sa.Text(), nullable=True),
    sa.Column('originals', sa.Integer(), nullable=True),
    sa.Column('copies', sa.Integer(), nullable=True),
    sa.Column('form_name', sa.Text(), nullable=True),
    sa.Column('form_url', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_code', sa.String(length=40), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('agency', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('da_tiep_nhan', 'dang_xu_ly', 'cho_bo_sung', 'da_co_ket_qua', 'da_tra_ket_qua', 'tu_choi', 'da_rut')", name='dossier_status_valid'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('receipt_code')
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('legal_bases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('legal_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_bases_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('submission_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('time_value', sa.Float(), nullable=True),
    sa.Column('time_unit', sa.String(length=20), nullable=True),
    sa.Column('time_text', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IS NULL OR kind IN ('truc_tiep', 'truc_tuyen', 'buu_chinh')", name='channel_kind_valid'),
    sa.CheckConstraint("time_unit IS NULL OR time_unit IN ('gio', 'ngay', 'ngay_lam_viec', 'trong_ngay')", name='time_unit_valid'),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('submission_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_channels_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('fees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=True),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('exemption', sa.Text(), nullable=True),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IS NULL OR kind IN ('phi', 'le_phi')", name='fee_kind_valid'),
    sa.ForeignKeyConstraint(['channel_id'], ['submission_channels.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fees_channel_id'), ['channel_id'], unique=False)
    op.execute(sa.text("INSERT INTO kb_state (id, revision) VALUES (1, 0)"))


def downgrade() -> None:
    with op.batch_alter_table('fees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fees_channel_id'))

    op.drop_table('fees')
    with op.batch_alter_table('submission_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_channels_procedure_id'))

    op.drop_table('submission_channels')
    with op.batch_alter_table('legal_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_bases_procedure_id'))

    op.drop_table('legal_bases')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_procedure_id'))

    op.drop_table('dossiers')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_procedure_id'))

    op.drop_table('documents')
    op.drop_table('procedures')
    op.drop_table('kb_state')
