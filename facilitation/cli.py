"""Command-line actions of app.py: run the server (default), create an account, load the demo, write a report."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from facilitation import __version__, create_app
from facilitation.people.accounts import MIN_PASSWORD_LENGTH


def _program_name() -> str:
    """How the user started us, for --help: `python app.py`, `python -m facilitation` or `leertafels`."""
    started = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if started == "app.py":
        return "python app.py"
    if started == "__main__.py":
        return "python -m facilitation"
    return started or "leertafels"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="Live learning tables and fishbowl sessions. Without a command: run the server.",
    )
    _global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _serve_command(commands)
    _account_commands(commands)
    _report_command(commands)
    return parser


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"Leertafels {__version__}")
    parser.add_argument(
        "--env-file",
        metavar="FILE",
        help="read settings (KEY=value lines, as systemd's EnvironmentFile) before anything else, so the "
        "command line uses what the service uses; variables already set win",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; use 0.0.0.0 so phones on the network can join)",
    )
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000)")
    parser.add_argument("--demo", action="store_true", help="add a demo programme with a Dutch case and two sessions")
    parser.add_argument(
        "--database-url", help="SQLAlchemy database URL (default: SQLite in instance/; or DATABASE_URL)"
    )
    parser.add_argument(
        "--public-url",
        help="address phones use to reach this server, for the QR code (default: the address the console is opened at)",
    )
    parser.add_argument(
        "--instance", help="folder for the SQLite database, secret key and exports (default: instance/)"
    )


def _serve_command(commands) -> None:
    serve = commands.add_parser(
        "serve", help="run the production server: gevent, many WebSocket connections per process (see docs/deploy.md)"
    )
    serve.add_argument("--host", dest="serve_host", help="address to listen on (default: as above)")
    serve.add_argument("--port", dest="serve_port", type=int, help="port of the first worker (default: as above)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes on consecutive ports from --port (default 1); more than one "
        "needs REDIS_URL and PostgreSQL, with nginx in front (sticky sessions)",
    )
    serve.add_argument(
        "--behind-proxy",
        action="store_true",
        help="trust one proxy's X-Forwarded-For/-Proto/-Host headers (nginx in front)",
    )


def _account_commands(commands) -> None:
    """create-account and account, and the two maintenance commands migrate and purge."""
    account = commands.add_parser("create-account", help="create an account (the first one can also be made at /setup)")
    account.add_argument("--email", required=True)
    account.add_argument("--name", default="")
    account.add_argument("--role", choices=["admin", "facilitator", "organiser"], default="facilitator")
    account.add_argument(
        "--password",
        help=f"at least {MIN_PASSWORD_LENGTH} characters. Default: FACILITATION_PASSWORD, else asked for on the "
        "terminal, else the first line of standard input (e.g. `... create-account --email a@b.nl < file`)",
    )
    manage = commands.add_parser("account", help="deactivate, reactivate or delete an account, or make a reset link")
    manage.add_argument("action", choices=["deactivate", "reactivate", "reset-link", "delete"])
    manage.add_argument("email")
    manage.add_argument("--yes", action="store_true", help="for delete: no question asked")
    commands.add_parser("migrate", help="bring the database up to date and stop (every start does this too)")
    commands.add_parser(
        "purge", help="delete every session whose retention period has passed (for cron); prints how many"
    )


def _report_command(commands) -> None:
    report = commands.add_parser(
        "report", help="write a session's or a programme's report (Word, PDF, Markdown, JSON, CSV)"
    )
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--session", metavar="CODE", help="the session's join code")
    which.add_argument("--programme", metavar="ID", type=int, help="the programme's number (as in its web address)")
    report.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="where to write it; '-' for standard output. The format follows from the extension "
        "(.docx, .pdf, .md, .json, .zip or .csv) unless --format is given",
    )
    report.add_argument(
        "--format",
        choices=["docx", "pdf", "md", "json", "csv"],
        help="docx (default), pdf (tagged, made by LibreOffice), md, json, or csv (a zip with one CSV file per table)",
    )
    report.add_argument("--timeline", action="store_true", help="add the appendix with every event of the session")
    report.add_argument(
        "--language",
        choices=["nl", "en"],
        help="programme report language (default: the language most of its sessions use)",
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.env_file:
        problem = load_env_file(args.env_file)
        if problem:
            print(problem, file=sys.stderr)
            return 2
    from facilitation.transport import operations

    # every line with its time and request id; FACILITATION_LOG_FORMAT=json for a log collector
    operations.setup_logging(
        os.environ.get("FACILITATION_LOG_FORMAT", "plain"), os.environ.get("FACILITATION_LOG_LEVEL", "INFO")
    )
    config: dict = {}
    if args.database_url:
        config["SQLALCHEMY_DATABASE_URI"] = args.database_url
    if args.public_url:
        config["PUBLIC_URL"] = args.public_url
    if args.command in (None, "serve"):
        config["LISTEN_HOST"] = _address(args)[0] if args.command == "serve" else args.host
    if args.instance:
        config["INSTANCE_PATH"] = args.instance
    if args.command is None and not os.environ.get("FACILITATION_SESSION_COOKIE_SECURE"):
        # the laptop path is plain http on 127.0.0.1: a Secure cookie would never come back
        config["SESSION_COOKIE_SECURE"] = False
        config["REMEMBER_COOKIE_SECURE"] = False
    if args.command == "serve" and args.workers != 1:
        # the parent only starts and watches the workers: it needs the settings, not an app
        return _run_workers(config, args)
    if args.command == "serve":
        config["SOCKETIO_ASYNC_MODE"] = "gevent"
        config["ACCESS_LOG"] = True  # gevent's own access log has no request id
    app = create_app(config)  # brings the database up to date

    if args.command == "create-account":
        return _create_account(app, args)
    if args.command == "account":
        return _manage_account(app, args)
    if args.command == "report":
        return _report(app, args)
    if args.command == "migrate":
        print("Database up to date", file=sys.stderr)
        return 0
    if args.command == "purge":
        from facilitation.privacy import retention

        count = retention.purge_app(app)
        print(f"Purged {count} session{'' if count == 1 else 's'} past their retention period")
        return 0
    if args.command == "serve":
        return _serve_production(app, args)
    if args.demo:
        _load_demo(app)
    return _serve(app, args)


def load_env_file(path: str) -> str | None:
    """Set the variables of a systemd EnvironmentFile (KEY=value, # comments, optional quotes) that are not
    set yet; returns what is wrong with the file, or None."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return f"Cannot read the environment file {path}: {exc.strerror}"
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, equals, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not key.replace("_", "").isalnum():
            return f"{path}, line {number}: expected KEY=value"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)
    return None


