"""Reads of the members domain: eligibility, the constituencies an officer runs, and the rows of
the CSV exports."""

import calendar
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from members.models import (
    OFFICER_PERMISSION,
    REGIONAL_OFFICER_PERMISSION,
    SCRUTINEER_PERMISSION,
    Affiliate,
    Constituency,
    Member,
    Region,
    Ward,
)


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


INELIGIBLE_LAPSED = "lapsed"
INELIGIBLE_ARREARS = "in arrears"
INELIGIBLE_TOO_RECENT = "joined too recently"

# How each kind of requirement reads in Python; the same names are Django's lookups in SQL.
_PYTHON_LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "in": lambda value, allowed: value in allowed,
    "lte": lambda value, bound: value <= bound,
}


@dataclass(frozen=True)
class EligibilityRequirement:
    """One thing an eligible member must satisfy: `field` `lookup` `value`, else `reason`.

    Written once as data, so the SQL filter (`q`) and the Python check (`is_met_by`) are two
    readings of the same definition and cannot drift apart.
    """

    reason: str
    field: str
    lookup: str  # a key of _PYTHON_LOOKUPS, and the Django lookup of the same meaning
    value: Any

    def q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}{self.field}__{self.lookup}": self.value})

    def is_met_by(self, member: Member) -> bool:
        return _PYTHON_LOOKUPS[self.lookup](getattr(member, self.field), self.value)


@dataclass(frozen=True)
class MemberEligibilityRules:
    """Who may vote in a ballot: the ONE definition of member eligibility.

    `requirements` lists what an eligible member must satisfy, in the order the reasons are
    given (a lapsed member who joined last week is "lapsed"). Everything else reads it:
    `q()` (the SQL filter), `ineligibility_reason()` (Python), `ineligibility_case()` (the
    reason as a SQL annotation) and `reason_q()` (the members refused for one reason, for
    counting per reason). tests/members/test_eligibility.py checks by property that the SQL
    and the Python select the same members.
    """

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

    @property
    def requirements(self) -> tuple[EligibilityRequirement, ...]:
        not_lapsed = EligibilityRequirement(
            INELIGIBLE_LAPSED, "status", "in", (Member.Status.ACTIVE, Member.Status.ARREARS)
        )
        long_enough = EligibilityRequirement(INELIGIBLE_TOO_RECENT, "joined_on", "lte", self.joined_on_or_before)
        if self.arrears_allowed:
            return (not_lapsed, long_enough)
        paid_up = EligibilityRequirement(INELIGIBLE_ARREARS, "status", "in", (Member.Status.ACTIVE,))
        return (not_lapsed, paid_up, long_enough)

    def q(self, prefix: str = "") -> Q:
        """A filter for eligible members (prefix e.g. 'members__' from a Ward queryset)."""
        condition = Q()
        for requirement in self.requirements:
            condition &= requirement.q(prefix)
        return condition

    def ineligibility_reason(self, member: Member) -> str | None:
        """Why `member` is not eligible, or None when they are."""
        for requirement in self.requirements:
            if not requirement.is_met_by(member):
                return requirement.reason
        return None

    def reason_q(self, reason: str, prefix: str = "") -> Q:
        """A filter for the members whose reason is `reason` (all earlier requirements met).

        For counts per reason (`Count("members", filter=rules.reason_q(...))`). A reason
        that cannot apply under these rules (arrears, when arrears are allowed) matches nobody.
        """
        condition = Q()
        for requirement in self.requirements:
            if requirement.reason == reason:
                return condition & ~requirement.q(prefix)
            condition &= requirement.q(prefix)
        return Q(**{f"{prefix}pk__in": []})

    def ineligibility_case(self, prefix: str = "") -> Case:
        """The reason as a SQL expression: "" when eligible, else as ineligibility_reason."""
        whens = [When(~requirement.q(prefix), then=Value(requirement.reason)) for requirement in self.requirements]
        return Case(*whens, default=Value(""), output_field=CharField())


def member_ineligibility_reason(member: Member, rules: MemberEligibilityRules) -> str | None:
    """Why a member is not eligible under `rules`, or None when they are."""
    return rules.ineligibility_reason(member)


