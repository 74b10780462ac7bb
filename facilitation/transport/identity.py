"""Who is asking: a phone's participant cookie or a logged-in account, turned into the `Actor` that
commands.apply() checks. The one place HTTP and Socket.IO work this out."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import g, request
from flask_login import current_user

from facilitation.extensions import db
from facilitation.live import participation, sessions
from facilitation.live.commands import Actor
from facilitation.models import Participant, Session


def participant_cookie(code: str) -> str:
    """The name of the cookie that holds a phone's token for the session with this join code."""
    return f"p_{code}"


def session_by_code(code: str) -> Session | None:
    """The session with this join code, and with it, in the same query, the participant this browser's
    cookie names in it (if any), kept for cookie_participant() and cookie_removed() in this request: a phone's
    writing screen and its connect each read the two, one round trip to the database after the other."""
    code = sessions.normalise_code(code)
    token = request.cookies.get(participant_cookie(code))
    if not token or len(token) > participation.TOKEN_MAX:
        return sessions.find_by_code(code)
    row = db.session.execute(_with_holder(), {"code": code, "token_hash": participation.token_hash(token)}).first()
    if row is None:
        return None
    g.cookie_holder = (row[0].id, token, row[1])
    return row[0]


@functools.cache
def _with_holder() -> sa.Select:
    # built once (as sessions.find_by_code's): a phone's every page and connect runs it
    return (
        sa.select(Session, Participant)
        .outerjoin(
            Participant,
            sa.and_(Participant.session_id == Session.id, Participant.token_hash == sa.bindparam("token_hash")),
        )
        .where(Session.join_code == sa.bindparam("code"))
    )


def cookie_participant(session_: Session) -> Participant | None:
    """The participant this browser's cookie proves it is in the session, if any (and not removed)."""
    participant = _cookie_holder(session_)
    return participant if participant is not None and participant.removed_at is None else None


def cookie_removed(session_: Session) -> bool:
    """Whether this browser's cookie belongs to a participant the facilitator removed from the session."""
    participant = _cookie_holder(session_)
    return participant is not None and participant.removed_at is not None


def _cookie_holder(session_: Session) -> Participant | None:
    token = request.cookies.get(participant_cookie(session_.join_code))
    known = g.get("cookie_holder")
    if known is not None and known[:2] == (session_.id, token):
        return known[2]
    return participation.find_participant(session_.id, token)


def actor_for(session_: Session) -> Actor:
    """A phone of the session first (its cookie), else the logged-in account, else nobody known."""
    participant = cookie_participant(session_)
    if participant is not None:
        return Actor(participant_id=participant.id)
    if current_user.is_authenticated:
        return Actor(account_id=current_user.id)
    return Actor()
