"""learning method: house rules, room only, disciplines, proxies, co-facilitators, moments, audit

Revision ID: 0080
Revises: 0040
Create Date: 2026-11-23 13:08:05.612606
"""

import sqlalchemy as sa
from alembic import op

revision = "0080"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade():
    # existing participants and reflections get proxy=false and room_only=false, so installations upgrade in place
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("account_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_audit_log_account_id_accounts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_audit_log_programme_id_programmes"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_audit_log_session_id_sessions"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_created_at"), ["created_at"], unique=False)

    op.create_table(
        "moments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("when", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_moments_session_id_sessions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moments")),
    )
    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moments_session_id"), ["session_id"], unique=False)

    op.create_table(
        "session_facilitators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_session_facilitators_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_facilitators_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_facilitators")),
        sa.UniqueConstraint("session_id", "account_id", name=op.f("uq_session_facilitators_session_id_account_id")),
    )
    with op.batch_alter_table("session_facilitators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_facilitators_session_id"), ["session_id"], unique=False)

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_accepted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("discipline", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("proxy", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("room_only", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("moment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reflections_moment_id_moments"), "moments", ["moment_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("house_rules", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("house_rules_changed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("house_rules_changed_at")
        batch_op.drop_column("house_rules")

    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reflections_moment_id_moments"), type_="foreignkey")
        batch_op.drop_column("moment_id")
        batch_op.drop_column("room_only")

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("proxy")
        batch_op.drop_column("discipline")
        batch_op.drop_column("rules_accepted_at")

    with op.batch_alter_table("session_facilitators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_facilitators_session_id"))

    op.drop_table("session_facilitators")
    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moments_session_id"))

    op.drop_table("moments")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_created_at"))

    op.drop_table("audit_log")
