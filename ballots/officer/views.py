"""Officer pages for trigger ballots: set up, open, codes, affiliates' votes, turnout, close, declare, audit.

Thin views: reads through ballots.officer.selectors, writes through ballots.officer.services. Every page is for
officers of the ballot's constituency only (anonymous -> log in; anyone else -> 403). Before
showing a ballot, any open ballot past its closing time is closed (`ballot_close_due`), so the
pages never show as open a ballot that can no longer take votes.

Voting codes appear in exactly two responses: the CSV returned by the POST that issues them,
and the page returned by the POST that re-issues one member's code. Both are `no-store`.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from ballots.officer import selectors
from ballots.state import ballot_voting_state
from ballots.officer import services
from ballots.officer.forms import AffiliateVoteForm, BallotForm, ConfirmForm, RollSearchForm
from ballots.models import AffiliateVote, BallotAffiliate, RollEntry, TriggerBallot
from ballots.officer.services import BallotStateError
from ballots.officer.tables import AuditTable, IneligibleMemberTable, audit_action_text, audit_detail_text
from members.access import ConstituencyOfficerMixin, OfficerRequiredMixin
from members.csv_export import csv_response
from members.selectors import officer_runs_constituency, user_is_officer

Status = TriggerBallot.Status
PAGE_SIZE = 50
# Emails sent per press of the button: one request must finish well within the server's timeout.
EMAILS_PER_REQUEST = 500
CODES_CSV_HEADER = (
    "membership_number",
    "first_name",
    "last_name",
    "email",
    "ward",
    "voting_code",
    "voting_link",
)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


class BallotOfficerMixin(OfficerRequiredMixin):
    """Loads `self.ballot` (and `self.constituency`) from the URL's `pk`; officers of its constituency only."""

    ballot_url_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_is_officer(request.user):
            services.ballot_close_due()
            self.ballot = get_object_or_404(
                TriggerBallot.objects.select_related("constituency"), pk=kwargs[self.ballot_url_kwarg]
            )
            self.constituency = self.ballot.constituency
            if not officer_runs_constituency(request.user, self.constituency):
                raise PermissionDenied("You are not an officer of this ballot's constituency.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context.update(
            ballot=self.ballot,
            constituency=self.constituency,
            voting_state=ballot_voting_state(self.ballot, now),
        )
        return context

    def manage_url(self):
        return reverse("ballots:ballot_manage", args=[self.ballot.pk])

    def refused(self, error):
        messages.error(self.request, str(error))
        return HttpResponseRedirect(self.manage_url())


# ------------------------------------------------------------------ list, create, edit


class BallotListView(ConstituencyOfficerMixin, TemplateView):
    template_name = "ballots/officer/ballot_list.html"

    def get_context_data(self, **kwargs):
        services.ballot_close_due()
        context = super().get_context_data(**kwargs)
        context["ballots"] = list(selectors.ballots_for_constituency(self.constituency))
        return context


