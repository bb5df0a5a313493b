"""Officer pages for affiliates' votes: the list of eligible affiliates and the form that records
or corrects one affiliate's decision while the ballot is open."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from ballots.models import AffiliateVote, BallotAffiliate
from ballots.officer import selectors, services
from ballots.officer.forms import AffiliateVoteForm
from ballots.officer.services import BallotStateError
from ballots.officer.views.common import BallotOfficerMixin, Status
from ballots.state import VOTING_CLOSED

NOT_OPEN = "Affiliates' votes can be recorded only while the ballot is open."


class AffiliateVoteListView(BallotOfficerMixin, TemplateView):
    template_name = "ballots/officer/affiliate_votes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.ballot_affiliates_with_votes(self.ballot)
        context["can_record"] = self.ballot.status == Status.OPEN and context["voting_state"] != VOTING_CLOSED
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
        if self.effective_status() != Status.OPEN:
            messages.error(request, NOT_OPEN)
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
