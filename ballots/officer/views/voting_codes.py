"""Officer pages for voting codes: the codes page (with the email delivery's progress and
failures), the CSV download, email to the roll (queued for the worker), re-issuing all codes
or one member's, emailing one member a new code, resending failed emails and their CSV.
Once the ballot is open, re-issuing every code needs a second officer: the codes page shows
the request waiting and its forms (code_reissue_approval.py has their views).

Voting codes appear in exactly two responses: the CSV returned by the POST that issues them,
and the page returned by the POST that re-issues one member's code. Both are `no-store`.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from ballots.models import RollEntry
from ballots.officer import selectors, services
from ballots.officer.code_reissue_forms import CodeReissueRefuseForm, CodeReissueRequestForm
from ballots.officer.forms import ConfirmForm, RollSearchForm
from ballots.officer.services import BallotStateError
from ballots.officer.services.code_reissue_approval import code_reissue_pending
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.services.voting_codes import voting_codes_check_reissue_all
from ballots.officer.views.common import BallotOfficerMixin, Status, no_store
from ballots.state import VOTING_CLOSED
from members.csv_export import csv_response

# Members listed by name on the codes page as needing attention; the CSV has them all.
ATTENTION_SHOWN = 100
CODES_CSV_HEADER = (
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "ward",
    "voting_code",
    "voting_link",
)


class BallotCodesView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/ballot_codes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_draft = self.ballot.status == Status.DRAFT
        context["code_counts"] = None
        if not is_draft:
            counts = selectors.ballot_code_and_delivery_counts(self.ballot)
            context["code_counts"] = counts
            states = RollEntry.DeliveryState
            context["delivery_counts"] = [(label, counts[value]) for value, label in states.choices]
            context["delivery_progress"] = selectors.delivery_progress(counts)
            # Listed only when there is something to list: the page's queries stay the same otherwise.
            if counts[states.FAILED] or counts[states.BOUNCED]:
                attention = list(selectors.deliveries_needing_attention(self.ballot)[: ATTENTION_SHOWN + 1])
                context["attention"] = attention[:ATTENTION_SHOWN]
                context["attention_more"] = len(attention) > ATTENTION_SHOWN
        context["can_issue"] = self.ballot.status == Status.OPEN and context["voting_state"] != VOTING_CLOSED
        context.setdefault("confirm_form", ConfirmForm())
        # Re-issuing every code of an open ballot: the request waiting for a second officer, if any.
        pending = code_reissue_pending(self.ballot) if context["can_issue"] else None
        context["reissue_pending"] = pending
        context["reissue_pending_at"] = uk_time(pending.requested_at) if pending else ""
        context.setdefault("reissue_form", CodeReissueRequestForm())
        context.setdefault("refuse_form", CodeReissueRefuseForm())
        search = RollSearchForm(self.request.GET or None)
        context["search_form"] = search
        if search.is_valid():
            context["searched"] = True
            context["entry"] = selectors.roll_entry_find(self.ballot, search.cleaned_data["membership_number"])
        return context


def _codes_csv(ballot, issued):
    # The codes exist only in `issued` (the service hands them over once), so the rows are made
    # from it as the response streams, never copied into a second list.
    rows = (
        (
            entry.membership_number,
            entry.member.first_name,
            entry.member.last_name,
            entry.member.email,
            entry.ward.name,
            code,
            services.personal_voting_link(ballot=ballot, membership_number=entry.membership_number, code=code),
        )
        for entry, code in issued
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    filename = f"{slugify(ballot.constituency.name)}-ballot-{ballot.pk}-voting-codes-{stamp}.csv"
    return csv_response(filename, CODES_CSV_HEADER, rows)


class VotingCodesDownloadView(BallotOfficerMixin, View):
    """POST: issue a code to every roll entry without one, and return them as a CSV, once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            issued = services.voting_codes_issue(ballot=self.ballot, actor=request.user)
        except BallotStateError as error:
            return self.refused(error)
        if not issued:
            messages.info(
                request,
                "Every member on the roll already has a code, so there is nothing new to download. "
                "Codes cannot be shown twice: to get a fresh list, re-issue all codes.",
            )
            return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))
        return _codes_csv(self.ballot, issued)


