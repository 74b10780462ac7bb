"""Huisregels: the confidentiality agreement each session shows and each participant accepts before writing
or voting. The facilitator may rewrite it per session; a participant who accepted an earlier text accepts again."""

from __future__ import annotations

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.models import Participant, Session
from facilitation.validation import CommandError

RULES_MAX = 3000

#: the default agreement in each session language; a session's own text replaces it
DEFAULT_RULES = {
    "nl": (
        "De casus is gepseudonimiseerd. Noem geen namen, adressen of andere gegevens waaraan iemand te "
        "herkennen is.\n"
        "Wat hier gezegd en geschreven wordt, blijft in deze ruimte. Vertel buiten deze bijeenkomst niet wie "
        "wat zei.\n"
        "Je doet anoniem mee: je naam staat alleen bij wat je schrijft als je daar zelf voor kiest.\n"
        "We zijn hier om samen te leren, niet om te beoordelen. Iedereen is gelijkwaardig."
    ),
    "en": (
        "The case is pseudonymised. Do not mention names, addresses or anything else that could identify "
        "someone.\n"
        "What is said and written here stays in this room. Outside this session, do not tell who said what.\n"
        "You take part anonymously: your name appears with what you write only if you choose so.\n"
        "We are here to learn together, not to judge. Everyone is equal."
    ),
}


def rules_text(session_: Session) -> str:
    return session_.house_rules or DEFAULT_RULES.get(session_.language, DEFAULT_RULES["nl"])


def rules_lines(session_: Session) -> list[str]:
    """The agreement as the points people read, one per line."""
    return [line.strip() for line in rules_text(session_).splitlines() if line.strip()]


def has_accepted(session_: Session, participant: Participant) -> bool:
    """Accepted, and after the text last changed. Someone without a phone agrees in the room, not here."""
    if participant.proxy:
        return True
    accepted = participant.rules_accepted_at
    if accepted is None:
        return False
    return session_.house_rules_changed_at is None or accepted >= session_.house_rules_changed_at


def require_accepted(session_: Session, participant: Participant | None) -> None:
    """Called by commands.apply for commands that write or vote: nothing before the agreement is accepted."""
    if participant is not None and not has_accepted(session_, participant):
        raise CommandError("rules_not_accepted")


def accepted_count(session_: Session) -> int:
    query = sa.select(sa.func.count(Participant.id)).where(
        Participant.session_id == session_.id, Participant.proxy.is_(False), Participant.rules_accepted_at.is_not(None)
    )
    if session_.house_rules_changed_at is not None:
        query = query.where(Participant.rules_accepted_at >= session_.house_rules_changed_at)
    return db.session.scalar(query) or 0


def view(session_: Session) -> dict:
    return {"text": rules_text(session_), "lines": rules_lines(session_), "custom": session_.house_rules is not None}


# --- rules (called through commands.apply) ---------------------------------------------------------------


def accept(ctx, payload: dict) -> dict:
    """The participant agrees to the house rules on their phone; only then may they write and vote."""
    participant = ctx.participant
    if has_accepted(ctx.session, participant):
        raise CommandError("no_change")
    participant.rules_accepted_at = ctx.now
    db.session.flush()
    ctx.audience = "staff"  # the acting phone gets it too; the others need not know
    return {"participant_id": participant.id, "accepted": accepted_count(ctx.session)}


def set_rules(ctx, payload: dict) -> dict:
    """The facilitator rewrites the agreement for this session (empty: back to the default text).
    Everyone who accepted the earlier text is asked to accept again."""
    typed = v.text(payload, "text", max_length=RULES_MAX, allow_empty=True)
    text = "\n".join(line.rstrip() for line in typed.splitlines()).strip() or None
    if text == ctx.session.house_rules:
        raise CommandError("no_change")
    ctx.session.house_rules = text
    ctx.session.house_rules_changed_at = ctx.now
    db.session.flush()
    return {**view(ctx.session), "accepted": accepted_count(ctx.session)}


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    section = view(session_)
    if participant is None:
        section["accepted"] = accepted_count(session_)
    else:
        section["accepted_by_me"] = has_accepted(session_, participant)
    return {"house_rules": section}
