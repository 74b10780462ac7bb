"""The QR code on the projector decodes to exactly the session's join URL."""

from __future__ import annotations

import re

import zxingcpp
from PIL import Image, ImageDraw

from facilitation.live import sessions


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
