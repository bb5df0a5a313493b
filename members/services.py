"""Writes of the members domain. Every officer action records an audit event."""

from typing import Any

from django.db import transaction

from members.membership_numbers import membership_number_normalise
from members.models import Affiliate, AuditEvent, Constituency, Member, Ward


def audit_record(
    *,
    action: str,
    actor: Any = None,
    constituency: Constituency | None = None,
    ballot_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event. `detail` must never carry a voting code."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        constituency=constituency,
        ballot_id=ballot_id,
        detail=detail or {},
    )


# --- wards, members and affiliates, as officers add and edit them --------------------------

MEMBER_FIELDS = (
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "ward",
    "joined_on",
    "status",
    "address",
    "postcode",
)
AFFILIATE_FIELDS = (
    "name",
    "kind",
    "affiliated_on",
    "affiliated_members",
    "delegate_name",
    "delegate_email",
)


def _changed(instance: Any, values: dict) -> list[str]:
    """Set the given field values on `instance`; return the names of those that changed."""
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def ward_create(*, actor: Any, constituency: Constituency, name: str) -> Ward:
    ward = Ward(constituency=constituency, name=" ".join(name.split()))
    ward.full_clean()
    ward.save()
    audit_record(action="ward.created", actor=actor, constituency=constituency, detail={"ward_id": ward.pk})
    return ward


@transaction.atomic
def ward_update(*, actor: Any, ward: Ward, name: str) -> Ward:
    old_name = ward.name
    if _changed(ward, {"name": " ".join(name.split())}):
        ward.full_clean()
        ward.save(update_fields=["name"])
        audit_record(
            action="ward.renamed",
            actor=actor,
            constituency=ward.constituency,
            detail={"ward_id": ward.pk, "from": old_name, "to": ward.name},
        )
    return ward


def _member_values(values: dict) -> dict:
    """The MEMBER_FIELDS given, the membership number in its canonical form."""
    fields = {name: values[name] for name in MEMBER_FIELDS if name in values}
    if "membership_number" in fields:
        fields["membership_number"] = membership_number_normalise(fields["membership_number"])
    return fields


@transaction.atomic
def member_create(*, actor: Any, constituency: Constituency, **values: Any) -> Member:
    """Add a member to one of `constituency`'s wards (values: the MEMBER_FIELDS)."""
    member = Member(**_member_values(values))
    if member.ward.constituency_id != constituency.pk:
        raise ValueError("The ward is not in this constituency.")
    member.full_clean()
    member.save()
    audit_record(
        action="member.created",
        actor=actor,
        constituency=constituency,
        detail={"member_id": member.pk, "membership_number": member.membership_number},
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, **values: Any) -> Member:
    """Change a member's details; records which fields changed (not their values)."""
    constituency = member.ward.constituency
    changed = _changed(member, _member_values(values))
    if member.ward.constituency_id != constituency.pk:
        raise ValueError("A member can only move between wards of the same constituency.")
    if changed:
        member.full_clean()
        member.save()
        audit_record(
            action="member.updated",
            actor=actor,
            constituency=constituency,
            detail={"member_id": member.pk, "membership_number": member.membership_number, "fields": changed},
        )
    return member


@transaction.atomic
def affiliate_create(*, actor: Any, constituency: Constituency, **values: Any) -> Affiliate:
    fields = {name: values[name] for name in AFFILIATE_FIELDS if name in values}
    affiliate = Affiliate(constituency=constituency, **fields)
    affiliate.full_clean()
    affiliate.save()
    audit_record(
        action="affiliate.created",
        actor=actor,
        constituency=constituency,
        detail={"affiliate_id": affiliate.pk, "name": affiliate.name},
    )
    return affiliate


@transaction.atomic
def affiliate_update(*, actor: Any, affiliate: Affiliate, **values: Any) -> Affiliate:
    changed = _changed(affiliate, {name: values[name] for name in AFFILIATE_FIELDS if name in values})
    if changed:
        affiliate.full_clean()
        affiliate.save()
        audit_record(
            action="affiliate.updated",
            actor=actor,
            constituency=affiliate.constituency,
            detail={"affiliate_id": affiliate.pk, "name": affiliate.name, "fields": changed},
        )
    return affiliate
