"""The bottleneck register across programmes: suggested links by text similarity, linking and unlinking with
the counts per quarter and level, carried-forward threads counted once, the derived status, who may see and
change what, and the CSV and Word exports in both languages."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from docx import Document

from facilitation.extensions import db
from facilitation.models import (
    Account,
    Cluster,
    Commitment,
    CommitmentCluster,
    Reflection,
    RegisterDismissal,
    RegisterEntry,
    RegisterLink,
    Session,
)
from facilitation.programmes import manage as programmes

# --- arranging: programmes with sessions and clusters, as a closed session leaves them ------------------------


class World:
    def __init__(self, app):
        self.app = app

    def programme(self, owner_id: int, title: str) -> int:
        with self.app.app_context():
            programme = programmes.create_programme(db.session.get(Account, owner_id), title)
            db.session.commit()
            return programme.id

    def member(self, programme_id: int, account_id: int) -> None:
        from facilitation.models import Programme

        with self.app.app_context():
            programmes.add_member(db.session.get(Programme, programme_id), db.session.get(Account, account_id))
            db.session.commit()

    def session(self, programme_id: int, owner_id: int, title: str, day: datetime, language: str = "nl") -> int:
        with self.app.app_context():
            session_ = Session(
                programme_id=programme_id,
                facilitator_id=owner_id,
                title=title,
                format_key="learning-table",
                levels=["execution", "policy"],
                language=language,
                join_code=uuid.uuid4().hex[:8].upper(),
                status="closed",
                started_at=day,
            )
            db.session.add(session_)
            db.session.commit()
            return session_.id

    def cluster(
        self,
        session_id: int,
        title: str,
        texts: list[str],
        level: str | None = "policy",
        carried_from: int | None = None,
    ) -> int:
        with self.app.app_context():
            cluster = Cluster(session_id=session_id, title=title, level=level, carried_from_id=carried_from)
            db.session.add(cluster)
            db.session.flush()
            for n, text in enumerate(texts):
                db.session.add(
                    Reflection(
                        session_id=session_id,
                        client_id=f"c{cluster.id}-{n}",
                        kind="bottleneck",
                        text=text,
                        phase_key="bottlenecks",
                        cluster_id=cluster.id,
                    )
                )
            db.session.commit()
            return cluster.id

    def commitment(self, session_id: int, cluster_id: int, status: str = "open", pending: bool = False) -> int:
        with self.app.app_context():
            commitment = Commitment(
                session_id=session_id, what="Overleg plannen", owner="Teamleider", status=status, pending=pending
            )
            db.session.add(commitment)
            db.session.flush()
            db.session.add(CommitmentCluster(commitment_id=commitment.id, cluster_id=cluster_id))
            db.session.commit()
            return commitment.id

    def set_commitment(self, commitment_id: int, status: str) -> None:
        with self.app.app_context():
            db.session.get(Commitment, commitment_id).status = status
            db.session.commit()

    def count(self, model, **where) -> int:
        with self.app.app_context():
            query = sa.select(sa.func.count()).select_from(model)
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return db.session.scalar(query)


def day(year, month, d=10):
    return datetime(year, month, d, 9, 0, tzinfo=UTC)


WAIT_A = ["De wachtlijst voor jeugdzorg is maanden lang", "Gezin wacht al een half jaar op specialistische jeugdhulp"]
WAIT_B = ["Wachttijd voor jeugdhulp loopt op tot negen maanden", "Kinderen staan te lang op de wachtlijst"]
DEBT = ["Beslag op toeslagen maakt schuldhulp onmogelijk", "Schuldeisers blijven bellen en het gezin raakt in paniek"]
PRIVACY = ["Wij mogen geen gegevens delen met de school van het kind", "Privacyregels houden overleg tegen"]


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def person(app, make_account, login):
    """person(role) -> (client, account_id), logged in."""

    def make(role="facilitator"):
        account_id, email = make_account(role=role)
        client = app.test_client()
        login(client, email)
        return client, account_id

    return make


@pytest.fixture
def two_programmes(world, person):
    """A facilitator with two programmes in different quarters; a waiting-list bottleneck in both, a debt one
    and a privacy one in one each."""
    client, fid = person("facilitator")
    pa, pb = world.programme(fid, "Gezin centraal Zwolle"), world.programme(fid, "Schuldhulp Deventer")
    sa_ = world.session(pa, fid, "Leertafel Zwolle 1", day(2026, 2))
    sb = world.session(pb, fid, "Leertafel Deventer 1", day(2026, 5))
    ids = {
        "wait_a": world.cluster(sa_, "Wachtlijst jeugdzorg", WAIT_A),
        "privacy": world.cluster(sa_, "Gegevens delen met school", PRIVACY, level="management"),
        "wait_b": world.cluster(sb, "Lange wachttijden jeugdhulp", WAIT_B),
        "debt": world.cluster(sb, "Beslag op toeslagen", DEBT, level="governance"),
    }
    return {"client": client, "fid": fid, "pa": pa, "pb": pb, "sa": sa_, "sb": sb, **ids}


def pairs(html: str) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in re.findall(r'data-a="(\d+)" data-b="(\d+)"', html)}


def entry_of(world, cluster_id):
    with world.app.app_context():
        return db.session.scalar(sa.select(RegisterLink.entry_id).where(RegisterLink.cluster_id == cluster_id))


def trend(html: str) -> dict[tuple[str, str], int]:
    """(level or 'total', quarter) -> count from the register's trend table."""
    table = html[html.index('id="register-trend"') : html.index("</table>", html.index('id="register-trend"'))]
    result = {}
    for level, row in re.findall(r'<tr data-level="([^"]*)">(.*?)</tr>', table, re.S):
        for quarter, n in re.findall(r'data-quarter="([^"]+)">(\d+)', row):
            result[(level or "none", quarter)] = int(n)
    return result


