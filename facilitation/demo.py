"""The demo programme `python app.py --demo` starts with: a fictional, pseudonymised case in Dutch."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

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
    Moment,
    Programme,
    Reflection,
    RegisterEntry,
    RegisterLink,
    Role,
    Session,
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
    _add_journeys(programme, owner)
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


# --- reconstructed journeys: fictional families, so the patterns page shows something at once ---------------

#: (kind, date "2024-03-05" or "2024-03" or "", organisations, law, ground, answers: number of the application
#: in this journey (1 is the first moment), title)
J = tuple[str, str, str, str, str, int, str]
JOURNEYS: dict[str, tuple[J, ...]] = {
    "A.": (
        ("signal", "2023-09-04", "school", "", "", 0, "School meldt verzuim oudste zoon"),
        ("intake", "2023-09", "wijkteam", "", "", 0, "Intake wijkteam"),
        ("application", "2023-10-02", "gemeente_jeugd", "jeugdwet", "", 0, "Aanvraag jeugd-GGZ"),
        ("rejection", "2023-10-30", "gemeente_jeugd", "jeugdwet", "waiting_list", 3, "Wachtlijst van negen maanden"),
        ("application", "2023-11-06", "gemeente_wmo", "wmo", "", 0, "Aanvraag hulp in het huishouden"),
        ("rejection", "2023-12-04", "gemeente_wmo", "wmo", "own_strength", 5, "Afgewezen: eigen kracht"),
        ("rejection", "2024-01-15", "gemeente_wmo", "wmo", "no_indication", 5, "Na bezwaar: geen indicatie"),
        ("crisis", "2024-03-11", "veilig_thuis", "", "", 0, "Dreigende huisuitzetting"),
        ("breakthrough", "2024-03-12", "wijkteam,woningcorporatie", "", "", 0, "Gezinsplan met één regisseur"),
    ),
    "B.": (
        ("signal", "2024-01-08", "huisarts", "", "", 0, "Huisarts ziet uitputting bij moeder"),
        ("intake", "2024-01-22", "wijkteam", "", "", 0, "Keukentafelgesprek"),
        ("application", "2024-02-05", "gemeente_inkomen", "participatiewet", "", 0, "Aanvraag bijzondere bijstand"),
        ("rejection", "2024-03-04", "gemeente_inkomen", "participatiewet", "not_covered", 3, "Valt er niet onder"),
        ("application", "2024-03-18", "schuldhulpverlening", "wsnp", "", 0, "Aanmelding schuldhulp"),
        ("rejection", "2024-04-15", "schuldhulpverlening", "wsnp", "other", 5, "Inkomen niet stabiel"),
        ("crisis", "2024-06-03", "gemeente_inkomen", "", "", 0, "Energie afgesloten"),
        ("breakthrough", "2024-06-04", "wijkteam,gemeente_inkomen", "", "", 0, "Maatwerkbudget via casusoverleg"),
    ),
    "C.": (
        ("signal", "2023-05", "leerplicht", "", "", 0, "Leerplicht ziet langdurig verzuim"),
        ("application", "2023-06-12", "gemeente_jeugd", "jeugdwet", "", 0, "Aanvraag ambulante jeugdhulp"),
        ("rejection", "2023-07-10", "gemeente_jeugd", "jeugdwet", "residence", 2, "Woonplaatsbeginsel"),
        ("rejection", "2023-09-04", "gemeente_jeugd", "jeugdwet", "waiting_list", 2, "Na een omweg: wachtlijst"),
        ("application", "2023-09-18", "gemeente_wmo", "wmo", "", 0, "Aanvraag begeleiding moeder"),
        ("rejection", "2023-10-16", "gemeente_wmo", "wmo", "own_strength", 5, "Afgewezen: eigen kracht"),
        ("crisis", "2024-01-08", "jeugdbescherming", "", "", 0, "Melding en onderzoek"),
        ("breakthrough", "2024-01-09", "jeugdhulp,wijkteam", "", "", 0, "Spoedplek en één plan"),
    ),
    "D.": (
        ("signal", "2024-02-05", "wijkteam", "", "", 0, "Buurvrouw belt het wijkteam"),
        ("intake", "2024-02-12", "wijkteam", "", "", 0, "Intake met het hele gezin"),
        ("application", "2024-02-19", "gemeente_wmo", "wmo", "", 0, "Aanvraag maatwerkvoorziening"),
        ("breakthrough", "2024-03-04", "gemeente_wmo,wijkteam", "", "", 0, "Maatwerk binnen twee weken goedgekeurd"),
    ),
    "E.": (
        ("signal", "2023-11-13", "school", "", "", 0, "Mentor maakt zich zorgen"),
        ("intake", "2023-11-27", "ggz", "", "", 0, "Intake GGZ"),
        ("application", "2023-12-11", "gemeente_jeugd", "jeugdwet", "", 0, "Aanvraag gezinsbehandeling"),
        ("rejection", "2024-01-22", "gemeente_jeugd", "jeugdwet", "waiting_list", 3, "Wachtlijst"),
        ("application", "2024-02-05", "gemeente_wmo", "wmo", "", 0, "Aanvraag begeleiding"),
        ("rejection", "2024-03-04", "gemeente_wmo", "wmo", "own_strength", 5, "Afgewezen: eigen kracht"),
        ("application", "2024-03-18", "gemeente_inkomen", "participatiewet", "", 0, "Aanvraag bijzondere bijstand"),
        ("rejection", "2024-04-15", "gemeente_inkomen", "participatiewet", "not_covered", 7, "Valt er niet onder"),
        ("crisis", "2024-05-06", "veilig_thuis", "", "", 0, "Escalatie thuis"),
        ("breakthrough", "2024-05-13", "wijkteam", "", "", 0, "Regieteam zet één plan op"),
    ),
    "F.": (
        ("signal", "2024-04-01", "huisarts", "", "", 0, "Huisarts verwijst door"),
        ("application", "2024-04-15", "gemeente_inkomen", "participatiewet", "", 0, "Aanvraag bijstand"),
        ("rejection", "2024-05-13", "gemeente_inkomen", "participatiewet", "not_covered", 2, "Afgewezen"),
        ("intake", "2024-05-27", "schuldhulpverlening", "", "", 0, "Intake schuldhulp"),
        ("crisis", "2024-07-01", "woningcorporatie", "", "", 0, "Ontruimingsvonnis"),
    ),
    "G.": (
        ("signal", "2023-03-06", "school", "", "", 0, "School meldt zorgen"),
        ("intake", "2023-03-20", "wijkteam", "", "", 0, "Intake wijkteam"),
        ("application", "2023-04-03", "gemeente_wmo", "wmo", "", 0, "Aanvraag dagbesteding vader"),
        ("rejection", "2023-05-01", "gemeente_wmo", "wmo", "own_strength", 3, "Afgewezen: eigen kracht"),
        ("crisis", "2023-08-14", "jeugdbescherming", "", "", 0, "Kinderen tijdelijk uit huis"),
        ("breakthrough", "2023-08-15", "wijkteam,jeugdhulp", "", "", 0, "Plan binnen een dag rond"),
    ),
}
#: the bottlenecks the tables pinned: (register entry, cluster title, the kind of moment they pinned it to)
PINNED = (
    ("Regie pas na een crisis", "Niemand nam de regie tot het misging", "crisis"),
    ("Afwijzing op één punt tegelijk", "Steeds op een ander punt afgewezen", "rejection"),
)


def _moment(session_: Session, index: int, spec: J, made: list[Moment]) -> Moment:
    kind, when, orgs, law, ground, answers, title = spec
    day = date.fromisoformat(when if len(when) == 10 else f"{when}-01") if when else None
    return Moment(
        session_id=session_.id,
        position=index,
        kind=kind,
        title=title,
        when="",
        description="",
        on_date=day,
        date_precision=None if not when else "day" if len(when) == 10 else "month",
        organisations=[o for o in orgs.split(",") if o],
        law=law or None,
        ground=ground or None,
        answers_id=made[answers - 1].id if answers else None,
    )


def _add_journeys(programme: Programme, owner: Account) -> None:
    fmt = formats.installed()["case-reconstruction"]
    now = utcnow()
    entries = {name: RegisterEntry(title=name, created_by=owner.id) for name, _c, _k in PINNED}
    db.session.add_all(entries.values())
    for family, specs in JOURNEYS.items():
        case = manage.create_case(programme, f"Gezin {family} (gefingeerd)", "*Gefingeerde casus, gepseudonimiseerd.*")
        db.session.flush()
        session_ = sessions.create_session(
            programme=programme, facilitator=owner, case=case, fmt=fmt,
            title=f"Casusreconstructie gezin {family}", levels=["execution", "management"], language="nl",
        )  # fmt: skip
        session_.status, session_.started_at, session_.closed_at = Status.CLOSED.value, now, now
        db.session.flush()
        made: list[Moment] = []
        for index, spec in enumerate(specs):
            made.append(_moment(session_, index, spec, made))
            db.session.add(made[-1])
            db.session.flush()
        for entry_title, cluster_title, kind in PINNED:
            moment = next((m for m in made if m.kind == kind), None)
            if moment is None:
                continue
            cluster = Cluster(session_id=session_.id, title=cluster_title)
            db.session.add(cluster)
            db.session.flush()
            db.session.add(RegisterLink(entry_id=entries[entry_title].id, cluster_id=cluster.id, linked_by=owner.id))
            db.session.add(
                Reflection(
                    session_id=session_.id, client_id=secrets.token_hex(8), kind="bottleneck", text=cluster_title,
                    phase_key="pin", cluster_id=cluster.id, moment_id=moment.id,
                )
            )  # fmt: skip
