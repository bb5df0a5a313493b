"""Confirmed transitions: the pages that ask before a ballot opens, closes, is declared or is voided.

Each transition has two URLs. Its confirmation page (GET) says what will happen and what
cannot be undone, and is shown only when the transition could go ahead now (the service's
own check, which writes nothing); otherwise the officer is sent back to the dashboard with
the reason. Its action (POST) does it only when the form's `confirm` field says so: a POST
without it (a stale form, a script, a double-click on an old page) changes nothing and
leads to the confirmation page. A second confirmed POST finds the ballot already moved on
and is refused by the service, under the ballot's row lock.

Opening differs: its confirmation page also asks who keeps the ballot's key, and its action
shows the key before anything is opened (key_handover.py). Counting the votes between close
and declare has a page of its own (vote_count.py).

Voiding is one URL: the page (GET) and its form (POST, with a reason and the confirm field).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from ballots.models import TriggerBallot
from ballots.officer import selectors, services
from ballots.officer.key_forms import KeyCustodyForm
from ballots.officer.services import BallotStateError
from ballots.officer.views.common import BallotOfficerMixin

CONFIRMED = "yes"
ALREADY_VOIDED = "This ballot has already been voided."


def refusal_text(error: BallotStateError | ValidationError) -> str:
    return "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)


class TransitionConfirmView(BallotOfficerMixin, TemplateView):
    """GET: the confirmation page of one transition, or back to the dashboard if it would be refused."""

    http_method_names = ["get"]
    transition = ""  # "open", "close" or "declare": names the action URL and the template
    check = None

    def get_template_names(self):
        return [f"ballots/officer/confirm_{self.transition}.html"]

    def get(self, request, *args, **kwargs):
        try:
            type(self).check(ballot=self.ballot)
        except (BallotStateError, ValidationError) as error:
            return self.refused(refusal_text(error))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = reverse(f"ballots:ballot_{self.transition}", args=[self.ballot.pk])
        context["cancel_url"] = self.manage_url()
        return context


def open_confirm_context(ballot: TriggerBallot) -> dict:
    """What the open confirmation page says will freeze: the roll's size, the affiliates, the rule set's options."""
    preview = selectors.roll_preview(ballot)
    return {
        "members_on_roll": preview.totals.eligible,
        "affiliates_eligible": preview.affiliates_eligible,
        "rule_set_options": selectors.ballot_rule_set_options(ballot),
    }


class BallotOpenConfirmView(TransitionConfirmView):
    """The open confirmation page: what freezes, and who keeps the key (posted to the key's page)."""

    transition = "open"
    check = services.ballot_open_check

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", KeyCustodyForm())
        context = super().get_context_data(**kwargs)
        context.update(open_confirm_context(self.ballot))
        return context


class BallotCloseConfirmView(TransitionConfirmView):
    transition = "close"
    check = services.ballot_close_check

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["turnout"] = selectors.ballot_turnout(self.ballot)
        return context


class BallotDeclareConfirmView(TransitionConfirmView):
    transition = "declare"
    check = services.ballot_declare_check


class TransitionView(BallotOfficerMixin, View):
    """POST: do the transition, if confirmed; the outcome is a message on the dashboard."""

    http_method_names = ["post"]
    transition = ""
    service = None
    done_message = ""

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") != CONFIRMED:
            messages.info(request, "Nothing has changed: confirm on this page to go ahead.")
            return HttpResponseRedirect(reverse(f"ballots:ballot_{self.transition}_confirm", args=[self.ballot.pk]))
        try:
            type(self).service(ballot=self.ballot, actor=request.user)
        except (BallotStateError, ValidationError) as error:
            return self.refused(refusal_text(error))
        messages.success(request, self.done_message)
        return HttpResponseRedirect(self.manage_url())


class BallotVoidForm(forms.Form):
    reason = forms.CharField(
        label="Why is the ballot being voided?",
        help_text="Shown on the ballot's pages and kept in the audit log.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=services.VOID_REASON_MAX_LENGTH,
    )
    confirm = forms.BooleanField(
        label="I understand that voiding cannot be undone, and that a voided ballot takes no more votes.",
        error_messages={"required": "Tick the box to confirm that the ballot is to be voided."},
    )


class BallotVoidView(BallotOfficerMixin, TemplateView):
    """GET: what voiding does, and the form; POST: void the ballot with the reason given."""

    template_name = "ballots/officer/confirm_void.html"
    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        if self.ballot.is_voided:
            return self.refused(ALREADY_VOIDED)
        return self.render_to_response(self.get_context_data(form=BallotVoidForm()))

    def post(self, request, *args, **kwargs):
        if self.ballot.is_voided:
            return self.refused(ALREADY_VOIDED)
        form = BallotVoidForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.ballot_void(ballot=self.ballot, reason=form.cleaned_data["reason"], actor=request.user)
        except BallotStateError as error:
            return self.refused(error)
        messages.success(request, "The ballot has been voided. It takes no more votes, and its pages say why.")
        return HttpResponseRedirect(self.manage_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.manage_url()
        return context