# --- suggestions ---------------------------------------------------------------------------------------------


def test_suggestions_find_a_recurring_dutch_bottleneck_across_programmes_and_not_an_unrelated_one(two_programmes):
    t = two_programmes
    page = t["client"].get("/register/suggestions")
    assert page.status_code == 200
    found = pairs(page.get_data(as_text=True))
    assert (t["wait_a"], t["wait_b"]) in found
    # debts and the waiting list, or privacy and debts, are not one bottleneck
    assert not any(t["debt"] in pair for pair in found)
    assert (t["wait_a"], t["privacy"]) not in found  # same session: never a recurrence


def test_confirming_a_suggestion_creates_an_entry_and_it_is_no_longer_suggested(two_programmes, world):
    t = two_programmes
    response = t["client"].post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    assert response.status_code == 302
    entry_id = entry_of(world, t["wait_a"])
    assert entry_id is not None and entry_of(world, t["wait_b"]) == entry_id
    with world.app.app_context():
        entry = db.session.get(RegisterEntry, entry_id)
        assert entry.title == "Wachtlijst jeugdzorg"  # named after the earlier occurrence
        assert entry.level == "policy"
    assert (t["wait_a"], t["wait_b"]) not in pairs(t["client"].get("/register/suggestions").get_data(as_text=True))


def test_a_new_occurrence_is_suggested_for_the_existing_entry(two_programmes, world):
    t = two_programmes
    t["client"].post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    later = world.session(t["pa"], t["fid"], "Leertafel Zwolle 3", day(2026, 8))
    third = world.cluster(later, "Wachtlijst voor jeugdhulp", ["Weer maanden wachten op jeugdhulp voor het gezin"])
    html = t["client"].get("/register/suggestions").get_data(as_text=True)
    assert any(third in pair for pair in pairs(html))
    t["client"].post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": third})
    assert entry_of(world, third) == entry_of(world, t["wait_a"])