def _default_times():
    """Tomorrow 09:00 to a fortnight later 17:00, UK time; freeze date today."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    opens = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(9, 0), tzinfo=zone)
    closes = dt.datetime.combine(today + dt.timedelta(days=15), dt.time(17, 0), tzinfo=zone)
    return {"freeze_date": today, "opens_at": opens, "closes_at": closes}


class BallotCreateView(ConstituencyOfficerMixin, FormView):
    template_name = "ballots/officer/ballot_form.html"
    form_class = BallotForm

    def get_initial(self):
        return {"sitting_mp": self.constituency.sitting_mp, **_default_times()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "New trigger ballot"
        context["cancel_url"] = reverse("ballots:ballot_list", args=[self.constituency.pk])
        return context

    def form_valid(self, form):
        values = {name: form.cleaned_data[name] for name in services.BALLOT_FIELDS}
        try:
            ballot = services.ballot_create(actor=self.request.user, constituency=self.constituency, **values)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Draft ballot created. Check who would be on the roll, then open it.")
        return HttpResponseRedirect(reverse("ballots:ballot_manage", args=[ballot.pk]))


class BallotEditView(BallotOfficerMixin, FormView):
    template_name = "ballots/officer/ballot_form.html"
    form_class = BallotForm

    def get(self, request, *args, **kwargs):
        if self.ballot.status != Status.DRAFT:
            return self.refused("Only a draft ballot can be edited: this one has been opened.")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.ballot.status != Status.DRAFT:
            return self.refused("Only a draft ballot can be edited: this one has been opened.")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = TriggerBallot.objects.get(pk=self.ballot.pk)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Edit the draft ballot"
        context["cancel_url"] = self.manage_url()
        return context

    def form_valid(self, form):
        values = {name: form.cleaned_data[name] for name in services.BALLOT_FIELDS}
        try:
            services.ballot_update(actor=self.request.user, ballot=self.ballot, **values)
        except BallotStateError as error:
            return self.refused(error)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Ballot settings saved.")
        return HttpResponseRedirect(self.manage_url())


# ------------------------------------------------------------------ dashboard and roll


class BallotManageView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/ballot_manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.ballot.status
        context["is_draft"] = status == Status.DRAFT
        context["is_open"] = status == Status.OPEN
        context["is_closed"] = status == Status.CLOSED
        context["is_declared"] = status == Status.DECLARED
        if status != Status.DRAFT:
            context["turnout"] = selectors.ballot_turnout(self.ballot)
            context["code_counts"] = selectors.ballot_code_counts(self.ballot)
        return context


class BallotRollView(BallotOfficerMixin, TemplateView):
    """Draft: who would be on the roll, per ward, and why the others are not. Later: the frozen roll."""

    template_name = "ballots/officer/ballot_roll.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.ballot.status == Status.DRAFT:
            context["preview"] = selectors.roll_preview(self.ballot)
            table = IneligibleMemberTable(selectors.members_ineligible(self.ballot))
            RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
            context["ineligible_table"] = table
            context["affiliates"] = selectors.affiliates_preview(self.ballot)
        else:
            context["turnout"] = selectors.ballot_turnout(self.ballot)
        return context


# ------------------------------------------------------------------ state changes


class _TransitionView(BallotOfficerMixin, View):
    http_method_names = ["post"]
    service = None
    done_message = ""

    def post(self, request, *args, **kwargs):
        try:
            type(self).service(ballot=self.ballot, actor=request.user)
        except (BallotStateError, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            return self.refused(text)
        messages.success(request, self.done_message)
        return HttpResponseRedirect(self.manage_url())


class BallotOpenView(_TransitionView):
    service = services.ballot_open
    done_message = "The ballot is open: its rules and roll are frozen. Now issue the voting codes."


class BallotCloseView(_TransitionView):
    service = services.ballot_close
    done_message = "The ballot is closed. No more votes can be cast. Check the result, then declare it."


class BallotDeclareView(_TransitionView):
    service = services.ballot_declare
    done_message = "The result is declared and published."


# ------------------------------------------------------------------ voting codes


class BallotCodesView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/ballot_codes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_draft = self.ballot.status == Status.DRAFT
        context["code_counts"] = None if is_draft else selectors.ballot_code_counts(self.ballot)
        context["can_issue"] = self.ballot.status == Status.OPEN and context["voting_state"] != "closed"
        context.setdefault("confirm_form", ConfirmForm())
        search = RollSearchForm(self.request.GET or None)
        context["search_form"] = search
        if search.is_valid():
            context["searched"] = True
            context["entry"] = selectors.roll_entry_find(self.ballot, search.cleaned_data["membership_number"])
        return context


def _codes_csv(ballot, issued):
    rows = [
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
    ]
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
    """POST: email a new code to every roll entry without one, in batches; report the counts."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            report = services.voting_codes_email(ballot=self.ballot, actor=request.user, limit=EMAILS_PER_REQUEST)
        except BallotStateError as error:
            return self.refused(error)
        _email_report_message(request, report)
        return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))


def _email_report_message(request, report):
    text = (
        f"Emails sent: {report.sent}. Failed: {report.failed}. "
        f"Skipped, no email address: {report.skipped_no_email}."
    )
    if report.remaining:
        text += (
            f" {report.remaining} member{'s are' if report.remaining != 1 else ' is'} still waiting for a code: "
            "press “Email new codes” again to send the next batch."
        )
    if report.failed:
        text += " A failed email's code was withdrawn, so sending again retries those members."
    if report.failed or report.remaining:
        messages.warning(request, text)
    elif report.total == 0:
        messages.info(request, "Nobody was waiting for a code: every member on the roll already has one.")
    else:
        messages.success(request, text)


