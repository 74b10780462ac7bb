"""The demo programme `python app.py --demo` starts with: a fictional, pseudonymised case in Dutch."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from facilitation import formats
from facilitation.extensions import db
from facilitation.live import sessions
from facilitation.models import (
    Account,
    Cluster,
    Commitment,
    CommitmentCluster,
    CommitmentUpdate,
    Programme,
    Role,
    Status,
    utcnow,
)
from facilitation.people import accounts
from facilitation.programmes import goals, manage
from facilitation.text.dates import today
from facilitation.unit_of_work import unit_of_work

DEMO_TITLE = "Leertraject Samen rond het gezin (demo)"
DEMO_EMAIL = "demo@example.org"

CASE_TITLE = "Gezin Z.: vijf loketten, geen regie"
CASE_TEXT = """\
*Gefingeerde casus, gepseudonimiseerd. Namen en details zijn verzonnen.*

## Het gezin

Moeder **M.** (midden dertig) en haar drie kinderen (8, 12 en 15 jaar) wonen sinds twee jaar in een
te kleine huurwoning. Vader is uit beeld. Er zijn **schulden** bij de zorgverzekeraar en de
woningcorporatie; de oudste zoon gaat sinds maanden nauwelijks naar school.

## Het verloop

1. Het **wijkteam** krijgt een eerste signaal van school over verzuim van de oudste zoon.
2. Moeder meldt zich bij **schuldhulpverlening**, maar valt af omdat haar inkomen niet stabiel is.
3. De **leerplichtambtenaar** start een traject; het wijkteam weet daar niets van.
4. De middelste dochter komt op een **wachtlijst** voor jeugd-GGZ (negen maanden).
5. Na een dreigende **huisuitzetting** gaat het ineens snel: er komt een gezinsplan, met één regisseur.

## Vragen voor de leertafel

