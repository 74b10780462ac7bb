"""Entry point: `python app.py` runs the app on SQLite; `python app.py --help` lists the flags and commands."""

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


if _is_gevent_worker(sys.argv[1:]):
    # the production server: gevent must patch the standard library before anything else imports it,
    # so the PostgreSQL and Redis drivers yield to the other connections while they wait
    from gevent import monkey

    monkey.patch_all()
    import gevent

    # the event loop runs queued callbacks (such as the sends of a batch to a room of phones) for at most
    # 1 ms, instead of 5 ms, before it looks for answers from the database and new commands
    gevent.setswitchinterval(0.001)

from facilitation.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