def test_a_dismissed_pair_is_remembered_and_not_suggested_again(two_programmes, world):
    t = two_programmes
    t["client"].post("/register/suggestions/dismiss", data={"a": t["wait_b"], "b": t["wait_a"]})
    assert world.count(RegisterDismissal) == 1
    assert (t["wait_a"], t["wait_b"]) not in pairs(t["client"].get("/register/suggestions").get_data(as_text=True))
    t["client"].post("/register/suggestions/dismiss", data={"a": t["wait_a"], "b": t["wait_b"]})
    assert world.count(RegisterDismissal) == 1
    assert world.count(RegisterEntry) == 0


def test_a_carried_forward_cluster_is_not_suggested_as_a_recurrence_of_its_origin(two_programmes, world):
    t = two_programmes
    follow_up = world.session(t["pa"], t["fid"], "Leertafel Zwolle 2", day(2026, 3))
    carried = world.cluster(follow_up, "Wachtlijst jeugdzorg", WAIT_A, carried_from=t["wait_a"])
    found = pairs(t["client"].get("/register/suggestions").get_data(as_text=True))
    assert (t["wait_a"], carried) not in found
    assert tuple(sorted((carried, t["wait_b"]))) in found  # the thread does recur in the other programme


# --- counts: occurrences, per quarter, per level -------------------------------------------------------------


def test_linking_and_unlinking_keeps_the_counts_right(two_programmes, world):
    t, client = two_programmes, two_programmes["client"]
    client.post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    entry_id = entry_of(world, t["wait_a"])
    html = client.get("/register").get_data(as_text=True)
    assert trend(html) == {
        ("policy", "2026-Q1"): 1,
        ("policy", "2026-Q2"): 1,
        ("total", "2026-Q1"): 1,
        ("total", "2026-Q2"): 1,
    }
    entry_page = client.get(f"/register/{entry_id}").get_data(as_text=True)
    assert '<dd id="entry-count">2</dd>' in entry_page
    assert "Gezin centraal Zwolle" in entry_page and "Schuldhulp Deventer" in entry_page

    # a third occurrence in a later quarter, linked by hand
    later = world.session(t["pb"], t["fid"], "Leertafel Deventer 2", day(2026, 11))
    third = world.cluster(later, "Wachtlijst", ["Nog altijd een wachtlijst"])
    assert client.post(f"/register/{entry_id}/link", data={"cluster_id": third}).status_code == 302
    assert trend(client.get("/register").get_data(as_text=True))[("total", "2026-Q4")] == 1

    # the level of the entry moves every occurrence to that level
    client.post(
        f"/register/{entry_id}", data={"title": "Wachtlijsten jeugdhulp", "level": "governance", "status": "auto"}
    )
    counts = trend(client.get("/register").get_data(as_text=True))
    assert counts[("governance", "2026-Q2")] == 1 and ("policy", "2026-Q2") not in counts

    # unlinking takes the occurrence out of every count
    client.post(f"/register/{entry_id}/unlink", data={"cluster_id": t["wait_b"]})
    counts = trend(client.get("/register").get_data(as_text=True))
    assert counts == {
        ("governance", "2026-Q1"): 1,
        ("governance", "2026-Q4"): 1,
        ("total", "2026-Q1"): 1,
        ("total", "2026-Q4"): 1,
    }
    assert entry_of(world, t["wait_b"]) is None
    assert '<dd id="entry-count">2</dd>' in client.get(f"/register/{entry_id}").get_data(as_text=True)


def test_a_carried_forward_thread_counts_once(two_programmes, world):
    t, client = two_programmes, two_programmes["client"]
    client.post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    entry_id = entry_of(world, t["wait_a"])
    follow_up = world.session(t["pa"], t["fid"], "Leertafel Zwolle 2", day(2026, 4))
    carried = world.cluster(follow_up, "Wachtlijst jeugdzorg", WAIT_A, carried_from=t["wait_a"])
    client.post(f"/register/{entry_id}/link", data={"cluster_id": carried})
    assert entry_of(world, carried) == entry_id
    page = client.get(f"/register/{entry_id}").get_data(as_text=True)
    assert '<dd id="entry-count">2</dd>' in page  # Zwolle's thread and Deventer
    assert "carried forward to 1 later session" in page or "doorgeschoven" in page
    counts = trend(client.get("/register").get_data(as_text=True))
    assert counts[("total", "2026-Q1")] == 1 and counts[("total", "2026-Q2")] == 1  # dated by its first session


