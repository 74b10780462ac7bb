"""Pages and read-only JSON of the learning method: discipline counts for staff screens, co-facilitators."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import login_required

from facilitation import disciplines
from facilitation.web.facilitator import facilitated_session

bp = Blueprint("method", __name__)


@bp.get("/sessions/<int:session_id>/disciplines")
@login_required
def discipline_groups(session_id: int):
    """Counts per discipline for the console and projector; never a group below DISCIPLINE_MIN_GROUP."""
    session_ = facilitated_session(session_id)
    return jsonify({"groups": disciplines.groups_view(disciplines.session_groups(session_.id)),
                    "min_group": disciplines.min_group()})
