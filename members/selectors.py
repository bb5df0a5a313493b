"""Reads of the members domain: eligibility and the constituencies an officer runs."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, Count, Q, Value, When

from members.models import OFFICER_PERMISSION, Affiliate, Constituency, Member, Ward


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the end of a shorter month.

    31 August minus 6 months is 28 (or 29) February; 29 February minus 12 months is
    28 February.
    """
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class MemberEligibilityRules:
    freeze_date: date
    min_membership_months: int = 6
    arrears_allowed: bool = False

    @property
    def joined_on_or_before(self) -> date:
        return months_before(self.freeze_date, self.min_membership_months)

    @property
    def allowed_statuses(self) -> tuple[str, ...]:
        if self.arrears_allowed:
            return (Member.Status.ACTIVE, Member.Status.ARREARS)
        return (Member.Status.ACTIVE,)

    def q(self, prefix: str = "") -> Q:
        """A filter for eligible members (prefix e.g. 'members__' from a Ward queryset)."""
        return Q(**{f"{prefix}joined_on__lte": self.joined_on_or_before}) & Q(
            **{f"{prefix}status__in": self.allowed_statuses}
        )


INELIGIBLE_LAPSED = "lapsed"
INELIGIBLE_ARREARS = "in arrears"
INELIGIBLE_TOO_RECENT = "joined too recently"


def member_ineligibility_reason(member: Member, rules: MemberEligibilityRules) -> str | None:
    """Why a member is not eligible under `rules`, or None when they are."""
    if member.status == Member.Status.LAPSED:
        return INELIGIBLE_LAPSED
    if member.status == Member.Status.ARREARS and not rules.arrears_allowed:
        return INELIGIBLE_ARREARS
    if member.joined_on > rules.joined_on_or_before:
        return INELIGIBLE_TOO_RECENT
    return None


def members_eligible(*, constituency: Constituency, rules: MemberEligibilityRules):
    return Member.objects.filter(ward__constituency=constituency).filter(rules.q())


def affiliates_eligible(*, constituency: Constituency, freeze_date: date, min_affiliation_days: int = 0):
    cutoff = freeze_date - timedelta(days=min_affiliation_days)
    return Affiliate.objects.filter(constituency=constituency, affiliated_on__lte=cutoff)


def wards_with_counts(*, constituency: Constituency, rules: MemberEligibilityRules):
    """Wards annotated with `member_count` and `eligible_count`, in one query."""
    return Ward.objects.filter(constituency=constituency).annotate(
        member_count=Count("members"),
        eligible_count=Count("members", filter=rules.q("members__")),
    ).order_by("name")


def user_is_officer(user) -> bool:
    return user.is_authenticated and user.has_perm(OFFICER_PERMISSION)


def constituencies_for_officer(user):
    """The constituencies an officer runs; superusers run them all."""
    if not user_is_officer(user):
        return Constituency.objects.none()
    if user.is_superuser:
        return Constituency.objects.all()
    return Constituency.objects.filter(officers=user)


def officer_runs_constituency(user, constituency) -> bool:
    return constituencies_for_officer(user).filter(pk=constituency.pk).exists()


def members_with_eligibility(*, constituency: Constituency, rules: MemberEligibilityRules):
    """The constituency's members with their ward, annotated in SQL (one query, whatever the size) with
    `ineligibility`: "" when eligible under `rules`, else the reason (as member_ineligibility_reason)."""
    whens = [When(status=Member.Status.LAPSED, then=Value(INELIGIBLE_LAPSED))]
    if not rules.arrears_allowed:
        whens.append(When(status=Member.Status.ARREARS, then=Value(INELIGIBLE_ARREARS)))
    whens.append(When(joined_on__gt=rules.joined_on_or_before, then=Value(INELIGIBLE_TOO_RECENT)))
    return (
        Member.objects.filter(ward__constituency=constituency)
        .select_related("ward")
        .annotate(ineligibility=Case(*whens, default=Value(""), output_field=CharField()))
    )
