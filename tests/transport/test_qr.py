"""The QR code on the projector decodes to exactly the session's join URL."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from facilitation.live import sessions
from tests.conftest import PASSWORD


def rasterise(svg: str, scale: int = 8) -> Image.Image:
    """Draw the SVG's unit squares (qrcode's path image) onto a white bitmap."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y in re.findall(r"M(\d+),(\d+)H", svg):
        x, y = int(x), int(y)
        draw.rectangle([x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1], fill=0)
    return image


def test_qr_svg_decodes_to_the_join_url():
    url = "https://leertafel.example.nl/j/ABC234"
    svg = sessions.qr_svg(url)
    assert svg.startswith("<svg") and "viewBox" in svg
    results = zxingcpp.read_barcodes(rasterise(svg))
    assert [r.text for r in results] == [url]


def test_projector_page_embeds_the_qr_for_its_join_url(app, facilitator, make_session):
    http, account_id = facilitator
    session_id, code = make_session(account_id)
    page = http.get(f"/sessions/{session_id}/projector", base_url="http://localhost:5000").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    assert [r.text for r in zxingcpp.read_barcodes(rasterise(svg))] == [f"http://localhost:5000/j/{code}"]
    assert code in page


def test_public_url_setting_wins_over_the_request_host(make_app, make_account, login, make_session):
    app = make_app(PUBLIC_URL="https://leertafel.gemeente.nl/")
    http = app.test_client()
    account_id, email = make_account()
    login(http, email)
    session_id, code = make_session(account_id)
    svg = http.get(f"/sessions/{session_id}/qr.svg").get_data(as_text=True)
    assert [r.text for r in zxingcpp.read_barcodes(rasterise(svg))] == [f"https://leertafel.gemeente.nl/j/{code}"]


def test_join_codes_avoid_look_alikes():
    assert not set(sessions.JOIN_ALPHABET) & set("0O1IL")
    assert sessions.normalise_code(" abc-23x ") == "ABC23X"


def console_at(app, base: str, email: str, session_id: int) -> str:
    """The console as opened at `base` (the login cookie belongs to that host)."""
    http = app.test_client()
    response = http.post("/login", data={"email": email, "password": PASSWORD}, base_url=base)
    assert response.status_code == 302
    return http.get(f"/sessions/{session_id}/console", base_url=base).get_data(as_text=True)


def test_the_console_warns_when_phones_cannot_reach_the_join_address(app, make_account, make_session):
    account_id, email = make_account()
    session_id, code = make_session(account_id)
    for base in ("http://127.0.0.1:5000", "http://localhost:5000"):
        page = console_at(app, base, email, session_id)
        assert 'id="join-address-warning"' in page and "--public-url" in page and "--host 0.0.0.0" in page
    assert 'id="join-address-warning"' not in console_at(app, "http://192.168.1.20:5000", email, session_id)


def test_listening_on_all_interfaces_puts_the_network_address_in_the_qr_code(make_app, make_account, make_session):
    from facilitation.transport.web.live import lan_address

    lan = lan_address()
    if lan is None:
        pytest.fail("this machine has no network address to test with")
    app = make_app(LISTEN_HOST="0.0.0.0")
    account_id, email = make_account()
    session_id, code = make_session(account_id)
    console = console_at(app, "http://127.0.0.1:5000", email, session_id)
    assert 'id="join-address-warning"' not in console
    http = app.test_client()
    http.post("/login", data={"email": email, "password": PASSWORD}, base_url="http://127.0.0.1:5000")
    svg = http.get(f"/sessions/{session_id}/qr.svg", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert [r.text for r in zxingcpp.read_barcodes(rasterise(svg))] == [f"http://{lan}:5000/j/{code}"]
