"""Names of levels, reflection kinds and statuses as people read them, in both languages."""

from __future__ import annotations

from flask_babel import gettext

from facilitation.text.messages import N_

LEVELS = {
    "execution": N_("Execution"),
    "management": N_("Management"),
    "policy": N_("Policy"),
    "governance": N_("Governance"),
}
KINDS = {
    "success": N_("Success factor"),
    "bottleneck": N_("Bottleneck"),
    "cause": N_("Cause"),
    "idea": N_("Idea"),
    "question": N_("Question"),
}
#: domain tags a bottleneck cluster can carry (the counters a family meets)
TAGS = {
    "youth_care": N_("Youth care"),
    "social_support": N_("Social support"),
    "debts": N_("Debts"),
    "income_work": N_("Income and work"),
    "housing": N_("Housing"),
    "education": N_("Education"),
    "health": N_("Health"),
    "safety": N_("Safety"),
}
COMMITMENT_STATUSES = {
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}
#: a programme goal's kind (models.GoalKind)
GOAL_KINDS = {"learning": N_("Learning goal"), "change": N_("Change goal")}
STATUSES = {"draft": N_("Not started"), "live": N_("Live"), "closed": N_("Closed")}
#: a bottleneck register entry's status (register/entries.STATUSES)
REGISTER_STATUSES = {"open": N_("Open"), "commitment": N_("Commitment made"), "solved": N_("Solved")}
PERSONAL_DATA = {
    "bsn": N_("citizen service number (BSN)"),
    "email": N_("e-mail address"),
    "phone": N_("phone number"),
    "postcode": N_("postcode"),
    "birthdate": N_("date of birth"),
    "iban": N_("bank account number (IBAN)"),
    "name": N_("a person's name"),
    "address": N_("street address"),
}
ROLES = {"admin": N_("Administrator"), "facilitator": N_("Facilitator"), "organiser": N_("Organiser")}


def translated(table: dict[str, str]) -> dict[str, str]:
    return {key: gettext(value) for key, value in table.items()}


#: the law or scheme of an application or rejection in a case journey
LAWS = {
    "jeugdwet": N_("Youth Act (Jeugdwet)"),
    "wmo": N_("Social Support Act (Wmo)"),
    "participatiewet": N_("Participation Act (Participatiewet)"),
    "wlz": N_("Long-term Care Act (Wlz)"),
    "zvw": N_("Health Insurance Act (Zvw)"),
    "wsnp": N_("Debt Restructuring Act (Wsnp)"),
    "other": N_("Other law or scheme"),
}

#: what kind of moment; the projector and report name and mark each
MOMENT_KINDS = {
    "signal": N_("First signal"),
    "intake": N_("Intake"),
    "application": N_("Application"),
    "rejection": N_("Rejection"),
    "crisis": N_("Crisis"),
    "breakthrough": N_("Breakthrough"),
    "other": N_("Other moment"),
}
