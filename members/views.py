"""Officer pages for constituencies, wards, members and affiliates. Thin: reads go through
selectors, writes through services. The import pages are in members/import_views.py."""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import FormView, ListView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from members import services
from members.access import ConstituencyOfficerMixin, OfficerRequiredMixin
from members.csv_export import csv_response
from members.filters import AffiliateFilter, MemberFilter
from members.forms import AffiliateForm, MemberForm, WardForm
from members.models import Affiliate, Member, Ward
from members.selectors import (
    MemberEligibilityRules,
    constituencies_for_officer,
    members_with_eligibility,
    wards_with_counts,
)
from members.tables import AffiliateTable, MemberTable

PAGE_SIZE = 50


class ConstituencyListView(OfficerRequiredMixin, ListView):
    template_name = "members/constituency_list.html"
    context_object_name = "constituencies"

    def get_queryset(self):
        return constituencies_for_officer(self.request.user).annotate(
            ward_count=Count("wards", distinct=True),
            member_count=Count("wards__members", distinct=True),
        )


class ConstituencyOverviewView(ConstituencyOfficerMixin, TemplateView):
    template_name = "members/constituency_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = MemberEligibilityRules(freeze_date=timezone.localdate())
        context["eligibility_rules"] = rules
        context["wards"] = wards = list(wards_with_counts(constituency=self.constituency, rules=rules))
        context["member_total"] = sum(ward.member_count for ward in wards)
        context["eligible_total"] = sum(ward.eligible_count for ward in wards)
        context["affiliate_count"] = self.constituency.affiliates.count()
        return context


class _CsvExportMixin:
    """`?_export=csv` downloads the filtered, sorted list (every page), spreadsheet-safe, streamed
    from the table's queryset in one query (see members/tables.py)."""

    export_name = ""

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("_export") == "csv":
            table = context["table"]
            filename = f"{slugify(self.constituency.name)}-{self.export_name}-{timezone.localdate():%Y-%m-%d}.csv"
            return csv_response(filename, table.export_header(), table.export_rows())
        return super().render_to_response(context, **response_kwargs)


class MemberListView(ConstituencyOfficerMixin, _CsvExportMixin, SingleTableMixin, FilterView):
    template_name = "members/member_list.html"
    table_class = MemberTable
    filterset_class = MemberFilter
    table_pagination = {"per_page": PAGE_SIZE}
    export_name = "members"

    def get_queryset(self):
        rules = MemberFilter.rules_for(self.request.GET)
        return members_with_eligibility(constituency=self.constituency, rules=rules)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["constituency"] = self.constituency
        return kwargs

    def get_table_pagination(self, table):
        if self.request.GET.get("_export") == "csv":
            return False
        return super().get_table_pagination(table)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["eligibility_rules"] = MemberFilter.rules_for(self.request.GET)
        export = self.request.GET.copy()
        export["_export"] = "csv"
        export.pop("page", None)
        context["export_query"] = export.urlencode()
        return context


class AffiliateListView(ConstituencyOfficerMixin, _CsvExportMixin, SingleTableMixin, FilterView):
    template_name = "members/affiliate_list.html"
    table_class = AffiliateTable
    filterset_class = AffiliateFilter
    table_pagination = {"per_page": PAGE_SIZE}
    export_name = "affiliates"

    def get_queryset(self):
        return Affiliate.objects.filter(constituency=self.constituency)

    def get_table_pagination(self, table):
        if self.request.GET.get("_export") == "csv":
            return False
        return super().get_table_pagination(table)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        export = self.request.GET.copy()
        export["_export"] = "csv"
        export.pop("page", None)
        context["export_query"] = export.urlencode()
        return context


class _ObjectFormView(ConstituencyOfficerMixin, FormView):
    """Add (no pk in the URL) or edit one object of the officer's constituency, via a service."""

    template_name = "members/object_form.html"
    model = None
    noun = ""
    pk_url_kwarg = "pk"

    def get_object(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def setup_object(self):
        if self.kwargs.get(self.pk_url_kwarg) is not None and self.object is None:
            self.object = self.get_object()

    def get_form_kwargs(self):
        self.setup_object()
        kwargs = super().get_form_kwargs()
        kwargs["constituency"] = self.constituency
        # The form works on a copy, so the service compares against what is stored.
        kwargs["instance"] = self.model.objects.get(pk=self.object.pk) if self.object else None
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["noun"] = self.noun
        context["title"] = f"Edit {self.object}" if self.object else f"Add a {self.noun}"
        context["cancel_url"] = self.get_success_url()
        return context

    def form_valid(self, form):
        saved = self.save(form.cleaned_data)
        messages.success(self.request, f"Saved {self.noun} {saved}.")
        return HttpResponseRedirect(self.get_success_url())


class WardFormView(_ObjectFormView):
    form_class = WardForm
    model = Ward
    noun = "ward"

    def get_object(self):
        return get_object_or_404(Ward, pk=self.kwargs["pk"], constituency=self.constituency)

    def save(self, data):
        if self.object:
            return services.ward_update(actor=self.request.user, ward=self.object, name=data["name"])
        return services.ward_create(actor=self.request.user, constituency=self.constituency, name=data["name"])

    def get_success_url(self):
        return reverse("members:constituency", args=[self.constituency.pk])


class MemberFormView(_ObjectFormView):
    form_class = MemberForm
    model = Member
    noun = "member"

    def get_object(self):
        return get_object_or_404(
            Member.objects.select_related("ward"), pk=self.kwargs["pk"], ward__constituency=self.constituency
        )

    def save(self, data):
        if self.object:
            return services.member_update(actor=self.request.user, member=self.object, **data)
        return services.member_create(actor=self.request.user, constituency=self.constituency, **data)

    def get_success_url(self):
        return reverse("members:member_list", args=[self.constituency.pk])


class AffiliateFormView(_ObjectFormView):
    form_class = AffiliateForm
    model = Affiliate
    noun = "affiliated organisation"

    def get_object(self):
        return get_object_or_404(Affiliate, pk=self.kwargs["pk"], constituency=self.constituency)

    def save(self, data):
        if self.object:
            return services.affiliate_update(actor=self.request.user, affiliate=self.object, **data)
        return services.affiliate_create(actor=self.request.user, constituency=self.constituency, **data)

    def get_success_url(self):
        return reverse("members:affiliate_list", args=[self.constituency.pk])
