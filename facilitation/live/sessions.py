"""Session lifecycle: creation from a format, join codes and QR codes, the phase and timer state machine."""

from __future__ import annotations

import functools
import io
import secrets
from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
import sqlalchemy as sa

from facilitation import validation as v
from facilitation.extensions import db
from facilitation.formats import Format
from facilitation.live import fishbowl, flags, voting
from facilitation.models import Account, Case, Cluster, Commitment, Level, Programme, Session, Status
from facilitation.validation import CommandError

#: no 0/O, 1/I/L look-alikes; 31 symbols, six of them give ~887 million codes
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.session.scalar(sa.select(Session.id).where(Session.join_code == code)) is None:
            return code


def normalise_code(typed: str) -> str:
    """What people type: lower case, spaces, a dash; and the look-alikes the alphabet left out."""
    code = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return code.translate(str.maketrans("01", "OI"))[:12]


@functools.cache
def _by_code() -> sa.Select:
    # built once: making the SELECT and its cache key anew cost about as much CPU as running it, four times
    # over in every phone's join
    return sa.select(Session).where(Session.join_code == sa.bindparam("code"))


def find_by_code(code: str) -> Session | None:
    return db.session.scalar(_by_code(), {"code": normalise_code(code)})


def create_session(
    *,
    programme: Programme,
    facilitator: Account,
    title: str,
    fmt: Format,
    levels: list[str],
    language: str,
    case: Case | None = None,
    scheduled_at: datetime | None = None,
) -> Session:
    """A draft session in a programme (the caller commits)."""
    levels = [level for level in Level.values() if level in set(levels)]
    if not levels:
        raise CommandError("missing_field", field="levels")
    if language not in ("nl", "en"):
        raise CommandError("invalid_choice", field="language")
    if case is not None and case.programme_id != programme.id:
        raise CommandError("invalid_choice", field="case")
    session_ = Session(
        programme_id=programme.id,
        case_id=case.id if case else None,
        facilitator_id=facilitator.id,
        title=title.strip()[:200],
        format_key=fmt.key,
        levels=levels,
        language=language,
        join_code=new_join_code(),
        scheduled_at=scheduled_at,
    )
    db.session.add(session_)
    return session_


def join_url(base_url: str, session_: Session) -> str:
    return f"{base_url.rstrip('/')}/j/{session_.join_code}"


