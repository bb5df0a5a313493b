"""Officer pages of branch meetings: the list with the form to open one, closing one, and making this
browser a meeting's device (the voting pages then know it; ballots/meeting_devices.py).

Thin views: the rules are ballots.officer.services.meetings'. The form sent wrong, or refused by
the rules, is shown again with its error and status 400; every other POST answers with a
message and a redirect (post, redirect, get).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ballots.meeting_devices import DEVICE_COOKIE
from ballots.officer.forms import DateTimeLocalInput
from ballots.officer.services import BallotStateError
from ballots.officer.services import meetings as service
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.views.common import BallotOfficerMixin, no_store
from ballots.ratelimit import client_address

DEVICE_CHOICES = [
    ("own", "On their own phones"),
    ("shared", "One after another, on one shared device (a laptop or tablet at the meeting)"),
]


class MeetingOpenForm(forms.Form):
    title = forms.CharField(
        label="Name of the meeting",
        max_length=service.TITLE_MAX_LENGTH,
        help_text="Shown on the voting pages at the meeting, for example “Barton branch meeting, 3 March”.",
        error_messages={
            "required": "Give the meeting a name, such as “Barton branch meeting, 3 March”.",
            "max_length": f"Give the meeting a name of at most {service.TITLE_MAX_LENGTH} characters.",
        },
    )
    ward = forms.TypedChoiceField(
        label="Ward branch",
        coerce=int,
        error_messages={
            "required": "Choose the ward whose meeting it is.",
            "invalid_choice": "Choose a ward with members on this ballot's roll.",
        },
    )
    device = forms.ChoiceField(
        label="How members vote",
        choices=DEVICE_CHOICES,
        initial="own",
        widget=forms.RadioSelect,
        error_messages={"required": "Say how members vote at the meeting.", "invalid_choice": "Choose one of the two."},
    )
    room = forms.BooleanField(
        label="Members vote over the network this browser is using now (the room's wifi)",
        required=False,
        initial=True,
        help_text=(
            "Then members on it are not locked out by one another's typing mistakes. Untick it if you "
            "are not at the meeting's place now."
        ),
    )
    closes_at = forms.DateTimeField(
        label="Open until (UK time)",
        required=False,
        widget=DateTimeLocalInput,
        help_text="Leave it empty for three hours from now.",
        error_messages={"invalid": "Enter the closing time as a date and time, such as 3 March 2026, 21:30."},
    )

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", "Choose the ward"), *((ward.pk, ward.name) for ward in wards)]


class MeetingsView(BallotOfficerMixin, TemplateView):
    """GET: the ballot's meetings, open and past, and the form to open one. POST: open one."""

    template_name = "ballots/officer/meetings.html"

    def meetings_url(self) -> str:
        return reverse("ballots:meetings", args=[self.ballot.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        refusal = service.meeting_opening_refusal(self.ballot, now)
        if "form" not in kwargs and not refusal:
            context["form"] = MeetingOpenForm(wards=service.meeting_wards(ballot=self.ballot))
        rows = service.meetings_of_ballot(ballot=self.ballot, now=now)
        context.update(
            refusal=refusal,
            running=[row for row in rows if row.running],
            past=[row for row in rows if not row.running],
            latest_close="" if refusal else uk_time(service.meeting_latest_close(self.ballot)),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = MeetingOpenForm(request.POST, wards=service.meeting_wards(ballot=self.ballot))
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = service.meeting_open(
                    ballot=self.ballot,
                    ward_id=data["ward"],
                    title=data["title"],
                    shared_device=data["device"] == "shared",
                    room_address=client_address(request) if data["room"] else "",
                    closes_at=data["closes_at"],
                    actor=request.user,
                )
            except BallotStateError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"The meeting “{meeting.title}” is open until {uk_time(meeting.closes_at)}.")
                return HttpResponseRedirect(self.meetings_url())
        return no_store(self.render_to_response(self.get_context_data(form=form), status=400))


class MeetingCloseView(BallotOfficerMixin, View):
    """POST: end the meeting at once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            meeting = service.meeting_close(ballot=self.ballot, meeting_id=kwargs["meeting_pk"], actor=request.user)
        except BallotStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The meeting “{meeting.title}” is closed.")
        return HttpResponseRedirect(reverse("ballots:meetings", args=[self.ballot.pk]))


class MeetingDeviceView(BallotOfficerMixin, View):
    """POST: make this browser the meeting's device, and go to the voting start page.

    On a shared device the officer is logged out first, so a member at it cannot reach the
    officers' pages."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            meeting, token = service.meeting_device_make(ballot=self.ballot, meeting_id=kwargs["meeting_pk"])
        except BallotStateError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("ballots:meetings", args=[self.ballot.pk]))
        if meeting.shared_device:
            logout(request)
        voting = reverse("ballots:vote_start")
        response = HttpResponseRedirect(voting)
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            expires=meeting.closes_at,
            path=voting,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return no_store(response)
