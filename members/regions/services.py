"""Writes of a region's set-up: constituencies, invitations, accepting them and removing access.

An invitation's link token is never stored, queued or logged. It is made, at random, by the
task that sends the email, at the moment of sending (`invitation_token_issue`): the database
keeps only a keyed hash of it, committed before the email goes, so the link works as soon as it
arrives. Until then the stored hash is of a random value no one holds, so no link works. A
resend makes a new token and the old link stops working. This is how voting codes are sent
too: whoever reads the database, its backups or the task queue learns no usable link.
"""

import logging
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from members.models import OFFICERS_GROUP, REGIONAL_OFFICERS_GROUP, SCRUTINEERS_GROUP, Constituency, Invitation, Region
from members.services import audit_record, ward_create

logger = logging.getLogger(__name__)

INVITATION_DAYS = 7
ROLE_GROUPS = {
    Invitation.Role.REGIONAL_OFFICER: REGIONAL_OFFICERS_GROUP,
    Invitation.Role.OFFICER: OFFICERS_GROUP,
    Invitation.Role.SCRUTINEER: SCRUTINEERS_GROUP,
}


class InvitationUnusable(Exception):
    """The link is unknown, used, revoked or out of date; `status` is the page's HTTP status."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


# --- tokens -------------------------------------------------------------------------------


def invitation_token_issue(invitation: Invitation) -> str:
    """A new random link token for `invitation`: its keyed hash stored (committed), the token returned."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
    invitation.token_hash = token_hash(token)
    return token


def _unknown_hash() -> str:
    """The hash of a random token no one holds: what an invitation keeps until its email is sent."""
    return token_hash(secrets.token_urlsafe(32))


def token_hash(token: str) -> str:
    """The keyed hash of a token, as stored in Invitation.token_hash."""
    return salted_hmac("members.invitation.hash", token, algorithm="sha256").hexdigest()


def invitation_for_token(token: str) -> Invitation:
    """The usable invitation of `token`, or InvitationUnusable saying why not."""
    invitation = (
        Invitation.objects.select_related("region", "constituency").filter(token_hash=token_hash(token)).first()
    )
    if invitation is None:
        raise InvitationUnusable("This invitation link is not known. Check it was copied whole.", status=404)
    if invitation.revoked_at is not None:
        raise InvitationUnusable("This invitation was withdrawn. Ask whoever invited you for a new one.")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("This invitation has already been used. Sign in instead.")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("This invitation has run out of date. Ask whoever invited you to send it again.")
    return invitation


def _token_renew(invitation: Invitation) -> None:
    invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
    invitation.token_hash = _unknown_hash()


# --- constituencies and wards ---------------------------------------------------------------


@transaction.atomic
def region_constituency_create(
    *, actor: Any, region: Region, name: str, sitting_mp: str, wards: list[str]
) -> Constituency:
    constituency = Constituency.objects.create(name=name, sitting_mp=sitting_mp, region=region)
    audit_record(
        action="constituency_created",
        actor=actor,
        constituency=constituency,
        detail={"region": region.pk, "wards": len(wards)},
    )
    for ward in wards:
        ward_create(actor=actor, constituency=constituency, name=ward)
    return constituency


@transaction.atomic
def region_constituency_update(*, actor: Any, constituency: Constituency, name: str, sitting_mp: str) -> Constituency:
    """Correct a constituency's name or sitting MP. Ballots already made keep the MP they name."""
    changes = {
        field: {"from": getattr(constituency, field), "to": value}
        for field, value in (("name", name), ("sitting_mp", sitting_mp))
        if getattr(constituency, field) != value
    }
    if not changes:
        return constituency
    constituency.name, constituency.sitting_mp = name, sitting_mp
    constituency.save(update_fields=["name", "sitting_mp"])
    audit_record(action="constituency_updated", actor=actor, constituency=constituency, detail={"changes": changes})
    return constituency


# --- invitations --------------------------------------------------------------------------


def _enqueue_send(invitation_id: int) -> None:
    from members.regions.tasks import invitation_email_send

    def enqueue() -> None:
        try:
            invitation_email_send.enqueue(invitation_id)
        except Exception as error:  # noqa: BLE001 - the invitation shows "not sent" and can be resent
            logger.error("Could not enqueue invitation %s: %s", invitation_id, type(error).__name__)
            Invitation.objects.filter(pk=invitation_id).update(send_failure="Could not be queued for sending.")

    transaction.on_commit(enqueue)


