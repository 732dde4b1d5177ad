"""The points ledger (rules, holders, append-only entries guarded by triggers) and star ratings.

The v1 `ledger_entries` table was never written to: it is replaced, not altered.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 03:46:58.895647
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('point_rule_versions',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rules', JSON_DOCUMENT, nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_point_rule_versions_created_by_id_accounts')),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_point_rule_versions'))
    )
    op.create_table('point_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('pending', sa.Integer(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(account_id IS NOT NULL AND unit_id IS NULL) OR (account_id IS NULL AND unit_id IS NOT NULL)', name=op.f('ck_point_accounts_one_holder')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_point_accounts_account_id_accounts')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_point_accounts_area_id_areas')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_point_accounts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_accounts')),
    sa.UniqueConstraint('account_id', name=op.f('uq_point_accounts_account_id')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_point_accounts_unit_id'))
    )
    with op.batch_alter_table('point_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_accounts_area_id'), ['area_id'], unique=False)

    op.create_table('star_rating_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notice_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_star_rating_runs_area_id_areas')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_star_rating_runs_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['rule_version'], ['point_rule_versions.version'], name=op.f('fk_star_rating_runs_rule_version_point_rule_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_star_rating_runs')),
    sa.UniqueConstraint('area_id', 'period', name=op.f('uq_star_rating_runs_area_id_period'))
    )
    op.create_table('star_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.Column('rated', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.CheckConstraint('(account_id IS NOT NULL AND unit_id IS NULL) OR (account_id IS NULL AND unit_id IS NOT NULL)', name=op.f('ck_star_ratings_one_holder')),
    sa.CheckConstraint('stars BETWEEN 0 AND 5', name=op.f('ck_star_ratings_stars_range')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_star_ratings_account_id_accounts')),
    sa.ForeignKeyConstraint(['run_id'], ['star_rating_runs.id'], name=op.f('fk_star_ratings_run_id_star_rating_runs')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_star_ratings_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_star_ratings')),
    sa.UniqueConstraint('run_id', 'account_id', name=op.f('uq_star_ratings_run_id_account_id')),
    sa.UniqueConstraint('run_id', 'unit_id', name=op.f('uq_star_ratings_run_id_unit_id'))
    )
    with op.batch_alter_table('star_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_star_ratings_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_star_ratings_unit_id'), ['unit_id'], unique=False)

    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['accounts.id'], name=op.f('fk_objections_decided_by_id_accounts')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['accounts.id'], name=op.f('fk_objections_filed_by_id_accounts')),
    sa.ForeignKeyConstraint(['rating_id'], ['star_ratings.id'], name=op.f('fk_objections_rating_id_star_ratings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_rating_id'), ['rating_id'], unique=False)

    op.drop_table('ledger_entries')
    create_ledger_entries()
    append_only('ledger_entries')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points_decision', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('points_settled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_orders_unsettled', ['id'], unique=False, sqlite_where=sa.text("status = 'closed' AND points_settled_at IS NULL"), postgresql_where=sa.text("status = 'closed' AND points_settled_at IS NULL"))



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_unsettled', sqlite_where=sa.text("status = 'closed' AND points_settled_at IS NULL"), postgresql_where=sa.text("status = 'closed' AND points_settled_at IS NULL"))
        batch_op.drop_column('points_settled_at')
        batch_op.drop_column('points_decision')

    drop_append_only('ledger_entries')
    op.drop_table('ledger_entries')
    create_v1_ledger_entries()

    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_rating_id'))

    op.drop_table('objections')
    with op.batch_alter_table('star_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_star_ratings_unit_id'))
        batch_op.drop_index(batch_op.f('ix_star_ratings_account_id'))

    op.drop_table('star_ratings')
    op.drop_table('star_rating_runs')
    with op.batch_alter_table('point_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_accounts_area_id'))

    op.drop_table('point_accounts')
    op.drop_table('point_rule_versions')


def create_ledger_entries() -> None:
    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_account_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('source_key', sa.String(length=120), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('source_event_id', sa.Integer(), nullable=True),
    sa.Column('resolves_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_ledger_entries_seq_positive')),
    sa.CheckConstraint("kind IN ('award', 'penalty', 'post', 'void', 'reversal')", name=op.f('ck_ledger_entries_kind_known')),
    sa.CheckConstraint("kind != 'award' OR (points > 0 AND source_event_id IS NOT NULL)", name=op.f('ck_ledger_entries_award_sourced')),
    sa.CheckConstraint("kind != 'penalty' OR (points < 0 AND offer_id IS NOT NULL)", name=op.f('ck_ledger_entries_penalty_sourced')),
    sa.CheckConstraint("kind NOT IN ('post', 'void') OR resolves_id IS NOT NULL", name=op.f('ck_ledger_entries_resolution_names_entry')),
    sa.CheckConstraint("kind != 'reversal' OR reverses_id IS NOT NULL", name=op.f('ck_ledger_entries_reversal_names_entry')),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_ledger_entries_actor_id_accounts')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_ledger_entries_area_id_areas')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_ledger_entries_offer_id_offers')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ledger_entries_order_id_orders')),
    sa.ForeignKeyConstraint(['point_account_id'], ['point_accounts.id'], name=op.f('fk_ledger_entries_point_account_id_point_accounts')),
    sa.ForeignKeyConstraint(['resolves_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_resolves_id_ledger_entries')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_reverses_id_ledger_entries')),
    sa.ForeignKeyConstraint(['rule_version'], ['point_rule_versions.version'], name=op.f('fk_ledger_entries_rule_version_point_rule_versions')),
    sa.ForeignKeyConstraint(['source_event_id'], ['order_events.id'], name=op.f('fk_ledger_entries_source_event_id_order_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('point_account_id', 'seq', name=op.f('uq_ledger_entries_point_account_id_seq')),
    sa.UniqueConstraint('resolves_id', name=op.f('uq_ledger_entries_resolves_id')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_entries_reverses_id')),
    sa.UniqueConstraint('source_key', name=op.f('uq_ledger_entries_source_key'))
    )
    op.create_index(op.f('ix_ledger_entries_kind_area_id_created_at'), 'ledger_entries', ['kind', 'area_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_ledger_entries_order_id'), 'ledger_entries', ['order_id'], unique=False)


def append_only(table: str) -> None:
    """UPDATE and DELETE of the table's rows are refused by the database itself, whoever asks."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{table} is append-only: % refused', TG_OP; END $$")
        for when in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_no_{when.lower()} BEFORE {when} ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()")
        return
    for when in ('UPDATE', 'DELETE'):
        op.execute(f"CREATE TRIGGER {table}_no_{when.lower()} BEFORE {when} ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {when} refused'); END")


def drop_append_only(table: str) -> None:
    for when in ('update', 'delete'):
        op.execute(f"DROP TRIGGER {table}_no_{when}" + (f" ON {table}" if op.get_bind().dialect.name == 'postgresql' else ""))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"DROP FUNCTION {table}_append_only()")


def create_v1_ledger_entries() -> None:
    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source_key', sa.String(length=120), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(account_id IS NOT NULL AND unit_id IS NULL) OR (account_id IS NULL AND unit_id IS NOT NULL)', name=op.f('ck_ledger_entries_one_holder')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ledger_entries_account_id_accounts')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ledger_entries_order_id_orders')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_reverses_id_ledger_entries')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_ledger_entries_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_ledger_entries_entry_hash')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_entries_reverses_id')),
    sa.UniqueConstraint('source_key', name=op.f('uq_ledger_entries_source_key'))
    )
    op.create_index(op.f('ix_ledger_entries_account_id'), 'ledger_entries', ['account_id'], unique=False)
    op.create_index(op.f('ix_ledger_entries_order_id'), 'ledger_entries', ['order_id'], unique=False)
    op.create_index(op.f('ix_ledger_entries_unit_id'), 'ledger_entries', ['unit_id'], unique=False)
