"""Writes of the members domain. Every officer action records an audit event."""

from members.models import AuditEvent


def audit_record(*, action: str, actor=None, constituency=None, ballot_id=None, detail=None) -> AuditEvent:
    """Append an audit event. `detail` must never carry a voting code."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        constituency=constituency,
        ballot_id=ballot_id,
        detail=detail or {},
    )
