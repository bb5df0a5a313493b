"""The officers' import pages: upload, map the columns, preview (in the background), confirm.

Thin: the work is in members/import_runs/ and the task worker (members/tasks.py). Every page
is for the officers of the constituency in the URL, and a run is looked up within it.

The upload is capped at IMPORT_MAX_UPLOAD_MB while it is being received (`UploadCap`), not
after: the CSRF check is made once the cap is in place (Django's documented way of changing a
request's upload handlers), so an oversized file is never held whole.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from members import import_runs as runs
from members.access import ConstituencyOfficerMixin
from members.csv_export import csv_response
from members.forms import ColumnMapForm, ImportForm, MissingForm, ValueMapForm
from members.models import Affiliate, Member, MemberImport

State = MemberImport.State
PAGE_SIZE = 50
MEANINGS = {"status": list(Member.Status.choices), "kind": list(Affiliate.Kind.choices)}
REFRESH_SECONDS = 3


class UploadCap(FileUploadHandler):
    """Stops receiving an upload once its files pass `cap` bytes; `too_large` says it happened."""

    def __init__(self, request, cap: int):
        super().__init__(request)
        self.cap, self.received, self.too_large = cap, 0, False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.cap:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class _RunMixin(ConstituencyOfficerMixin):
    """Pages of one import run of the constituency in the URL."""

    def get_run(self) -> MemberImport:
        if not hasattr(self, "_run"):
            found = (
                MemberImport.objects.filter(constituency=self.constituency)
                .defer("file", "errors")
                .select_related("created_by", "applied_by")
            )
            self._run = get_object_or_404(found, pk=self.kwargs["run_pk"])
        return self._run

    def run_url(self, run: MemberImport | None = None) -> str:
        return reverse("members:import_run", args=[self.constituency.pk, (run or self.get_run()).pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = self.get_run()
        context["kind_noun"] = "members" if context["run"].kind == MemberImport.Kind.MEMBERS else "organisations"
        return context


def _preview_start(request, run: MemberImport) -> None:
    try:
        runs.import_run_preview_start(run=run)
    except runs.ImportRunRefused as refusal:
        messages.error(request, str(refusal))


@method_decorator(csrf_exempt, name="dispatch")
class ImportUploadView(ConstituencyOfficerMixin, FormView):
    template_name = "members/import.html"
    form_class = ImportForm

    def dispatch(self, request, *args, **kwargs):
        self.cap = UploadCap(request, runs.upload_cap_bytes())
        request.upload_handlers.insert(0, self.cap)
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("kind") in (ImportForm.MEMBERS, ImportForm.AFFILIATES):
            initial["kind"] = self.request.GET["kind"]
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["max_bytes"] = runs.upload_cap_bytes()
        kwargs["too_large_message"] = runs.upload_too_large_message()
        kwargs["upload_too_large"] = self.cap.too_large
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_imports"] = runs.recent_imports(constituency=self.constituency)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        run = runs.import_run_create(
            constituency=self.constituency,
            kind=data["kind"],
            file_name=data["file"].name or "the file",
            data=data["file"].read(),
            create_wards=data["create_wards"],
            actor=self.request.user,
        )
        reading = runs.import_run_header(run)
        if reading.error is not None:
            runs.import_run_discard(run=run)
            form.add_error("file", f"{run.file_name} cannot be imported: {reading.error}")
            return self.form_invalid(form)
        if runs.header_needs_mapping(reading):
            return HttpResponseRedirect(reverse("members:import_columns", args=[self.constituency.pk, run.pk]))
        _preview_start(self.request, run)
        return HttpResponseRedirect(reverse("members:import_run", args=[self.constituency.pk, run.pk]))


class ImportColumnsView(_RunMixin, FormView):
    """Each column of the file: the field it fills, or ignore it; then the preview starts."""

    template_name = "members/import_columns.html"
    form_class = ColumnMapForm

    def dispatch(self, request, *args, **kwargs):
        self.reading = None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        run = self.get_run()
        if run.state not in runs.PREVIEWABLE or run.file_deleted_at is not None:
            return HttpResponseRedirect(self.run_url())
        return super().get(request, *args, **kwargs)

    def _reading(self):
        if self.reading is None:
            run = self.get_run()
            if run.file_deleted_at is not None:
                raise BadRequest("The uploaded file has been deleted.")
            run.refresh_from_db(fields=["file"])
            self.reading = runs.import_run_header(run)
        return self.reading

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        run = self.get_run()
        kwargs["columns"] = self._reading().columns
        kwargs["fields"] = [(field, runs.field_label(field)) for field in runs.fields_for(run.kind)]
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reading = self._reading()
        context["reading"] = reading
        context["missing_required"] = [runs.field_label(field) for field in reading.missing_required]
        return context

    def form_valid(self, form):
        run = self.get_run()
        try:
            reading = runs.import_run_columns_set(run=run, column_map=form.column_map())
        except runs.ImportRunRefused as refusal:
            messages.error(self.request, str(refusal))
            return HttpResponseRedirect(self.run_url())
        self.reading = reading
        if reading.error is not None or reading.missing_required:
            problems = [str(reading.error)] if reading.error is not None else []
            problems += [
                f"No column is set to {runs.field_label(field)}, which every row needs."
                for field in reading.missing_required
            ]
            return self.render_to_response(self.get_context_data(form=form, problems=problems))
        _preview_start(self.request, run)
        return HttpResponseRedirect(self.run_url())


class ImportRunView(_RunMixin, TemplateView):
    """The run as it stands: progress, the preview, the done page, or what went wrong."""

    TEMPLATES = {
        State.PREVIEWING: "members/import_progress.html",
        State.APPLYING: "members/import_progress.html",
        State.PREVIEWED: "members/import_preview.html",
        State.APPLIED: "members/import_done.html",
        State.STALE: "members/import_problem.html",
        State.FAILED: "members/import_problem.html",
    }

    def get(self, request, *args, **kwargs):
        run = self.get_run()
        if run.state == State.UPLOADED:
            return HttpResponseRedirect(reverse("members:import_columns", args=[self.constituency.pk, run.pk]))
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return [self.TEMPLATES[self.get_run().state]]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.get_run()
        context["refresh_seconds"] = REFRESH_SECONDS
        context["can_change"] = run.state in runs.PREVIEWABLE and run.file_deleted_at is None
        if run.state == State.PREVIEWED:
            context.update(self._preview_context(run))
        return context

    def _preview_context(self, run: MemberImport) -> dict:
        summary = run.summary
        changes = Paginator(run.changes.order_by("line", "pk"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        missing = Paginator(run.missing_members.order_by("pk"), PAGE_SIZE).get_page(
            self.request.GET.get("missing_page")
        )
        for change in changes:
            change.label = runs.field_label(change.field)
        unknown = {field: words for field, words in summary.get("unknown_values", {}).items() if field in MEANINGS}
        columns = [
            {**column, "label": runs.field_label(column["field"]) if column["field"] else ""}
            for column in summary.get("columns", [])
        ]
        return {
            "summary": summary,
            "columns": columns,
            "empty_fields": [runs.field_label(field) for field in summary.get("empty_fields", [])],
            "changes": changes,
            "missing": missing,
            "values_form": ValueMapForm(unknown=unknown, meanings=MEANINGS) if unknown else None,
            "missing_form": MissingForm(initial={"missing": run.missing}),
            "can_confirm": runs.import_run_can_confirm(run),
        }


class _RunPostView(_RunMixin, View):
    """A button on the run's page: do one thing, then back to the run's page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        run = self.get_run()
        try:
            self.act(run)
        except runs.ImportRunRefused as refusal:
            messages.error(request, str(refusal))
        return HttpResponseRedirect(self.run_url())

    def act(self, run: MemberImport) -> None:
        raise NotImplementedError


