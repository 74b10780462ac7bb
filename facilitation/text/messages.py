"""The words for every refusal code, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; it is translated where it is shown."""
    return message


ERRORS = {
    "unknown_command": N_("This action does not exist."),
    "forbidden": N_("You may not do this in this session."),
    "not_found": N_("That no longer exists in this session."),
    "missing_field": N_("Something is missing: %(field)s."),
    "wrong_type": N_("This was sent in the wrong form: %(field)s."),
    "invalid_text": N_("This text contains characters that cannot be stored."),
    "empty_text": N_("Please write something first."),
    "too_long": N_("This is too long: at most %(limit)s characters."),
    "invalid_choice": N_("That is not one of the options: %(field)s."),
    "out_of_range": N_("That number must be between %(low)s and %(high)s."),
    "session_closed": N_("This session has been closed."),
    "session_not_live": N_("This session has not started yet."),
    "phase_does_not_allow": N_("That is not possible in this phase."),
    "kind_not_allowed": N_("This kind of reflection is not asked for in this phase."),
    "already_started": N_("The session has already started."),
    "no_change": N_("Nothing to change."),
    "not_covered": N_("The wall of this phase is not covered."),
    "timer_empty": N_("The timer has no time left; extend it first."),
    "duplicate_client_id": N_("This was sent twice with the same id."),
    "conflict": N_("Someone else changed this at the same moment; please try again."),
    "bad_request": N_("The request could not be read."),
    "not_connected": N_("You are not connected to a session."),
    "rate_limited": N_("Slow down a little, and try again in a moment."),
    "door_closed": N_("The facilitator has closed this session to new participants."),
    "reflection_in_cluster": N_(
        "This reflection is already in a cluster the group works with; ask the facilitator to change it."
    ),
    "reflection_moderated": N_(
        "The facilitator has already changed this reflection, so it cannot be corrected any more; you can "
        "still withdraw it, or ask the facilitator."
    ),
    "withdrawn": N_("You have withdrawn this reflection."),
    "not_in_cluster": N_("That reflection is not in this cluster."),
    "vote_open": N_("Close the voting round first: the clusters on the ballot cannot change while people vote."),
    "no_clusters": N_("Make at least one cluster before voting."),
    "no_open_round": N_("There is no open voting round."),
    "round_already_open": N_("A voting round is already open; close it first."),
    "case_has_bsn": N_(
        "The case description contains what looks like a citizen service number (BSN). Remove it, or write the "
        "case on its own page, where you can confirm that it is not a real person's number."
    ),
    "confirm_open_round": N_("A voting round is still open. Leave this phase anyway? The round stays open."),
    "confirm_pending_proposals": N_(
        "Proposals from phones are still waiting for you (%(n)s). Leave this phase anyway? They stay waiting."
    ),
    "confirm_personal_data_projector": N_(
        "A cluster title looks like personal data (flagged in the console). Show it on the projector anyway?"
    ),
    "confirm_personal_data_title": N_(
        "This title looks like personal data, and the projector shows the clusters. Save it anyway? It stays "
        "flagged in the console."
    ),
    "confirm_personal_data_report": N_(
        "A cluster title or an action agreement looks like personal data (flagged in the console); the report "
        "would contain it. Close the session anyway?"
    ),
    "round_not_open": N_("This voting round is closed."),
    "budget_exceeded": N_("You have only %(budget)s dots in this round."),
    "one_dot_per_cluster": N_("In this round each cluster gets at most one dot from you."),
    "already_seated": N_("This person is already in the circle."),
    "already_queued": N_("You are already waiting for the empty chair."),
    "not_queued": N_("You are not waiting for the empty chair."),
    "not_seated": N_("This person is not in the circle."),
    "circle_full": N_("Every chair in the circle is taken; someone has to leave first."),
    "seat_taken": N_("That chair is taken; choose a free one."),
    "chairs_occupied": N_("Someone sits on a chair that would go; free that chair first."),
    "invalid_date": N_("That date is not valid."),
    "moment_date": N_("Give the date as 2024-03-05 (or 5-3-2024), or as 2024-03 when only the month is known."),
    "law_not_for_kind": N_("Only an application or a rejection has a law or scheme."),
    "ground_not_for_kind": N_("Only a rejection has a ground or answers an application."),
    "not_an_application": N_("A rejection can only answer an application of this journey."),
    "already_confirmed": N_("This commitment has already been confirmed."),
    "not_confirmed": N_("Confirm this proposal first."),
    "not_your_commitment": N_("Only the facilitator or whoever proposed it can update this commitment."),
    "register_not_found": N_("That bottleneck does not exist, or it is in a programme you cannot see."),
    "register_forbidden": N_("Only facilitators and administrators may change the register."),
    "already_in_register": N_(
        "This bottleneck is already linked to another entry of the register; unlink it there first."
    ),
    "no_such_facilitator": N_("There is no active facilitator account with that e-mail address."),
    "goal_not_found": N_("That goal does not exist in this session's programme; choose one of its goals."),
    "too_many_goals": N_("A programme has at most %(limit)s goals; remove one first."),
    "rules_not_accepted": N_("Please accept the house rules first; you find them at the top of your screen."),
}


def error_message(code: str | None, params: dict | None = None) -> str:
    message = ERRORS.get(code or "", ERRORS["bad_request"])
    try:
        return gettext(message, **(params or {}))
    except (KeyError, ValueError, TypeError):
        return gettext(message.split(":")[0])
