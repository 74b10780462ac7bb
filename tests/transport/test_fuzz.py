"""Fuzzing every entry point with Hypothesis: generated payloads for every command in COMMANDS (wrong types,
missing and extra fields, huge strings, deep nesting, lone surrogates, unknown ids and other sessions' ids)
through the Socket.IO test client and the HTTP JSON endpoint, and generated form posts and paths for the
pages. Never a server error; a refusal names its reason in words and changes nothing.

The number of generated cases is printed at the end of the run (pytest's summary)."""

from __future__ import annotations

import uuid
from collections import Counter
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.extensions import db
from facilitation.live import commands
from facilitation.models import Base, Session
from tests.conftest import command, run

CASES: Counter = Counter()


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@pytest.fixture(scope="module", autouse=True)
def report_count(request):
    yield
    line = (
        f"fuzz: {sum(CASES.values())} generated cases ran ({', '.join(f'{k} {v}' for k, v in sorted(CASES.items()))})"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + line)


@pytest.fixture
def app(make_app):
    # the posting limit would turn most generated posts into "slow down"; tests/test_hardening.py covers it
    return make_app(
        REFLECTION_RATE_LIMIT="",
        PARTICIPANT_COMMAND_RATE_LIMIT="",
        RESUME_RATE_LIMIT="",
        JOIN_RATE_LIMIT="",
        JOIN_CODE_RATE_LIMIT="",
        LOGIN_RATE_LIMIT="",
        LOGIN_ADDRESS_RATE_LIMIT="",
    )


@pytest.fixture
def world(app, make_account, make_session, join, connect, login):
    owner_id, owner_email = make_account()
    other_id, _ = make_account()
    session_id, code = make_session(owner_id, phase="write")
    other_session, other_code = make_session(other_id, phase="write")
    phone_http = join(code, name="Noor")
    join(other_code)
    ids = []
    for sid, account in ((session_id, owner_id), (other_session, other_id)):
        posted = run(app, sid, account, "reflection.post", {"kind": "success", "text": "Een"}, uuid.uuid4().hex)
        cluster = run(app, sid, account, "cluster.create", {"title": "Regie", "reflection_ids": [posted.data["id"]]})
        run(app, sid, account, "cluster.create", {"title": "Regels"})
        ids += [posted.data["id"], cluster.data["cluster"]["id"]]
    # entering the voting phase opens a round
    ids.append(run(app, other_session, other_id, "phase.goto", {"index": 3}).data["round"]["id"])
    facilitator_http = login(app.test_client(), owner_email)
    return {
        "app": app,
        "session_id": session_id,
        "code": code,
        "ids": ids,
        "phone_http": phone_http,
        "facilitator_http": facilitator_http,
        "phone": connect(phone_http, code, "participant"),
        "console": connect(facilitator_http, code, "console"),
    }


def state(app, session_id):
    """last_seq and the number of rows in every table: what a refused command must leave as it was."""
    with app.app_context():
        db.session.rollback()
        seq = db.session.scalar(sa.select(Session.last_seq).where(Session.id == session_id))
        counts = tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in Base.metadata.sorted_tables
        )
        return seq, counts


def nest(value, depth):
    for n in range(depth):
        value = [value] if n % 2 else {"a": value}
    return value


FIELDS = [
    "id",
    "text",
    "kind",
    "level",
    "index",
    "minutes",
    "title",
    "description",
    "reflection_ids",
    "cluster_id",
    "into",
    "ids",
    "tags",
    "view",
    "budget",
    "round_id",
    "dots",
    "show_name",
    "several_per_cluster",
    "name",
    "goal_id",
]
odd_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\ud800",
        "a\udfffb",
        "\u202e",
        "😀" * 300,
        "<script>x</script>",
        "' OR 1=1 --",
        "%(field)s",
        "{0}",
        "\n" * 50,
    ]
)
huge_text = st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "é", "😀", "\ud800"]), st.integers(400, 80_000))
ids = st.integers(-3, 60) | st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, 2**64 + 5, -(2**63) - 1])
scalars = (
    st.none()
    | st.booleans()
    | ids
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=80)
    | odd_text
    | huge_text
)
json_values = st.recursive(
    scalars, lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=10), c, max_size=5), max_leaves=15
)
deep = st.builds(nest, scalars, st.integers(20, 400))


