"""All models; importing this package registers every table on Base.metadata."""

from facilitation.models.accounts import Account, Role
from facilitation.models.audit import AuditEntry
from facilitation.models.base import Base, Level, ReflectionKind, utcnow
from facilitation.models.clusters import Cluster
from facilitation.models.commitments import Commitment, CommitmentCluster, CommitmentStatus, CommitmentUpdate
from facilitation.models.fishbowl import Fishbowl, FishbowlRequest, FishbowlRound, FishbowlSeating
from facilitation.models.journal import Event
from facilitation.models.journey import Moment
from facilitation.models.programmes import Case, GoalKind, Programme, ProgrammeGoal, ProgrammeMember
from facilitation.models.reflections import Reflection
from facilitation.models.register import RegisterDismissal, RegisterEntry, RegisterLink
from facilitation.models.sessions import Participant, Session, SessionFacilitator, Status
from facilitation.models.voting import Vote, VotingRound

__all__ = [
    "Account",
    "AuditEntry",
    "Base",
    "Case",
    "Cluster",
    "Commitment",
    "CommitmentCluster",
    "CommitmentStatus",
    "CommitmentUpdate",
    "Event",
    "Fishbowl",
    "FishbowlRequest",
    "FishbowlRound",
    "FishbowlSeating",
    "GoalKind",
    "Level",
    "Moment",
    "Participant",
    "Programme",
    "ProgrammeGoal",
    "ProgrammeMember",
    "Reflection",
    "ReflectionKind",
    "RegisterDismissal",
    "RegisterEntry",
    "RegisterLink",
    "Role",
    "Session",
    "SessionFacilitator",
    "Status",
    "Vote",
    "VotingRound",
    "utcnow",
]