class VotingCodesEmailView(BallotOfficerMixin, View):
    """POST: queue a new code by email for every member without one; the worker sends them."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            queued = services.voting_codes_email_queue(ballot=self.ballot, actor=request.user)
        except BallotStateError as error:
            return self.refused(error)
        _queued_message(request, queued)
        return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))


class VotingCodesResendFailedView(BallotOfficerMixin, View):
    """POST: queue a new code by email for every member whose email failed or bounced."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            queued = services.voting_codes_email_queue(ballot=self.ballot, actor=request.user, resend_failed=True)
        except BallotStateError as error:
            return self.refused(error)
        _queued_message(request, queued)
        return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))


def _queued_message(request, queued):
    if queued:
        messages.success(
            request, f"{queued} email{'s' if queued != 1 else ''} queued. This page shows how the sending goes."
        )
    else:
        messages.info(
            request,
            "Nobody was waiting for a code by email: every member with an email address has one or has voted.",
        )


DELIVERY_CSV_HEADER = ("membership_number", "first_name", "last_name", "email", "ward", "state", "reason", "changed")


class DeliveryFailuresCsvView(BallotOfficerMixin, View):
    """GET: the members whose email failed or bounced, as a CSV (no codes: none are stored)."""

    def get(self, request, *args, **kwargs):
        rows = (
            (
                entry.membership_number,
                entry.member.first_name,
                entry.member.last_name,
                entry.member.email,
                entry.ward.name,
                entry.get_delivery_state_display(),
                entry.delivery_failure,
                timezone.localtime(entry.delivery_changed_at).isoformat() if entry.delivery_changed_at else "",
            )
            for entry in selectors.deliveries_needing_attention(self.ballot).iterator()
        )
        filename = f"{slugify(self.ballot.constituency.name)}-ballot-{self.ballot.pk}-emails-not-delivered.csv"
        return csv_response(filename, DELIVERY_CSV_HEADER, rows)


class VotingCodesReissueAllView(BallotOfficerMixin, View):
    """POST (with confirmation): new codes for everybody yet to vote, as a CSV or by email.

    One officer alone, so refused once the ballot is open: then a second officer approves a
    request instead (code_reissue_approval.py).
    """

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            voting_codes_check_reissue_all(ballot=self.ballot, approval=None)
        except BallotStateError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            view = BallotCodesView(request=request, kwargs=kwargs, args=args)
            view.ballot, view.constituency = self.ballot, self.constituency
            context = view.get_context_data(confirm_form=form)
            return render(request, BallotCodesView.template_name, context, status=400)
        try:
            if request.POST.get("delivery") == "email":
                queued = services.voting_codes_email_reissue_all(ballot=self.ballot, actor=request.user)
                _queued_message(request, queued)
                return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))
            issued = services.voting_codes_issue(ballot=self.ballot, actor=request.user, reissue_all=True)
        except BallotStateError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))
        return _codes_csv(self.ballot, issued)


class _RollEntryMixin(BallotOfficerMixin):
    def roll_entry(self):
        return get_object_or_404(
            RollEntry.objects.select_related("member", "ward"), ballot=self.ballot, pk=self.kwargs["entry_pk"]
        )

    def codes_url(self, entry=None):
        url = reverse("ballots:ballot_codes", args=[self.ballot.pk])
        return f"{url}?membership_number={entry.membership_number}" if entry else url


class VotingCodeReissueView(_RollEntryMixin, View):
    """POST: a new code for one member, shown on this response only (the old one stops working)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = self.roll_entry()
        try:
            code = services.voting_code_reissue(roll_entry=entry, actor=request.user)
        except BallotStateError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.codes_url(entry))
        context = {
            "ballot": self.ballot,
            "constituency": self.constituency,
            "entry": entry,
            "code": code,
            "link": services.personal_voting_link(
                ballot=self.ballot, membership_number=entry.membership_number, code=code
            ),
        }
        return no_store(render(request, "ballots/officer/code_reissued.html", context))


class VotingCodeSendView(_RollEntryMixin, View):
    """POST: a new code for one member, emailed to them (the old one stops working)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = self.roll_entry()
        try:
            services.voting_code_send(roll_entry=entry, actor=request.user)
        except BallotStateError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.codes_url(entry))
        messages.success(
            request,
            f"A new code for member {entry.membership_number} is queued for email: their old code stops "
            "working when it is sent. Find the member again to see whether it went.",
        )
        return HttpResponseRedirect(self.codes_url(entry))