- Waar liep de samenwerking vast, en waar ging het juist goed?
- Wie had de regie, en wanneer?
- Welke regels of budgetten stonden maatwerk in de weg?
"""


def create_demo() -> tuple[Programme, str | None]:
    """Adds the demo programme once; returns it and, if a demo account had to be made, its password."""
    with unit_of_work():
        return _add_demo()


def _add_demo() -> tuple[Programme, str | None]:
    existing = db.session.scalar(sa.select(Programme).where(Programme.title == DEMO_TITLE))
    if existing is not None:
        return existing, None
    password = None
    owner = db.session.scalar(sa.select(Account).where(Account.role == Role.ADMIN.value).order_by(Account.id))
    if owner is None:
        password = secrets.token_urlsafe(12)
        owner = accounts.create_account(DEMO_EMAIL, "Demo facilitator", password, Role.ADMIN)
        db.session.flush()
    programme = manage.create_programme(
        owner,
        DEMO_TITLE,
        "Drie leertafels met professionals rond één gezin, daarna een fishbowl met management en bestuur.",
    )
    db.session.flush()
    case = manage.create_case(programme, CASE_TITLE, CASE_TEXT)
    db.session.flush()
    installed = formats.installed()
    _add_goals_and_first_table(programme, owner, case)
    sessions.create_session(
        programme=programme,
        facilitator=owner,
        case=case,
        fmt=installed["learning-table"],
        title="Leertafel 1: gezin Z.",
        levels=["execution", "management"],
        language="nl",
    )
    sessions.create_session(
        programme=programme,
        facilitator=owner,
        case=case,
        fmt=installed["fishbowl"],
        title="Fishbowl met management en bestuur",
        levels=["management", "policy", "governance"],
        language="nl",
    )
    return programme, password


#: (level, kind, title, description): the learning practice's goals on each of the four levels
GOALS = [
    ("execution", "change", "Eén gezinsplan, één regisseur", "Binnen vier weken na de eerste melding."),
    ("execution", "learning", "Weten wat de andere loketten doen", "Aanbod, wachttijden en wie je belt."),
    ("management", "change", "Doorzettingsmacht bij een vastgelopen casus", "Binnen twee weken een besluit."),
    ("management", "learning", "Ruimte geven voor maatwerk", ""),
    ("policy", "learning", "Zien waar beleid schuurt, en waarom", "Leren van casussen waar regels maatwerk blokkeren."),
    ("policy", "change", "Eén budget voor maatwerk over de domeinen heen", ""),
    ("governance", "change", "Geen huisuitzetting van een gezin zonder de regisseur aan tafel", ""),
    ("governance", "learning", "Bestuurders horen het verhaal van gezinnen zelf", ""),
]

#: bottlenecks of the first table, with the level that must solve them, and the commitment answering each:
#: (what, who, status, goal number in GOALS, due in days), or None where no commitment was made yet
FIRST_TABLE = [
    (
        "Niemand heeft de regie over het gezin",
        "execution",
        (
            "Bij elke melding wijst het wijkteam binnen vijf werkdagen één gezinsregisseur aan",
            "Teamleider wijkteam",
            "in_progress",
            0,
            30,
        ),
    ),
    (
        "Loketten weten niet van elkaar",
        "execution",
        (
            "Maandelijks casusoverleg van leerplicht, schuldhulp en wijkteam",
            "Leerplichtambtenaar en wijkteam",
            "open",
            1,
            45,
        ),
    ),
    (
        "Escalatie blijft hangen tussen teams",
        "management",
        ("Een escalatieroute met een besluit binnen twee weken", "Manager jeugd en gezin", "done", 2, -10),
    ),
    ("Geen tijd voor casusoverleg", "management", None),
    (
        "Schuldhulp sluit gezinnen met een wisselend inkomen uit",
        "policy",
        (
            "De toelatingsregels van schuldhulp herzien voor wisselend inkomen",
            "Beleidsadviseur schuldhulp",
            "open",
            4,
            90,
        ),
    ),
    ("Wachtlijst jeugd-GGZ van negen maanden", "policy", None),
    (
        "Huisuitzetting zonder overleg met het wijkteam",
        "governance",
        (
            "Convenant met de woningcorporatie: eerst de gezinsregisseur bellen",
            "Wethouder sociaal domein",
            "open",
            6,
            120,
        ),
    ),
]


def _add_goals_and_first_table(programme: Programme, owner: Account, case) -> None:
    """Goals on all four levels, and a first learning table already held whose commitments serve some of
    them, so the programme page and report show goals measured against commitments from the start."""
    made = [
        goals.add_goal(programme, {"level": level, "kind": kind, "title": title, "description": text})
        for level, kind, title, text in GOALS
    ]
    held = sessions.create_session(
        programme=programme,
        facilitator=owner,
        case=case,
        fmt=formats.installed()["learning-table"],
        title="Leertafel 0: verkenning (gehouden)",
        levels=["execution", "management", "policy"],
        language="nl",
    )
    start = utcnow() - timedelta(days=21)
    held.status, held.started_at, held.closed_at = Status.CLOSED.value, start, start + timedelta(hours=2)
    # a demo is explored for weeks; the installation's default would purge it sooner
    held.retention_days = 365
    db.session.flush()
    for position, (title, level, answer) in enumerate(FIRST_TABLE):
        cluster = Cluster(session_id=held.id, title=title, level=level, position=position, created_at=start)
        db.session.add(cluster)
        db.session.flush()
        if answer is None:
            continue
        what, who, status, goal, due = answer
        commitment = Commitment(
            session_id=held.id,
            what=what,
            owner=who,
            level=level,
            status=status,
            goal_id=made[goal].id,
            due_date=today() + timedelta(days=due),
            created_at=start,
        )
        db.session.add(commitment)
        db.session.flush()
        db.session.add(CommitmentCluster(commitment_id=commitment.id, cluster_id=cluster.id))
        if status != "open":
            db.session.add(
                CommitmentUpdate(commitment_id=commitment.id, session_id=held.id, status=status, created_at=start)
            )
