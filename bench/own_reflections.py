"""Benchmark of a participant correcting their own reflection in a session with a long event log, on SQLite.

Run as `python bench/own_reflections.py [reflections]`; the session gets that many posted reflections (3,000 by
default), then one phone posts and corrects its own several times. A correction rewrites the earlier events of
that one reflection while holding the session's lock, so it should cost about what a post costs, however long
the log. The last line printed is a JSON object with the median milliseconds of each.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facilitation import create_app
from facilitation.extensions import db
from facilitation.live import commands, sessions
from facilitation.people import accounts
from facilitation.programmes import manage as programmes

ROUNDS = 20


def _apply(app, session_id: int, actor: commands.Actor, name: str, args: dict) -> tuple[float, dict]:
    with app.app_context():
        start = time.perf_counter()
        result = commands.apply(session_id, actor, name, args, uuid.uuid4().hex)
        seconds = time.perf_counter() - start
        assert result.ok, result
        db.session.remove()
        return seconds, result.data


def _session(app) -> tuple[int, commands.Actor, commands.Actor]:
    fmt = app.extensions["formats"]["learning-table"]
    with app.app_context():
        owner = accounts.create_account("bench@example.org", "Bench", "correct horse battery", "facilitator")
        db.session.flush()
        programme = programmes.create_programme(owner, "Bench")
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme, facilitator=owner, title="Schrijven", fmt=fmt, levels=["execution"], language="nl"
        )
        db.session.commit()
        session_id, staff = session_.id, commands.Actor(account_id=owner.id)
    _apply(app, session_id, staff, "session.start", {})
    _apply(app, session_id, staff, "phase.goto", {"index": [p.key for p in fmt.phases].index("write")})
    with app.app_context():
        joined = commands.apply(
            session_id, commands.Actor(), "participant.join", {"level": "execution", "accept_rules": True}
        )
    return session_id, staff, commands.Actor(participant_id=joined.data["participant_id"])


def main(reflections: int = 3000) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-own-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "bench",
            "REFLECTION_RATE_LIMIT": "",
            "PARTICIPANT_COMMAND_RATE_LIMIT": "",
        }
    )
    session_id, staff, phone = _session(app)
    for index in range(reflections):
        _apply(app, session_id, phone, "reflection.post", {"kind": "bottleneck", "text": f"Knelpunt {index}"})
    posts, edits = [], []
    for index in range(ROUNDS):
        seconds, data = _apply(app, session_id, phone, "reflection.post", {"kind": "bottleneck", "text": "Nieuw"})
        posts.append(seconds)
        args = {"id": data["id"], "text": f"Verbeterd {index}"}
        edits.append(_apply(app, session_id, phone, "reflection.edit_own", args)[0])
    post_ms, edit_ms = (round(statistics.median(s) * 1000, 1) for s in (posts, edits))
    print(f"{reflections} reflections in the log: post {post_ms} ms, edit_own {edit_ms} ms (median of {ROUNDS})")
    print(json.dumps({"events_in_log": reflections, "post_ms": post_ms, "edit_own_ms": edit_ms, "rounds": ROUNDS}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
