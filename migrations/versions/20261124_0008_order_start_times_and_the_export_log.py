"""Order start times (backfilled from the first start event), the export log of 台账 exports, and the
time indexes of offers, ratings, 督办 notices and 吹哨 summons that KPI reports read by.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 03:44:54.391851
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('export_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('report', sa.String(length=24), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('date_from', sa.Date(), nullable=True),
    sa.Column('date_to', sa.Date(), nullable=True),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_export_logs_actor_id_accounts')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_export_logs_area_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_logs'))
    )
    with op.batch_alter_table('export_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_logs_actor_id'), ['actor_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE orders SET started_at = (SELECT min(e.at) FROM order_events e "
               "WHERE e.order_id = orders.id AND e.action = 'start')")
    # KPI reports read the offers, ratings, notices and summons of orders posted since a date: none of them is
    # older than its order.
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_offered_at'), ['offered_at'], unique=False)
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisions_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('summons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summons_created_at'), ['created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('summons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summons_created_at'))
    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisions_created_at'))
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_created_at'))
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offers_offered_at'))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('started_at')

    with op.batch_alter_table('export_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_logs_actor_id'))

    op.drop_table('export_logs')
