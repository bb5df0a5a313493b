"""Tables for the officer lists (django-tables2), and their CSV exports.

Every column reads from the row's own query. The export of a list is the table's filtered and
sorted queryset read with `values_list` (`members.selectors.rows_for_export`): each table names
the fields it needs and turns one tuple of them into the cells its `value_*` methods would give,
because rendering 100,000 bound rows cell by cell took twenty times as long as the query.
"""

from collections.abc import Iterator, Sequence

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from members.models import Affiliate, Member
from members.selectors import rows_for_export

TABLE_TEMPLATE = "members/_table.html"

_STATUS_WORDS = dict(Member.Status.choices)
_KIND_WORDS = dict(Affiliate.Kind.choices)


def eligibility_value(reason: str | None) -> str:
    """The Eligible cell of an export: "yes", or "no: " and the reason."""
    return "yes" if not reason else f"no: {reason}"


class _ExportableTable(tables.Table):
    """A table whose CSV export reads `export_fields` and makes each row with `export_row`.

    `export_columns` are the exported columns in the table's order; `export_row` returns their
    cells from one tuple of `export_fields`, as the table's export values would be (an empty
    value gives an empty cell, a date its ISO form, a choice its words).
    """

    export_columns: Sequence[str] = ()
    export_fields: Sequence[str] = ()

    @staticmethod
    def export_row(values: tuple) -> tuple:
        raise NotImplementedError

    def export_header(self) -> list[str]:
        return [str(self.columns[name].header) for name in self.export_columns]

    def export_rows(self) -> Iterator[tuple]:
        # `self.data.data` is the queryset after the table applied the requested sort.
        return map(self.export_row, rows_for_export(queryset=self.data.data, fields=self.export_fields))


class MemberTable(_ExportableTable):
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
        return eligibility_value(value)

    def value_name(self, record):
        return record.full_name

    export_columns = ("membership_number", "name", "ward", "joined_on", "status", "eligible")
    export_fields = (
        "membership_number",
        "first_name",
        "last_name",
        "ward__name",
        "joined_on",
        "status",
        "ineligibility",
    )

    @staticmethod
    def export_row(values: tuple) -> tuple:
        number, first_name, last_name, ward, joined_on, status, ineligibility = values
        return (
            number,
            # As Member.full_name; the Name column reads last_name, so no last name is an empty cell.
            f"{first_name} {last_name}".strip() if last_name else None,
            ward,
            joined_on.isoformat(),
            _STATUS_WORDS.get(status, status),
            eligibility_value(ineligibility),
        )


class AffiliateTable(_ExportableTable):
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

    def render_affiliated_members(self, value):
        return f"{value:,}"  # thousands grouped on the page; the export keeps the plain number

    def value_name(self, record):
        return record.name

    export_columns = ("name", "kind", "affiliated_on", "affiliated_members", "delegate_name")
    export_fields = ("name", "kind", "affiliated_on", "affiliated_members", "delegate_name")

    @staticmethod
    def export_row(values: tuple) -> tuple:
        name, kind, affiliated_on, affiliated_members, delegate_name = values
        return (name, _KIND_WORDS.get(kind, kind), affiliated_on.isoformat(), affiliated_members, delegate_name)