def test_deleting_a_session_removes_its_occurrences(two_programmes, world):
    t, client = two_programmes, two_programmes["client"]
    client.post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    with world.app.app_context():
        db.session.delete(db.session.get(Session, t["sb"]))
        db.session.commit()
    assert world.count(RegisterLink) == 1
    entry_id = entry_of(world, t["wait_a"])
    assert '<dd id="entry-count">1</dd>' in client.get(f"/register/{entry_id}").get_data(as_text=True)


def test_an_entry_left_without_occurrences_by_a_purge_goes_with_its_copied_title(two_programmes, world):
    """Issue 20: an entry is named after the earlier cluster; once every linked cluster is purged, its title (the
    purged group's wording) must not stay behind. An entry a person added by hand, with no link, is theirs."""
    from datetime import timedelta

    from facilitation.models import utcnow
    from facilitation.privacy import retention

    t, client = two_programmes, two_programmes["client"]
    client.post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    client.post("/register/suggestions/confirm", data={"a": t["privacy"], "b": t["debt"]})
    assert client.post("/register/new", data={"title": "Eigen knelpunt", "level": "policy"}).status_code == 302
    entry_id = entry_of(world, t["wait_a"])
    with world.app.app_context():
        assert db.session.get(RegisterEntry, entry_id).title == "Wachtlijst jeugdzorg"
        retention.delete_session(t["sa"])
    assert world.count(RegisterEntry) == 3  # each linked entry still has its occurrence in the other session
    with world.app.app_context():
        db.session.get(Session, t["sb"]).closed_at = utcnow() - timedelta(days=100)
        db.session.commit()
        assert retention.purge(utcnow(), 90) == 1
    with world.app.app_context():
        assert list(db.session.scalars(sa.select(RegisterEntry.title))) == ["Eigen knelpunt"]
    page = client.get("/register").get_data(as_text=True)
    assert "Wachtlijst jeugdzorg" not in page and "Gegevens delen met school" not in page


# --- status --------------------------------------------------------------------------------------------------


def _status(client, entry_id):
    html = client.get(f"/register/{entry_id}").get_data(as_text=True)
    return re.search(r'id="entry-status" data-status="(\w+)"', html).group(1)


def test_status_is_derived_from_linked_commitments_unless_a_person_sets_it(two_programmes, world):
    t, client = two_programmes, two_programmes["client"]
    client.post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    entry_id = entry_of(world, t["wait_a"])
    assert _status(client, entry_id) == "open"
    world.commitment(t["sa"], t["wait_a"], pending=True)  # an unconfirmed proposal is no commitment yet
    assert _status(client, entry_id) == "open"
    first = world.commitment(t["sa"], t["wait_a"])
    assert _status(client, entry_id) == "commitment"
    second = world.commitment(t["sb"], t["wait_b"], status="in_progress")
    world.set_commitment(first, "done")
    assert _status(client, entry_id) == "commitment"
    world.set_commitment(second, "dropped")  # a dropped one does not hold the rest back
    assert _status(client, entry_id) == "solved"
    world.set_commitment(first, "dropped")  # nothing left that was done: open again
    assert _status(client, entry_id) == "open"
    client.post(f"/register/{entry_id}", data={"title": "Wachtlijst", "level": "policy", "status": "solved"})
    assert _status(client, entry_id) == "solved"
    client.post(f"/register/{entry_id}", data={"title": "Wachtlijst", "level": "policy", "status": "auto"})
    assert _status(client, entry_id) == "open"


