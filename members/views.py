"""Officer pages for constituencies, wards, members and affiliates. Thin: reads go through
selectors, writes through services."""

from django.utils import timezone
from django.views.generic import TemplateView

from members.access import ConstituencyOfficerMixin
from members.selectors import MemberEligibilityRules, wards_with_counts


class ConstituencyOverviewView(ConstituencyOfficerMixin, TemplateView):
    template_name = "members/constituency_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = MemberEligibilityRules(freeze_date=timezone.localdate())
        context["eligibility_rules"] = rules
        context["wards"] = wards_with_counts(constituency=self.constituency, rules=rules)
        return context