@st.composite
def payloads(draw, world_ids, name=""):
    """Mostly dicts with the commands' own field names (so the checks behind the first one are reached)."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(json_values)
    if kind == 1:
        return draw(deep)
    fields = (
        draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True))
        if kind == 2
        else [f for f in COMMAND_FIELDS.get(name, FIELDS) if draw(st.integers(0, 4))]
    )  # each of its own, mostly present
    value_of = st.one_of(
        scalars,
        st.sampled_from(world_ids),
        st.lists(st.sampled_from(world_ids) | ids, max_size=6),
        st.sampled_from(["success", "bottleneck", "policy", "levels", "debts"]),
        deep,
    )
    payload = {name: draw(value_of) for name in fields}
    payload.update(draw(st.dictionaries(st.text(max_size=12), json_values, max_size=2)))  # extra fields
    return payload


#: the fields each command reads (tests/test_commands.py PAYLOADS has valid values)
COMMAND_FIELDS = {
    "participant.join": ["level", "name"],
    "phase.goto": ["index"],
    "timer.start": ["minutes"],
    "timer.extend": ["minutes"],
    "reflection.post": ["kind", "text", "level", "show_name"],
    "reflection.hide": ["id"],
    "reflection.unhide": ["id"],
    "reflection.edit": ["id", "text"],
    "reflection.edit_own": ["id", "text"],
    "reflection.withdraw": ["id"],
    "reflection.move": ["id", "cluster_id"],
    "cluster.create": ["title", "reflection_ids", "description"],
    "cluster.edit": ["id", "title", "description"],
    "cluster.set_level": ["id", "level"],
    "cluster.set_tags": ["id", "tags"],
    "cluster.merge": ["into", "ids"],
    "cluster.split": ["id", "reflection_ids", "title"],
    "cluster.delete": ["id"],
    "projector.show": ["view"],
    "vote.open": ["budget", "several_per_cluster"],
    "vote.set": ["round_id", "cluster_id", "dots"],
    "moment.add": ["kind", "title", "date", "organisations", "law", "ground", "answers", "position"],
    "moment.edit": ["id", "kind", "date", "organisations", "law", "ground", "answers"],
}
names = st.sampled_from(sorted(commands.COMMANDS)) | st.sampled_from(["", "reflection", "x.y", "__init__"])
client_ids = (
    st.none()
    | st.builds(lambda: uuid.uuid4().hex)
    | st.text(max_size=80)
    | ids
    | odd_text
    | st.builds(lambda: uuid.uuid4().hex[:12] + "\x00")
)


def check_ack(world, ack, before, duplicate_ok=True):
    app, session_id = world["app"], world["session_id"]
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    after = state(app, session_id)
    if ack["ok"]:
        assert after[0] in (before[0], before[0] + 1)
    else:
        assert isinstance(ack.get("error"), str) and ack["error"]
        assert isinstance(ack.get("message"), str) and ack["message"] and ack["message"] != ack["error"], ack
        assert after == before, ack


@fuzz(160)
@given(data=st.data())
def test_socket_commands_from_a_phone(world, data):
    name = data.draw(names)
    payload = data.draw(payloads(world["ids"], name))
    client_id = data.draw(client_ids)
    before = state(world["app"], world["session_id"])
    ack = world["phone"].emit(
        "command", {"name": name, "args": payload, "client_id": client_id}, namespace="/live", callback=True
    )
    CASES["socket phone"] += 1
    check_ack(world, ack, before)


@fuzz(160)
@given(data=st.data())
def test_socket_commands_from_the_console(world, data):
    name = data.draw(names)
    payload = data.draw(payloads(world["ids"], name))
    client_id = data.draw(client_ids)
    before = state(world["app"], world["session_id"])
    message = data.draw(st.just({"name": name, "args": payload, "client_id": client_id}) | json_values)
    ack = world["console"].emit("command", message, namespace="/live", callback=True)
    CASES["socket console"] += 1
    check_ack(world, ack, before)
    # the connection survives whatever was sent
    assert world["console"].is_connected("/live")


@fuzz(130)
@given(data=st.data())
def test_http_command_endpoint(world, data):
    who = data.draw(st.sampled_from(["phone_http", "facilitator_http", "anonymous"]))
    client = world["app"].test_client() if who == "anonymous" else world[who]
    code = data.draw(st.just(world["code"]) | st.text(max_size=14))
    before = state(world["app"], world["session_id"])
    name = data.draw(names)
    body = data.draw(
        st.builds(lambda a, c: {"name": name, "args": a, "client_id": c}, payloads(world["ids"], name), client_ids)
        | json_values
    )
    response = client.post(f"/api/s/{quote(code, safe='')}/command", json=body)
    CASES["http json"] += 1
    if response.status_code == 308:  # an empty code: "/api/s//command" is redirected by the router
        assert code == "" or "/" in code
        return
    assert response.status_code in (200, 400, 403, 404, 429), response.status_code
    ack = response.get_json()
    if response.status_code == 404 and code != world["code"]:
        assert ack["ok"] is False and ack["message"]
        assert state(world["app"], world["session_id"]) == before
        return
    check_ack(world, ack, before)


@fuzz(50)
@given(
    body=st.binary(max_size=3000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
)
def test_http_command_endpoint_with_raw_bodies(world, body, content_type):
    before = state(world["app"], world["session_id"])
    response = world["phone_http"].post(
        f"/api/s/{world['code']}/command", data=body, headers={"Content-Type": content_type} if content_type else {}
    )
    CASES["http raw"] += 1
    assert response.status_code < 500
    assert response.get_json()["message"]
    assert state(world["app"], world["session_id"]) == before or response.status_code == 200


form_values = (
    st.text(max_size=300)
    | odd_text
    | st.text(max_size=20).map(lambda t: t + "\x00" + t)
    | huge_text.map(lambda t: t[:60_000].encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
)
ROUTES = [
    "/login",
    "/join",
    "/j/{code}",
    "/programmes",
    "/programmes/{programme}/cases",
    "/programmes/{programme}/sessions",
    "/programmes/{programme}/members",
    "/programmes/{programme}/goals",
    "/cases/{case}/edit",
    "/sessions/{session}/data",
    "/language",
    "/admin/accounts",
    "/setup",
    "/logout",
]
FORM_FIELDS = [
    "email",
    "password",
    "code",
    "level",
    "name",
    "title",
    "description",
    "format",
    "case_id",
    "levels",
    "language",
    "scheduled_at",
    "retention_days",
    "account_id",
    "role",
    "next",
    "confirm_personal_data",
    "kind",
    "direction",
]


@fuzz(100)
@given(data=st.data())
def test_forms_and_pages(world, data):
    app = world["app"]
    with app.app_context():
        from facilitation.models import Case, Programme

        programme = db.session.scalar(sa.select(Programme.id).order_by(Programme.id))
        case = db.session.scalar(sa.select(Case.id)) or 1
    route = data.draw(st.sampled_from(ROUTES)).format(
        code=world["code"], programme=programme, case=case, session=world["session_id"]
    )
    form = data.draw(st.dictionaries(st.sampled_from(FORM_FIELDS) | st.text(max_size=8), form_values, max_size=8))
    client = data.draw(st.sampled_from([world["facilitator_http"], world["phone_http"], app.test_client()]))
    before = state(app, world["session_id"])[0]
    # sent as a browser or a script would: URL-encoded bytes, lone surrogates as invalid UTF-8
    body = urlencode(form, encoding="utf-8", errors="surrogatepass")
    response = client.post(route, data=body, content_type="application/x-www-form-urlencoded")
    CASES["forms"] += 1
    assert response.status_code < 500, (route, form, response.status_code)
    # forms never change a live session's state: that goes through commands only
    assert state(app, world["session_id"])[0] == before
    if client is world["facilitator_http"] and route == "/logout":
        world["facilitator_http"].post("/login", data={"email": "x", "password": "y"})


@fuzz(120)
@given(data=st.data())
def test_paths(world, data):
    segment = quote(data.draw(st.text(max_size=40) | odd_text), safe="", errors="surrogatepass")
    template = data.draw(
        st.sampled_from(
            [
                "/j/{}",
                "/p/{}",
                "/api/s/{}/command",
                "/sessions/{}/console",
                "/sessions/{}/data",
                "/cases/{}",
                "/programmes/{}",
                "/projector/{}",
                "/static/vendor/{}",
                "/{}",
                "/sessions/{}/clusters/suggestions",
            ]
        )
    )
    client = data.draw(st.sampled_from([world["facilitator_http"], world["phone_http"]]))
    response = client.get(template.format(segment))
    CASES["paths"] += 1
    assert response.status_code < 500, (template, segment, response.status_code)


@fuzz(100)
@given(data=st.data())
def test_socket_resume_and_connect(world, data):
    """The other two things a socket sends: resume with any seq, and connect with any auth."""
    from facilitation.extensions import socketio
    from facilitation.transport.realtime import NAMESPACE

    message = data.draw(st.builds(lambda seq: {"seq": seq}, ids | scalars) | json_values)
    answer = world["phone"].emit("resume", message, namespace=NAMESPACE, callback=True)
    assert answer["ok"] is True and ("snapshot" in answer or "events" in answer)
    auth = data.draw(
        st.fixed_dictionaries(
            {
                "code": st.just(world["code"]) | st.text(max_size=14) | odd_text,
                "audience": st.sampled_from(["participant", "console", "projector", "x"]),
            }
        )
        | json_values
    )
    client = socketio.test_client(world["app"], namespace=NAMESPACE, flask_test_client=world["phone_http"], auth=auth)
    from facilitation.live.sessions import normalise_code

    allowed = (
        isinstance(auth, dict)
        and isinstance(auth.get("code"), str)
        and auth.get("audience") == "participant"
        and normalise_code(auth["code"]) == world["code"]
    )
    assert client.is_connected(NAMESPACE) == allowed, auth
    if allowed:
        client.disconnect(NAMESPACE)
    CASES["socket resume+connect"] += 1


def test_a_nul_character_in_any_form_field_is_refused_before_the_database(world):
    """PostgreSQL cannot store NUL; a person never types one. Every form refuses it with 400, nothing changes."""
    app = world["app"]
    with app.app_context():
        from facilitation.models import Programme

        programme = db.session.scalar(sa.select(Programme.id).order_by(Programme.id))
    routes = [r.format(code=world["code"], programme=programme, case=1, session=world["session_id"]) for r in ROUTES]
    before = state(app, world["session_id"])
    for route in routes:
        for field in FORM_FIELDS:
            client = app.test_client() if route in ("/login", "/join", "/setup") else world["facilitator_http"]
            response = client.post(
                route, data={"title": "Traject", "email": "a@b.nl", "level": "execution", field: "a\x00b"}
            )
            assert response.status_code == 400, (route, field, response.status_code)
    assert world["facilitator_http"].get("/?next=%00").status_code == 400
    assert state(app, world["session_id"]) == before


def test_client_ids_with_control_characters_are_refused(world):
    before = state(world["app"], world["session_id"])
    for client_id in ("abcdefgh\x00", "\x00" * 10, "abcdefgh\n", "abcdefgh\x7f"):
        ack = command(world["phone"], "reflection.post", {"kind": "success", "text": "Een punt"}, client_id)
        assert ack["ok"] is False and ack["error"] == "wrong_type" and ack["message"], client_id
    assert state(world["app"], world["session_id"]) == before
