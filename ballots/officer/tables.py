"""Tables for the officer ballot pages (django-tables2, with the members app's accessible template)."""

import django_tables2 as tables
from django.utils import dateformat, timezone

from ballots.models import RollEntry
from ballots.officer.audit_words import audit_sentence
from members.models import AuditEvent, Member

TABLE_TEMPLATE = "members/_table.html"


def _when(value) -> str:
    return dateformat.format(timezone.localtime(value), "j M Y, H:i:s T") if value else ""


class AuditTable(tables.Table):
    created_at = tables.Column(verbose_name="When (UK time)", orderable=False)
    actor = tables.Column(verbose_name="Who", orderable=False, empty_values=())
    action = tables.Column(verbose_name="What happened", orderable=False, empty_values=())

    class Meta:
        model = AuditEvent
        fields = ["created_at", "actor", "action"]
        template_name = TABLE_TEMPLATE
        empty_text = "Nothing recorded yet."
        attrs = {"class": "data-table"}

    def render_created_at(self, value):
        return _when(value)

    def render_actor(self, record):
        return record.actor.get_username() if record.actor_id else "The system"

    def render_action(self, record):
        return audit_sentence(record.action, record.detail)


class IneligibleMemberTable(tables.Table):
    membership_number = tables.Column(verbose_name="Number", orderable=False)
    name = tables.Column(verbose_name="Name", accessor="last_name", orderable=False)
    ward = tables.Column(verbose_name="Ward", accessor="ward__name", orderable=False)
    joined_on = tables.DateColumn(verbose_name="Joined", format="j M Y", orderable=False)
    status = tables.Column(verbose_name="Status", orderable=False)
    ineligibility = tables.Column(verbose_name="Why not on the roll", orderable=False)

    class Meta:
        model = Member
        fields = ["membership_number", "name", "ward", "joined_on", "status", "ineligibility"]
        template_name = TABLE_TEMPLATE
        empty_text = "Every member would be on the roll."
        attrs = {"class": "data-table"}

    def render_name(self, record):
        return f"{record.last_name}, {record.first_name}"

    def render_status(self, record):
        return record.get_status_display()


class RollEntryTable(tables.Table):
    """The frozen roll, one member a row, with whether and how they have voted (never which way)."""

    membership_number = tables.Column(verbose_name="Number", orderable=False)
    name = tables.Column(verbose_name="Name", accessor="member__last_name", orderable=False)
    ward = tables.Column(verbose_name="Ward", accessor="ward__name", orderable=False)
    voted_how = tables.Column(verbose_name="Voted", orderable=False)

    class Meta:
        model = RollEntry
        fields = ["membership_number", "name", "ward", "voted_how"]
        template_name = TABLE_TEMPLATE
        empty_text = "Nobody is on the roll."
        attrs = {"class": "data-table"}

    def render_name(self, record):
        return f"{record.member.last_name}, {record.member.first_name}"
