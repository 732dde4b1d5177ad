"""Data model v1: areas, accounts, units, members, orders, offers, events, ratings, runs, ledger.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 19:36:45.221670
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
LIVE_OFFER = sa.text("status IN ('offered', 'accepted')")


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=True),
    sa.Column('username', sa.String(length=40), nullable=True),
    sa.Column('display_name', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('phone IS NOT NULL OR username IS NOT NULL', name=op.f('ck_accounts_has_login')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('phone', name=op.f('uq_accounts_phone')),
    sa.UniqueConstraint('username', name=op.f('uq_accounts_username'))
    )
    op.create_table('areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['areas.id'], name=op.f('fk_areas_parent_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
    sa.UniqueConstraint('code', name=op.f('uq_areas_code'))
    )
    op.create_index(op.f('ix_areas_parent_id'), 'areas', ['parent_id'], unique=False)
    op.create_index(op.f('ix_areas_path'), 'areas', ['path'], unique=False)

    op.create_table('categories',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('icon', sa.String(length=8), nullable=False),
    sa.Column('description', sa.String(length=120), nullable=False),
    sa.Column('skills', JSON_DOCUMENT, nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_categories'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=60), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('counts', JSON_DOCUMENT, nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    op.create_index(op.f('ix_job_runs_job_id_started_at'), 'job_runs', ['job_id', 'started_at'], unique=False)

    op.create_table('skills',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_skills'))
    )
    op.create_table('match_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('solver', sa.String(length=16), nullable=False),
    sa.Column('weights', JSON_DOCUMENT, nullable=False),
    sa.Column('orders_count', sa.Integer(), nullable=False),
    sa.Column('candidates_count', sa.Integer(), nullable=False),
    sa.Column('pairs_count', sa.Integer(), nullable=False),
    sa.Column('assigned_count', sa.Integer(), nullable=False),
    sa.Column('objective', sa.BigInteger(), nullable=True),
    sa.Column('lower_bound', sa.BigInteger(), nullable=True),
    sa.Column('seconds', sa.Double(), nullable=True),
    sa.Column('problem_path', sa.String(length=255), nullable=True),
    sa.Column('result_path', sa.String(length=255), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_match_runs_area_id_areas')),
    sa.ForeignKeyConstraint(['started_by_id'], ['accounts.id'], name=op.f('fk_match_runs_started_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_runs'))
    )
    op.create_index(op.f('ix_match_runs_area_id'), 'match_runs', ['area_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('category_code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('skills', JSON_DOCUMENT, nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('urgency', sa.Integer(), nullable=False),
    sa.Column('triage', sa.String(length=16), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('budget_fen', sa.Integer(), nullable=True),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('claimable', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('accept_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('budget_fen IS NULL OR budget_fen >= 0', name=op.f('ck_orders_budget_not_negative')),
    sa.CheckConstraint('headcount >= 1', name=op.f('ck_orders_headcount_positive')),
    sa.CheckConstraint('urgency BETWEEN 1 AND 5', name=op.f('ck_orders_urgency_range')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_orders_version_positive')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_orders_area_id_areas')),
    sa.ForeignKeyConstraint(['category_code'], ['categories.code'], name=op.f('fk_orders_category_code_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'], name=op.f('fk_orders_created_by_id_accounts')),
    sa.ForeignKeyConstraint(['requester_id'], ['accounts.id'], name=op.f('fk_orders_requester_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    op.create_index(op.f('ix_orders_created_at'), 'orders', ['created_at'], unique=False)
    op.create_index(op.f('ix_orders_requester_id'), 'orders', ['requester_id'], unique=False)
    op.create_index(op.f('ix_orders_status_accept_due_at'), 'orders', ['status', 'accept_due_at'], unique=False)
    op.create_index(op.f('ix_orders_status_area_id'), 'orders', ['status', 'area_id'], unique=False)
    op.create_index(op.f('ix_orders_status_due_at'), 'orders', ['status', 'due_at'], unique=False)

    op.create_table('resident_profiles',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('tags', JSON_DOCUMENT, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_resident_profiles_account_id_accounts')),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], name=op.f('fk_resident_profiles_grid_id_areas')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_resident_profiles'))
    )
    op.create_index(op.f('ix_resident_profiles_grid_id'), 'resident_profiles', ['grid_id'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_units_area_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    op.create_index(op.f('ix_units_area_id'), 'units', ['area_id'], unique=False)

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

    op.create_table('member_profiles',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('work_unit_id', sa.Integer(), nullable=True),
    sa.Column('unit_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('skills', JSON_DOCUMENT, nullable=False),
    sa.Column('categories', JSON_DOCUMENT, nullable=False),
    sa.Column('availability', JSON_DOCUMENT, nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('radius_m', sa.Integer(), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.Column('yearly_target', sa.Integer(), nullable=False),
    sa.Column('yearly_target_unit', sa.String(length=8), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_member_profiles_capacity_not_negative')),
    sa.CheckConstraint('radius_m > 0', name=op.f('ck_member_profiles_radius_positive')),
    sa.CheckConstraint('yearly_target >= 0', name=op.f('ck_member_profiles_target_not_negative')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_member_profiles_account_id_accounts')),
    sa.ForeignKeyConstraint(['community_id'], ['areas.id'], name=op.f('fk_member_profiles_community_id_areas')),
    sa.ForeignKeyConstraint(['work_unit_id'], ['units.id'], name=op.f('fk_member_profiles_work_unit_id_units')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_member_profiles'))
    )
    op.create_index(op.f('ix_member_profiles_community_id'), 'member_profiles', ['community_id'], unique=False)
    op.create_index(op.f('ix_member_profiles_work_unit_id'), 'member_profiles', ['work_unit_id'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('match_run_id', sa.Integer(), nullable=True),
    sa.Column('offered_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('accept_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=16), nullable=True),
    sa.Column('explanation', JSON_DOCUMENT, nullable=True),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('member_id IS NOT NULL OR unit_id IS NOT NULL', name=op.f('ck_offers_has_assignee')),
    sa.CheckConstraint('slot >= 1', name=op.f('ck_offers_slot_positive')),
    sa.ForeignKeyConstraint(['match_run_id'], ['match_runs.id'], name=op.f('fk_offers_match_run_id_match_runs')),
    sa.ForeignKeyConstraint(['member_id'], ['accounts.id'], name=op.f('fk_offers_member_id_accounts')),
    sa.ForeignKeyConstraint(['offered_by_id'], ['accounts.id'], name=op.f('fk_offers_offered_by_id_accounts')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_offers_order_id_orders')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_offers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    op.create_index(op.f('ix_offers_match_run_id'), 'offers', ['match_run_id'], unique=False)
    op.create_index(op.f('ix_offers_member_id'), 'offers', ['member_id'], unique=False)
    op.create_index(op.f('ix_offers_status_accept_due_at'), 'offers', ['status', 'accept_due_at'], unique=False)
    op.create_index(op.f('ix_offers_unit_id'), 'offers', ['unit_id'], unique=False)
    op.create_index('uq_offers_live_member', 'offers', ['order_id', 'member_id'], unique=True, sqlite_where=LIVE_OFFER, postgresql_where=LIVE_OFFER)
    op.create_index('uq_offers_live_slot', 'offers', ['order_id', 'slot'], unique=True, sqlite_where=LIVE_OFFER, postgresql_where=LIVE_OFFER)

    op.create_table('order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_order_events_actor_id_accounts')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_events_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    op.create_index(op.f('ix_order_events_order_id_at'), 'order_events', ['order_id', 'at'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=True),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_ratings_stars_range')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ratings_order_id_orders')),
    sa.ForeignKeyConstraint(['rater_id'], ['accounts.id'], name=op.f('fk_ratings_rater_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('order_id', name=op.f('uq_ratings_order_id'))
    )
    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_role_grants_account_id_accounts')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_role_grants_area_id_areas')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['accounts.id'], name=op.f('fk_role_grants_granted_by_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_role_grants_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants')),
    sa.UniqueConstraint('account_id', 'role', 'area_id', 'unit_id', name=op.f('uq_role_grants_account_id_role_area_id_unit_id'))
    )
    op.create_index(op.f('ix_role_grants_account_id'), 'role_grants', ['account_id'], unique=False)
    op.create_index(op.f('ix_role_grants_area_id'), 'role_grants', ['area_id'], unique=False)

    op.create_table('unit_communities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['areas.id'], name=op.f('fk_unit_communities_community_id_areas')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_communities_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_communities')),
    sa.UniqueConstraint('unit_id', 'community_id', name=op.f('uq_unit_communities_unit_id_community_id'))
    )
    op.create_index(op.f('ix_unit_communities_community_id'), 'unit_communities', ['community_id'], unique=False)



def downgrade() -> None:
    # Dropping a table drops its indexes too.
    for table in ['unit_communities', 'role_grants', 'ratings', 'order_events', 'offers', 'member_profiles', 'ledger_entries', 'units', 'resident_profiles', 'orders', 'match_runs', 'skills', 'job_runs', 'categories', 'areas', 'accounts']:
        op.drop_table(table)
