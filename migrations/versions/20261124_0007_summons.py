"""吹哨报到: summons of departments to orders, their acknowledgement and report.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:33:44.152949
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('summons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('summoned_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ack_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('report_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ack_missed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('report_overdue_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_summons_order_id_orders')),
    sa.ForeignKeyConstraint(['summoned_by_id'], ['accounts.id'], name=op.f('fk_summons_summoned_by_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_summons_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summons'))
    )
    with op.batch_alter_table('summons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summons_acknowledged_at_ack_missed_at_ack_due_at'), ['acknowledged_at', 'ack_missed_at', 'ack_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_summons_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_summons_reported_at_report_overdue_at_report_due_at'), ['reported_at', 'report_overdue_at', 'report_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_summons_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('summons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summons_unit_id'))
        batch_op.drop_index(batch_op.f('ix_summons_reported_at_report_overdue_at_report_due_at'))
        batch_op.drop_index(batch_op.f('ix_summons_order_id'))
        batch_op.drop_index(batch_op.f('ix_summons_acknowledged_at_ack_missed_at_ack_due_at'))

    op.drop_table('summons')
