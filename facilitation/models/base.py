"""The declarative base every model shares: naming convention, UTC timestamps, the four levels."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations can find and change them later
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in Python, stored without zone so SQLite and PostgreSQL agree."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use facilitation.models.base.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Level(str, enum.Enum):
    """The four levels of the learning practice, from the work floor to the board."""

    EXECUTION = "execution"  # uitvoering
    MANAGEMENT = "management"  # management
    POLICY = "policy"  # beleid
    GOVERNANCE = "governance"  # bestuur

    @classmethod
    def values(cls) -> list[str]:
        return [level.value for level in cls]


class ReflectionKind(str, enum.Enum):
    SUCCESS = "success"  # succesfactor
    BOTTLENECK = "bottleneck"  # knelpunt
    CAUSE = "cause"  # oorzaak
    IDEA = "idea"  # idee
    QUESTION = "question"  # vraag

    @classmethod
    def values(cls) -> list[str]:
        return [kind.value for kind in cls]
