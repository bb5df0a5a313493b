"""Tables for the officer lists (django-tables2). Every column reads from the row's own query."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from members.models import Affiliate, Member

TABLE_TEMPLATE = "members/_table.html"


class MemberTable(tables.Table):
    membership_number = tables.Column(verbose_name="Number")
    name = tables.Column(
        verbose_name="Name", accessor="last_name", order_by=("last_name", "first_name", "membership_number")
    )
    ward = tables.Column(verbose_name="Ward", accessor="ward__name", order_by=("ward__name", "last_name", "first_name"))
    joined_on = tables.DateColumn(verbose_name="Joined", format="j M Y")
    status = tables.Column(verbose_name="Status")
    eligible = tables.Column(
        verbose_name="Eligible", accessor="ineligibility", order_by=("ineligibility", "last_name"), empty_values=()
    )

    class Meta:
        model = Member
        fields = ["membership_number", "name", "ward", "joined_on", "status", "eligible"]
        template_name = TABLE_TEMPLATE
        empty_text = "No members match."
        attrs = {"class": "data-table"}

    def render_name(self, record):
        url = reverse("members:member_edit", args=[record.ward.constituency_id, record.pk])
        return format_html('<a href="{}">{}, {}</a>', url, record.last_name, record.first_name)

    def render_status(self, record):
        return record.get_status_display()

    def render_eligible(self, value):
        if not value:
            return "Yes"
        return f"No: {value}"

    def value_eligible(self, value):
        return "yes" if not value else f"no: {value}"

    def value_name(self, record):
        return record.full_name


class AffiliateTable(tables.Table):
    name = tables.Column(verbose_name="Organisation")
    kind = tables.Column(verbose_name="Kind")
    affiliated_on = tables.DateColumn(verbose_name="Affiliated", format="j M Y")
    affiliated_members = tables.Column(
        verbose_name="Affiliated members", attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    delegate_name = tables.Column(verbose_name="Delegate")

    class Meta:
        model = Affiliate
        fields = ["name", "kind", "affiliated_on", "affiliated_members", "delegate_name"]
        template_name = TABLE_TEMPLATE
        empty_text = "No affiliated organisations match."
        attrs = {"class": "data-table"}

    def render_name(self, record):
        url = reverse("members:affiliate_edit", args=[record.constituency_id, record.pk])
        return format_html('<a href="{}">{}</a>', url, record.name)

    def render_kind(self, record):
        return record.get_kind_display()

    def value_name(self, record):
        return record.name