def test_bad_input_is_refused_with_a_message_and_changes_nothing(two_programmes, world):
    t, client = two_programmes, two_programmes["client"]
    client.post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    entry_id = entry_of(world, t["wait_a"])
    for data in (
        {"title": "", "level": "policy", "status": "auto"},
        {"title": "x" * 201, "level": "policy", "status": "auto"},
        {"title": "Ok", "level": "heaven", "status": "auto"},
        {"title": "Ok", "level": "policy", "status": "finished"},
    ):
        response = client.post(f"/register/{entry_id}", data=data, follow_redirects=True)
        assert response.status_code == 200
        assert 'class="notice error"' in response.get_data(as_text=True)
    with world.app.app_context():
        entry = db.session.get(RegisterEntry, entry_id)
        assert (entry.title, entry.level, entry.status) == ("Wachtlijst jeugdzorg", "policy", None)
    # a cluster already in the register cannot go into a second entry
    client.post("/register/new", data={"title": "Ander knelpunt", "cluster_id": t["debt"]})
    other = entry_of(world, t["debt"])
    response = client.post(f"/register/{other}/link", data={"cluster_id": t["wait_a"]}, follow_redirects=True)
    assert "already linked to another entry" in response.get_data(as_text=True) or "al gekoppeld" in response.get_data(
        as_text=True
    )
    assert entry_of(world, t["wait_a"]) == entry_id
    assert client.post(f"/register/{entry_id}/link", data={"cluster_id": "abc"}).status_code == 400
    assert client.post(f"/register/{entry_id}/link", data={"cluster_id": 999999}).status_code == 302
    assert world.count(RegisterLink) == 3


# --- permissions ---------------------------------------------------------------------------------------------


def test_organisers_read_only_their_programmes_and_change_nothing(two_programmes, world, person):
    t = two_programmes
    t["client"].post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    entry_id = entry_of(world, t["wait_a"])
    organiser, oid = person("organiser")
    world.member(t["pa"], oid)
    page = organiser.get("/register")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Gezin centraal Zwolle" in html and "Leertafel Zwolle 1" in html
    assert "Schuldhulp Deventer" not in html and "Leertafel Deventer 1" not in html
    assert "1 time in another programme" in html or "1 keer in een ander leertraject" in html
    assert trend(html)[("total", "2026-Q2")] == 1  # counted, without where
    entry_html = organiser.get(f"/register/{entry_id}").get_data(as_text=True)
    assert "Lange wachttijden jeugdhulp" not in entry_html and "Leertafel Deventer 1" not in entry_html
    assert "Unlink" not in entry_html and 'name="csrf_token"' in entry_html  # only the language/logout forms
    csv_text = organiser.get("/register/export.csv?lang=en").get_data(as_text=True)
    assert "Deventer" not in csv_text and "Zwolle" in csv_text

    # every change is refused and nothing changes
    for url, data in (
        (f"/register/{entry_id}", {"title": "Weg", "level": "policy", "status": "solved"}),
        (f"/register/{entry_id}/unlink", {"cluster_id": t["wait_a"]}),
        (f"/register/{entry_id}/link", {"cluster_id": t["privacy"]}),
        (f"/register/{entry_id}/delete", {}),
        ("/register/new", {"title": "Nieuw", "cluster_id": t["privacy"]}),
        ("/register/suggestions/confirm", {"a": t["privacy"], "b": t["debt"]}),
        ("/register/suggestions/dismiss", {"a": t["privacy"], "b": t["debt"]}),
    ):
        assert organiser.post(url, data=data).status_code == 403, url
    assert organiser.get("/register/suggestions").status_code == 403
    assert world.count(RegisterLink) == 2 and world.count(RegisterEntry) == 1 and world.count(RegisterDismissal) == 0
    with world.app.app_context():
        assert db.session.get(RegisterEntry, entry_id).status is None


def test_an_organiser_outside_every_programme_sees_no_entry(two_programmes, world, person):
    t = two_programmes
    t["client"].post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    entry_id = entry_of(world, t["wait_a"])
    organiser, _oid = person("organiser")
    html = organiser.get("/register").get_data(as_text=True)
    assert f'data-entry-id="{entry_id}"' not in html and "Wachtlijst" not in html
    assert organiser.get(f"/register/{entry_id}").status_code == 404
    assert "Wachtlijst" not in organiser.get("/register/export.csv?lang=nl").get_data(as_text=True)


