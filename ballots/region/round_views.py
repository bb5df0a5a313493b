"""A round set up from one file: upload (the round's name and the CSV), preview, confirm.

Thin: the reading is ballots/region/round_file.py's, the checks and the creation
round_upload.py's. For the region's regional officers only (members/access.py,
RegionOfficerMixin).

Between the preview and the confirmation the file travels in the page itself: its text, the
round's name, the region and the officer, signed with the site's key (django.core.signing), in
a hidden field. Nothing is stored for a preview that is never confirmed, and a signed field cannot
be altered without the signature failing. The signature is only trusted for an hour and for the
same officer and region, and the confirmation checks the whole file again, from the start,
against the database as it is then: the preview is what the officer saw, not what is believed.

The upload is capped while it is received (members/import_views.py's `UploadCap`), and the CSRF
check made once the cap is in place, as the member imports do.
"""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView

from ballots.region.round_file import MAX_BYTES, MAX_ROWS, RoundFile, round_file_decode
from ballots.region.round_forms import RoundConfirmForm, RoundUploadForm
from ballots.region.round_upload import RoundRefused, round_create_from_file, round_file_check
from members.access import RegionOfficerMixin
from members.import_views import UploadCap
from members.models import Region

SALT = "ballots.region.round_upload"
PREVIEW_MAX_AGE = 60 * 60  # seconds
PREVIEW_TEMPLATE = "ballots/region/round_preview.html"
EXPIRED = "The preview was made more than an hour ago: upload the file again to see it as it is now."


def _upload_url(region: Region) -> str:
    return reverse("ballots:round_upload", args=[region.pk])


@method_decorator(csrf_exempt, name="dispatch")
class RoundUploadView(RegionOfficerMixin, FormView):
    template_name = "ballots/region/round_upload.html"
    form_class = RoundUploadForm

    def dispatch(self, request, *args, **kwargs):
        self.cap = UploadCap(request, MAX_BYTES)
        request.upload_handlers.insert(0, self.cap)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(region=self.region, upload_too_large=self.cap.too_large)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(max_rows=MAX_ROWS, max_kb=MAX_BYTES // 1024)
        return context

    def form_valid(self, form):
        name, upload = form.cleaned_data["name"], form.cleaned_data["file"]
        text, problem = round_file_decode(upload.read(MAX_BYTES + 1))
        checked = RoundFile(problems=[problem]) if problem else round_file_check(region=self.region, text=text)
        token = ""
        if checked.ok:
            payload = {"region": self.region.pk, "user": self.request.user.pk, "name": name, "text": text}
            token = signing.dumps(payload, salt=SALT, compress=True)
        return _preview(self.request, self.region, name, upload.name, checked, token)


def _preview(
    request: HttpRequest,
    region: Region,
    name: str,
    file_name: str,
    checked: RoundFile,
    token: str,
    *,
    refused: bool = False,
) -> HttpResponse:
    context = {
        "region": region,
        "round_name": name,
        "file_name": file_name,
        "checked": checked,
        "refused": refused,
        "new_count": sum(1 for row in checked.rows if row.is_new),
        "confirm_form": RoundConfirmForm(initial={"upload": token}) if token else None,
    }
    return render(request, PREVIEW_TEMPLATE, context)


class RoundConfirmView(RegionOfficerMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RoundConfirmForm(request.POST)
        if not form.is_valid():
            raise BadRequest("The confirmation did not carry the previewed file.")
        try:
            payload = signing.loads(form.cleaned_data["upload"], salt=SALT, max_age=PREVIEW_MAX_AGE)
        except signing.SignatureExpired:
            messages.error(request, EXPIRED)
            return HttpResponseRedirect(_upload_url(self.region))
        except signing.BadSignature as error:
            raise BadRequest("The confirmation's file was altered after the preview.") from error
        if payload.get("region") != self.region.pk or payload.get("user") != request.user.pk:
            raise BadRequest("This confirmation belongs to another region's or another officer's preview.")
        name, text = payload["name"], payload["text"]
        try:
            round_ = round_create_from_file(actor=request.user, region=self.region, name=name, text=text)
        except RoundRefused as refusal:
            return _preview(request, self.region, name, "", RoundFile(problems=refusal.problems), "", refused=True)
        count = round_.ballots.count()
        messages.success(
            request,
            f"Round “{round_.name}” created: {count} draft ballot{'s' if count != 1 else ''}, one per constituency "
            "of the file. Each opens only when its officers open it.",
        )
        return HttpResponseRedirect(reverse("ballots:region_dashboard", args=[self.region.pk]))
