"""Units in dispatch rounds: each unit's dispatch profile, and round assignments to a unit.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 01:01:50.050915
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('match_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.alter_column('member_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_match_assignments_run_id_order_id_unit_id'),
                                          ['run_id', 'order_id', 'unit_id'])
        batch_op.create_foreign_key(batch_op.f('fk_match_assignments_unit_id_units'), 'units', ['unit_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_match_assignments_member_or_unit'),
                                         '(member_id IS NULL) <> (unit_id IS NULL)')

    # Existing units start outside rounds (capacity 0) and are offered by hand as before.
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('categories', JSON_DOCUMENT, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('skills', JSON_DOCUMENT, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('round_capacity', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('radius_m', sa.Integer(), nullable=False, server_default='5000'))
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_units_round_capacity_not_negative'), 'round_capacity >= 0')
        batch_op.create_check_constraint(batch_op.f('ck_units_radius_positive'), 'radius_m > 0')
    with op.batch_alter_table('units', schema=None) as batch_op:
        for column in ('categories', 'skills', 'round_capacity', 'radius_m'):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_units_radius_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_units_round_capacity_not_negative'), type_='check')
        for column in ('longitude', 'latitude', 'radius_m', 'round_capacity', 'skills', 'categories'):
            batch_op.drop_column(column)

    op.execute('DELETE FROM match_assignments WHERE member_id IS NULL')
    with op.batch_alter_table('match_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_match_assignments_member_or_unit'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_match_assignments_unit_id_units'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_match_assignments_run_id_order_id_unit_id'), type_='unique')
        batch_op.alter_column('member_id', existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column('unit_id')