def test_a_facilitator_links_only_clusters_of_programmes_they_can_see(two_programmes, world, person):
    t = two_programmes
    other, other_id = person("facilitator")
    own = world.programme(other_id, "Eigen traject")
    own_session = world.session(own, other_id, "Eigen leertafel", day(2026, 6))
    mine = world.cluster(own_session, "Wachtlijst jeugdhulp", WAIT_B)
    html = other.get("/register/suggestions").get_data(as_text=True)
    assert "Leertafel Zwolle 1" not in html  # suggestions only among what they can see
    response = other.post("/register/suggestions/confirm", data={"a": mine, "b": t["wait_a"]}, follow_redirects=True)
    assert "programme you cannot see" in response.get_data(
        as_text=True
    ) or "leertraject dat je niet kunt zien" in response.get_data(as_text=True)
    assert world.count(RegisterEntry) == 0 and world.count(RegisterLink) == 0
    # the owner links theirs with the other's programme once a member of it
    world.member(own, t["fid"])
    t["client"].post("/register/suggestions/confirm", data={"a": mine, "b": t["wait_a"]})
    entry_id = entry_of(world, mine)
    assert entry_id is not None
    # the other facilitator may not delete an entry holding occurrences they cannot see
    assert other.post(f"/register/{entry_id}/delete").status_code == 302
    assert world.count(RegisterEntry) == 1
    admin, _aid = person("admin")
    assert admin.post(f"/register/{entry_id}/delete").status_code == 302
    assert world.count(RegisterEntry) == 0 and world.count(RegisterLink) == 0


def test_anonymous_visitors_and_participants_get_nothing(app, two_programmes, world, join, make_session):
    t = two_programmes
    t["client"].post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    entry_id = entry_of(world, t["wait_a"])
    _sid, code = make_session(t["fid"], start=True)
    for client in (app.test_client(), join(code)):
        for url in (
            "/register",
            f"/register/{entry_id}",
            "/register/suggestions",
            "/register/export.csv",
            "/register/export.docx",
        ):
            response = client.get(url)
            assert response.status_code in (302, 401), (url, response.status_code)
            assert "Wachtlijst" not in response.get_data(as_text=True)
        assert client.post(f"/register/{entry_id}/unlink", data={"cluster_id": t["wait_a"]}).status_code in (302, 401)
    assert world.count(RegisterLink) == 2


def test_the_register_is_in_the_top_navigation(two_programmes):
    html = two_programmes["client"].get("/").get_data(as_text=True)
    assert 'href="/register"' in html


# --- exports -------------------------------------------------------------------------------------------------


def _linked(t, world):
    client = t["client"]
    client.post("/register/suggestions/confirm", data={"a": t["wait_a"], "b": t["wait_b"]})
    client.post("/register/new", data={"title": '=HYPERLINK("http://x")', "cluster_id": t["debt"]})
    return client


def test_csv_export_in_dutch_and_english_is_formula_safe(two_programmes, world):
    client = _linked(two_programmes, world)
    response = client.get("/register/export.csv?lang=nl")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "knelpuntenregister.csv" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Registernummer", "Terugkerend knelpunt", "Niveau", "Status"]
    body = rows[1:]
    assert len(body) == 3
    wait = [r for r in body if r[1] == "Wachtlijst jeugdzorg"]
    assert {r[5] for r in wait} == {"Gezin centraal Zwolle", "Schuldhulp Deventer"}
    assert {r[9] for r in wait} == {"2026-Q1", "2026-Q2"} and {r[4] for r in wait} == {"2"}
    assert all(r[2] == "Beleid" for r in wait)
    debt = [r for r in body if "HYPERLINK" in r[1]]
    assert debt[0][1].startswith("'=")

    english = client.get("/register/export.csv?lang=en")
    rows = list(csv.reader(io.StringIO(english.get_data(as_text=True).lstrip("\ufeff")), delimiter=","))
    assert rows[0][:4] == ["Entry", "Recurring bottleneck", "Level", "Status"]
    assert "bottleneck-register.csv" in english.headers["Content-Disposition"]


