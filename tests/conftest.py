"""Fixtures: a fresh app per test on a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set),
and builders for accounts, sessions, participants and live connections."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import uuid

import pytest
import sqlalchemy as sa

from facilitation import create_app, migrations
from facilitation.extensions import db, socketio
from facilitation.transport.realtime import NAMESPACE

PASSWORD = "correct horse battery"


def _postgres_schema_url(base_url: str, schema: str) -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def _fresh_schema(base: str, prefix: str, where: str, template: bool = False):
    """A new PostgreSQL schema on `base` for one test, dropped afterwards; skips (fails in CI) when unreachable.
    With `template`, it starts at the newest migration (tables made from a dump of a migrated schema)."""
    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, connect_args={"connect_timeout": 3})
    try:
        _create_schema(engine, base, schema, template)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        _missing(f"PostgreSQL {where} not reachable: {exc.orig}".splitlines()[0])
    try:
        yield _postgres_schema_url(base, schema)
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def pytest_collection_modifyitems(config, items):
    """A test marked `database("postgresql")` or `database("sqlite")` is about that database alone: the run on
    the other database leaves it out (deselected, not skipped; CI runs the suite on both)."""
    running = "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else "sqlite"
    kept, left_out = [], []
    for item in items:
        marker = item.get_closest_marker("database")
        (left_out if marker and marker.args[0] != running else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture
def database_url(tmp_path, tmp_path_factory):
    """SQLite file per test by default; with TEST_DATABASE_URL, a fresh PostgreSQL schema per test. Both start
    at the newest migration, copied from one migrated once per test process (running the migrations for every
    test cost most of a second each, minutes over the suite); the app's own upgrade then finds nothing to do."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = tmp_path / "test.sqlite"
        shutil.copyfile(_migrated_sqlite(tmp_path_factory), path)
        yield f"sqlite:///{path}"
        return
    with _fresh_schema(base, "t", "of TEST_DATABASE_URL", template=True) as url:
        yield url


_MIGRATED: dict[str, object] = {}  # per test process: the migrated SQLite file, the migrated schema's DDL


def _migrated_sqlite(tmp_path_factory) -> str:
    if "sqlite" not in _MIGRATED:
        path = tmp_path_factory.mktemp("migrated") / "head.sqlite"
        engine = sa.create_engine(f"sqlite:///{path}")
        migrations.upgrade(engine)
        engine.dispose()
        _MIGRATED["sqlite"] = str(path)
    return str(_MIGRATED["sqlite"])


def _migrated_ddl(engine: sa.Engine, base: str) -> tuple[str, str, str] | None:
    """(DDL, its schema name, alembic revision) of a schema migrated to the newest revision, from pg_dump;
    None without pg_dump (each test then migrates its own schema)."""
    if "postgresql" in _MIGRATED:
        return _MIGRATED["postgresql"]  # type: ignore[return-value]
    pg_dump = shutil.which("pg_dump")
    found = None
    if pg_dump:
        schema = f"head_{uuid.uuid4().hex[:12]}"
        with engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            migrated = sa.create_engine(_postgres_schema_url(base, schema))
            migrations.upgrade(migrated)
            with migrated.connect() as connection:
                revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
            migrated.dispose()
            dsn = re.sub(r"^postgresql\+psycopg://", "postgresql://", base)
            dumped = subprocess.run(
                [pg_dump, "--schema-only", "--no-owner", "--no-privileges", "-n", schema, dsn],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            # a pg_dump of an older major version than the server's refuses ("server version mismatch"): then
            # each test migrates its own schema, as without pg_dump
            if dumped.returncode == 0:
                found = (_replayable(dumped.stdout), schema, revision)
        finally:
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    _MIGRATED["postgresql"] = found
    return found


def _replayable(dump: str) -> str:
    """The dump without psql's meta-commands (\\restrict: not SQL) and the session settings pg_dump puts before
    its statements: a newer pg_dump's are unknown to an older server (17's transaction_timeout on 16), and the
    statements need none of them (every name in them is qualified with the schema)."""
    return "\n".join(line for line in dump.splitlines() if not line.startswith(("\\", "SET ")))


def _create_schema(engine: sa.Engine, base: str, schema: str, template: bool) -> None:
    migrated = _migrated_ddl(engine, base) if template else None
    with engine.begin() as connection:
        if migrated is None:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            return
        ddl, name, revision = migrated
        connection.exec_driver_sql(ddl.replace(name, schema))
        connection.execute(sa.text(f'INSERT INTO "{schema}".alembic_version VALUES (:r)'), {"r": revision})


@pytest.fixture
def make_app(tmp_path, database_url):
    made = []

    def make(**config):
        settings = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "WTF_CSRF_ENABLED": False,
            # no chair-freeing threads outliving a test; tests/test_fishbowl.py sets its own grace period
            "FISHBOWL_GRACE_SECONDS": 0,
            # phones get every event at once, so tests need not wait; tests/test_batching.py turns batches on
            "LIVE_BATCH_INTERVAL": 0,
            # no heartbeat messages in the middle of what a test counts; tests/transport/test_resync.py turns it on
            "LIVE_HEARTBEAT_SECONDS": 0,
            # hundreds of accounts: a cheap hash (scrypt took 0.2 s each); tests/people/test_account_lifecycle.py
            # checks that an installation hashes with scrypt
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **config,
        }
        app = create_app(settings)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_account(app):
    from facilitation.people import accounts

    def make(email=None, role="facilitator", name=None, password=PASSWORD):
        with app.app_context():
            account = accounts.create_account(
                email or f"{uuid.uuid4().hex[:8]}@example.org", name or "Test person", password, role
            )
            db.session.commit()
            return account.id, account.email

    return make