def _read_password(args) -> str:
    """--password, FACILITATION_PASSWORD, the terminal (asked twice), or without a terminal standard input."""
    if args.password or os.environ.get("FACILITATION_PASSWORD"):
        return args.password or os.environ["FACILITATION_PASSWORD"]
    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(f"Password (at least {MIN_PASSWORD_LENGTH} characters): ")
        if getpass.getpass("The same password again: ") != password:
            return ""
        return password
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


def _create_account(app, args) -> int:
    from facilitation.people import accounts
    from facilitation.unit_of_work import unit_of_work

    password = _read_password(args)
    if len(password) < MIN_PASSWORD_LENGTH:
        print(
            f"Not created: the password needs at least {MIN_PASSWORD_LENGTH} characters (typed twice the same "
            "on a terminal; without one, give it on standard input or in FACILITATION_PASSWORD)",
            file=sys.stderr,
        )
        return 2
    with app.app_context():
        try:
            with unit_of_work():
                account = accounts.create_account(args.email, args.name, password, args.role)
        except accounts.AccountError as exc:
            print(f"Not created: {exc.code.replace('_', ' ')}", file=sys.stderr)
            return 2
        print(f"Created {account.role} account {account.email}")
    # an account made in the wrong database is the classic slip (the command run without the service's settings)
    print(f"in {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}", file=sys.stderr)
    return 0


