"""Accounts and the order lifecycle: login sessions, failed logins, SLA policy, photos, reveal log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KINDS = ["wish", "service", "issue", "visit"]
# triage type → (minutes to accept, minutes to complete)
SLA_DEFAULTS = {
    "general": (24 * 60, 3 * 24 * 60),
    "coordinate": (24 * 60, 7 * 24 * 60),
    "emergency": (30, 4 * 60),
    "approval": (2 * 24 * 60, 15 * 24 * 60),
}


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=40), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_client_at"), "login_failures", ["client", "at"])
    op.create_index(op.f("ix_login_failures_login_at"), "login_failures", ["login", "at"])
    op.create_table(
        "sla_policies",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("triage", sa.String(length=16), nullable=False),
        sa.Column("accept_minutes", sa.Integer(), nullable=False),
        sa.Column("complete_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint("accept_minutes > 0", name=op.f("ck_sla_policies_accept_positive")),
        sa.CheckConstraint("complete_minutes > accept_minutes", name=op.f("ck_sla_policies_complete_after_accept")),
        sa.PrimaryKeyConstraint("kind", "triage", name=op.f("pk_sla_policies")),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_auth_sessions_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
        sa.UniqueConstraint("refresh_hash", name=op.f("uq_auth_sessions_refresh_hash")),
    )
    op.create_index(op.f("ix_auth_sessions_account_id"), "auth_sessions", ["account_id"])
    op.create_table(
        "reveal_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["accounts.id"], name=op.f("fk_reveal_logs_actor_id_accounts")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_reveal_logs_order_id_orders")),
        sa.ForeignKeyConstraint(["subject_id"], ["accounts.id"], name=op.f("fk_reveal_logs_subject_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reveal_logs")),
    )
    op.create_index(op.f("ix_reveal_logs_actor_id"), "reveal_logs", ["actor_id"])
    op.create_index(op.f("ix_reveal_logs_subject_id"), "reveal_logs", ["subject_id"])
    op.create_table(
        "order_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["order_events.id"], name=op.f("fk_order_photos_event_id_order_events")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_photos_order_id_orders")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["accounts.id"],
                                name=op.f("fk_order_photos_uploaded_by_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_photos")),
    )
    op.create_index(op.f("ix_order_photos_order_id"), "order_photos", ["order_id"])
    with op.batch_alter_table("member_profiles") as batch_op:
        batch_op.add_column(sa.Column("live_orders", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_check_constraint(op.f("ck_member_profiles_live_orders_not_negative"), "live_orders >= 0")
    with op.batch_alter_table("member_profiles") as batch_op:
        batch_op.alter_column("live_orders", server_default=None)
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_index("uq_orders_idempotency", ["created_by_id", "idempotency_key"], unique=True)
    policies = sa.table("sla_policies", sa.column("kind", sa.String), sa.column("triage", sa.String),
                        sa.column("accept_minutes", sa.Integer), sa.column("complete_minutes", sa.Integer))
    op.bulk_insert(policies, [
        {"kind": kind, "triage": triage, "accept_minutes": accept, "complete_minutes": complete}
        for kind in KINDS for triage, (accept, complete) in SLA_DEFAULTS.items()
    ])


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_index("uq_orders_idempotency")
        batch_op.drop_column("idempotency_key")
    with op.batch_alter_table("member_profiles") as batch_op:
        batch_op.drop_constraint(op.f("ck_member_profiles_live_orders_not_negative"), type_="check")
        batch_op.drop_column("live_orders")
    for table in ["order_photos", "reveal_logs", "auth_sessions", "sla_policies", "login_failures"]:
        op.drop_table(table)
