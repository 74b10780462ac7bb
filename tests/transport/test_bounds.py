"""Crafted numbers and nesting, as the attack run sent them (issue 20): ids of 2^31, 2^63 and more in every
URL and form field, and JSON nested 100,000 levels deep on the command API. A 404 or 400, never a 500, on
SQLite and on PostgreSQL (whose integers are 32-bit)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PASSWORD

HUGE = (2**31, 2**63 - 1, 2**63, 2**64, 10**30)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, make_app, tmp_path):
    """The app on SQLite, then on the real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bounds.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    return make_app(SQLALCHEMY_DATABASE_URI=url)


@pytest.fixture
def admin(any_app):
    from facilitation.extensions import db
    from facilitation.people import accounts

    with any_app.app_context():
        accounts.create_account("admin@example.org", "Admin", PASSWORD, "admin")
        db.session.commit()
    client = any_app.test_client()
    assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 302
    return client


def int_routes(app):
    """(rule, methods, names of its int parts) for every route with a number in it."""
    for rule in app.url_map.iter_rules():
        names = [name for name, converter in rule._converters.items() if converter.regex == r"\d+"]
        if names:
            yield rule, rule.methods - {"HEAD", "OPTIONS"}, names


def test_huge_ids_in_urls_are_404_not_500(any_app, admin):
    routes = list(int_routes(any_app))
    assert len(routes) >= 15
    for rule, methods, names in routes:
        for number in HUGE:
            path = rule.rule
            for name in names:
                path = path.replace(f"<int:{name}>", str(number))
            path = path.replace("<fmt>", "docx").replace("<path:filename>", "x")
            for method in methods:
                response = admin.open(path, method=method)
                assert response.status_code in (404, 405), (method, path, response.status_code)
    # the largest id both databases hold is still looked up (and is simply not there)
    assert admin.get(f"/sessions/{2**31 - 1}/console").status_code == 404


def test_huge_ids_in_form_fields_are_refused_not_500(any_app, admin):
    programme = admin.post("/programmes", data={"title": "Traject", "description": ""})
    programme_path = programme.headers["Location"]
    for number in HUGE:
        assert admin.post(f"{programme_path}/members", data={"account_id": str(number)}).status_code == 400
        created = admin.post(
            f"{programme_path}/sessions",
            data={"title": "Leertafel", "format": "learning-table", "levels": "execution", "case_id": str(number)},
        )
        assert created.status_code == 302  # made without a case: the number names none
        for form in ({"cluster_id": str(number)}, {"a": str(number), "b": "1"}):
            for path in ("/register/suggestions/confirm", "/register/suggestions/dismiss", "/register/new"):
                assert admin.post(path, data=form).status_code in (302, 400), (path, form)
        assert admin.get(f"/admin/audit?page={number}").status_code == 200


def test_deeply_nested_json_on_the_command_api_is_400(any_app, admin):
    from facilitation.extensions import db
    from facilitation.live import sessions
    from facilitation.models import Account
    from facilitation.programmes import manage as programmes

    with any_app.app_context():
        owner = db.session.get(Account, 1)
        programme = programmes.create_programme(owner, "P")
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme,
            facilitator=owner,
            title="T",
            fmt=any_app.extensions["formats"]["learning-table"],
            levels=["execution"],
            language="nl",
        )
        db.session.commit()
        code = session_.join_code
    deep = "[" * 100_000 + "]" * 100_000
    bodies = (
        deep,
        '{"name": "reflection.post", "args": ' + deep + "}",
        '{"name": "reflection.post", "args": {"text": ' + "{" + '"a":{' * 50_000 + "}" * 50_001 + "}}",
    )
    for body in bodies:
        response = admin.post(f"/api/s/{code}/command", data=body, content_type="application/json")
        assert response.status_code == 400, response.status_code
        assert response.get_json()["error"] == "bad_request"
    # brackets inside strings are text, not nesting
    text = json.dumps({"name": "session.start", "args": {"note": "[" * 1000}})
    assert admin.post(f"/api/s/{code}/command", data=text, content_type="application/json").status_code == 200


def test_json_depth_counts_only_structure():
    from facilitation.transport.bounds import MAX_JSON_DEPTH, json_depth, loads

    assert json_depth('{"a": [1, {"b": "]]]["}]}') == 3
    assert json_depth(b'"[[[["') == 0
    assert loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(ValueError):
        loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
