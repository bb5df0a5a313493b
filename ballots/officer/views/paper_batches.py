"""Officer pages for paper batches: the batches per ward with the form to enter one, and a batch's check
by a second officer (confirm it, or reject it with a reason).

The rules are the service's (services/paper_batches.py); these pages parse the input, call it,
and show its refusal on the form re-shown (400), never a server error.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import TemplateView

from ballots.models import PaperBatch
from ballots.officer.audit_words_channels import CHANNEL_WORDS
from ballots.officer.services.common import BallotStateError, officer_name
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.services.paper_batches import (
    LABEL_MAX_LENGTH,
    REASON_MAX_LENGTH,
    paper_batch_confirm,
    paper_batch_enter,
    paper_batch_reject,
    paper_batches_overview,
)
from ballots.officer.views.common import BallotOfficerMixin

FIGURES = (
    ("reselect", "Papers to reselect"),
    ("open", "Papers for an open selection"),
    ("spoilt", "Spoilt papers"),
)


def _figure_field(label: str, cap: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=cap,
        initial=None,
        error_messages={
            "required": "Enter a number, 0 if there are none.",
            "invalid": "Enter a whole number, such as 12.",
            "min_value": "Enter 0 or more.",
            "max_value": f"This ballot's roll has {cap:,} members: a batch cannot have more papers.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": cap}),
    )


class PaperBatchForm(forms.Form):
    ward = forms.ChoiceField(label="Ward branch", error_messages={"required": "Choose the batch's ward."})
    channel = forms.ChoiceField(
        label="How the papers came",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the papers came: by post or on paper, or at a branch meeting."},
    )
    label = forms.CharField(
        label="Batch",
        max_length=LABEL_MAX_LENGTH,
        error_messages={
            "required": "Say what the batch is, for example \u201cPostal votes, first box\u201d.",
            "max_length": f"Keep the batch's name to {LABEL_MAX_LENGTH:,} characters.",
        },
        help_text=(
            "What the papers are, in your words: \u201cPostal votes, first box\u201d, \u201cMeeting of 3 March\u201d."
        ),
    )

    def __init__(self, *args, overview, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", "Choose a ward")] + [(str(pk), name) for pk, name in overview.wards]
        self.fields["ward"].error_messages["invalid_choice"] = "Choose one of this ballot's wards."
        self.fields["channel"].choices = [
            (channel, CHANNEL_WORDS[channel].capitalize()) for channel in overview.channels
        ]
        self.fields["channel"].error_messages["invalid_choice"] = "Choose one of the ways this ballot takes papers."
        if len(overview.channels) == 1:
            self.fields["channel"].initial = overview.channels[0]
        for name, label in FIGURES:
            self.fields[name] = _figure_field(label, max(overview.roll_size, 0))
        self.fields["spoilt"].help_text = "Papers that cannot be counted: blank, marked both ways, or unclear."

    def clean(self):
        cleaned = super().clean()
        if all(isinstance(cleaned.get(name), int) for name, _label in FIGURES):
            if sum(cleaned[name] for name, _label in FIGURES) == 0:
                raise forms.ValidationError("This batch has no papers: enter how many there are of each.")
        return cleaned


class PaperBatchCheckForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", "Confirm"), ("reject", "Reject")], widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why it is rejected",
        required=False,
        max_length=REASON_MAX_LENGTH,
        error_messages={"max_length": f"Keep the reason to {REASON_MAX_LENGTH:,} characters."},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to reject: say what is wrong, so that whoever enters it again can put it right.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].error_messages["invalid_choice"] = "Choose to confirm or to reject the batch."

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not " ".join(cleaned.get("reason", "").split()):
            self.add_error("reason", "Say why the batch is rejected.")
        return cleaned


class PaperBatchesView(BallotOfficerMixin, TemplateView):
    """GET: every ward's marked papers and batches, and the form; POST: enter a batch."""

    template_name = "ballots/officer/paper_batches.html"
    http_method_names = ["get", "post"]

    def page(self, *, overview, form=None, status=200):
        context = self.get_context_data(
            overview=overview, form=form or PaperBatchForm(overview=overview), can_enter=self.can_enter()
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def can_enter(self) -> bool:
        ballot = self.ballot
        return (
            ballot.status in (ballot.Status.OPEN, ballot.Status.CLOSED)
            and ballot.voided_at is None
            and ballot.counted_at is None
        )

    def get(self, request, *args, **kwargs):
        return self.page(overview=paper_batches_overview(self.ballot))

    def post(self, request, *args, **kwargs):
        overview = paper_batches_overview(self.ballot)
        form = PaperBatchForm(request.POST, overview=overview)
        if form.is_valid():
            data = form.cleaned_data
            try:
                batch = paper_batch_enter(
                    ballot=self.ballot,
                    ward_id=int(data["ward"]),
                    channel=data["channel"],
                    label=data["label"],
                    reselect=data["reselect"],
                    open=data["open"],
                    spoilt=data["spoilt"],
                    actor=request.user,
                )
            except BallotStateError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"Batch \u201c{batch.label}\u201d entered. A second officer must now check and confirm it."
                )
                return HttpResponseRedirect(reverse("ballots:paper_batches", args=[self.ballot.pk]))
        return self.page(overview=overview, form=form, status=400)


class PaperBatchCheckView(BallotOfficerMixin, TemplateView):
    """GET: one batch, with the Confirm and Reject forms; POST: confirm or reject it (action=confirm|reject)."""

    template_name = "ballots/officer/paper_batch_check.html"
    http_method_names = ["get", "post"]

    def batch(self) -> PaperBatch:
        return get_object_or_404(
            PaperBatch.objects.select_related("ward", "entered_by", "checked_by"),
            ballot_id=self.ballot.pk,
            pk=self.kwargs["batch_pk"],
        )

    def page(self, *, batch, form=None, status=200):
        context = self.get_context_data(
            batch=batch,
            form=form or PaperBatchCheckForm(),
            channel_words=CHANNEL_WORDS[batch.channel],
            entered_by=officer_name(batch.entered_by),
            entered_at=uk_time(batch.entered_at),
            checked_by=officer_name(batch.checked_by) if batch.checked_at else "",
            checked_at=uk_time(batch.checked_at) if batch.checked_at else "",
            is_own=batch.entered_by_id == self.request.user.pk,
            list_url=reverse("ballots:paper_batches", args=[self.ballot.pk]),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        return self.page(batch=self.batch())

    def post(self, request, *args, **kwargs):
        batch = self.batch()
        form = PaperBatchCheckForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["action"] == "confirm":
                    paper_batch_confirm(ballot=self.ballot, batch_id=batch.pk, actor=request.user)
                    done = "confirmed: it will be counted"
                else:
                    paper_batch_reject(
                        ballot=self.ballot, batch_id=batch.pk, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    done = "rejected: its papers can be counted and entered again"
            except BallotStateError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Batch \u201c{batch.label}\u201d {done}.")
                return HttpResponseRedirect(reverse("ballots:paper_batches", args=[self.ballot.pk]))
        return self.page(batch=batch, form=form, status=400)
