"""Personal data in what staff and phones type besides reflections: cluster titles, commitments, moments of the
case's journey. Screens get the flag with each item (the views call `kinds`); before a flagged title reaches
the projector or a report, the command that would put it there asks the facilitator first (`require_confirmed`).
Nothing is stored: the check is cheap and deterministic, so it is made again wherever the text is shown."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.models import Cluster, Commitment
from facilitation.privacy.detect import personal_data_kinds
from facilitation.validation import CommandError


def kinds(*texts: str | None) -> list[str]:
    """The kinds of personal data in any of these texts, sorted (the shape of a reflection's flag)."""
    return personal_data_kinds("\n".join(t for t in texts if t))


def flagged_clusters(session_id: int) -> list[str]:
    """Kinds found in the session's cluster titles and descriptions: what the projector and reports show."""
    rows = db.session.execute(
        sa.select(Cluster.title, Cluster.description).where(Cluster.session_id == session_id)
    ).all()
    return sorted({kind for title, description in rows for kind in kinds(title, description)})


def flagged_for_report(session_id: int) -> list[str]:
    """Kinds found in the titles and commitments a session's report prints. Flagged reflections are not asked
    about again here: the console shows each with its own flag, to edit, hide or mark for the room only."""
    found = set(flagged_clusters(session_id))
    for what, owner in db.session.execute(
        sa.select(Commitment.what, Commitment.owner).where(Commitment.session_id == session_id)
    ):
        found.update(kinds(what, owner))
    return sorted(found)


def require_confirmed(payload: dict, code: str, found: list[str]) -> None:
    """Refuse with a question (`code`, a `confirm_` error the console asks) while something is flagged, unless
    the command came back with `confirm: true`."""
    if found and not v.field(payload, "confirm", bool, required=False, default=False):
        raise CommandError(code, kinds=found)