def qr_svg(url: str) -> str:
    """The join URL as an SVG QR code: vector paths, so it stays crisp on any projector."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, image_factory=qrcode.image.svg.SvgPathImage
    )
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    # the XML declaration is not allowed inside HTML
    return svg[svg.index("<svg") :]


# --- phase and timer rules (called through commands.apply) ---------------------------------


def _timer_reset(session_: Session, fmt: Format) -> None:
    phase = fmt.phase(session_.phase_index)
    session_.timer_ends_at = None
    session_.timer_remaining_ms = phase.duration * 60_000 if phase else None


def timer_state(session_: Session) -> dict:
    return {
        "running": session_.timer_ends_at is not None,
        "ends_at": session_.timer_ends_at.isoformat() if session_.timer_ends_at else None,
        "remaining_ms": session_.timer_remaining_ms,
    }


def phase_state(session_: Session) -> dict:
    return {"status": session_.status, "phase_index": session_.phase_index, "timer": timer_state(session_)}


def start(ctx, payload: dict) -> dict:
    """The facilitator opens the session: the first phase begins."""
    if ctx.session.status != Status.DRAFT.value:
        raise CommandError("already_started")
    ctx.session.status = Status.LIVE.value
    ctx.session.started_at = ctx.now
    ctx.session.phase_index = 0
    return _enter_phase(ctx)


def go_to_phase(ctx, payload: dict) -> dict:
    """Next, previous or jump: `index` of the phase to show on every screen. Leaving work open (a voting
    round, proposals from phones) needs `confirm`, so two quick key presses lose nothing."""
    index = v.integer(payload, "index", low=0, high=len(ctx.format.phases) - 1)
    if index == ctx.session.phase_index:
        raise CommandError("no_change")
    if not v.field(payload, "confirm", bool, required=False, default=False):
        _require_no_open_work(ctx)
    ctx.session.phase_index = index
    return _with_circle(ctx, _enter_phase(ctx))


def _require_no_open_work(ctx) -> None:
    """Refuses with a question the console asks before it sends the command again with `confirm`."""
    if voting.open_round(ctx.session.id) is not None:
        raise CommandError("confirm_open_round")
    pending = db.session.scalar(
        sa.select(sa.func.count(Commitment.id)).where(
            Commitment.session_id == ctx.session.id, Commitment.pending.is_(True)
        )
    )
    if pending:
        raise CommandError("confirm_pending_proposals", n=pending)


def _enter_phase(ctx) -> dict:
    """The format's entry actions: the timer starts (unless the phase says not to), the projector returns to
    its automatic view (which the phase may name), and a voting phase opens a round unless one is open."""
    phase = ctx.format.phase(ctx.session.phase_index)
    _timer_reset(ctx.session, ctx.format)
    if phase is not None and phase.start_timer and ctx.session.timer_remaining_ms:
        ctx.session.timer_ends_at = ctx.now + timedelta(milliseconds=ctx.session.timer_remaining_ms)
        ctx.session.timer_remaining_ms = None
    data = {**phase_state(ctx.session), "projector_view": None}
    ctx.session.projector_view = None
    has_clusters = db.session.scalar(sa.select(sa.func.count(Cluster.id)).where(Cluster.session_id == ctx.session.id))
    if phase is not None and phase.open_vote and has_clusters and voting.open_round(ctx.session.id) is None:
        data["round"] = voting.open_voting(ctx, {})["round"]
    return data


def _with_circle(ctx, data: dict) -> dict:
    """Leaving the fishbowl's phases (or closing) empties the circle; screens get its new state."""
    circle = fishbowl.close_circle(ctx)
    return {**data, "fishbowl": circle} if circle is not None else data


def timer_start(ctx, payload: dict) -> dict:
    """Start or resume the countdown; optional `minutes` sets a new length."""
    minutes = v.integer(payload, "minutes", low=1, high=240, required=False)
    if minutes is not None:
        remaining = minutes * 60_000
    elif ctx.session.timer_ends_at is not None:
        raise CommandError("no_change")
    else:
        remaining = ctx.session.timer_remaining_ms or 0
    if remaining <= 0:
        raise CommandError("timer_empty")
    ctx.session.timer_ends_at = ctx.now + timedelta(milliseconds=remaining)
    ctx.session.timer_remaining_ms = None
    return phase_state(ctx.session)


def timer_pause(ctx, payload: dict) -> dict:
    if ctx.session.timer_ends_at is None:
        raise CommandError("no_change")
    left = ctx.session.timer_ends_at - ctx.now
    ctx.session.timer_remaining_ms = max(0, int(left.total_seconds() * 1000))
    ctx.session.timer_ends_at = None
    return phase_state(ctx.session)


def timer_extend(ctx, payload: dict) -> dict:
    """Add `minutes` to the countdown, running or paused (also after it ran out)."""
    extra = timedelta(minutes=v.integer(payload, "minutes", low=1, high=120))
    if ctx.session.timer_ends_at is not None:
        ctx.session.timer_ends_at = max(ctx.session.timer_ends_at, ctx.now) + extra
    else:
        ctx.session.timer_remaining_ms = (ctx.session.timer_remaining_ms or 0) + int(extra.total_seconds() * 1000)
    return phase_state(ctx.session)


def close(ctx, payload: dict) -> dict:
    """End the session: no more joining or writing; the report can be made. Asks first while a cluster title or
    commitment the report would print is flagged as personal data."""
    flags.require_confirmed(payload, "confirm_personal_data_report", flags.flagged_for_report(ctx.session.id))
    ctx.session.status = Status.CLOSED.value
    ctx.session.closed_at = ctx.now
    ctx.session.timer_ends_at = None
    return _with_circle(ctx, phase_state(ctx.session))