@pytest.fixture
def login(app):
    def do(client, email, password=PASSWORD):
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def facilitator(app, make_account, login):
    """A logged-in facilitator: (client, account_id)."""
    account_id, email = make_account(role="facilitator")
    client = app.test_client()
    login(client, email)
    return client, account_id


@pytest.fixture
def make_session(app):
    """Returns make(facilitator_id, format="learning-table", ...) -> (session_id, join_code)."""
    from facilitation.live import sessions
    from facilitation.models import Account
    from facilitation.programmes import manage as programmes

    def make(
        facilitator_id, fmt="learning-table", levels=("execution", "management"), language="nl", start=False, phase=None
    ):
        with app.app_context():
            owner = db.session.get(Account, facilitator_id)
            programme = programmes.create_programme(owner, "Programme")
            db.session.flush()
            session_ = sessions.create_session(
                programme=programme,
                facilitator=owner,
                title="Leertafel",
                fmt=app.extensions["formats"][fmt],
                levels=list(levels),
                language=language,
            )
            db.session.commit()
            ids = session_.id, session_.join_code
        if start or phase is not None:
            run(app, ids[0], facilitator_id, "session.start")
        if phase is not None:
            index = [p.key for p in app.extensions["formats"][fmt].phases].index(phase)
            if index:
                run(app, ids[0], facilitator_id, "phase.goto", {"index": index})
        return ids

    return make


def run(app, session_id, account_id, name, args=None, client_id=None):
    """Apply a command as an account, outside any transport (for arranging a test)."""
    from facilitation.live import commands

    with app.test_request_context():
        result = commands.apply(session_id, commands.Actor(account_id=account_id), name, args or {}, client_id)
        assert result.ok, result
        return result


@pytest.fixture
def join(app):
    """join(code, level="execution", name=None, accept_rules=True) -> a test client holding that participant's
    cookie; by default they pressed "Agree and join" under the house rules."""

    def do(code, level="execution", name=None, accept_rules=True):
        client = app.test_client()
        data = {"level": level, **({"accept_rules": "1"} if accept_rules else {})}
        if name:
            data["name"] = name
        response = client.post(f"/j/{code}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def connect(app):
    """connect(http_client, code, audience) -> a Socket.IO test client sharing the HTTP client's cookies."""
    opened = []

    def do(http_client, code, audience):
        sio = socketio.test_client(
            app, namespace=NAMESPACE, flask_test_client=http_client, auth={"code": code, "audience": audience}
        )
        opened.append(sio)
        return sio

    yield do
    for sio in opened:
        if sio.is_connected(NAMESPACE):
            sio.disconnect(NAMESPACE)


def command(sio, name, args=None, client_id=None):
    return sio.emit(
        "command", {"name": name, "args": args or {}, "client_id": client_id}, namespace=NAMESPACE, callback=True
    )


def received_events(sio):
    """The events a test client received, single or in batches, in the order they came."""
    events = []
    for item in sio.get_received(NAMESPACE):
        if item["name"] == "event":
            events.append(item["args"][0])
        elif item["name"] == "batch":
            events.extend(item["args"][0]["events"])
    return events


# --- the real services: PostgreSQL and Redis (tests marked `services`) ---------------------------------

SERVICES_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SERVICES_REDIS_URL = "redis://127.0.0.1:6379/0"


def _missing(reason: str):
    """Absent services skip a test on a laptop, and fail it in CI (CI=true), where they must be there."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: the real services are required)")
    pytest.skip(reason)


@pytest.fixture
def postgres_url():
    """A fresh schema on the real PostgreSQL (TEST_DATABASE_URL, else the local `test` database)."""
    base = os.environ.get("TEST_DATABASE_URL") or SERVICES_DATABASE_URL
    with _fresh_schema(base, "w", f"at {base}") as url:
        yield url


@pytest.fixture
def redis_url():
    """The real Redis (TEST_REDIS_URL, else the local one); tests use their own Socket.IO channel on it."""
    import redis

    url = os.environ.get("TEST_REDIS_URL") or SERVICES_REDIS_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        _missing(f"Redis not reachable at {url}: {exc}")
    finally:
        client.close()
    return url