def _manage_account(app, args) -> int:
    """`account deactivate|reactivate|reset-link|delete EMAIL`, as an administrator does in the web pages."""
    from facilitation.people import accounts
    from facilitation.unit_of_work import unit_of_work

    with app.app_context():
        account = accounts.find(args.email)
        if account is None:
            print(f"No account {args.email} in {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}", file=sys.stderr)
            return 2
        if args.action == "reset-link":
            if not account.active:
                print("The account is deactivated: reactivate it first", file=sys.stderr)
                return 2
            return _reset_link(app, account)
        email = account.email
        if args.action == "delete" and not args.yes:
            answer = input(f"Delete {email} for good? Type yes: ") if sys.stdin.isatty() else ""
            if answer.strip().lower() != "yes":
                print("Not deleted (give --yes without a terminal)", file=sys.stderr)
                return 2
        try:
            with unit_of_work():
                if args.action == "delete":
                    accounts.delete_account(account)
                else:
                    accounts.set_active(account, args.action == "reactivate")
        except accounts.AccountError as exc:
            print(f"Not changed: {_ACCOUNT_REFUSALS.get(exc.code, exc.code)}", file=sys.stderr)
            return 2
        print(f"{email}: {args.action}d")
    return 0


_ACCOUNT_REFUSALS = {
    "last_admin": "this is the last active administrator",
    "owns_work": "it owns programmes or runs sessions; deactivate it instead",
}


