"""Officer pages for reminders: the reminders page (send one now, schedule one, see and cancel
them), and the three actions behind it. The sending is the task worker's (code_reminders.py).

The pages show whether members have voted, as counts, and nothing about how anyone voted.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from ballots.models import CodeReminder
from ballots.officer import selectors
from ballots.officer.forms import DateTimeLocalInput
from ballots.officer.services import BallotStateError
from ballots.officer.services.code_reminders import code_reminder_cancel, code_reminder_schedule
from ballots.officer.views.common import BallotOfficerMixin, Status
from ballots.state import VOTING_CLOSED

REMINDERS_SHOWN = 50
# The quick choices: this many days before voting closes.
PRESET_DAYS = (3, 1)


class ReminderScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label="Send the reminder at (UK time)",
        help_text="Date and time in UK time (Europe/London: GMT in winter, BST in summer), before voting closes.",
        widget=DateTimeLocalInput,
    )


def _presets(ballot, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(days, moment) of each quick choice still to come."""
    moments = [(days, ballot.closes_at - dt.timedelta(days=days)) for days in PRESET_DAYS]
    return [(days, moment) for days, moment in moments if moment > now]


class RemindersView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/reminders.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["can_remind"] = self.ballot.status == Status.OPEN and context["voting_state"] != VOTING_CLOSED
        context["counts"] = selectors.reminder_counts(self.ballot) if self.ballot.status != Status.DRAFT else None
        context["presets"] = _presets(self.ballot, now)
        context.setdefault("form", ReminderScheduleForm())
        context["reminders"] = list(selectors.ballot_reminders(self.ballot)[:REMINDERS_SHOWN])
        context["sending"] = any(r.state == CodeReminder.State.SENDING for r in context["reminders"])
        return context

    def render_with(self, status, **extra):
        return render(self.request, self.template_name, self.get_context_data(**extra), status=status)

    def back(self):
        return HttpResponseRedirect(reverse("ballots:reminders", args=[self.ballot.pk]))


class ReminderSendNowView(RemindersView):
    """POST: a reminder to everyone yet to vote, queued now for the worker."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            code_reminder_schedule(ballot=self.ballot, actor=request.user)
        except BallotStateError as error:
            messages.error(request, str(error))
            return self.back()
        messages.success(
            request,
            "The reminder is on its way: each member yet to vote with an email address gets a new code, "
            "and their old one stops working. This page shows how it goes.",
        )
        return self.back()


class ReminderScheduleView(RemindersView):
    """POST: a reminder at a chosen time (typed, or one of the quick choices before the close)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        now = timezone.now()
        preset = request.POST.get("preset", "")
        if preset:
            chosen = dict(_presets(self.ballot, now)).get(int(preset) if preset.isdigit() else -1)
            if chosen is None:
                messages.error(request, "That time has passed: choose a time still to come.")
                return self.back()
            send_at = chosen
        else:
            form = ReminderScheduleForm(request.POST)
            if not form.is_valid():
                return self.render_with(400, form=form)
            send_at = form.cleaned_data["send_at"]
        try:
            reminder = code_reminder_schedule(ballot=self.ballot, actor=request.user, send_at=send_at, now=now)
        except BallotStateError as error:
            if preset:
                messages.error(request, str(error))
                return self.back()
            form = ReminderScheduleForm(request.POST)
            form.is_valid()
            form.add_error("send_at", str(error))
            return self.render_with(400, form=form)
        when = timezone.localtime(reminder.send_at)
        messages.success(request, f"Reminder scheduled for {when:%A} {when.day} {when:%B %Y, %H:%M} {when.tzname()}.")
        return self.back()


class ReminderCancelView(RemindersView):
    """POST: cancel a reminder that has not started."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reminder = get_object_or_404(CodeReminder, ballot=self.ballot, pk=self.kwargs["reminder_pk"])
        try:
            code_reminder_cancel(reminder=reminder, actor=request.user)
        except BallotStateError as error:
            messages.error(request, str(error))
            return self.back()
        messages.success(request, "The reminder is cancelled: nobody will be sent it.")
        return self.back()
