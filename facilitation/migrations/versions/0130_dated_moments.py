"""dated moments: a journey's moments get a date (day or month), organisations, law, rejection ground and the
application a rejection answers; old free-text 'when' is kept and dated where it is unambiguous

Revision ID: 0130
Revises: 0120
Create Date: 2026-12-03 11:40:00
"""

import re
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0130"
down_revision = "0120"
branch_labels = None
depends_on = None

# a frozen copy of the parser as it was when this migration was written: later changes to the app's parser
# must not change what this migration did
_MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "mrt": 3, "maart": 3,
    "mar": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7, "aug": 8, "augustus": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "okt": 10, "oct": 10, "oktober": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip


def _parse(text):
    """(date, "day"|"month") for the forms nobody reads two ways, else None: 2024-03-05, 5-3-2024, 5 maart 2024,
    2024-03, 3-2024, maart 2024. "week 3", "voorjaar 2024" or "2024" stay text only."""
    text = (text or "").strip().lower().rstrip(".")
    patterns = (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", lambda m: (int(m[1]), int(m[2]), int(m[3]), "day")),
        (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", lambda m: (int(m[3]), int(m[2]), int(m[1]), "day")),
        (r"(\d{4})-(\d{1,2})", lambda m: (int(m[1]), int(m[2]), 1, "month")),
        (r"(\d{1,2})[-/](\d{4})", lambda m: (int(m[2]), int(m[1]), 1, "month")),
        (r"(\d{1,2}) ([a-z]+)\.? (\d{4})", lambda m: (int(m[3]), _MONTHS.get(m[2], 0), int(m[1]), "day")),
        (r"([a-z]+)\.? (\d{4})", lambda m: (int(m[2]), _MONTHS.get(m[1], 0), 1, "month")),
    )
    for pattern, parts in patterns:
        match = re.fullmatch(pattern, text)
        if match:
            year, month, day, precision = parts(match)
            try:
                return date(year, month, day), precision
            except ValueError:
                return None
    return None


def upgrade():
    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("date_precision", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("organisations", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("law", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("ground", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("answers_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_moments_answers_id", "moments", ["answers_id"], ["id"], ondelete="SET NULL")

    # the free text stays as it was; a date is added only where the text can be read one way
    moments = sa.table(
        "moments", sa.column("id", sa.Integer), sa.column("when", sa.String),
        sa.column("on_date", sa.Date), sa.column("date_precision", sa.String),
    )  # fmt: skip
    connection = op.get_bind()
    for moment_id, when in connection.execute(sa.select(moments.c.id, moments.c.when)).all():
        parsed = _parse(when)
        if parsed:
            connection.execute(
                moments.update().where(moments.c.id == moment_id).values(on_date=parsed[0], date_precision=parsed[1])
            )


def downgrade():
    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_moments_answers_id", type_="foreignkey")
        batch_op.drop_column("answers_id")
        batch_op.drop_column("ground")
        batch_op.drop_column("law")
        batch_op.drop_column("organisations")
        batch_op.drop_column("date_precision")
        batch_op.drop_column("on_date")
