"""Alembic: the migrations build an empty database, and the models match what they build."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from facilitation import migrations
from facilitation.extensions import db
from facilitation.models import Base


def test_migrations_apply_to_an_empty_database_and_match_the_models(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert context.get_current_revision() is not None


def test_upgrading_twice_is_harmless(app):
    with app.app_context():
        migrations.upgrade(db.engine)
        names = set(sa.inspect(db.engine).get_table_names())
        assert {"sessions", "reflections", "events", "accounts", "programmes"} <= names
