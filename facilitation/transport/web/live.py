"""What every live screen's JavaScript starts with: the session code, its audience and its words."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit, urlunsplit

from flask import current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _

from facilitation.live import organisations as lists
from facilitation.live import sessions
from facilitation.models import Session
from facilitation.text.labels import (
    COMMITMENT_STATUSES,
    GOAL_KINDS,
    KINDS,
    LAWS,
    LEVELS,
    MOMENT_KINDS,
    PERSONAL_DATA,
    TAGS,
    translated,
)

LOOPBACK = ("127.", "localhost", "::1", "[::1]")
ALL_INTERFACES = ("0.0.0.0", "::")


def public_base_url() -> str:
    """Where phones reach this server: PUBLIC_URL when set, else the address the page was opened at; a
    console opened at 127.0.0.1 of a server listening on all interfaces gives this computer's network address."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured
    url = urlsplit(request.host_url)
    if url.hostname and url.hostname.startswith(LOOPBACK) and current_app.config.get("LISTEN_HOST") in ALL_INTERFACES:
        lan = lan_address()
        if lan:
            return urlunsplit((url.scheme, f"{lan}:{url.port}" if url.port else lan, url.path, "", ""))
    return request.host_url


def lan_address() -> str | None:
    """This computer's address on the local network: the one a packet to the outside would leave from (a UDP
    "connect" sends nothing). None without a network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere, only looked up in the table
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith(LOOPBACK) or address == "0.0.0.0" else address


def join_address_warning() -> str | None:
    """For the console: a join address no phone can reach (this computer's own), with how to fix it."""
    host = urlsplit(public_base_url()).hostname or ""
    if not host.startswith(LOOPBACK):
        return None
    return _(
        "Phones cannot reach %(address)s: that is this computer's own address. Start the app with "
        "--host 0.0.0.0 so phones on the same network can join (the QR code then shows this computer's network "
        "address), or give the address phones use with --public-url (or the PUBLIC_URL setting).",
        address=public_base_url().rstrip("/"),
    )


def join_url(session_: Session) -> str:
    return sessions.join_url(public_base_url(), session_)


def js_strings() -> dict[str, str]:
    """Every sentence the scripts show, translated here so the scripts hold no language."""
    return {
        "connecting": _("Connecting…"),
        "connected": _("Connected"),
        "offline": _("No connection. What you write is kept and sent when the connection is back."),
        "waiting": _("Waiting to be sent"),
        "sent": _("Sending…"),
        "confirmed": _("Received"),
        "refused": _("Not accepted"),
        "participants": _("participants"),
        "no_reflections": _("No reflections yet."),
        "hide": _("Hide"),
        "unhide": _("Show again"),
        "hidden": _("Hidden"),
        "lobby": _("The session will start soon."),
        "closed": _("This session has been closed. Thank you for taking part!"),
        "chars_left": _("%(n)s characters left"),
        "timer_paused": _("Paused"),
        "time_up": _("Time is up"),
        "new_reflections": _("%(n)s new reflections"),
        "by_facilitator": _("entered by the facilitator"),
        "anonymous": _("Anonymous"),
        "your_reflections": _("Your reflections"),
        "all_reflections": _("Reflections"),
        "phase": _("Phase"),
        "of": _("of"),
        "send": _("Send"),
        "reconnected": _("Connection restored."),
        "other_levels": _("Other levels"),
        "pii_warning": _(
            "This looks like personal data: %(kinds)s. The case is pseudonymised; please leave out "
            "anything that identifies a person. Edit your text, or press Send again to send it as it is."
        ),
        "pii_flag": _("Possibly personal data: %(kinds)s"),
        "edit": _("Edit"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "reveal_wall": _("Show the wall to the room (%(n)s reflections)"),
        "send_kind": _("Send: %(kind)s"),
        "choose_kind": _("Choose a kind first"),
        **_own_reflection_strings(),
    }


def _own_reflection_strings() -> dict[str, str]:
    """The phone's words for correcting or taking back one's own reflection."""
    return {
        "change": _("Amend"),
        "withdraw": _("Withdraw"),
        "withdraw_question": _("Withdraw this reflection? It disappears from every screen and from the report."),
        "withdraw_yes": _("Yes, withdraw"),
        "withdraw_no": _("No, keep it"),
        "withdrawn": _("Your reflection has been withdrawn."),
        "editing": _("You are changing your reflection (%(kind)s)."),
        "save_change": _("Save change"),
        "changed": _("Your reflection has been changed."),
        "in_cluster": _("In a cluster: ask the facilitator if it needs changing."),
        "finish_edit": _("Save or cancel the change you are making first."),
        "edit_in_cluster": _(
            "Your reflection is now in a cluster, so this change cannot be saved. Your text stays here; ask the "
            "facilitator if it needs changing."
        ),
        "edit_phase": _("This phase takes no reflections, so this change cannot be saved now. Your text stays here."),
        "edit_gone": _("Your reflection is no longer on the screens, so this change cannot be saved."),
    }


def board_strings() -> dict[str, str]:
    """Words of the clustering, voting and level-map parts of the screens."""
    return {**_clustering_strings(), **_voting_strings()}


def _clustering_strings() -> dict[str, str]:
    return {
        "not_clustered": _("Not clustered"),
        "not_clustered_yet": _("Not clustered yet"),
        "no_clusters": _("No clusters yet."),
        "move_to": _("Move to…"),
        "move": _("Move"),
        "moved_to": _("Moved to %(title)s"),
        "moved_out": _("Moved back to not clustered"),
        "edit_cluster": _("Edit, merge, split"),
        "title": _("Title"),
        "description": _("Short description"),
        "level": _("Level"),
        "level_open": _("Level not decided"),
        "domains": _("Domains"),
        "save": _("Save"),
        "merge_into": _("Merge this cluster into"),
        "merge": _("Merge"),
        "split_legend": _("Reflections to split off"),
        "split_title": _("Title of the new cluster"),
        "split": _("Split off"),
        "delete_cluster": _("Delete cluster"),
        "n_reflections": _("%(n)s reflections"),
        "one_reflection": _("1 reflection"),
        "n_dots": _("%(n)s dots"),
        "one_dot": _("1 dot"),
        "no_dots": _("no dots"),
        "suggestions": _("Suggestions"),
        "no_suggestions": _("No suggestions: too few of the unclustered reflections are alike."),
        "suggestion_title": _("Title of the suggested cluster"),
        "accept": _("Accept"),
        "dismiss": _("Dismiss"),
        "keywords": _("Keywords"),
        "why": _("Why together"),
        "recurring": _("looks like recurring bottleneck: %(title)s (%(n)s times before)"),
        "fewer_groups": _("Fewer groups"),
        "more_groups": _("More groups"),
        "kind_success": _("Success factors"),
        "kind_bottleneck": _("Bottlenecks"),
        "loading": _("Working…"),
        "lane_level": _("Move to level"),
    }


def _voting_strings() -> dict[str, str]:
    return {
        "round_n": _("Voting round %(n)s"),
        "round_open": _("Open: participants are voting"),
        "round_closed": _("Closed"),
        "voters": _("%(n)s people have voted"),
        "one_voter": _("1 person has voted"),
        "results_hidden": _("The results are hidden until the round closes."),
        "results_hidden_console": _("Only you see these results until you show them or close the round."),
        "show_results": _("Show results to the room"),
        "close_round": _("Close round"),
        "final_ranking": _("Final ranking"),
        "live_results": _("Live results"),
        "no_round": _("No voting round yet."),
        "phase_without_voting": _("Participants can vote only in a phase that allows voting."),
        "budget_info": _("%(budget)s dots each"),
        "several_allowed": _("several dots on one cluster allowed"),
        "one_per_cluster": _("at most one dot per cluster"),
        "dots_left": _("%(left)s of %(budget)s dots left"),
        "add_dot": _("Add a dot to %(title)s"),
        "remove_dot": _("Remove a dot from %(title)s"),
        "give_dot": _("Give a dot to %(title)s"),
    }


def fishbowl_strings() -> dict[str, str]:
    """Words of the fishbowl parts of the phone, the console and the projector."""
    return {
        "seat_n": _("Chair %(n)s"),
        "empty_chair": _("Empty chair"),
        "free_chair": _("Free chair"),
        "in_circle_for": _("in the circle for %(time)s"),
        "queue_empty": _("Nobody is waiting for the empty chair."),
        "queue_n": _("%(n)s people are waiting"),
        "queue_one": _("1 person is waiting"),
        "no_topic": _("No topic chosen yet"),
        "topic": _("Topic: %(title)s"),
        "round_clock": _("Round %(n)s · %(time)s"),
        "request": _("I want to join the circle"),
        "withdraw": _("I'd rather not, leave the queue"),
        "leave": _("I'm leaving the circle"),
        "you_are_seated": _("You are in the circle, on chair %(n)s. Say “I'm leaving the circle” when you are done."),
        "you_wait": _("You are waiting for the empty chair: number %(n)s in the queue."),
        "you_observe": _("You are in the outer circle. Write down what you see and hear, or ask for the empty chair."),
        "seat_next": _("Seat %(who)s"),
        "time_heading": _("Speaking time per level"),
        "time_share": _("%(share)s%% · %(time)s"),
        "top_share": _("%(level)s had the chair %(share)s%% of the time."),
        "no_time": _("Nobody has sat in the circle yet."),
        "turns": _("Times someone sat down: %(n)s."),
        "person_time": _("%(who)s: %(time)s in %(n)s turns"),
        "person_time_one": _("%(who)s: %(time)s in 1 turn"),
    }


def commit_strings() -> dict:
    """Words of the commitments and follow-up parts of the screens."""
    return {
        "heading": _("Commitments"),
        "followup_heading": _("Where our commitments stand"),
        "none_yet": _("No commitments yet."),
        "no_proposals": _("No proposals yet."),
        "no_commitments": _("No confirmed commitments yet."),
        "no_followup": _("No commitments from earlier sessions of this programme."),
        "what": _("What will be done"),
        "what_placeholder": _("I / my team will …"),
        "owner": _("Who"),
        "owner_hint": _("A role and organisation, or your name if you want to give it."),
        "level": _("Level"),
        "level_none": _("Level not given"),
        "due_date": _("By when"),
        "due": _("by %(date)s"),
        "answers_legend": _("Bottlenecks it answers"),
        "answers": _("Answers: %(titles)s"),
        "made_in": _("Made in: %(title)s"),
        "updates": _("Updates"),
        "status": _("Status"),
        "note": _("Note"),
        "update": _("Update"),
        "overdue": _("overdue"),
        "confirm": _("Confirm"),
        "reject": _("Reject"),
        "edit": _("Edit"),
        "save": _("Save"),
        "save_confirm": _("Save and confirm"),
        "merge_into": _("Merge this proposal into"),
        "merge": _("Merge"),
        "waiting_for_facilitator": _("Waiting for the facilitator"),
        "confirmed": _("Confirmed"),
        "proposed": _("Sent to the facilitator."),
        "carried_from": _("Carried from: %(from)s"),
        "background": _("Background: %(n)s earlier reflections"),
        "carried_done": _("Carried forward."),
        "statuses": {key: _(value) for key, value in COMMITMENT_STATUSES.items()},
        "goal": _("Serves goal (optional)"),
        "goal_none": _("No goal"),
        "serves": _("Serves: %(title)s"),
        "goal_kinds": {key: _(value) for key, value in GOAL_KINDS.items()},
    }


def journey_strings() -> dict:
    """Words of the case journey (maatwerkreis) on console, projector and phone."""
    return {
        # pairs, not an object: JSON objects reach the page with their keys sorted
        "moment_kinds": list(translated(MOMENT_KINDS).items()),
        "no_moment": _("No moment"),
        "pinned": _("Pinned reflections"),
        "pin_to": _("Moment on the timeline"),
        "earlier": _("Earlier"),
        "later": _("Later"),
        "edit_moment": _("Edit"),
        "delete_moment": _("Delete"),
        "moment_kind": _("Kind of moment"),
        "moment_title": _("What happened"),
        "moment_when": _("When, in words (e.g. after the summer holiday)"),
        "moment_description": _("Short description (pseudonymised)"),
    }


def journey_console_strings() -> dict:
    """The moment form's words and lists and the journey's figures: the console alone needs them."""
    return {
        "moment_date": _("Date (2024-03-05, or 2024-03 if only the month is known)"),
        "moment_organisations": _("Organisations involved"),
        "moment_law": _("Law or scheme"),
        "moment_ground": _("Ground of the rejection"),
        "moment_answers": _("Answers the application"),
        "not_given": _("Not given"),
        "organisations": list(lists.organisation_options()),
        "laws": list(translated(LAWS).items()),
        "grounds": list(lists.ground_options()),
        "measures": {
            "days": _("Days from first signal to breakthrough"),
            "unknown": _("not known"),
            "approximate": _("about %(n)s"),
            "approximate_note": _("About: a date on the way is known only to the month."),
            "applications": _("Applications"),
            "rejections": _("Rejections"),
            "new_ground": _("%(n)s on a new ground"),
            "organisations": _("Organisations"),
            "handovers": _("Handovers without progress"),
            "crisis": _("Breakthrough after a crisis"),
            # each form is its own message (see facilitation.text.i18n); nl and en: "one, or not one"
            "crisis_day": _("yes, %(n)s day after it"),
            "crisis_days": _("yes, %(n)s days after it"),
            "crisis_yes": _("yes"),
            "crisis_no": _("no"),
            "no_breakthrough": _("no breakthrough yet"),
        },
    }


def method_strings() -> dict[str, str]:
    """Words of the learning-method parts: house rules, room-only reflections, disciplines, the case journey."""
    return {
        "rules_accepted": _("%(n)s of %(total)s accepted"),
        "rules_saved": _("Saved. Participants are asked to agree again."),
        "room_only": _("room only"),
        "proxy_label": _("Without phone %(n)s (%(level)s)"),
        "for_nobody": _("Not said by anyone in particular"),
        "choose": _("Choose…"),
        "dots_for": _("For"),
        "cluster": _("Bottleneck"),
        "dots": _("Dots"),
        "dots_saved": _("Saved; %(left)s dots left for this person."),
        "remove": _("Remove"),
        **journey_strings(),
        "save": _("Save"),
        "discipline_note": _("Groups of fewer than %(n)s people are counted under other."),
        "mark_room_only": _("Room only"),
        "mark_for_report": _("For the report"),
    }


def live_boot(session_: Session, audience: str) -> dict:
    return {
        "code": session_.join_code,
        "audience": audience,
        "join_url": join_url(session_),
        **_screen_words(audience == "console"),
    }


def _screen_words(console: bool) -> dict:
    """The words of the live screens in the current language. They are the same for every screen of that
    language and kind (the console has more), so they are made once per language and kind (per app): making
    them took a phone's writing screen about 15 ms of the server's time, a third of a join, when a room of 300
    scans the QR code at once."""
    cache = current_app.extensions.setdefault("screen_words", {})
    key = (str(get_locale()), console)
    if key not in cache:
        cache[key] = _make_screen_words(console)
    return cache[key]


def _make_screen_words(console: bool) -> dict:
    return {
        "t": js_strings(),
        "levels": translated(LEVELS),
        "kinds": translated(KINDS),
        "personal_data": translated(PERSONAL_DATA),
        # pairs, not an object: JSON objects reach the page with their keys sorted
        "tags": list(translated(TAGS).items()),
        "board": board_strings(),
        "fishbowl": fishbowl_strings(),
        "commit": commit_strings(),
        # the moment form and the journey's figures are the console's alone: phones stay light
        "method": {**method_strings(), **(journey_console_strings() if console else {})},
    }
