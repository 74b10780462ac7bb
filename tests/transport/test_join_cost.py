"""What a join costs the server (issue 22, a room scanning the QR code at once): work that is the same for
every phone is done once. Correctness only; bench/load.py --scenario rush measures the time."""

from __future__ import annotations

import json
import re
import time


def _boot(response) -> dict:
    html = response.get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S).group(1))


def test_the_screens_words_are_made_once_per_language_and_each_screen_gets_its_own(
    app, facilitator, make_session, join
):
    _, account_id = facilitator
    _, dutch = make_session(account_id, fmt="fishbowl", language="nl", start=True)
    _, english = make_session(account_id, fmt="fishbowl", language="en", start=True)
    first = _boot(join(dutch).get(f"/p/{dutch}"))
    assert first["t"]["connecting"] == "Verbinden…" and first["code"] == dutch
    again = _boot(join(dutch).get(f"/p/{dutch}"))
    assert again == first
    other = _boot(join(english).get(f"/p/{english}"))
    assert other["t"]["connecting"] == "Connecting…" and other["code"] == english
    assert other["join_url"].endswith(english) and first["join_url"].endswith(dutch)
    # one copy per language, whatever the number of phones
    assert set(app.extensions["screen_words"]) == {("nl", False), ("en", False)}  # (language, console)


def test_no_more_resumes_than_the_gate_allows_hold_the_database_at_once():
    """A reconnect storm: the resumes beyond LIVE_RESUME_CONCURRENCY wait holding no connection."""
    import threading

    from facilitation.transport import realtime

    inside, most, lock, release = [0], [0], threading.Lock(), threading.Event()

    def resume():
        with realtime.resume_gate(2):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            release.wait(5)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=resume) for _ in range(6)]
    for thread in threads:
        thread.start()
    for _ in range(500):  # until two are in (the other four wait at the gate)
        with lock:
            if inside[0] == 2:
                break
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2 and inside[0] == 0 and not any(t.is_alive() for t in threads)