def _reset_link(app, account) -> int:
    """Mail the link when SMTP is configured; print it to pass on otherwise, or when the mail fails."""
    from facilitation.people import accounts, mail

    base = (app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/")
    link = f"{base}/reset/{accounts.reset_token(account)}"
    if mail.configured():
        try:
            mail.send_reset_link(account.email, link, accounts.RESET_HOURS)
        except mail.MailError as exc:
            print(f"The e-mail could not be sent ({exc}); pass the link on yourself", file=sys.stderr)
        else:
            print(f"E-mailed a reset link to {account.email} (one use, valid {accounts.RESET_HOURS} hours)")
            return 0
    print(link)
    print(f"One use, valid {accounts.RESET_HOURS} hours; pass it on to {account.email}", file=sys.stderr)
    return 0


def _safe_url(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


_FORMAT_OF_EXTENSION = {".docx": "docx", ".pdf": "pdf", ".md": "md", ".json": "json", ".zip": "csv", ".csv": "csv"}


def _report(app, args) -> int:
    """Batch use: `python app.py report --session CODE --out verslag.docx` (or verslag.pdf)."""
    from pathlib import Path

    from facilitation import reports

    fmt = args.format or _FORMAT_OF_EXTENSION.get(Path(args.out).suffix.lower(), "docx")
    try:
        export = _render_report(app, args, fmt)
    except reports.PdfUnavailable as error:
        print(f"No PDF: {error}. Write the Word report (.docx) and convert it yourself.", file=sys.stderr)
        return 2
    if export is None:
        return 2
    if args.out == "-":
        sys.stdout.buffer.write(export.content)
        sys.stdout.buffer.flush()
    else:
        Path(args.out).write_bytes(export.content)
        print(f"Wrote {args.out} ({len(export.content):,} bytes)", file=sys.stderr)
    return 0


def _render_report(app, args, fmt: str):
    """The export, or None after saying on stderr which session or programme does not exist."""
    from facilitation import reports
    from facilitation.extensions import db
    from facilitation.live import sessions
    from facilitation.models import Programme
    from facilitation.privacy import audit

    with app.app_context():
        if args.session:
            session_ = sessions.find_by_code(args.session)
            if session_ is None:
                print(f"No session with code {args.session!r}", file=sys.stderr)
                return None
            export = reports.render_session(session_, fmt, timeline=args.timeline)
            audit.record("cli_session_report", fmt, session=session_)
        else:
            programme = db.session.get(Programme, args.programme)
            if programme is None:
                print(f"No programme with number {args.programme}", file=sys.stderr)
                return None
            export = reports.render_programme(programme, fmt, language=args.language)
            audit.record("cli_programme_report", fmt, programme=programme)
    return export


def _load_demo(app) -> None:
    from facilitation.demo import DEMO_EMAIL, create_demo

    with app.app_context():
        programme, password = create_demo()
        print(f"Demo programme ready: {programme.title}")
        if password:
            print(f"Log in as {DEMO_EMAIL} with password {password}")


def _serve(app, args) -> int:
    from facilitation.extensions import socketio
    from facilitation.privacy import retention
    from facilitation.transport import serverlog

    retention.start_schedule(app)
    print(
        f"Open http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/ "
        "(first run: create the first account there)",
        flush=True,
    )
    # the development server is fine for one laptop; docs/deploy.md gives the production command. Its request
    # log keeps the method, path and status, without the client's address
    socketio.run(
        app,
        host=args.host,
        port=args.port,
        allow_unsafe_werkzeug=True,
        use_reloader=False,
        request_handler=serverlog.AnonymousRequestHandler,
    )
    return 0


def _serve_production(app, args) -> int:
    """`python app.py serve`: one gevent worker (with --workers N, _run_workers starts N of these).

    app.py monkey-patches the standard library with gevent before anything is imported when the command
    is `serve`, so the database and Redis drivers cooperate with the many connections of one process.
    Every worker purges expired sessions on the schedule; on PostgreSQL an advisory lock lets one at a time."""
    from facilitation.extensions import socketio
    from facilitation.privacy import retention
    from facilitation.transport import operations, serverlog

    host, port = _address(args)

    if args.behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    queue = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    print(
        f"Worker {os.getpid()} serving on http://{host}:{port}/ (gevent"
        f"{', message queue ' + queue.split('@')[-1] if queue else ''})",
        flush=True,
    )
    retention.start_schedule(app)
    # no request log (nginx has one); gevent's error lines without the client's address and without the
    # noise of closed WebSockets
    options = {**serverlog.gevent_server_options(), "error_log": operations.server_error_log()}
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=False, **options)
    return 0


def _address(args) -> tuple[str, int]:
    return args.serve_host or args.host, args.serve_port or args.port


def _worker_environment(settings: dict, args) -> tuple[dict, list[str]]:
    """The workers get what this parent found, so they agree on the key, the database and the queue (in the
    environment, not the command line, where `ps` would show a password in the database URL)."""
    from pathlib import Path

    env = dict(
        os.environ,
        REDIS_URL=settings["SOCKETIO_MESSAGE_QUEUE"],
        DATABASE_URL=settings["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=settings["SECRET_KEY"],
        FACILITATION_SQLALCHEMY_DATABASE_URI=settings["SQLALCHEMY_DATABASE_URI"],
    )
    # the package wherever it lies (a checkout started as `python app.py` from another folder, or a wheel)
    package_parent = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "facilitation"]
    if args.instance:
        command += ["--instance", args.instance]
    if args.public_url:
        command += ["--public-url", args.public_url]
    return env, command


def _wait_for_workers(children: list) -> bool:
    """Wait until a worker stops or the service manager asks to stop; then stop them all. True when asked."""
    import signal
    import subprocess
    import time

    asked_to_stop = []

    def stop(*signal_args):
        if signal_args:
            asked_to_stop.append(signal_args[0])
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return bool(asked_to_stop)


def _run_workers(overrides: dict, args) -> int:
    """Bring the database up to date (in a short-lived process), then start the workers and wait. This
    parent holds no app, so it stays small. One worker that stops ends them all, so a service manager
    sees the failure and restarts the whole set."""
    import subprocess

    from facilitation import config

    if args.workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    instance = config.instance_folder(overrides)
    instance.mkdir(parents=True, exist_ok=True)
    settings = config.load(overrides, instance)
    if not settings.get("SOCKETIO_MESSAGE_QUEUE"):
        print("Several workers need a message queue: set REDIS_URL (e.g. redis://127.0.0.1:6379/0)", file=sys.stderr)
        return 2
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        print("Warning: several workers on SQLite take turns writing; use PostgreSQL (DATABASE_URL)", file=sys.stderr)
    env, command = _worker_environment(settings, args)
    migrated = subprocess.run([*command, "migrate"], env=env)
    if migrated.returncode:
        return migrated.returncode
    host, port = _address(args)
    command += ["serve", "--host", host]
    if args.behind_proxy:
        command.append("--behind-proxy")
    children = [subprocess.Popen([*command, "--port", str(port + i)], env=env) for i in range(args.workers)]
    if _wait_for_workers(children):
        return 0  # a service manager's stop: the workers were told to go
    failed = [child.returncode for child in children if child.returncode]
    return (failed[0] if failed[0] > 0 else 1) if failed else 0  # negative: killed by a signal
