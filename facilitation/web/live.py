"""What every live screen's JavaScript starts with: the session code, its audience and its words."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _

from facilitation import sessions
from facilitation.labels import KINDS, LEVELS, PERSONAL_DATA, translated
from facilitation.models import Session


def public_base_url() -> str:
    """Where phones reach this server: PUBLIC_URL when set, else the address the page was opened at."""
    return current_app.config.get("PUBLIC_URL") or request.host_url


def join_url(session_: Session) -> str:
    return sessions.join_url(public_base_url(), session_)


def js_strings() -> dict[str, str]:
    """Every sentence the scripts show, translated here so the scripts hold no language."""
    return {
        "connecting": _("Connecting…"),
        "connected": _("Connected"),
        "offline": _("No connection. What you write is kept and sent when the connection is back."),
        "waiting": _("Waiting to be sent"),
        "sent": _("Sending…"),
        "confirmed": _("Received"),
        "refused": _("Not accepted"),
        "participants": _("participants"),
        "no_reflections": _("No reflections yet."),
        "hide": _("Hide"),
        "unhide": _("Show again"),
        "hidden": _("Hidden"),
        "lobby": _("The session will start soon."),
        "closed": _("This session has been closed. Thank you for taking part!"),
        "chars_left": _("%(n)s characters left"),
        "timer_paused": _("Paused"),
        "time_up": _("Time is up"),
        "new_reflections": _("%(n)s new reflections"),
        "by_facilitator": _("entered by the facilitator"),
        "anonymous": _("Anonymous"),
        "your_reflections": _("Your reflections"),
        "all_reflections": _("Reflections"),
        "phase": _("Phase"),
        "of": _("of"),
        "send": _("Send"),
        "reconnected": _("Connection restored."),
        "other_levels": _("Other levels"),
        "pii_warning": _("This looks like personal data: %(kinds)s. The case is pseudonymised; please leave out "
                         "anything that identifies a person. Edit your text, or press Send again to send it as it is."),
        "pii_flag": _("Possibly personal data: %(kinds)s"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
    }


def live_boot(session_: Session, audience: str) -> dict:
    return {
        "code": session_.join_code,
        "audience": audience,
        "join_url": join_url(session_),
        "t": js_strings(),
        "levels": translated(LEVELS),
        "kinds": translated(KINDS),
        "personal_data": translated(PERSONAL_DATA),
    }
