"""programme goals per level (leerdoelen, veranderdoelen), and the goal a commitment serves

Revision ID: 0131
Revises: 0130
Create Date: 2026-12-03 11:30:58.245043
"""

import sqlalchemy as sa
from alembic import op

revision = "0131"
down_revision = "0130"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programme_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_goals_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_goals")),
    )
    with op.batch_alter_table("programme_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_goals_programme_id"), ["programme_id"], unique=False)

    # existing commitments serve no goal yet
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_commitments_goal_id"), ["goal_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_commitments_goal_id_programme_goals"),
            "programme_goals",
            ["goal_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_commitments_goal_id_programme_goals"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_commitments_goal_id"))
        batch_op.drop_column("goal_id")

    with op.batch_alter_table("programme_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_goals_programme_id"))

    op.drop_table("programme_goals")
