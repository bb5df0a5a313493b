"""What every officer service shares: the state error, who acted, the ballot's row lock and its audit record."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ballots.models import TriggerBallot
from members.services import audit_record

Status = TriggerBallot.Status
# Who did it: a signed-in officer, or None for the system (an automatic close, the demo).
Actor = AbstractBaseUser | AnonymousUser | None


def actor_user(actor: Actor) -> Any:
    """The signed-in officer behind `actor`, to record on a row; None for the system."""
    return actor if isinstance(actor, get_user_model()) and actor.pk else None


def officer_name(user: AbstractBaseUser | None, *, gone: str = "an officer whose account has been removed") -> str:
    """An officer as the audit log names them: their username (`gone` once the account is removed)."""
    return user.get_username() if user is not None else gone


class BallotStateError(Exception):
    """An action refused because of the ballot's state (or the voter's), in plain words."""


def ballot_lock(ballot: TriggerBallot) -> TriggerBallot:
    """The ballot re-read under a row lock (PostgreSQL; SQLite serialises writers anyway)."""
    return TriggerBallot.objects.select_for_update().select_related("constituency").get(pk=ballot.pk)


def ballot_state_copy(*, target: TriggerBallot, source: TriggerBallot) -> None:
    """Copy the status, its times and the sealing key from the locked row back to the caller's object."""
    for name in (
        "status",
        "opened_at",
        "closed_at",
        "declared_at",
        "counted_at",
        "counted_by_id",
        "seal_public_key",
        "key_custody",
        "key_holders",
    ):
        setattr(target, name, getattr(source, name))


def ballot_audit_record(*, action: str, actor: Actor, ballot: TriggerBallot, **detail: Any) -> None:
    """An audit event about `ballot`, in its constituency's log."""
    audit_record(action=action, actor=actor, constituency=ballot.constituency, ballot_id=ballot.pk, detail=detail)
