"""The one way code outside commands.apply() writes to the database: a unit of work commits everything done
inside it at once, or nothing. Live sessions change only through commands (each with its event); what is
written here has no live screen to update: the organiser side, accounts, the register, downloads' audit rows
and retention. docs/development.md lists every user and why it is not a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from facilitation.extensions import db


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block wrote when it ends normally; roll it all back when it raises (and re-raise)."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
