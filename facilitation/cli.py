"""Command-line actions of app.py: run the server (default), create an account, load the demo."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from facilitation import create_app


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python app.py",
        description="Live learning tables and fishbowl sessions. Without a command: run the server.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; use 0.0.0.0 so phones on the network can join)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (default 5000)")
    parser.add_argument("--demo", action="store_true", help="add a demo programme with a Dutch case and two sessions")
    parser.add_argument("--database-url", help="SQLAlchemy database URL (default: SQLite in instance/; or DATABASE_URL)")
    parser.add_argument("--public-url", help="address phones use to reach this server, for the QR code "
                                             "(default: the address the console is opened at)")
    parser.add_argument("--instance", help="folder for the SQLite database, secret key and exports (default: instance/)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    account = commands.add_parser("create-account", help="create an account (the first one can also be made at /setup)")
    account.add_argument("--email", required=True)
    account.add_argument("--name", default="")
    account.add_argument("--role", choices=["admin", "facilitator", "organiser"], default="facilitator")
    account.add_argument("--password", help="default: asked for on the terminal, or from FACILITATION_PASSWORD")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config: dict = {}
    if args.database_url:
        config["SQLALCHEMY_DATABASE_URI"] = args.database_url
    if args.public_url:
        config["PUBLIC_URL"] = args.public_url
    if args.instance:
        config["INSTANCE_PATH"] = args.instance
    if args.command is None and not os.environ.get("FACILITATION_SESSION_COOKIE_SECURE"):
        # the laptop path is plain http on 127.0.0.1: a Secure cookie would never come back
        config["SESSION_COOKIE_SECURE"] = False
        config["REMEMBER_COOKIE_SECURE"] = False
    app = create_app(config)

    if args.command == "create-account":
        return _create_account(app, args)
    if args.demo:
        _load_demo(app)
    return _serve(app, args)


def _create_account(app, args) -> int:
    from facilitation import accounts
    from facilitation.extensions import db

    password = args.password or os.environ.get("FACILITATION_PASSWORD") or getpass.getpass("Password: ")
    with app.app_context():
        try:
            account = accounts.create_account(args.email, args.name, password, args.role)
            db.session.commit()
        except accounts.AccountError as exc:
            print(f"Not created: {exc.code.replace('_', ' ')}", file=sys.stderr)
            return 2
        print(f"Created {account.role} account {account.email}")
    return 0


def _load_demo(app) -> None:
    from facilitation.demo import DEMO_EMAIL, create_demo

    with app.app_context():
        programme, password = create_demo()
        print(f"Demo programme ready: {programme.title}")
        if password:
            print(f"Log in as {DEMO_EMAIL} with password {password}")


def _serve(app, args) -> int:
    from facilitation.extensions import socketio

    print(f"Open http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/ "
          "(first run: create the first account there)", flush=True)
    # the development server is fine for one laptop; docs/deploy.md gives the production command
    socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True, use_reloader=False)
    return 0
