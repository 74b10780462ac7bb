"""A full room for the projector tests, made through the command pipeline in this process against the test
server's database: phones that joined, reflections, clusters, a vote, commitments, a case journey, a fishbowl."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import sqlalchemy as sa

from facilitation import create_app
from facilitation.demo import CASE_TEXT, CASE_TITLE
from facilitation.extensions import db
from facilitation.live import commands, sessions, voting
from facilitation.models import Account
from facilitation.programmes import manage

LEVELS = ("execution", "management", "policy", "governance")
#: realistic Dutch of the social domain, with the long compounds that break narrow columns
WORDS = (
    "jeugdbeschermingsmaatregel schuldhulpverlening wachtlijst gezinsregisseur woningcorporatie leerplichtambtenaar "
    "wijkteam samenwerking regie overdracht huisuitzetting zorgverzekeraar casusoverleg privacyregels "
    "budget maatwerk escalatie gemeentegrens toegang beschikking indicatie school moeder kinderen signaal "
    "niemand wist wie verantwoordelijk was voor het hele gezin en de afspraken liepen steeds door elkaar"
).split()
CLUSTER_TITLES = [
    "Geen regie over het gezin",
    "Wachtlijsten jeugd-GGZ",
    "Schulden en inkomen",
    "Privacy en gegevensdeling",
    "Overdracht tussen teams",
    "Regels passen niet bij maatwerk",
    "Wonen en huisuitzetting",
    "Leerplicht en verzuim",
    "Financiering per domein",
    "Escalatie zonder eigenaar",
    "Te veel loketten",
    "Indicaties duren lang",
    "Gemeentegrenzen",
    "Casusoverleg zonder besluit",
    "Informatie komt te laat",
    "Niemand kent het hele plan",
    "Budgetten schotten",
    "Cliënt haakt af",
    "Signalen niet opgepakt",
    "Verantwoordelijkheid onduidelijk",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class Room:
    """Commands as a facilitator or a participant of one session, in an app on the server's database."""

    def __init__(self, instance: Path, fmt: str, title: str):
        self.app = create_app({"INSTANCE_PATH": str(instance), "RETENTION_PURGE_INTERVAL": 0})
        with self.app.app_context():
            owner = db.session.scalar(sa.select(Account).order_by(Account.id))
            programme = manage.create_programme(owner, f"Leertraject {title}")
            db.session.flush()
            case = manage.create_case(programme, CASE_TITLE, CASE_TEXT)
            db.session.flush()
            session_ = sessions.create_session(
                programme=programme,
                facilitator=owner,
                title=title,
                fmt=self.app.extensions["formats"][fmt],
                levels=list(LEVELS),
                language="nl",
                case=case,
            )
            db.session.commit()
            self.id, self.owner_id, self.code = session_.id, owner.id, session_.join_code
        self.phases = [p.key for p in self.app.extensions["formats"][fmt].phases]
        self.people: list[int] = []

    def run(self, name: str, args: dict, participant: int | None = None) -> dict:
        actor = commands.Actor(participant_id=participant) if participant else commands.Actor(account_id=self.owner_id)
        with self.app.app_context():
            result = commands.apply(self.id, actor, name, args, uuid.uuid4().hex)
        assert result.ok, (name, args, result)
        return result.data

    def join(self, n: int) -> None:
        for index in range(n):
            with self.app.app_context():
                args = {"level": LEVELS[index % 4], "accept_rules": True, "name": f"Deelnemer {index + 1}"}
                result = commands.apply(self.id, commands.Actor(), "participant.join", args)
            assert result.ok, result
            self.people.append(result.data["participant_id"])

    def phase(self, key: str) -> None:
        self.run("phase.goto", {"index": self.phases.index(key)})

    def write(self, n: int, seed: int = 7, kinds: tuple[str, ...] = ("bottleneck", "success", "question")) -> list[int]:
        rng = random.Random(seed)
        ids = []
        for index in range(n):
            kind = kinds[index % len(kinds)]
            text = _text(rng, rng.choice((4, 8, 14, 22)))
            data = self.run("reflection.post", {"kind": kind, "text": text}, self.people[index % len(self.people)])
            ids.append(data["id"])
        return ids


def big_learning_table(instance: Path, reflections: int = 120) -> Room:
    """30 phones, `reflections` reflections, 20 clusters on the level map, a closed vote, a journey of 10
    moments with pinned reflections and 15 commitments; left in the commitments phase."""
    room = Room(instance, "learning-table", "Leertafel Zuid")
    room.join(30)
    room.run("session.start", {})
    room.phase("write")
    ids = room.write(reflections)
    rng = random.Random(3)
    clusters = []
    for index, title in enumerate(CLUSTER_TITLES):
        mine = ids[index * 5 : index * 5 + 5] if index * 5 + 5 <= len(ids) - 20 else []
        cluster = room.run("cluster.create", {"title": title, "reflection_ids": mine})["cluster"]
        clusters.append(cluster["id"])
        room.run("cluster.set_level", {"id": cluster["id"], "level": LEVELS[rng.randrange(4)]})
    room.phase("vote")  # entering the voting phase opens a round with the format's budget
    with room.app.app_context():
        round_id = voting.open_round(room.id).id
    for person in room.people:
        room.run("vote.set", {"round_id": round_id, "cluster_id": rng.choice(clusters), "dots": 3}, person)
    room.run("vote.close", {})
    for index in range(10):
        moment = room.run(
            "moment.add", {"kind": "signal", "title": f"Moment {index + 1}: {_text(rng, 4)}", "when": "2024"}
        )
        for reflection in ids[100 + index * 2 : 102 + index * 2]:
            room.run("reflection.pin", {"id": reflection, "moment_id": moment["moment"]["id"]})
    room.phase("commitments")
    for index in range(15):
        room.run(
            "commitment.record",
            {"what": _text(rng, rng.choice((6, 12))), "owner": f"Teamleider {index + 1}", "level": LEVELS[index % 4]},
        )
    return room


def big_fishbowl(instance: Path) -> Room:
    """A fishbowl of 8 chairs, all taken but the empty one, 20 people queued, a topic and observations."""
    room = Room(instance, "fishbowl", "Fishbowl Noord")
    room.join(28)
    room.run("session.start", {})
    room.phase("rounds")
    room.run("fishbowl.settings", {"chairs": 8})
    for person in room.people[:7]:
        room.run("fishbowl.request", {}, person)
        room.run("fishbowl.seat", {"participant_id": person})
    for person in room.people[7:27]:
        room.run("fishbowl.request", {}, person)
    room.write(12, kinds=("cause", "question", "idea"))
    return room
