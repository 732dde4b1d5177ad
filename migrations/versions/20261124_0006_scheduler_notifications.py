"""The scheduler: its lease, who ran each job, in-app notifications and their outbox, members' lapsed
offers, when an order was completed (for auto-close), and the SLA watch (红黄绿 marks, 督办 notices).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 01:30:28.852106
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=80), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('renewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_notifications_order_id_orders')),
    sa.ForeignKeyConstraint(['recipient_id'], ['accounts.id'], name=op.f('fk_notifications_recipient_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notifications_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_recipient_id_read_at_id'), ['recipient_id', 'read_at', 'id'], unique=False)

    op.create_table('supervisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('grace_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_supervisions_area_id_areas')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_supervisions_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisions')),
    sa.UniqueConstraint('order_id', 'area_id', name=op.f('uq_supervisions_order_id_area_id'))
    )
    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisions_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervisions_resolved_at_escalated_at_grace_until'), ['resolved_at', 'escalated_at', 'grace_until'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_outbox_messages_notification_id_notifications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('notification_id', name=op.f('uq_outbox_messages_notification_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_sent_at_id'), ['sent_at', 'id'], unique=False)

    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runner', sa.String(length=80), nullable=True))

    with op.batch_alter_table('member_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lapsed_offers', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('member_profiles', schema=None) as batch_op:
        batch_op.alter_column('lapsed_offers', server_default=None)

    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_order_id_status'), ['order_id', 'status'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_level', sa.String(length=8), nullable=False, server_default='green'))
        batch_op.add_column(sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_orders_completed_at', ['completed_at'], unique=False,
                              sqlite_where=sa.text("status = 'completed'"),
                              postgresql_where=sa.text("status = 'completed'"))
        batch_op.create_index('ix_orders_flagged', ['sla_level'], unique=False,
                              sqlite_where=sa.text("sla_level != 'green'"),
                              postgresql_where=sa.text("sla_level != 'green'"))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.alter_column('sla_level', server_default=None)
    # Orders already completed: the time of their last completion event.
    op.execute("UPDATE orders SET completed_at = (SELECT max(e.at) FROM order_events e WHERE e.order_id = orders.id"
               " AND e.action = 'complete') WHERE status IN ('completed', 'confirmed', 'reopened', 'closed')")


def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offers_order_id_status'))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_completed_at')
        batch_op.drop_index('ix_orders_flagged')
        batch_op.drop_column('completed_at')
        batch_op.drop_column('sla_level')

    with op.batch_alter_table('member_profiles', schema=None) as batch_op:
        batch_op.drop_column('lapsed_offers')

    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_column('runner')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_sent_at_id'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('supervisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisions_resolved_at_escalated_at_grace_until'))
        batch_op.drop_index(batch_op.f('ix_supervisions_order_id'))

    op.drop_table('supervisions')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_recipient_id_read_at_id'))

    op.drop_table('notifications')
    op.drop_table('scheduler_leases')
