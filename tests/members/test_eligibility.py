"""Who is eligible at a freeze date: calendar months at month ends and leap days, the exact
boundary day, statuses, arrears, affiliates' minimum affiliation, and the three ways of asking
(Python reason, queryset, SQL annotation, counts per reason) agreeing, by property as well as on
the edges."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import Member, Ward
from members.selectors import (
    INELIGIBLE_ARREARS,
    INELIGIBLE_LAPSED,
    INELIGIBLE_TOO_RECENT,
    MemberEligibilityRules,
    affiliates_eligible,
    member_ineligibility_reason,
    members_eligible,
    members_with_eligibility,
    months_before,
    wards_with_counts,
)
from tests.factories import AffiliateFactory, ConstituencyFactory, MemberFactory, WardFactory

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 2, 28), 6, D(2025, 8, 28)),
        (D(2026, 8, 31), 6, D(2026, 2, 28)),  # no 31 February: the month's last day
        (D(2024, 8, 31), 6, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 6, D(2023, 8, 29)),
        (D(2024, 2, 29), 12, D(2023, 2, 28)),
        (D(2025, 3, 31), 1, D(2025, 2, 28)),
        (D(2026, 1, 15), 6, D(2025, 7, 15)),  # across a year end
        (D(2026, 5, 1), 0, D(2026, 5, 1)),
    ],
)
def test_months_before_counts_calendar_months_and_clamps_to_the_month_end(day, months, expected):
    assert months_before(day, months) == expected


def member(joined_on, status=Member.Status.ACTIVE):
    return Member(membership_number="X", first_name="A", last_name="B", joined_on=joined_on, status=status)


def test_joined_31_august_is_not_yet_eligible_at_a_28_february_freeze():
    rules = MemberEligibilityRules(freeze_date=D(2026, 2, 28))
    assert rules.joined_on_or_before == D(2025, 8, 28)
    assert member_ineligibility_reason(member(D(2025, 8, 31)), rules) == INELIGIBLE_TOO_RECENT
    assert member_ineligibility_reason(member(D(2025, 8, 28)), rules) is None


def test_the_exact_boundary_day_is_eligible_and_the_next_day_is_not():
    rules = MemberEligibilityRules(freeze_date=D(2026, 3, 15))
    assert member_ineligibility_reason(member(D(2025, 9, 15)), rules) is None
    assert member_ineligibility_reason(member(D(2025, 9, 16)), rules) == INELIGIBLE_TOO_RECENT


def test_a_freeze_on_31_august_reaches_back_to_the_last_day_of_february():
    leap = MemberEligibilityRules(freeze_date=D(2024, 8, 31))
    assert member_ineligibility_reason(member(D(2024, 2, 29)), leap) is None
    assert member_ineligibility_reason(member(D(2024, 3, 1)), leap) == INELIGIBLE_TOO_RECENT
    plain = MemberEligibilityRules(freeze_date=D(2025, 8, 31))
    assert member_ineligibility_reason(member(D(2025, 2, 28)), plain) is None
    assert member_ineligibility_reason(member(D(2025, 3, 1)), plain) == INELIGIBLE_TOO_RECENT


def test_a_member_who_joined_on_a_leap_day_is_eligible_from_29_august():
    joined = member(D(2024, 2, 29))
    assert member_ineligibility_reason(joined, MemberEligibilityRules(freeze_date=D(2024, 8, 28))) == (
        INELIGIBLE_TOO_RECENT
    )
    assert member_ineligibility_reason(joined, MemberEligibilityRules(freeze_date=D(2024, 8, 29))) is None


def test_a_longer_minimum_period_moves_the_boundary_back():
    rules = MemberEligibilityRules(freeze_date=D(2024, 2, 29), min_membership_months=12)
    assert member_ineligibility_reason(member(D(2023, 2, 28)), rules) is None
    assert member_ineligibility_reason(member(D(2023, 3, 1)), rules) == INELIGIBLE_TOO_RECENT


def test_arrears_count_only_when_allowed_and_lapsed_members_never_do():
    long_ago = D(2010, 1, 1)
    strict = MemberEligibilityRules(freeze_date=D(2026, 1, 1))
    lenient = MemberEligibilityRules(freeze_date=D(2026, 1, 1), arrears_allowed=True)
    assert member_ineligibility_reason(member(long_ago, Member.Status.ARREARS), strict) == INELIGIBLE_ARREARS
    assert member_ineligibility_reason(member(long_ago, Member.Status.ARREARS), lenient) is None
    assert member_ineligibility_reason(member(long_ago, Member.Status.LAPSED), strict) == INELIGIBLE_LAPSED
    assert member_ineligibility_reason(member(long_ago, Member.Status.LAPSED), lenient) == INELIGIBLE_LAPSED


def test_lapsed_is_the_reason_given_before_joining_too_recently():
    rules = MemberEligibilityRules(freeze_date=D(2026, 1, 1))
    assert member_ineligibility_reason(member(D(2025, 12, 1), Member.Status.LAPSED), rules) == INELIGIBLE_LAPSED


JOIN_DATES = [D(2023, 2, 28), D(2023, 8, 28), D(2023, 8, 29), D(2023, 8, 31), D(2024, 2, 29), D(2024, 3, 1)]
FREEZE_DATES = [D(2024, 2, 28), D(2024, 2, 29), D(2024, 8, 29), D(2024, 8, 31), D(2025, 2, 28)]


@pytest.mark.parametrize("arrears_allowed", [False, True])
def test_queryset_annotation_and_python_reason_agree_on_every_edge(db, arrears_allowed):
    ward = WardFactory()
    MemberFactory(ward=WardFactory(), joined_on=D(2000, 1, 1))  # another constituency's member
    people = [
        MemberFactory(ward=ward, joined_on=joined, status=status)
        for joined in JOIN_DATES
        for status in Member.Status.values
    ]
    for freeze in FREEZE_DATES:
        rules = MemberEligibilityRules(freeze_date=freeze, arrears_allowed=arrears_allowed)
        expected = {person.pk: member_ineligibility_reason(person, rules) or "" for person in people}
        annotated = dict(
            members_with_eligibility(constituency=ward.constituency, rules=rules).values_list("pk", "ineligibility")
        )
        assert annotated == expected
        eligible = set(members_eligible(constituency=ward.constituency, rules=rules).values_list("pk", flat=True))
        assert eligible == {pk for pk, reason in expected.items() if reason == ""}


def test_ward_counts_give_members_and_eligible_per_ward_including_empty_wards(db):
    constituency = ConstituencyFactory()
    busy = WardFactory(constituency=constituency, name="Busy")
    empty = WardFactory(constituency=constituency, name="Empty")
    MemberFactory(ward=busy, joined_on=D(2020, 1, 1))
    MemberFactory(ward=busy, joined_on=D(2025, 12, 1))
    MemberFactory(ward=busy, joined_on=D(2020, 1, 1), status=Member.Status.LAPSED)
    rules = MemberEligibilityRules(freeze_date=D(2026, 1, 1))
    counts = {
        ward.name: (ward.member_count, ward.eligible_count)
        for ward in wards_with_counts(constituency=constituency, rules=rules)
    }
    assert counts == {"Busy": (3, 1), "Empty": (0, 0)}
    assert empty.name == "Empty"


def test_affiliates_need_the_minimum_days_by_the_freeze_date_inclusive(db):
    constituency = ConstituencyFactory()
    freeze = D(2024, 3, 1)
    on_the_day = AffiliateFactory(constituency=constituency, name="On the day", affiliated_on=D(2023, 3, 2))
    AffiliateFactory(constituency=constituency, name="A day short", affiliated_on=D(2023, 3, 3))
    old = AffiliateFactory(constituency=constituency, name="Old", affiliated_on=D(2001, 1, 1))
    AffiliateFactory(name="Elsewhere", affiliated_on=D(2001, 1, 1))
    eligible = affiliates_eligible(constituency=constituency, freeze_date=freeze, min_affiliation_days=365)
    assert set(eligible) == {on_the_day, old}  # 2023-03-02 + 365 days (a leap February) is 2024-03-01


def test_affiliates_with_no_minimum_count_up_to_the_freeze_date_itself(db):
    constituency = ConstituencyFactory()
    same_day = AffiliateFactory(constituency=constituency, affiliated_on=D(2024, 3, 1))
    AffiliateFactory(constituency=constituency, affiliated_on=D(2024, 3, 2))
    assert list(affiliates_eligible(constituency=constituency, freeze_date=D(2024, 3, 1))) == [same_day]


# ---------------------------------------------------------------- the SQL and the Python agree, by property

# Dates near the month ends and leap days, where a slip in either reading would show.
dates_near_edges = st.dates(min_value=D(2022, 1, 1), max_value=D(2025, 12, 31))
people_strategy = st.lists(st.tuples(st.sampled_from(Member.Status.values), dates_near_edges), min_size=1, max_size=25)
rules_strategy = st.builds(
    MemberEligibilityRules,
    freeze_date=dates_near_edges,
    min_membership_months=st.integers(min_value=0, max_value=24),
    arrears_allowed=st.booleans(),
)


REASONS = (INELIGIBLE_LAPSED, INELIGIBLE_ARREARS, INELIGIBLE_TOO_RECENT)


class _RolledBack(Exception):
    """Raised to undo one example's rows, so every example starts from an empty table."""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people_strategy, rules=rules_strategy)
