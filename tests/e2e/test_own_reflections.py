"""A participant corrects and then withdraws their own reflection from a 360x740 phone; the projector and a
second phone follow at once, and nothing on them says who changed or withdrew what. axe in Dutch and English."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from facilitation.extensions import db
from facilitation.models import Event, Reflection, Session
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import log_in
from tests.e2e.seed import Room
from tests.e2e.test_phone_fit import TARGETS

FIRST = "De school belde het wijkteam pas na drie weken"
BETTER = "De school belde het wijkteam pas na drie weken, en niemand pakte het op"
SMALL = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
#: the cards on screen (the projector keeps its hidden wall in the page beside the fishbowl's observations)
SHOWN = ".reflection:visible"
SHOTS = os.environ.get("E2E_SCREENSHOTS")


def _phone(new_context, server, room, level):
    phone = new_context(**SMALL).new_page()
    phone.goto(f"{server.url}/j/{room.code}")
    phone.check(f"input[name=level][value={level}]")
    phone.locator("form button.send, form button[type=submit]").first.click()
    phone.wait_for_url("**/p/*")
    expect(phone.locator("#live-status")).to_have_attribute("data-state", "online")
    return phone


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name))


def _fishbowl_screens(server, new_context, language):
    """A fishbowl in its rounds (phones see each other's observations), its projector and two phones."""
    room = Room(server.instance, "fishbowl", "Fishbowl met de directie")
    with room.app.app_context():
        db.session.execute(sa.update(Session).where(Session.id == room.id).values(language=language))
        db.session.commit()
    room.run("session.start", {})
    room.phase("rounds")
    projector = new_context(viewport={"width": 1280, "height": 720}).new_page()
    log_in(projector, server)
    projector.goto(f"{server.url}/sessions/{room.id}/projector")
    expect(projector.locator("#live-status")).to_have_attribute("data-state", "online")
    return room, projector, _phone(new_context, server, room, "policy"), _phone(new_context, server, room, "execution")


def _post(author, kind, text):
    author.locator(".kinds label").filter(has=author.locator(f"input[value={kind}]")).tap()
    author.locator("#text").fill(text)
    author.locator("#send-reflection").tap()
    return author.locator("#mine .reflection", has_text=text)


def _correct(author, card, language):
    """'Amend': the text goes into the box, the kind stays, the button says what it does; then saved."""
    card.locator("[data-key^=edit]").tap()
    text = author.locator("#text")
    expect(text).to_have_value(FIRST)
    expect(text).to_be_focused()
    expect(author.locator("#edit-notice")).to_be_visible()
    expect(author.locator("#kinds")).to_be_hidden()
    assert author.evaluate(TARGETS) == []
    assert_accessible(author, f"phone changing a reflection ({language})")
    _shot(author, f"own-edit-{language}.png")
    text.fill(BETTER)
    author.locator("#send-reflection").tap()
    expect(author.locator("#mine .reflection", has_text=BETTER)).to_be_visible()
    expect(author.locator("#sent-status")).not_to_be_empty()
    expect(text).to_have_value("")
    expect(author.locator("#kinds")).to_be_visible()


def _withdraw(author, language):
    """'Withdraw' asks first, in the card; 'no' keeps it, 'yes' takes it off every screen."""
    mine = author.locator("#mine .reflection", has_text=BETTER)
    mine.locator("[data-key^=withdraw]").tap()
    expect(mine.locator(".own-actions.confirm")).to_be_visible()
    expect(mine.locator("[data-key^=no]")).to_be_focused()
    assert author.evaluate(TARGETS) == []
    assert_accessible(author, f"phone asking before withdrawing ({language})")
    _shot(author, f"own-withdraw-{language}.png")
    mine.locator("[data-key^=no]").tap()
    expect(mine.locator(".own-actions.confirm")).to_have_count(0)
    mine.locator("[data-key^=withdraw]").tap()
    mine.locator("[data-key^=yes]").tap()
    expect(author.locator("#mine .reflection")).to_have_count(0)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_participant_corrects_and_withdraws_and_every_screen_follows(server, new_context, language):
    room, projector, author, other = _fishbowl_screens(server, new_context, language)
    card = _post(author, "question", FIRST)
    expect(card.locator(".own-actions button")).to_have_count(2)
    expect(other.locator("#others .reflection", has_text=FIRST)).to_be_visible()
    expect(projector.locator(SHOWN, has_text=FIRST)).to_be_visible()
    assert author.evaluate(TARGETS) == []
    assert_accessible(author, f"phone with its own reflection ({language})")
    # the phone's list is rebuilt when the other phone's join arrives in its batch, which may be just now: a
    # scroll in the page itself cannot hold on to a card that a rebuild replaced
    expect(card).to_be_visible()
    author.evaluate("document.querySelector('#mine .reflection')?.scrollIntoView({block: 'center'})")
    _shot(author, f"own-list-{language}.png")

    _correct(author, card, language)
    for screen in (other, projector):
        expect(screen.locator(SHOWN, has_text=BETTER)).to_be_visible()
        expect(screen.locator(SHOWN)).to_have_count(1)
    # nothing on the other screens tells that it was changed, let alone by whom
    for screen in (other, projector):
        words = screen.locator(SHOWN).inner_text().lower()
        assert not any(w in words for w in ("aangepast", "changed", "amended", "policy", "beleid"))

    _withdraw(author, language)
    for screen in (other, projector):
        expect(screen.locator(".reflection")).to_have_count(0)  # shown or not: gone from the page
    assert BETTER not in other.locator("body").inner_text()
    # a phone that loads afresh gets nothing of it either
    other.reload()
    expect(other.locator("#live-status")).to_have_attribute("data-state", "online")
    expect(other.locator(".reflection")).to_have_count(0)


def test_the_covered_wall_counts_follow_a_withdrawal(server, new_context):
    room = Room(server.instance, "learning-table", "Leertafel stil schrijven")
    room.run("session.start", {})
    room.phase("write")  # covered: the projector shows counts per kind only
    projector = new_context(viewport={"width": 1280, "height": 720}).new_page()
    log_in(projector, server)
    projector.goto(f"{server.url}/sessions/{room.id}/projector")
    expect(projector.locator("#wall-covered")).to_be_visible()
    author = _phone(new_context, server, room, "management")
    author.locator(".kinds label").filter(has=author.locator("input[value=bottleneck]")).tap()
    author.locator("#text").fill(FIRST)
    author.locator("#send-reflection").tap()
    counts = projector.locator("#kind-counts .kind-count")
    expect(counts).to_have_text(["0", "1", "0"])
    mine = author.locator("#mine .reflection", has_text=FIRST)
    mine.locator("[data-key^=edit]").tap()
    author.locator("#text").fill(BETTER)
    author.locator("#send-reflection").tap()
    expect(author.locator("#mine .reflection", has_text=BETTER)).to_be_visible()
    expect(counts).to_have_text(["0", "1", "0"])  # a correction is no new card
    author.locator("#mine [data-key^=withdraw]").tap()
    author.locator("#mine [data-key^=yes]").tap()
    expect(counts).to_have_text(["0", "0", "0"])
    expect(author.locator("#mine .reflection")).to_have_count(0)
    _shot(projector, "covered-after-withdraw.png")


DRAFT = "Nog niet verstuurd: de huisarts"
#: Room changes the session outside the server, so the phones hear of it from the heartbeat (every 5 s)
HEARD = 20_000


def _learning_table(server, new_context, phase):
    room = Room(server.instance, "learning-table", "Leertafel clusteren")
    room.run("session.start", {})
    room.phase(phase)
    return room, _phone(new_context, server, room, "management")


def _reflection_id(room, text):
    with room.app.app_context():
        return db.session.scalar(sa.select(Reflection.id).where(Reflection.text == text))


def test_a_correction_keeps_what_was_typed_and_says_why_it_can_no_longer_be_saved(server, new_context):
    room, author = _learning_table(server, new_context, "cluster")
    card = _post(author, "bottleneck", FIRST)
    text, notice, save = author.locator("#text"), author.locator("#edit-notice"), author.locator("#send-reflection")
    text.fill(DRAFT)  # a new reflection, half written
    card.locator("[data-key^=edit]").tap()
    expect(text).to_have_value(FIRST)
    text.fill(BETTER)
    save.tap()
    expect(author.locator("#mine .reflection", has_text=BETTER)).to_be_visible()
    expect(text).to_have_value(DRAFT)  # back once the correction is saved

    author.locator("#mine [data-key^=edit]").tap()
    text.fill("Bijna klaar met verbeteren")
    room.run("cluster.create", {"title": "Regie", "reflection_ids": [_reflection_id(room, BETTER)]})
    expect(notice).to_contain_text("in een cluster", timeout=HEARD)
    expect(text).to_have_value("Bijna klaar met verbeteren")  # not wiped: the participant can still copy it
    expect(save).to_be_disabled()
    assert_accessible(author, "phone whose correction can no longer be saved")
    _shot(author, "own-edit-blocked.png")
    author.locator("#cancel-edit").tap()
    expect(text).to_have_value(DRAFT)

    loose = _post(author, "bottleneck", "Een los knelpunt")
    loose.locator("[data-key^=edit]").tap()
    text.fill("Een los knelpunt, anders gezegd")
    room.phase("vote")
    expect(notice).to_contain_text("In deze fase", timeout=HEARD)
    expect(text).to_have_value("Een los knelpunt, anders gezegd")
    expect(save).to_be_disabled()
    author.locator("#cancel-edit").tap()
    expect(author.locator("#write")).to_be_hidden()  # no writing in this phase once the change is given up


def test_a_resent_post_that_was_withdrawn_leaves_the_outbox(server, new_context):
    room, author = _learning_table(server, new_context, "write")
    _post(author, "bottleneck", FIRST).locator("[data-key^=withdraw]").tap()
    author.locator("#mine [data-key^=yes]").tap()
    expect(author.locator("#mine .reflection")).to_have_count(0)
    with room.app.app_context():
        client_id = db.session.scalar(sa.select(Event.client_id).where(Event.name == "reflection.post"))
    # the answer to the post got lost on the way: the outbox still holds it, and sends it again on a reload
    item = {"client_id": client_id, "kind": "bottleneck", "text": FIRST, "state": "waiting"}
    author.evaluate("([key, item]) => localStorage.setItem(key, JSON.stringify([item]))", [f"outbox:{room.code}", item])
    author.reload()
    expect(author.locator("#live-status")).to_have_attribute("data-state", "online")
    author.wait_for_function(f"() => localStorage.getItem('outbox:{room.code}') === null")
    expect(author.locator("#mine .reflection")).to_have_count(0)
