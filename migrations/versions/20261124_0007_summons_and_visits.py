"""吹哨报到 summons of departments to orders, and 六访 visit plans with the visits made for them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 01:35:42.910311
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visit_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=16), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('category_code', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_visit_plans_category_code_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_visit_plans_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['resident_id'], ['accounts.id'], name=op.f('fk_visit_plans_resident_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_plans'))
    )
    with op.batch_alter_table('visit_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_plans_active_next_due_at'), ['active', 'next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_plans_resident_id'), ['resident_id'], unique=False)

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

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_visits_order_id_orders')),
    sa.ForeignKeyConstraint(['plan_id'], ['visit_plans.id'], name=op.f('fk_visits_plan_id_visit_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits')),
    sa.UniqueConstraint('order_id', name=op.f('uq_visits_order_id')),
    sa.UniqueConstraint('plan_id', 'period_start', name=op.f('uq_visits_plan_id_period_start'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_period_start'), ['period_start'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_period_start'))

    op.drop_table('visits')
    with op.batch_alter_table('summons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summons_unit_id'))
        batch_op.drop_index(batch_op.f('ix_summons_reported_at_report_overdue_at_report_due_at'))
        batch_op.drop_index(batch_op.f('ix_summons_order_id'))
        batch_op.drop_index(batch_op.f('ix_summons_acknowledged_at_ack_missed_at_ack_due_at'))

    op.drop_table('summons')
    with op.batch_alter_table('visit_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_plans_resident_id'))
        batch_op.drop_index(batch_op.f('ix_visit_plans_active_next_due_at'))

    op.drop_table('visit_plans')
