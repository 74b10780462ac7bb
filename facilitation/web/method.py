"""Pages and read-only JSON of the learning method: discipline counts for staff screens, and the bottleneck
register across programmes."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_required

from facilitation import audit, disciplines
from facilitation.extensions import db
from facilitation.labels import LEVELS, translated
from facilitation.messages import error_message
from facilitation.models import Level
from facilitation.validation import CommandError
from facilitation.web.facilitator import facilitated_session

bp = Blueprint("method", __name__)


@bp.get("/sessions/<int:session_id>/disciplines")
@login_required
def discipline_groups(session_id: int):
    """Counts per discipline for the console and projector; never a group below DISCIPLINE_MIN_GROUP."""
    session_ = facilitated_session(session_id)
    return jsonify({"groups": disciplines.groups_view(disciplines.session_groups(session_.id)),
                    "min_group": disciplines.min_group()})


