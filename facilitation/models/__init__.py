"""All models; importing this package registers every table on Base.metadata."""

from facilitation.models.accounts import Account, Role
from facilitation.models.base import Base, Level, ReflectionKind, utcnow
from facilitation.models.commitments import Commitment, CommitmentStatus
from facilitation.models.journal import Event
from facilitation.models.method import AuditEntry, Moment, RegisterEntry, RegisterLink, SessionFacilitator
from facilitation.models.programmes import Case, Programme, ProgrammeMember
from facilitation.models.reflections import Cluster, Reflection, Vote, VotingRound
from facilitation.models.sessions import Participant, Session, Status

__all__ = [
    "Account", "AuditEntry", "Base", "Case", "Cluster", "Commitment", "CommitmentStatus", "Event", "Level", "Moment",
    "Participant", "Programme", "ProgrammeMember", "Reflection", "ReflectionKind", "RegisterEntry", "RegisterLink", "Role",
    "Session", "SessionFacilitator", "Status", "Vote", "VotingRound", "utcnow",
]
