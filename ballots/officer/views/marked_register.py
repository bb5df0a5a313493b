"""Officer pages of the marked register: find a member by number or name, mark them with one click as
having voted by post, on paper or at a branch meeting, and undo one's own mark with a reason.

Thin views: the rules are ballots.officer.services.marked_register's. Every POST answers with a
message and a redirect back to the register (post, redirect, get); a form sent wrong is shown
again with its error and status 400.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.generic import FormView, TemplateView

from ballots.models import PAPER_CHANNELS, RollEntry, VoteChannel
from ballots.officer.audit_words_channels import CHANNEL_WORDS
from ballots.officer.forms import RegisterMarkForm, RegisterSearchForm, RegisterUndoForm
from ballots.officer.services import BallotStateError
from ballots.officer.services import marked_register as register
from ballots.officer.services.letter_pdf import uk_time
from ballots.officer.views.common import BallotOfficerMixin

BAD_MARK = "That click could not be read: search for the member again and press the button once more."


def _who(entry: RollEntry) -> str:
    return f"{entry.member.full_name} ({entry.membership_number})"


class MarkedRegisterView(BallotOfficerMixin, TemplateView):
    """GET: the search and its results, this session's marks, the counts. POST: one mark."""

    template_name = "ballots/officer/marked_register.html"

    def register_url(self, text: str = "") -> str:
        url = reverse("ballots:marked_register", args=[self.ballot.pk])
        return f"{url}?{urlencode({'q': text})}" if text else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        search = RegisterSearchForm(self.request.GET) if "q" in self.request.GET else RegisterSearchForm()
        results, more = [], False
        if search.is_bound and search.is_valid():
            results, more = register.marked_register_search(ballot=self.ballot, text=search.cleaned_data["q"])
        channels = [
            (channel.value, f"Mark as voted {CHANNEL_WORDS[channel]}")
            for channel in PAPER_CHANNELS
            if register.marked_register_channel_open(self.ballot, channel, now)
        ]
        recent = register.marked_register_recent(
            ballot=self.ballot, actor=self.request.user, session_key=self.request.session.session_key
        )
        counts = register.marked_register_counts(ballot=self.ballot)
        context.update(
            search=search,
            query=search.cleaned_data.get("q", "") if search.is_bound and search.is_valid() else "",
            results=results,
            more=more,
            search_limit=register.SEARCH_LIMIT,
            channels=channels,
            not_open=register.marked_register_refusal(self.ballot, now),
            recent=[(entry, uk_time(entry.marked_at)) for entry in recent],
            counts=[(VoteChannel(channel).label, counts[channel.value]) for channel in PAPER_CHANNELS],
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RegisterMarkForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(mark_problem=BAD_MARK)
            return self.render_to_response(context, status=400)
        text = form.cleaned_data["q"]
        try:
            entry = register.vote_mark(
                ballot=self.ballot,
                entry_id=form.cleaned_data["entry"],
                channel=form.cleaned_data["channel"],
                actor=request.user,
                session_key=request.session.session_key,
            )
        except BallotStateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Marked {_who(entry)} as having voted {CHANNEL_WORDS[entry.vote_channel]}.")
        return HttpResponseRedirect(self.register_url(text))


class MarkedRegisterUndoView(BallotOfficerMixin, FormView):
    """GET: the reason asked for; POST: the mark undone (by its officer, in its session, with the reason)."""

    template_name = "ballots/officer/marked_register.html"
    form_class = RegisterUndoForm

    def setup_entry(self):
        self.entry = get_object_or_404(
            RollEntry.objects.select_related("member", "ward"), pk=self.kwargs["entry_pk"], ballot_id=self.ballot.pk
        )

    def register_url(self) -> str:
        return reverse("ballots:marked_register", args=[self.ballot.pk])

    def get(self, request, *args, **kwargs):
        self.setup_entry()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_entry()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["undo_entry"] = self.entry
        context["undo_who"] = _who(self.entry)
        context["undo_how"] = CHANNEL_WORDS.get(self.entry.vote_channel, "")
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        channel = self.entry.vote_channel
        try:
            register.vote_mark_undo(
                ballot=self.ballot,
                entry_id=self.entry.pk,
                actor=self.request.user,
                session_key=self.request.session.session_key,
                reason=form.cleaned_data["reason"],
            )
        except BallotStateError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(
                self.request,
                f"The mark of {_who(self.entry)} as having voted {CHANNEL_WORDS[channel]} is undone. "
                "They have not voted now, and may vote again.",
            )
        return HttpResponseRedirect(self.register_url())
