"""The dashboard's table (django-tables2) over the rows of ballots/region/dashboard.py, sorted in Python.

The rows are plain objects, counted for every ballot at once, so sorting a column costs no
query. Each column that may be empty sorts by a number that puts the empty ones first.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html

TABLE_TEMPLATE = "members/_table.html"


def uk_time(value) -> str:
    """E.g. "4 Jun 2026, 17:00 BST": as the officer pages show times (Europe/London, the zone named)."""
    return dateformat.format(timezone.localtime(value), "j M Y, H:i T") if value else ""


class DashboardTable(tables.Table):
    constituency = tables.Column(verbose_name="Constituency", order_by=("constituency", "ballot_id"))
    round_name = tables.Column(verbose_name="Round", order_by=("round_name", "constituency"))
    status = tables.Column(verbose_name="Status", order_by=("status_sort", "constituency"))
    roll = tables.Column(verbose_name="Members on the roll", order_by=("roll", "constituency"), empty_values=())
    codes_delivered = tables.Column(
        verbose_name="Codes delivered", order_by=("codes_delivered_sort", "constituency"), empty_values=()
    )
    turnout = tables.Column(verbose_name="Turnout so far", order_by=("turnout_sort", "constituency"), empty_values=())
    affiliates = tables.Column(
        verbose_name="Affiliates recorded",
        accessor="affiliates_recorded",
        order_by=("affiliates_recorded_sort", "affiliates_eligible", "constituency"),
        empty_values=(),
    )
    closes_at = tables.Column(verbose_name="Voting closes (UK time)", order_by=("closes_at", "constituency"))
    outcome = tables.Column(verbose_name="Outcome", order_by=("outcome", "constituency"), empty_values=())
    open_share = tables.Column(verbose_name="Open share", order_by=("open_share_sort", "constituency"), empty_values=())

    class Meta:
        template_name = TABLE_TEMPLATE
        empty_text = "No ballots match."
        attrs = {"class": "data-table"}
        order_by = ("constituency",)

    def render_constituency(self, record):
        url = reverse("ballots:ballot_manage", args=[record.ballot_id])
        return format_html(
            '<a href="{}">{}</a> <span class="hint">{}</span>', url, record.constituency, record.sitting_mp
        )

    def render_round_name(self, value):
        return value or "Not in a round"

    def render_status(self, record):
        return record.status_label

    def render_roll(self, record):
        if record.roll_is_preview:
            return f"{record.roll:,} if it opened now"
        return f"{record.roll:,}"

    def render_codes_delivered(self, record):
        return "None yet (draft)" if record.codes_delivered is None else f"{record.codes_delivered:,}"

    def render_turnout(self, record):
        if record.voted is None:
            return "Not open"
        if not record.roll:
            return "Nobody on the roll"
        return f"{record.voted:,} ({record.turnout_pc})"

    def render_affiliates(self, record):
        return record.affiliates_text

    def render_closes_at(self, value):
        return uk_time(value)

    def render_outcome(self, record):
        return record.outcome or "Not declared"

    def render_open_share(self, record):
        return record.open_share_pc or "–"
