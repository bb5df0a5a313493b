"""Officer pages of a ballot's life: the list, create and edit the draft, the dashboard, the roll,
and the actions that open, close and declare it (each confirmed first: see transitions.py).

Thin views: reads through ballots.officer.selectors, writes through ballots.officer.services.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig

from ballots.models import TriggerBallot
from ballots.officer import selectors, services
from ballots.officer.forms import BallotForm
from ballots.officer.services import BallotStateError
from ballots.officer.services.ballot_settings import ballot_channels
from ballots.officer.tables import IneligibleMemberTable, RollEntryTable
from ballots.officer.views.common import PAGE_SIZE, BallotOfficerMixin, Status
from ballots.officer.views.key_handover import ballot_key_summary
from ballots.officer.views.transitions import TransitionView
from ballots.state import ballot_effective_status
from members.access import ConstituencyOfficerMixin

EDIT_REFUSED = "Only a draft ballot can be edited: this one has been opened."
EDIT_VOIDED_REFUSED = "This ballot has been voided: nothing more can be done with it."


class BallotListView(ConstituencyOfficerMixin, TemplateView):
    """The constituency's ballots, newest first, each with its effective status."""

    template_name = "ballots/officer/ballot_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["ballots"] = [
            (ballot, Status(ballot_effective_status(ballot, now)))
            for ballot in selectors.ballots_for_constituency(self.constituency)
        ]
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
        if self.ballot.status != Status.DRAFT or self.ballot.is_voided:
            return self.refused(EDIT_VOIDED_REFUSED if self.ballot.is_voided else EDIT_REFUSED)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.ballot.status != Status.DRAFT or self.ballot.is_voided:
            return self.refused(EDIT_VOIDED_REFUSED if self.ballot.is_voided else EDIT_REFUSED)
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


class BallotManageView(BallotOfficerMixin, TemplateView):
    """The ballot's dashboard: what to do now (by its effective status), turnout, its key, settings, timeline."""

    template_name = "ballots/officer/ballot_manage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = context["effective_status"]
        context["is_draft"] = status == Status.DRAFT
        context["is_open"] = status == Status.OPEN
        context["is_closed"] = status == Status.CLOSED
        context["is_declared"] = status == Status.DECLARED
        context["rule_set_options"] = selectors.ballot_rule_set_options(self.ballot)
        context["key"] = ballot_key_summary(self.ballot)
        context["channels"] = ballot_channels(self.ballot)
        context["takes_papers"] = self.ballot.paper_voting or self.ballot.meeting_voting
        if status != Status.DRAFT:
            context["turnout"] = selectors.ballot_turnout(self.ballot)
            context["code_counts"] = selectors.ballot_code_counts(self.ballot)
        return context


class BallotRollView(BallotOfficerMixin, TemplateView):
    """Draft: who would be on the roll, per ward, and why the others are not. Later: the frozen roll,
    with turnout per ward and each member's entry, saying whether and how they voted."""

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
            table = RollEntryTable(selectors.roll_entries(self.ballot))
            RequestConfig(self.request, paginate={"per_page": PAGE_SIZE}).configure(table)
            context["roll_table"] = table
        return context


class BallotCloseView(TransitionView):
    transition = "close"
    service = services.ballot_close
    done_message = "The ballot is closed. No more votes can be cast. Now count the votes with the ballot's key."


class BallotDeclareView(TransitionView):
    transition = "declare"
    service = services.ballot_declare
    done_message = "The result is declared and published."
