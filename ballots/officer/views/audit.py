"""Officer pages for a ballot's audit log: the paginated table and its CSV download (streamed from
plain rows, in one query whatever the size of the log)."""

from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from ballots.officer import selectors
from ballots.officer.tables import AuditTable, audit_action_text, audit_detail_text
from ballots.officer.views.common import PAGE_SIZE, BallotOfficerMixin
from members.csv_export import csv_response


class BallotAuditView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/ballot_audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = AuditTable(selectors.ballot_audit_events(self.ballot))
        RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        context["table"] = table
        return context


class BallotAuditCsvView(BallotOfficerMixin, View):
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        rows = (
            (
                timezone.localtime(created_at).isoformat(),
                username or "",
                action,
                audit_action_text(action),
                audit_detail_text(detail),
            )
            for created_at, username, action, detail in selectors.ballot_audit_rows_for_export(self.ballot)
        )
        filename = f"{slugify(self.constituency.name)}-ballot-{self.ballot.pk}-audit-log.csv"
        return csv_response(filename, ("when", "who", "action", "what", "details"), rows)
