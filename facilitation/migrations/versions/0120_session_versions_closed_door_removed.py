"""session versions (logout ends every login), the closed door, removed participants

Revision ID: 0120
Revises: 0100
Create Date: 2026-12-03 07:30:10.954314
"""

import sqlalchemy as sa
from alembic import op

revision = "0120"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade():
    # defaults for the rows already there: logins stay valid, doors open, nobody removed
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joins_closed", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("joins_closed")

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("removed_at")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("session_version")
