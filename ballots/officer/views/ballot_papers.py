"""Officer pages for printable ballot papers: the page to pick a ward and a number of copies, and
the POST that hands over the PDF (services/ballot_paper_pdf.py draws it and records it)."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.generic import TemplateView

from ballots.officer.services import BallotStateError
from ballots.officer.services.ballot_paper_pdf import (
    MAX_COPIES,
    ballot_paper_closing,
    ballot_paper_wards,
    ballot_papers_print,
    ballot_papers_refusal,
)
from ballots.officer.views.common import BallotOfficerMixin, no_store


class BallotPapersForm(forms.Form):
    ward = forms.ChoiceField(label="Ward branch")
    copies = forms.IntegerField(
        label="Number of ballot papers",
        required=False,
        min_value=1,
        max_value=MAX_COPIES,
        help_text=(
            f"From 1 to {MAX_COPIES:,}. Leave it empty for one paper for each of the ward's members "
            "(the number beside its name)."
        ),
        error_messages={
            "invalid": "Enter the number of ballot papers as a whole number, such as 120.",
            "min_value": "Enter a number of ballot papers of at least 1.",
            "max_value": f"One PDF holds at most {MAX_COPIES:,} ballot papers: print a large ward in parts.",
        },
    )

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.wards = {str(row.ward.pk): row for row in wards}
        self.fields["ward"].choices = [
            (key, f"{row.ward.name} ({row.members:,} member{'' if row.members == 1 else 's'})")
            for key, row in self.wards.items()
        ]
        self.fields["ward"].error_messages["invalid_choice"] = "Choose one of this constituency's wards."
        self.fields["copies"].widget.attrs.update(inputmode="numeric")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        row = self.wards.get(cleaned.get("ward", ""))
        if row is None or self.has_error("copies"):
            return cleaned
        cleaned["ward_row"] = row
        if cleaned.get("copies") is None:
            if row.members == 0:
                self.add_error("copies", f"{row.ward.name} has no members: enter the number of ballot papers.")
            elif row.members > MAX_COPIES:
                self.add_error(
                    "copies",
                    f"{row.ward.name} has {row.members:,} members and one PDF holds at most {MAX_COPIES:,} "
                    "ballot papers: print it in parts.",
                )
            else:
                cleaned["copies"] = row.members
        return cleaned


class BallotPapersView(BallotOfficerMixin, TemplateView):
    """GET: the ward and number of copies to print, or why this ballot has no ballot papers."""

    template_name = "ballots/officer/ballot_papers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        refusal = ballot_papers_refusal(self.ballot)
        context["refusal"] = refusal
        if not refusal:
            wards = ballot_paper_wards(self.ballot)
            context["wards"] = wards
            # A link may choose the ward (?ward=<id>): the number of papers is then its members'.
            chosen = next((row for row in wards if str(row.ward.pk) == self.request.GET.get("ward")), None)
            initial = {"ward": str(chosen.ward.pk), "copies": chosen.members or None} if chosen else {}
            context.setdefault("form", BallotPapersForm(wards=wards, initial=initial))
            context["closing"] = ballot_paper_closing(self.ballot)
            context["max_copies"] = MAX_COPIES
        return context


class BallotPapersPdfView(BallotPapersView):
    """POST: the PDF of the ballot papers asked for; bad input re-shows the page with the error."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if ballot_papers_refusal(self.ballot):
            return render(request, self.template_name, self.get_context_data(), status=409)
        form = BallotPapersForm(request.POST, wards=ballot_paper_wards(self.ballot))
        if not form.is_valid():
            return render(request, self.template_name, self.get_context_data(form=form), status=400)
        ward = form.cleaned_data["ward_row"].ward
        try:
            pdf = ballot_papers_print(
                ballot=self.ballot, ward=ward, copies=form.cleaned_data["copies"], actor=request.user
            )
        except BallotStateError as error:
            form.add_error(None, str(error))
            return render(request, self.template_name, self.get_context_data(form=form), status=400)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"ballot-papers-{slugify(ward.name) or 'ward'}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return no_store(response)