@transaction.atomic
def invitation_create(
    *, actor: Any, region: Region, email: str, role: str, constituency: Constituency | None = None
) -> Invitation:
    invitation = Invitation.objects.create(
        region=region,
        constituency=constituency if role != Invitation.Role.REGIONAL_OFFICER else None,
        email=email.strip().lower(),
        role=role,
        invited_by=actor if actor.is_authenticated else None,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        token_hash=_unknown_hash(),
    )
    audit_record(
        action="invitation_created",
        actor=actor,
        constituency=invitation.constituency,
        detail={"invitation": invitation.pk, "region": region.pk, "role": role},
    )
    _enqueue_send(invitation.pk)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: Any, invitation: Invitation) -> Invitation:
    """A new link and a new email; the old link stops working."""
    _token_renew(invitation)
    invitation.sent_at = None
    invitation.send_failure = ""
    invitation.save(update_fields=["expires_at", "token_hash", "sent_at", "send_failure"])
    audit_record(
        action="invitation_resent",
        actor=actor,
        constituency=invitation.constituency,
        detail={"invitation": invitation.pk},
    )
    _enqueue_send(invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Any, invitation: Invitation) -> Invitation:
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action="invitation_revoked",
        actor=actor,
        constituency=invitation.constituency,
        detail={"invitation": invitation.pk},
    )
    return invitation


def _grant(invitation: Invitation, user: Any) -> None:
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[Invitation.Role(invitation.role)]))
    if invitation.role == Invitation.Role.REGIONAL_OFFICER:
        invitation.region.officers.add(user)
    elif invitation.role == Invitation.Role.OFFICER:
        invitation.constituency.officers.add(user)  # type: ignore[union-attr]
    else:
        invitation.constituency.scrutineers.add(user)  # type: ignore[union-attr]


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any = None, name: str = "", password: str = "") -> Any:
    """Give the invitation's role to `user`, or to a new account (username the email) when None."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("region", "constituency")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationUnusable("This invitation has already been used or was withdrawn.")
    if user is None:
        first, _, last = name.strip().partition(" ")
        user = get_user_model().objects.create_user(
            username=invitation.email, email=invitation.email, password=password, first_name=first, last_name=last
        )
    _grant(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    audit_record(
        action="invitation_accepted",
        actor=user,
        constituency=invitation.constituency,
        detail={"invitation": invitation.pk, "role": invitation.role},
    )
    return user


# --- access -------------------------------------------------------------------------------


class AccessRefused(Exception):
    """A change of access that does not fit the region's lists; the message says why."""


def _named_at(region: Region, user: Any, role: str, constituency: Constituency | None) -> bool:
    if role == Invitation.Role.REGIONAL_OFFICER:
        return region.officers.filter(pk=user.pk).exists()
    if constituency is None:
        return False
    people = constituency.officers if role == Invitation.Role.OFFICER else constituency.scrutineers
    return people.filter(pk=user.pk).exists()


def _places(user: Any, role: str) -> bool:
    if role == Invitation.Role.REGIONAL_OFFICER:
        return bool(user.regions.exists())
    if role == Invitation.Role.OFFICER:
        return bool(user.constituencies.exists())
    return bool(user.scrutinised_constituencies.exists())


@transaction.atomic
def access_remove(
    *, actor: Any, region: Region, user: Any, role: str, constituency: Constituency | None = None
) -> None:
    """Take `user` off the region's or constituency's list, and out of the group when it was their last place.

    Raises AccessRefused rather than take off a region's only regional officer: nobody but a
    site administrator could then run the region or invite anyone to it.
    """
    if role == Invitation.Role.REGIONAL_OFFICER:
        # Locking the region makes two officers removing each other at once take turns, so
        # the second is refused instead of both succeeding and leaving the region with none.
        Region.objects.select_for_update().filter(pk=region.pk).first()
        if list(region.officers.values_list("pk", flat=True)) == [user.pk]:
            raise AccessRefused(
                f"{user.get_username()} is the only regional officer of {region.name}. "
                "Invite another regional officer first, so that someone can still run the region."
            )
        region.officers.remove(user)
    elif role == Invitation.Role.OFFICER:
        constituency.officers.remove(user)  # type: ignore[union-attr]
    else:
        constituency.scrutineers.remove(user)  # type: ignore[union-attr]
    if not _places(user, role):
        user.groups.remove(Group.objects.get(name=ROLE_GROUPS[Invitation.Role(role)]))
    audit_record(
        action="access_removed",
        actor=actor,
        constituency=constituency,
        detail={"region": region.pk, "user": user.pk, "role": role},
    )


@transaction.atomic
def group_add(*, actor: Any, region: Region, user: Any, role: str, constituency: Constituency | None = None) -> None:
    """Put a user named on a list of the region into the group that list needs.

    Raises AccessRefused when `user` is not on that list: the button is for someone already
    named there, never a way to give anyone a role.
    """
    if not _named_at(region, user, role, constituency):
        raise AccessRefused("That person is not named there, so there is no group to add them to.")
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[Invitation.Role(role)]))
    audit_record(action="group_added", actor=actor, detail={"region": region.pk, "user": user.pk, "role": role})
