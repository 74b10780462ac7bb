"""Hybrid rooms: people without a phone, whose reflections and votes the facilitator enters (marked as such and
counted as participants), and co-facilitators: a second facilitator account that runs the session too."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.live import disciplines, voting
from facilitation.models import Account, Level, Participant, Programme, Session, SessionFacilitator
from facilitation.people import access
from facilitation.programmes import manage as programmes
from facilitation.validation import CommandError

NAME_MAX = 40


def cofacilitators(session_id: int) -> list[dict]:
    rows = db.session.execute(
        sa.select(Account.id, Account.name)
        .join(SessionFacilitator, SessionFacilitator.account_id == Account.id)
        .where(SessionFacilitator.session_id == session_id)
        .order_by(SessionFacilitator.id)
    ).all()
    return [{"id": row.id, "name": row.name} for row in rows]


def proxies(session_id: int) -> list[dict]:
    return [
        proxy_view(p)
        for p in db.session.scalars(
            sa.select(Participant)
            .where(Participant.session_id == session_id, Participant.proxy.is_(True))
            .order_by(Participant.id)
        )
    ]


def proxy_view(participant: Participant) -> dict:
    return {"id": participant.id, "level": participant.level, "name": participant.display_name}


def proxy_of(ctx, participant_id: object) -> Participant:
    """A person without a phone in this session, by id; anything else is refused."""
    if not isinstance(participant_id, int) or isinstance(participant_id, bool):
        raise CommandError("wrong_type", field="for")
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.session_id != ctx.session.id or not participant.proxy:
        raise CommandError("not_found", what="participant")
    return participant


# --- rules (called through commands.apply) ---------------------------------------------------------------


def add_proxy(ctx, payload: dict) -> dict:
    """Someone in the room without a phone: a participant whose level (and discipline) the facilitator
    gives, so what the facilitator enters for them counts at the right level. They never get a token."""
    level = v.choice(payload, "level", Level.values())
    name = v.text(payload, "name", max_length=NAME_MAX, required=False, allow_empty=True) or None
    discipline = v.choice(payload, "discipline", disciplines.configured(), required=False) or None
    unusable = hashlib.sha256(("proxy:" + secrets.token_urlsafe(24)).encode()).hexdigest()
    participant = Participant(
        session_id=ctx.session.id,
        token_hash=unusable,
        display_name=name,
        level=level,
        discipline=discipline,
        joined_at=ctx.now,
        proxy=True,
        rules_accepted_at=ctx.now,
    )
    db.session.add(participant)
    db.session.flush()
    count = db.session.scalar(sa.select(sa.func.count(Participant.id)).where(Participant.session_id == ctx.session.id))
    # console and projector only: the name is the facilitator's own note (phones show no participant count)
    ctx.audience = "staff"
    return {"proxy": proxy_view(participant), "count": count}


def set_dots_for(ctx, payload: dict) -> dict:
    """The facilitator puts dots for someone without a phone (`for`: their participant id), within the
    round's budget for that person, exactly as if they had voted themselves."""
    proxy = proxy_of(ctx, payload.get("for"))
    ctx.participant = proxy
    try:
        data = voting.set_dots(ctx, payload)
    finally:
        ctx.participant = None  # the event is the facilitator's, not the proxy's
    return {**data, "for": proxy.id}


def _account_by_email(payload: dict) -> Account:
    email = v.text(payload, "email", max_length=254).lower()
    account = db.session.scalar(sa.select(Account).where(Account.email == email))
    if account is None or not account.active or not account.can_facilitate:
        raise CommandError("no_such_facilitator")
    return account


def add_cofacilitator(ctx, payload: dict) -> dict:
    """Another facilitator account runs this session too: the same commands, the console and projector.
    They also become a member of the programme, so they find the session and its case."""
    account = _account_by_email(payload)
    if access.runs_session(account, ctx.session):
        raise CommandError("no_change")
    db.session.add(SessionFacilitator(session_id=ctx.session.id, account_id=account.id, created_at=ctx.now))
    programme = db.session.get_one(Programme, ctx.session.programme_id)
    programmes.add_member(programme, account)
    db.session.flush()
    ctx.audience = "staff"
    return {"cofacilitators": cofacilitators(ctx.session.id)}


def remove_cofacilitator(ctx, payload: dict) -> dict:
    account_id = v.field(payload, "account_id", int)
    row = db.session.scalar(
        sa.select(SessionFacilitator).where(
            SessionFacilitator.session_id == ctx.session.id, SessionFacilitator.account_id == account_id
        )
    )
    if row is None:
        raise CommandError("not_found", what="co-facilitator")
    db.session.delete(row)
    db.session.flush()
    ctx.audience = "staff"
    return {"cofacilitators": cofacilitators(ctx.session.id)}


def snapshot_section(session_: Session, audience: str, participant) -> dict:
    if participant is not None:
        return {}
    return {"hybrid": {"proxies": proxies(session_.id), "cofacilitators": cofacilitators(session_.id)}}
