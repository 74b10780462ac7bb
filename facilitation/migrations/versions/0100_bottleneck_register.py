"""bottleneck register across programmes: entries, links, dismissed suggestions

Revision ID: 0100
Revises: 0060
Create Date: 2026-11-23 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0080"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["accounts.id"], name=op.f("fk_register_entries_created_by_accounts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
    )
    op.create_table(
        "register_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["clusters.id"], name=op.f("fk_register_links_cluster_id_clusters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["register_entries.id"],
            name=op.f("fk_register_links_entry_id_register_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["linked_by"], ["accounts.id"], name=op.f("fk_register_links_linked_by_accounts"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_links")),
        sa.UniqueConstraint("cluster_id", name=op.f("uq_register_links_cluster_id")),
    )
    with op.batch_alter_table("register_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_links_entry_id"), ["entry_id"], unique=False)

    op.create_table(
        "register_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_a_id", sa.Integer(), nullable=False),
        sa.Column("cluster_b_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_by", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_a_id"],
            ["clusters.id"],
            name=op.f("fk_register_dismissals_cluster_a_id_clusters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cluster_b_id"],
            ["clusters.id"],
            name=op.f("fk_register_dismissals_cluster_b_id_clusters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by"],
            ["accounts.id"],
            name=op.f("fk_register_dismissals_dismissed_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_dismissals")),
        sa.UniqueConstraint(
            "cluster_a_id", "cluster_b_id", name=op.f("uq_register_dismissals_cluster_a_id_cluster_b_id")
        ),
    )
    with op.batch_alter_table("register_dismissals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_dismissals_cluster_b_id"), ["cluster_b_id"], unique=False)


def downgrade():
    with op.batch_alter_table("register_dismissals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_dismissals_cluster_b_id"))
    op.drop_table("register_dismissals")
    with op.batch_alter_table("register_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_register_links_entry_id"))
    op.drop_table("register_links")
    op.drop_table("register_entries")
