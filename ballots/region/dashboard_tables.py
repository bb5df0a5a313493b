"""The dashboard's table (django-tables2) over the rows of ballots/region/dashboard.py, sorted in Python.

The rows are plain objects, counted for every ballot at once, so sorting a column costs no
query. Each column that may be empty sorts by a number that puts the empty ones first.
"""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

# The body is written out in this template, column by column, from the rows' text properties:
# keep it in step with the columns below (a test compares it with django-tables2's own cells).
TABLE_TEMPLATE = "ballots/region/_dashboard_table.html"


def _column(label: str, accessor: str, order_by: tuple[str, ...]) -> tables.Column:
    return tables.Column(verbose_name=label, accessor=accessor, order_by=order_by, empty_values=())


class DashboardTable(tables.Table):
    constituency = tables.Column(verbose_name="Constituency", order_by=("constituency", "ballot_id"))
    round_name = _column("Round", "round_text", ("round_name", "constituency"))
    status = _column("Status", "status_label", ("status_sort", "constituency"))
    roll = _column("Members on the roll", "roll_text", ("roll", "constituency"))
    codes_delivered = _column("Codes delivered", "codes_delivered_text", ("codes_delivered_sort", "constituency"))
    turnout = _column("Turnout so far", "turnout_text", ("turnout_sort", "constituency"))
    affiliates = _column(
        "Affiliates recorded", "affiliates_text", ("affiliates_recorded_sort", "affiliates_eligible", "constituency")
    )
    closes_at = _column("Voting closes (UK time)", "closes_text", ("closes_at", "constituency"))
    outcome = _column("Outcome", "outcome_text", ("outcome", "constituency"))
    open_share = _column("Open share", "open_share_text", ("open_share_sort", "constituency"))

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
