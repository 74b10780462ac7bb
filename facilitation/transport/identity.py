"""Who is asking: a phone's participant cookie or a logged-in account, turned into the `Actor` that
commands.apply() checks. The one place HTTP and Socket.IO work this out."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from facilitation.live import participation
from facilitation.live.commands import Actor
from facilitation.models import Participant, Session


def participant_cookie(code: str) -> str:
    """The name of the cookie that holds a phone's token for the session with this join code."""
    return f"p_{code}"


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
    return participation.find_participant(session_.id, token)


def actor_for(session_: Session) -> Actor:
    """A phone of the session first (its cookie), else the logged-in account, else nobody known."""
    participant = cookie_participant(session_)
    if participant is not None:
        return Actor(participant_id=participant.id)
    if current_user.is_authenticated:
        return Actor(account_id=current_user.id)
    return Actor()
