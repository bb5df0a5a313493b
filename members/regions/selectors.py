"""Reads of a region's set-up pages, each a fixed number of queries however big the region."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from members.models import OFFICERS_GROUP, REGIONAL_OFFICERS_GROUP, SCRUTINEERS_GROUP, Constituency, Invitation, Region
from members.times import uk_time_short


def region_constituencies(region: Region) -> QuerySet[Constituency]:
    """The region's constituencies with ward counts, officers and scrutineers (3 queries)."""
    users = get_user_model().objects.order_by("username").prefetch_related("groups")
    return (
        region.constituencies.annotate(ward_count=Count("wards"))
        .prefetch_related(Prefetch("officers", queryset=users), Prefetch("scrutineers", queryset=users))
        .order_by("name")
    )


def invitation_status(invitation: Invitation) -> str:
    if invitation.revoked_at:
        return "revoked"
    if invitation.accepted_at:
        return "accepted"
    if invitation.expires_at <= timezone.now():
        return "expired"
    if invitation.send_failure:
        return "failed"
    if invitation.sent_at:
        return "sent"
    return "pending"


def invitation_status_text(invitation: Invitation, status: str) -> str:
    """The invitation's state in words, with when (UK time, the zone named)."""
    if status == "revoked":
        return f"Withdrawn on {uk_time_short(invitation.revoked_at)}"
    if status == "accepted":
        return f"Accepted on {uk_time_short(invitation.accepted_at)}"
    if status == "expired":
        return f"Out of date since {uk_time_short(invitation.expires_at)}"
    if status == "failed":
        return f"Not sent: {invitation.send_failure}"
    if status == "sent":
        return f"Sent on {uk_time_short(invitation.sent_at)}, usable until {uk_time_short(invitation.expires_at)}"
    return "Waiting to be sent"


def region_invitations(region: Region) -> list[Invitation]:
    """The region's invitations, newest first, each with its `status`, `status_text` and the actions it allows."""
    invitations = list(region.invitations.select_related("constituency", "invited_by", "user"))
    for invitation in invitations:
        status = invitation_status(invitation)
        invitation.status = status  # type: ignore[attr-defined]
        invitation.status_text = invitation_status_text(invitation, status)  # type: ignore[attr-defined]
        invitation.can_resend = status in ("failed", "expired")  # type: ignore[attr-defined]
        invitation.can_withdraw = status in ("pending", "sent", "failed", "expired")  # type: ignore[attr-defined]
    return invitations


@dataclass(frozen=True)
class Place:
    """One person's place in the region: a role, and the constituency for an officer or scrutineer."""

    user: object
    role: str
    role_label: str
    constituency: Constituency | None
    in_group: bool
    group: str


def _in(user: Any, group: str) -> bool:
    return user.is_superuser or any(g.name == group for g in user.groups.all())


def region_places(region: Region, constituencies: list[Constituency]) -> list[Place]:
    """Everyone with access in the region; `in_group` False flags a name on a list without the group."""
    users = get_user_model().objects.order_by("username").prefetch_related("groups")
    regional = list(users.filter(regions=region))
    places = [
        Place(
            u,
            Invitation.Role.REGIONAL_OFFICER,
            "Regional officer",
            None,
            _in(u, REGIONAL_OFFICERS_GROUP),
            REGIONAL_OFFICERS_GROUP,
        )
        for u in regional
    ]
    for constituency in constituencies:
        places += [
            Place(
                u, Invitation.Role.OFFICER, "Constituency officer", constituency, _in(u, OFFICERS_GROUP), OFFICERS_GROUP
            )
            for u in constituency.officers.all()
        ]
        places += [
            Place(
                u, Invitation.Role.SCRUTINEER, "Scrutineer", constituency, _in(u, SCRUTINEERS_GROUP), SCRUTINEERS_GROUP
            )
            for u in constituency.scrutineers.all()
        ]
    return places