def test_the_sql_filter_and_the_python_check_select_the_same_members(db, people, rules):
    try:
        with transaction.atomic():
            ward = WardFactory()
            members = Member.objects.bulk_create(
                Member(
                    membership_number=f"P{i}", first_name="A", last_name="B", ward=ward, joined_on=joined, status=status
                )
                for i, (status, joined) in enumerate(people)
            )
            by_python = {m.membership_number: member_ineligibility_reason(m, rules) or "" for m in members}

            by_filter = set(
                members_eligible(constituency=ward.constituency, rules=rules).values_list(
                    "membership_number", flat=True
                )
            )
            by_annotation = dict(
                members_with_eligibility(constituency=ward.constituency, rules=rules).values_list(
                    "membership_number", "ineligibility"
                )
            )
            per_reason = Ward.objects.filter(pk=ward.pk).aggregate(
                eligible=Count("members", filter=rules.q("members__")),
                **{
                    f"reason_{n}": Count("members", filter=rules.reason_q(reason, "members__"))
                    for n, reason in enumerate(REASONS)
                },
            )

            assert by_filter == {number for number, reason in by_python.items() if reason == ""}
            assert by_annotation == by_python
            assert per_reason == {
                "eligible": len(by_filter),
                **{
                    f"reason_{n}": sum(1 for given in by_python.values() if given == reason)
                    for n, reason in enumerate(REASONS)
                },
            }
            raise _RolledBack
    except _RolledBack:
        pass


def test_arrears_are_never_a_reason_when_arrears_are_allowed(db):
    ward = WardFactory()
    MemberFactory(ward=ward, status=Member.Status.ARREARS, joined_on=D(2010, 1, 1))
    rules = MemberEligibilityRules(freeze_date=D(2026, 1, 1), arrears_allowed=True)
    assert [requirement.reason for requirement in rules.requirements] == [INELIGIBLE_LAPSED, INELIGIBLE_TOO_RECENT]
    assert not Member.objects.filter(rules.reason_q(INELIGIBLE_ARREARS)).exists()
    assert Member.objects.filter(rules.q()).count() == 1
