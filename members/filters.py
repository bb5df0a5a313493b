"""Filter forms for the officer lists (django-filter)."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from members.models import Affiliate, Member, Ward
from members.selectors import MemberEligibilityRules


class MemberFilter(django_filters.FilterSet):
    """Search, ward, status and eligibility as of a date (default rules: 6 months, active only).

    Construct with `constituency=`; the queryset must come from selectors.members_with_eligibility
    for the same rules (see `rules`), which the view builds from this filter's `as_of`.
    """

    q = django_filters.CharFilter(
        label="Name or membership number",
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    ward = django_filters.ModelChoiceFilter(queryset=Ward.objects.none(), empty_label="All wards")
    status = django_filters.ChoiceFilter(choices=Member.Status.choices, empty_label="Any status")
    eligibility = django_filters.ChoiceFilter(
        label="Eligibility",
        choices=[("eligible", "Eligible"), ("ineligible", "Not eligible")],
        empty_label="Everyone",
        method="filter_eligibility",
    )
    as_of = django_filters.DateFilter(
        label="Eligible as of",
        method="filter_nothing",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Default: today.",
    )

    class Meta:
        model = Member
        fields = ["q", "ward", "status", "eligibility", "as_of"]

    def __init__(self, *args, constituency, **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency = constituency
        self.filters["ward"].queryset = Ward.objects.filter(constituency=constituency).order_by("name")

    @staticmethod
    def rules_for(data) -> MemberEligibilityRules:
        """The rules for the `as_of` in raw GET data (today when absent or not a date)."""
        field = forms.DateField(required=False)
        try:
            as_of = field.clean(data.get("as_of") or None)
        except forms.ValidationError:
            as_of = None
        return MemberEligibilityRules(freeze_date=as_of or timezone.localdate())

    @property
    def rules(self) -> MemberEligibilityRules:
        return self.rules_for(self.data)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(membership_number__iexact=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
        return queryset

    def filter_eligibility(self, queryset, name, value):
        if value == "eligible":
            return queryset.filter(ineligibility="")
        if value == "ineligible":
            return queryset.exclude(ineligibility="")
        return queryset

    def filter_nothing(self, queryset, name, value):
        return queryset  # `as_of` sets the rules the queryset was annotated with


class AffiliateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Name or delegate",
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = django_filters.ChoiceFilter(choices=Affiliate.Kind.choices, empty_label="Any kind")
    eligible_on = django_filters.DateFilter(
        label="Eligible at freeze date",
        method="filter_eligible_on",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    min_days = django_filters.NumberFilter(
        label="Minimum days affiliated",
        method="filter_nothing",
        min_value=0,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )

    class Meta:
        model = Affiliate
        fields = ["q", "kind", "eligible_on", "min_days"]

    def filter_eligible_on(self, queryset, name, value):
        """Organisations affiliated at least `min_days` days (default 0) by the date, as a ballot counts them."""
        min_days = self.form.cleaned_data.get("min_days") or 0
        return queryset.filter(affiliated_on__lte=value - timedelta(days=int(min_days)))

    def filter_nothing(self, queryset, name, value):
        return queryset  # used by filter_eligible_on

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(delegate_name__icontains=word))
        return queryset
