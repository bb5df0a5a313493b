"""Officer pages for a counted ballot's formal record: the returning officer's report (a page laid
out for printing, and its PDF) and the declaration of the result as PDF."""

from django.http import HttpResponse
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from ballots.models import TriggerBallot
from ballots.officer.services.formal_record import RecordNotReady, formal_record
from ballots.officer.services.record_pdf import declaration_pdf, formal_record_pdf
from ballots.officer.views.common import BallotOfficerMixin, no_store


class FormalRecordView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/formal_record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            context["record"] = formal_record(self.ballot)
        except RecordNotReady as not_ready:
            context["not_ready"] = str(not_ready)
        return context

    def render_to_response(self, context, **response_kwargs):
        return no_store(super().render_to_response(context, **response_kwargs))


class _RecordPdfView(BallotOfficerMixin, View):
    http_method_names = ["get"]
    document = ""

    def ready(self) -> str:
        """Why this document cannot be made yet beyond what `formal_record` checks, or ""."""
        return ""

    def draw(self, record) -> bytes:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        record = None
        try:
            reason = self.ready()
            if not reason:
                record = formal_record(self.ballot)
        except RecordNotReady as not_ready:
            reason = str(not_ready)
        if record is None:
            return no_store(HttpResponse(reason, status=409, content_type="text/plain; charset=utf-8"))
        pdf = self.draw(record)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"{slugify(self.constituency.name)}-ballot-{self.ballot.pk}-{self.document}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return no_store(response)


class FormalRecordPdfView(_RecordPdfView):
    document = "returning-officers-report"

    def draw(self, record) -> bytes:
        return formal_record_pdf(record)


class DeclarationPdfView(_RecordPdfView):
    document = "declaration"

    def ready(self) -> str:
        if self.ballot.status != TriggerBallot.Status.DECLARED:
            return "The declaration is made once the result has been declared."
        return ""

    def draw(self, record) -> bytes:
        return declaration_pdf(record)