class ImportValuesView(_RunPostView):
    """The meanings the officer gave unknown words; then the preview again."""

    def act(self, run):
        unknown = {field: words for field, words in run.summary.get("unknown_values", {}).items() if field in MEANINGS}
        form = ValueMapForm(self.request.POST, unknown=unknown, meanings=MEANINGS)
        if not unknown or not form.is_valid():
            raise BadRequest("That is not a meaning this import offers.")
        value_map = form.value_map()
        if not value_map:
            raise runs.ImportRunRefused("Choose a meaning for at least one of the words, or correct the file.")
        runs.import_run_values_set(run=run, value_map=value_map)
        runs.import_run_preview_start(run=run)


class ImportMissingView(_RunPostView):
    """Leave or lapse the members missing from the file; then the preview again."""

    def act(self, run):
        form = MissingForm(self.request.POST)
        if not form.is_valid():
            raise BadRequest("Choose whether to leave the missing members or mark them lapsed.")
        runs.import_run_missing_set(run=run, missing=form.cleaned_data["missing"])
        runs.import_run_preview_start(run=run)


class ImportPreviewAgainView(_RunPostView):
    def act(self, run):
        runs.import_run_preview_start(run=run)


class ImportConfirmView(_RunPostView):
    def act(self, run):
        runs.import_run_apply_start(run=run, actor=self.request.user)


class ImportChangesCsvView(_RunMixin, View):
    """Every change the preview found, as CSV."""

    def get(self, request, *args, **kwargs):
        run = self.get_run()
        key = "Membership number" if run.kind == MemberImport.Kind.MEMBERS else "Organisation"
        filename = f"{slugify(self.constituency.name)}-import-{run.pk}-changes.csv"
        header = ["Line", key, "Name", "Field", "Was", "Becomes"]
        return csv_response(filename, header, runs.import_run_changes_rows(run))


class ImportErrorsCsvView(_RunMixin, View):
    """Every problem the preview found (up to the import's limit), as CSV."""

    def get(self, request, *args, **kwargs):
        found = MemberImport.objects.filter(constituency=self.constituency).only("pk", "errors")
        run = get_object_or_404(found, pk=self.kwargs["run_pk"])
        filename = f"{slugify(self.constituency.name)}-import-{run.pk}-problems.csv"
        return csv_response(filename, ["Line", "Column", "Problem"], run.errors)