def test_word_export_has_the_trend_and_a_table_per_level_in_both_languages(two_programmes, world):
    client = _linked(two_programmes, world)
    for lang, heading, policy, governance in (
        ("nl", "Knelpuntenregister", "Beleid", "Bestuur"),
        ("en", "Bottleneck register", "Policy", "Governance"),
    ):
        response = client.get(f"/register/export.docx?lang={lang}")
        assert response.status_code == 200
        assert response.mimetype.endswith("wordprocessingml.document")
        doc = Document(io.BytesIO(response.data))
        texts = [p.text for p in doc.paragraphs]
        assert heading in texts
        trend_table = next(t for t in doc.tables if len(t.columns) > 1 and t.rows[0].cells[1].text == "2026-Q1")
        level_tables = [t for t in doc.tables if len(t.columns) == 5]
        header = [c.text for c in trend_table.rows[0].cells]
        assert header[1:3] == ["2026-Q1", "2026-Q2"]
        rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in trend_table.rows[1:]}
        assert rows[policy] == ["1", "1", "2"] and rows[governance] == ["0", "1", "1"]
        assert len(level_tables) == 2
        cells = " ".join(c.text for t in level_tables for r in t.rows for c in r.cells)
        assert "Wachtlijst jeugdzorg" in cells and "Gezin centraal Zwolle" in cells and "Schuldhulp Deventer" in cells


def test_unknown_export_format_is_not_found(two_programmes):
    assert two_programmes["client"].get("/register/export.rtf").status_code == 404


def test_adding_one_bottleneck_by_hand_takes_its_title_and_level(two_programmes, world):
    t, client = two_programmes, two_programmes["client"]
    html = client.get("/register").get_data(as_text=True)
    assert f'<option value="{t["debt"]}">Beslag op toeslagen' in html
    client.post("/register/new", data={"title": "", "cluster_id": t["debt"]})
    entry_id = entry_of(world, t["debt"])
    with world.app.app_context():
        entry = db.session.get(RegisterEntry, entry_id)
        assert (entry.title, entry.level) == ("Beslag op toeslagen", "governance")
    assert f'<option value="{t["debt"]}">' not in client.get("/register").get_data(as_text=True)
    assert client.post("/register/new", data={"title": ""}, follow_redirects=True).status_code == 200
    assert world.count(RegisterEntry) == 1


def test_on_the_labelled_dutch_reflections_each_theme_finds_its_other_half(two_programmes, world):
    """Each theme's labelled reflections split over two programmes (neutral titles, so only the reflections
    speak): the best suggestion for each half is its other half, and what is suggested is mostly right."""
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).parent.parent / "data" / "labelled_reflections_nl.toml").read_text("utf-8"))
    themes: dict[str, list[str]] = {}
    for item in data["reflection"]:
        themes.setdefault(item["theme"], []).append(item["text"])
    t = two_programmes
    first = world.session(t["pa"], t["fid"], "Leertafel Zwolle 2", day(2026, 3))
    second = world.session(t["pb"], t["fid"], "Leertafel Deventer 2", day(2026, 6))
    theme_of = {}
    for n, (theme, texts) in enumerate(sorted(themes.items())):
        theme_of[world.cluster(first, f"K{n}a", texts[0::2], level=None)] = theme
        theme_of[world.cluster(second, f"K{n}b", texts[1::2], level=None)] = theme
    with world.app.app_context():
        from facilitation.register import entries as register

        found = register.suggestions(db.session.get(Account, t["fid"]), limit=500)
    labelled = [s for s in found if s.a.id in theme_of and s.b.id in theme_of]
    best: dict[int, int] = {}
    for s in labelled:  # best first
        best.setdefault(s.a.id, s.b.id)
        best.setdefault(s.b.id, s.a.id)
    right = sum(1 for cid, other in best.items() if theme_of[cid] == theme_of[other])
    assert right >= len(theme_of) - 2, (right, len(theme_of))
    correct = sum(1 for s in labelled if theme_of[s.a.id] == theme_of[s.b.id])
    assert labelled and correct / len(labelled) >= 0.8, (correct, len(labelled))
    assert correct >= len(themes) - 1


