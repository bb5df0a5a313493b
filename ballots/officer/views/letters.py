"""Officer pages for voting codes by letter: the letters page (ask for a pack, see the packs),
and the one-time download of a made pack.

The PDF is returned by exactly one response, the POST that downloads it (`no-store`); a second
download finds the pack emptied and says so with a 410.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import TemplateView

from ballots.models import LetterPack
from ballots.officer import services
from ballots.officer.services import BallotStateError, LetterPackGone
from ballots.officer.views.common import BallotOfficerMixin, Status, no_store
from ballots.state import VOTING_CLOSED

PACKS_SHOWN = 20


class LetterPackForm(forms.Form):
    selection = forms.ChoiceField(
        label="Who gets a letter",
        choices=LetterPack.Selection.choices,
        initial=LetterPack.Selection.NO_EMAIL,
        widget=forms.RadioSelect,
    )
    membership_number = forms.CharField(
        label="Membership number (one member only)", max_length=32, required=False, strip=True
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("selection") == LetterPack.Selection.MEMBER and not cleaned.get("membership_number"):
            self.add_error("membership_number", "Enter the membership number of the member who asked for a letter.")
        return cleaned


class LettersView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/letters.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_issue"] = self.ballot.status == Status.OPEN and context["voting_state"] != VOTING_CLOSED
        # A link may choose the group (the reminders page links to the letters of those yet to vote).
        chosen = self.request.GET.get("selection")
        initial = {"selection": chosen} if chosen in LetterPack.Selection.values else {}
        context.setdefault("form", LetterPackForm(initial=initial))
        context["packs"] = list(
            LetterPack.objects.filter(ballot=self.ballot).select_related("requested_by", "downloaded_by")[:PACKS_SHOWN]
        )
        context["waiting"] = any(pack.state == LetterPack.State.QUEUED for pack in context["packs"])
        return context

    def render_with(self, status, **extra):
        return render(self.request, self.template_name, self.get_context_data(**extra), status=status)


class LetterPackRequestView(LettersView):
    """POST: ask for a letter pack; the worker makes it, and the letters page offers its download."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = LetterPackForm(request.POST)
        if not form.is_valid():
            return self.render_with(400, form=form)
        try:
            pack = services.letter_pack_request(
                ballot=self.ballot,
                actor=request.user,
                selection=form.cleaned_data["selection"],
                membership_number=form.cleaned_data["membership_number"],
            )
        except BallotStateError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("ballots:letters", args=[self.ballot.pk]))
        messages.success(
            request,
            f"A pack of {pack.member_count} letter{'s' if pack.member_count != 1 else ''} is being made. "
            "Each member in it gets a new code when it is made; their old code then stops working.",
        )
        return HttpResponseRedirect(reverse("ballots:letters", args=[self.ballot.pk]))


class LetterPackDownloadView(LettersView):
    """POST: the pack's PDF, once; the stored copy is deleted as it is handed over."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        pack = get_object_or_404(LetterPack, ballot=self.ballot, pk=self.kwargs["pack_pk"])
        try:
            pdf = services.letter_pack_download(pack=pack, actor=request.user)
        except LetterPackGone as error:
            return self.render_with(410, gone=str(error))
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        filename = f"{slugify(self.ballot.constituency.name)}-ballot-{self.ballot.pk}-letters-{pack.pk}-{stamp}.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return no_store(response)
