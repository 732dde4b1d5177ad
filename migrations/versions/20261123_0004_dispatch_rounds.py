"""Dispatch rounds: proposed assignments of each round, its unserved orders, and weights per area.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 23:21:03.969198
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dispatch_weights',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('distance_per_100m', sa.Integer(), nullable=False),
    sa.Column('fairness_per_order', sa.Integer(), nullable=False),
    sa.Column('outside_community', sa.Integer(), nullable=False),
    sa.Column('unserved_per_urgency', sa.Integer(), nullable=False),
    sa.Column('unserved_per_waiting_hour', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('distance_per_100m >= 0', name=op.f('ck_dispatch_weights_distance_per_100m_not_negative')),
    sa.CheckConstraint('fairness_per_order >= 0', name=op.f('ck_dispatch_weights_fairness_per_order_not_negative')),
    sa.CheckConstraint('outside_community >= 0', name=op.f('ck_dispatch_weights_outside_community_not_negative')),
    sa.CheckConstraint('unserved_per_urgency >= 0', name=op.f('ck_dispatch_weights_unserved_per_urgency_not_negative')),
    sa.CheckConstraint('unserved_per_waiting_hour >= 0', name=op.f('ck_dispatch_weights_unserved_per_waiting_hour_not_negative')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_dispatch_weights_area_id_areas')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['accounts.id'], name=op.f('fk_dispatch_weights_updated_by_id_accounts')),
    sa.PrimaryKeyConstraint('area_id', name=op.f('pk_dispatch_weights'))
    )
    op.create_table('match_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('distance_m', sa.Integer(), nullable=False),
    sa.Column('distance', sa.Integer(), nullable=False),
    sa.Column('outside', sa.Integer(), nullable=False),
    sa.Column('fairness', sa.Integer(), nullable=False),
    sa.Column('same_community', sa.Boolean(), nullable=False),
    sa.Column('overridden_by_id', sa.Integer(), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('skipped', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['accounts.id'], name=op.f('fk_match_assignments_member_id_accounts')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_match_assignments_offer_id_offers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_match_assignments_order_id_orders')),
    sa.ForeignKeyConstraint(['overridden_by_id'], ['accounts.id'], name=op.f('fk_match_assignments_overridden_by_id_accounts')),
    sa.ForeignKeyConstraint(['run_id'], ['match_runs.id'], name=op.f('fk_match_assignments_run_id_match_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_assignments')),
    sa.UniqueConstraint('run_id', 'order_id', 'member_id', name=op.f('uq_match_assignments_run_id_order_id_member_id'))
    )
    with op.batch_alter_table('match_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_assignments_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_assignments_run_id'), ['run_id'], unique=False)

    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unserved', JSON_DOCUMENT, nullable=True))
        batch_op.add_column(sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.drop_column('committed_at')
        batch_op.drop_column('unserved')

    with op.batch_alter_table('match_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_assignments_run_id'))
        batch_op.drop_index(batch_op.f('ix_match_assignments_order_id'))

    op.drop_table('match_assignments')
    op.drop_table('dispatch_weights')
