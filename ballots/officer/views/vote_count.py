"""The count page: after voting closes, an officer gives the ballot's key (or two of its shares) and the
sealed votes are counted.

GET shows the key's fingerprint and who holds it, the form, and what a lost key means; a ballot
that cannot be counted (still open, voided, already counted) gets the reason and no form. POST
turns what was entered into the key and calls `ballot_count`, which checks it is this ballot's
key and counts in one transaction; a key that is not this ballot's, or sealed votes that will
not open, change nothing and come back as an error on the form. A ballot still open past its
closing time can be counted: the service closes it first.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import TemplateView

from ballots.officer import services
from ballots.officer.key_forms import KeyEntryForm
from ballots.officer.services import BallotStateError
from ballots.officer.views.common import BallotOfficerMixin, no_store
from ballots.officer.views.key_handover import ballot_key_summary


def _refusal(ballot) -> str | None:
    try:
        services.ballot_count_check(ballot=ballot)
    except BallotStateError as error:
        return str(error)
    return None


class BallotCountView(BallotOfficerMixin, TemplateView):
    """GET: the count's form (or why the ballot cannot be counted); POST: count with the key given."""

    template_name = "ballots/officer/count.html"
    http_method_names = ["get", "post"]

    def count_page(self, *, form=None, refusal=None, status=200):
        context = self.get_context_data(
            form=form,
            refusal=refusal,
            key=ballot_key_summary(self.ballot),
            lost_key_advice=services.LOST_KEY_ADVICE,
            results_url=reverse("ballots:results", args=[self.ballot.pk]),
        )
        return no_store(TemplateResponse(self.request, self.template_name, context, status=status))

    def get(self, request, *args, **kwargs):
        refusal = _refusal(self.ballot)
        return self.count_page(form=None if refusal else KeyEntryForm(), refusal=refusal)

    def post(self, request, *args, **kwargs):
        refusal = _refusal(self.ballot)
        if refusal:
            return self.count_page(refusal=refusal, status=400)
        form = KeyEntryForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                counted = services.ballot_count(
                    ballot=self.ballot, private_key=form.cleaned_data["private_key"], actor=request.user
                )
            except BallotStateError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"{counted:,} vote{'' if counted == 1 else 's'} counted. Check the result, then declare it.",
                )
                return HttpResponseRedirect(reverse("ballots:results", args=[self.ballot.pk]))
        return self.count_page(form=form, status=400)