class VotingCodesReissueAllView(BallotOfficerMixin, View):
    """POST (with confirmation): new codes for everybody yet to vote, as a CSV or by email."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            view = BallotCodesView(request=request, kwargs=kwargs, args=args)
            view.ballot, view.constituency = self.ballot, self.constituency
            context = view.get_context_data(confirm_form=form)
            return render(request, BallotCodesView.template_name, context, status=400)
        try:
            if request.POST.get("delivery") == "email":
                report = services.voting_codes_email(
                    ballot=self.ballot, actor=request.user, reissue_all=True, limit=EMAILS_PER_REQUEST
                )
                _email_report_message(request, report)
                return HttpResponseRedirect(reverse("ballots:ballot_codes", args=[self.ballot.pk]))
            issued = services.voting_codes_issue(ballot=self.ballot, actor=request.user, reissue_all=True)
        except BallotStateError as error:
            return self.refused(error)
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
        return _no_store(render(request, "ballots/officer/code_reissued.html", context))


class VotingCodeSendView(_RollEntryMixin, View):
    """POST: a new code for one member, emailed to them (the old one stops working)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = self.roll_entry()
        try:
            sent = services.voting_code_send(roll_entry=entry, actor=request.user)
        except BallotStateError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self.codes_url(entry))
        if sent:
            messages.success(request, f"A new code was emailed to member {entry.membership_number}.")
        else:
            messages.warning(
                request, f"The email to member {entry.membership_number} failed. Their old code no longer works: "
                "try again, or re-issue the code and give it to them another way."
            )
        return HttpResponseRedirect(self.codes_url(entry))


# ------------------------------------------------------------------ affiliates' votes


class AffiliateVoteListView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/affiliate_votes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.ballot_affiliates_with_votes(self.ballot)
        context["can_record"] = self.ballot.status == Status.OPEN and context["voting_state"] != "closed"
        return context


class AffiliateVoteRecordView(BallotOfficerMixin, FormView):
    template_name = "ballots/officer/affiliate_vote_form.html"
    form_class = AffiliateVoteForm

    def setup_affiliate(self):
        row = get_object_or_404(
            BallotAffiliate.objects.select_related("affiliate"),
            ballot=self.ballot,
            affiliate_id=self.kwargs["affiliate_pk"],
        )
        self.affiliate = row.affiliate
        self.vote = AffiliateVote.objects.filter(ballot=self.ballot, affiliate=self.affiliate).first()

    def list_url(self):
        return reverse("ballots:affiliate_votes", args=[self.ballot.pk])

    def get(self, request, *args, **kwargs):
        self.setup_affiliate()
        if self.ballot.status != Status.OPEN:
            messages.error(request, "Affiliates' votes can be recorded only while the ballot is open.")
            return HttpResponseRedirect(self.list_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_affiliate()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        if self.vote:
            return {"choice": self.vote.choice, "delegate_name": self.vote.delegate_name}
        return {"delegate_name": self.affiliate.delegate_name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["affiliate"] = self.affiliate
        context["vote"] = self.vote
        return context

    def form_valid(self, form):
        try:
            services.affiliate_vote_record(
                ballot=self.ballot,
                affiliate=self.affiliate,
                choice=form.cleaned_data["choice"],
                delegate_name=form.cleaned_data["delegate_name"],
                actor=self.request.user,
            )
        except BallotStateError as error:
            messages.error(self.request, str(error))
            return HttpResponseRedirect(self.list_url())
        verb = "corrected" if self.vote else "recorded"
        messages.success(self.request, f"{self.affiliate.name}: decision {verb}.")
        return HttpResponseRedirect(self.list_url())


# ------------------------------------------------------------------ audit log


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
        events = selectors.ballot_audit_events(self.ballot)
        rows = (
            (
                timezone.localtime(event.created_at).isoformat(),
                event.actor.get_username() if event.actor_id else "",
                event.action,
                audit_action_text(event.action),
                audit_detail_text(event.detail),
            )
            for event in events.iterator(chunk_size=1000)
        )
        filename = f"{slugify(self.constituency.name)}-ballot-{self.ballot.pk}-audit-log.csv"
        return csv_response(filename, ("when", "who", "action", "what", "details"), rows)