def test_english_sessions_are_compared_with_english_stems(world, person):
    client, fid = person("facilitator")
    one, two = world.programme(fid, "City A"), world.programme(fid, "City B")
    s1 = world.session(one, fid, "Table A", day(2026, 1), language="en")
    s2 = world.session(two, fid, "Table B", day(2026, 4), language="en")
    waiting = world.cluster(s1, "Waiting lists", ["Families wait months for specialised youth care"])
    waited = world.cluster(s2, "Long waiting times", ["The family waited nine months for youth care"])
    housing = world.cluster(s2, "No housing", ["Nobody finds an affordable house for the mother"])
    found = pairs(client.get("/register/suggestions").get_data(as_text=True))
    assert (waiting, waited) in found
    assert not any(housing in pair for pair in found)


# --- examples for the cluster suggestions --------------------------------------------------------------------


def _loose(world, session_id: int, texts: list[str]) -> list[int]:
    """Reflections not in any cluster yet, as a participant leaves them."""
    with world.app.app_context():
        rows = [
            Reflection(
                session_id=session_id,
                client_id=f"loose-{session_id}-{n}",
                kind="bottleneck",
                text=text,
                phase_key="bottlenecks",
            )
            for n, text in enumerate(texts)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]


def _entry(world, title: str, cluster_ids: list[int]) -> None:
    with world.app.app_context():
        entry = RegisterEntry(title=title)
        db.session.add(entry)
        db.session.flush()
        db.session.add_all(RegisterLink(entry_id=entry.id, cluster_id=cid) for cid in cluster_ids)
        db.session.commit()


def test_cluster_suggestions_use_register_entries_only_from_programmes_the_facilitator_may_see(world, person):
    client, fid = person("facilitator")
    _, other = person("facilitator")
    mine, theirs = world.programme(fid, "Leertraject Zwolle"), world.programme(other, "Leertraject Kampen")
    earlier = [world.session(theirs, other, f"Kampen {n}", day(2026, 2 + n)) for n in (1, 2)]
    _entry(
        world,
        "Wachtlijsten jeugd-GGZ",
        [
            world.cluster(
                earlier[0],
                "Wachtlijst",
                ["Wachtlijst voor de jeugd-GGZ van negen maanden", "Geen plek vrij bij de jeugd-ggz"],
            ),
            world.cluster(
                earlier[1], "Wachten", ["Een jaar op de wachtlijst voor de GGZ", "GGZ heeft een aanmeldstop"]
            ),
        ],
    )
    now = world.session(mine, fid, "Zwolle 1", day(2026, 6))
    ids = _loose(
        world,
        now,
        [
            "Weer een wachtlijst bij de GGZ, acht maanden",
            "Schulden stapelen zich op",
            "De deurwaarder stond voor de deur",
        ],
    )
    url = f"/sessions/{now}/clusters/suggestions"
    unseen = client.get(url).get_json()["suggestions"]
    assert all(s["recurring"] is None for s in unseen)  # another programme's register does not leak
    world.member(theirs, fid)
    seen = client.get(url).get_json()["suggestions"]
    recurring = next(s for s in seen if s["recurring"])
    assert recurring["title"] == recurring["recurring"] == "Wachtlijsten jeugd-GGZ"
    assert recurring["times"] == 2 and recurring["reflection_ids"] == [ids[0]]
    assert "Wachtlijst" in recurring["why"]
    assert client.get(url + "?granularity=9").status_code == 400
    assert client.get(url + "?granularity=veel").status_code == 400
