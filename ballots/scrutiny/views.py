"""Scrutineers' read-only pages: the ballots given to them, and one ballot's turnout, audit log and result.

Thin, and read-only: there is no form here that changes anything, and no link to an officer
action. Access is members/access.py's `ScrutinyMixin` (scrutineers of the constituency, its
officers and its regional officers). The figures are the officer pages' own selectors:
turnout (who has voted, never which way) from `ballot_turnout`, codes from
`ballot_code_and_delivery_counts`, the log from `ballot_audit_events` in the officers' audit
table. The result appears only once the votes are counted, as the provisional result the
officers see, with the public page's disclosure (small wards withheld): a scrutineer observes
the count, and has no need of figures that could tell a small ward's voters apart.
"""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from ballots.models import TriggerBallot
from ballots.officer import selectors as officer_selectors
from ballots.officer.tables import AuditTable
from ballots.officer.views.common import PAGE_SIZE
from ballots.results.presenter import ballot_result, pc, threshold_words
from ballots.results.selectors import votes_counted
from ballots.state import ballot_effective_status
from members.access import ScrutinyMixin
from members.selectors import constituencies_for_scrutineer

STATUS_LABELS = dict(TriggerBallot.Status.choices)


class ScrutinyListView(ScrutinyMixin, TemplateView):
    template_name = "ballots/scrutiny/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballots = (
            TriggerBallot.objects.filter(constituency__in=constituencies_for_scrutineer(self.request.user))
            .select_related("constituency")
            .order_by("constituency__name", "-pk")
        )
        context["rows"] = [(ballot, STATUS_LABELS[ballot_effective_status(ballot)]) for ballot in ballots]
        return context


class ScrutinyBallotView(ScrutinyMixin, TemplateView):
    template_name = "ballots/scrutiny/ballot.html"

    def get_scrutiny_constituency(self):
        self.ballot = get_object_or_404(TriggerBallot.objects.select_related("constituency"), pk=self.kwargs["pk"])
        return self.ballot.constituency

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.ballot
        opened = ballot.status != TriggerBallot.Status.DRAFT
        table = AuditTable(officer_selectors.ballot_audit_events(ballot))
        RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
        result = ballot_result(ballot, public=True, with_flip=False) if votes_counted(ballot) else None
        context.update(
            ballot=ballot,
            status=STATUS_LABELS[ballot_effective_status(ballot)],
            turnout=officer_selectors.ballot_turnout(ballot) if opened else None,
            codes=officer_selectors.ballot_code_and_delivery_counts(ballot) if opened else None,
            br=result,
            threshold_text=threshold_words(result.result.threshold) if result else "",
            open_share_text=pc(result.result.open_share) if result else "",
            table=table,
        )
        return context
