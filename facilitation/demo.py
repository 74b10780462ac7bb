"""The demo programme `python app.py --demo` starts with: a fictional, pseudonymised case in Dutch."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from facilitation import formats
from facilitation.extensions import db
from facilitation.live import sessions
from facilitation.models import Account, Programme, Role
from facilitation.people import accounts
from facilitation.programmes import manage
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
