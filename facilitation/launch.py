"""The command line's entry: `python app.py`, `python -m facilitation` and the `leertafels` command.

Imports nothing heavy at the top: for `serve`, gevent must patch the standard library before Flask,
SQLAlchemy and the database drivers are imported (so they yield to other connections while they wait)."""

from __future__ import annotations

import sys


def _is_gevent_worker(argv: list[str]) -> bool:
    """`serve` with one worker (a parent of several workers only starts and watches them)."""
    if "serve" not in argv:
        return False
    for i, arg in enumerate(argv):
        if arg == "--workers" and i + 1 < len(argv):
            return argv[i + 1] == "1"
        if arg.startswith("--workers="):
            return arg.split("=", 1)[1] == "1"
    return True


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if _is_gevent_worker(argv):
        # the production server: gevent must patch the standard library before anything else imports it,
        # so the PostgreSQL and Redis drivers yield to the other connections while they wait
        from gevent import monkey

        monkey.patch_all()
        import gevent

        # the event loop runs queued callbacks (such as the sends of a batch to a room of phones) for at most
        # 1 ms, instead of 5 ms, before it looks for answers from the database and new commands
        gevent.setswitchinterval(0.001)

    from facilitation.cli import main as run

    return run(argv)
