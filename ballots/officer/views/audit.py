"""Officer pages for a ballot's audit log: the paginated table and its CSV download (streamed from
plain rows, in one query whatever the size of the log)."""

from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from ballots.officer import selectors
from ballots.officer.audit_forms import AuditFilterForm
from ballots.officer.audit_words import audit_detail_text, audit_sentence
from ballots.officer.tables import AuditTable
from ballots.officer.views.common import PAGE_SIZE, BallotOfficerMixin
from members.csv_export import csv_response


def _filter_form(request, ballot) -> AuditFilterForm:
    actions, officers = selectors.ballot_audit_filter_choices(ballot)
    return AuditFilterForm(request.GET, actions=actions, officers=officers)


class BallotAuditView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/ballot_audit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = _filter_form(self.request, self.ballot)
        filters = form.filters()
        table = AuditTable(selectors.ballot_audit_events(self.ballot, **filters))
        RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        context.update(table=table, filter_form=form, filtered=bool(filters), query=self.request.GET.urlencode())
        return context


class BallotAuditCsvView(BallotOfficerMixin, View):
    """The log as CSV, filtered as the page is; the details column keeps exactly what was recorded."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        filters = _filter_form(request, self.ballot).filters()
        rows = (
            (
                timezone.localtime(created_at).isoformat(),
                username or "The system",
                audit_sentence(action, detail),
                action,
                audit_detail_text(detail),
            )
            for created_at, username, action, detail in selectors.ballot_audit_rows_for_export(self.ballot, **filters)
        )
        filename = f"{slugify(self.constituency.name)}-ballot-{self.ballot.pk}-audit-log.csv"
        return csv_response(filename, ("when", "who", "what happened", "action", "details as recorded"), rows)
