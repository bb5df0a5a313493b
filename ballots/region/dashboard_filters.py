"""The dashboard's filter form (django-filter): round, status and a search on the constituency's name."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from ballots.models import Round, TriggerBallot


class DashboardFilter(django_filters.FilterSet):
    """Construct with `region=`; the queryset is the region's ballots (dashboard.region_ballots).

    The status is the one everybody sees (ballots/state.py): an open ballot whose closing time
    has passed is closed, and is found under "Closed", not "Open".
    """

    q = django_filters.CharFilter(
        label="Constituency",
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    round = django_filters.ModelChoiceFilter(queryset=Round.objects.none(), empty_label="All rounds")
    status = django_filters.ChoiceFilter(
        choices=TriggerBallot.Status.choices, empty_label="Any status", method="filter_status"
    )

    class Meta:
        model = TriggerBallot
        fields = ["q", "round", "status"]

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.filters["round"].queryset = Round.objects.filter(region=region).order_by("-created_at", "-pk")
        # A round's own name: its __str__ names the region too, which would cost a query per round.
        self.filters["round"].field.label_from_instance = lambda round_: round_.name

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(constituency__name__icontains=word)
        return queryset

    def filter_status(self, queryset, name, value):
        now = timezone.now()
        past_closing = Q(status=TriggerBallot.Status.OPEN, closes_at__lte=now)
        if value == TriggerBallot.Status.OPEN:
            return queryset.filter(status=value).exclude(past_closing)
        if value == TriggerBallot.Status.CLOSED:
            return queryset.filter(Q(status=value) | past_closing)
        return queryset.filter(status=value)
