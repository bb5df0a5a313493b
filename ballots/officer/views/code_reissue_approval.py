"""Officer pages for re-issuing every code of an open ballot with two officers (all POST).

One officer asks (how, and why); a different officer of the constituency approves, which
re-issues the codes at once (the CSV of new codes is that officer's response, `no-store`),
or refuses with a reason; the officer who asked may withdraw. A bad form re-shows the codes
page with its error (400); a refusal by the service (another request already waiting, the
ballot not open) returns to the codes page with it in words.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from ballots.models import CodeReissueRequest
from ballots.officer.code_reissue_forms import CodeReissueRefuseForm, CodeReissueRequestForm
from ballots.officer.services import BallotStateError
from ballots.officer.services.code_reissue_approval import (
    code_reissue_approve,
    code_reissue_refuse,
    code_reissue_request,
    code_reissue_withdraw,
)
from ballots.officer.views.common import BallotOfficerMixin, no_store
from ballots.officer.views.voting_codes import BallotCodesView, _codes_csv, _queued_message


class _ReissueMixin(BallotOfficerMixin):
    http_method_names = ["post"]

    def codes_url(self):
        return reverse("ballots:ballot_codes", args=[self.ballot.pk])

    def codes_page(self, **forms):
        """The codes page again, with the form that had a problem, as a 400."""
        page = BallotCodesView(request=self.request, args=self.args, kwargs=self.kwargs)
        page.ballot, page.constituency = self.ballot, self.constituency
        context = page.get_context_data(**forms)
        return render(self.request, BallotCodesView.template_name, context, status=400)

    def back_with(self, error):
        messages.error(self.request, str(error))
        return HttpResponseRedirect(self.codes_url())

    def reissue_request(self):
        return get_object_or_404(
            CodeReissueRequest.objects.select_related("requested_by"), ballot=self.ballot, pk=self.kwargs["request_pk"]
        )


class CodeReissueRequestView(_ReissueMixin, View):
    """POST: ask a second officer to approve re-issuing every code."""

    def post(self, request, *args, **kwargs):
        form = CodeReissueRequestForm(request.POST)
        if not form.is_valid():
            return self.codes_page(reissue_form=form)
        try:
            code_reissue_request(
                ballot=self.ballot, actor=request.user, how=form.cleaned_data["how"], reason=form.cleaned_data["reason"]
            )
        except BallotStateError as error:
            return self.back_with(error)
        messages.success(
            request,
            "Your request is waiting for a second officer of the constituency: nothing changes until they approve it.",
        )
        return HttpResponseRedirect(self.codes_url())


class CodeReissueApproveView(_ReissueMixin, View):
    """POST: approve the request as a second officer; every code is re-issued at once."""

    def post(self, request, *args, **kwargs):
        try:
            done = code_reissue_approve(reissue_request=self.reissue_request(), actor=request.user)
        except BallotStateError as error:
            return self.back_with(error)
        if done.issued is None:
            _queued_message(request, done.queued)
            return HttpResponseRedirect(self.codes_url())
        return no_store(_codes_csv(self.ballot, done.issued))


class CodeReissueRefuseView(_ReissueMixin, View):
    """POST: refuse the request, with a reason; no code changes."""

    def post(self, request, *args, **kwargs):
        reissue_request = self.reissue_request()
        form = CodeReissueRefuseForm(request.POST)
        if not form.is_valid():
            return self.codes_page(refuse_form=form)
        try:
            code_reissue_refuse(reissue_request=reissue_request, actor=request.user, reason=form.cleaned_data["reason"])
        except BallotStateError as error:
            return self.back_with(error)
        messages.success(request, "You refused the request: every code stays as it was.")
        return HttpResponseRedirect(self.codes_url())


class CodeReissueWithdrawView(_ReissueMixin, View):
    """POST: the officer who asked withdraws the request."""

    def post(self, request, *args, **kwargs):
        try:
            code_reissue_withdraw(reissue_request=self.reissue_request(), actor=request.user)
        except BallotStateError as error:
            return self.back_with(error)
        messages.success(request, "You withdrew your request: every code stays as it was.")
        return HttpResponseRedirect(self.codes_url())