def members_eligible(*, constituency: Constituency, rules: MemberEligibilityRules) -> QuerySet[Member]:
    return Member.objects.filter(ward__constituency=constituency).filter(rules.q())


def affiliates_eligible(
    *, constituency: Constituency, freeze_date: date, min_affiliation_days: int = 0
) -> QuerySet[Affiliate]:
    cutoff = freeze_date - timedelta(days=min_affiliation_days)
    return Affiliate.objects.filter(constituency=constituency, affiliated_on__lte=cutoff)


def wards_with_counts(*, constituency: Constituency, rules: MemberEligibilityRules) -> QuerySet[Ward]:
    """Wards annotated with `member_count` and `eligible_count`, in one query."""
    return (
        Ward.objects.filter(constituency=constituency)
        .annotate(
            member_count=Count("members"),
            eligible_count=Count("members", filter=rules.q("members__")),
        )
        .order_by("name")
    )


def user_is_officer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(OFFICER_PERMISSION))


def constituencies_for_officer(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Constituency]:
    """The constituencies an officer runs: those they are named for, and every one of the regions
    they are a regional officer of; superusers run them all."""
    if not user_is_officer(user):
        return Constituency.objects.none()
    if user.is_superuser:
        return Constituency.objects.all()
    if user_is_regional_officer(user):
        return Constituency.objects.filter(
            pk__in=Constituency.objects.filter(Q(officers=user) | Q(region__officers=user)).values("pk")
        )
    return Constituency.objects.filter(officers=user)


def user_is_regional_officer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(REGIONAL_OFFICER_PERMISSION))


def regions_for_officer(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """The regions a regional officer runs; superusers run them all."""
    if not user_is_regional_officer(user):
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(officers=user)


def regional_officer_runs_region(user: AbstractBaseUser | AnonymousUser, region: Region) -> bool:
    return bool(regions_for_officer(user).filter(pk=region.pk).exists())


def user_is_scrutineer(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(SCRUTINEER_PERMISSION))


def constituencies_for_scrutineer(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Constituency]:
    """The constituencies whose ballots `user` may read as a scrutineer: those given to them, and
    (for an officer) those they run, so officers see what their scrutineers see."""
    if not user.is_authenticated:
        return Constituency.objects.none()
    if user.is_superuser:
        return Constituency.objects.all()
    runs = Q(pk__in=constituencies_for_officer(user).values("pk"))
    if not user_is_scrutineer(user):
        return Constituency.objects.filter(runs)
    given = Q(pk__in=Constituency.objects.filter(scrutineers=user).values("pk"))
    return Constituency.objects.filter(given | runs)


def scrutineer_reads_constituency(user: AbstractBaseUser | AnonymousUser, constituency: Constituency) -> bool:
    return bool(constituencies_for_scrutineer(user).filter(pk=constituency.pk).exists())


def officer_runs_constituency(user: AbstractBaseUser | AnonymousUser, constituency: Constituency) -> bool:
    return bool(constituencies_for_officer(user).filter(pk=constituency.pk).exists())


def members_with_eligibility(*, constituency: Constituency, rules: MemberEligibilityRules) -> QuerySet[Member]:
    """The constituency's members with their ward, annotated in SQL (one query, whatever the size) with
    `ineligibility`: "" when eligible under `rules`, else the reason (as member_ineligibility_reason)."""
    return (
        Member.objects.filter(ward__constituency=constituency)
        .select_related("ward")
        .annotate(ineligibility=rules.ineligibility_case())
    )


# Rows fetched per round trip by the CSV exports: enough that the round trips cost little, few
# enough that an export of any size holds only this many rows in memory at once.
EXPORT_CHUNK_SIZE = 2000


def rows_for_export(
    *, queryset: QuerySet, fields: Sequence[str], chunk_size: int = EXPORT_CHUNK_SIZE
) -> Iterator[tuple]:
    """The `fields` of every row of an already filtered and ordered `queryset`, as plain tuples.

    One query whatever the size: `values_list` builds no model instance, and `iterator` reads the
    rows chunk by chunk (a server-side cursor on PostgreSQL) instead of holding them all, so a
    streamed export's memory stays bounded by `chunk_size`.
    """
    return queryset.values_list(*fields).iterator(chunk_size=chunk_size)
