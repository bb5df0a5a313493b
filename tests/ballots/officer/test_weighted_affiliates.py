"""Weighted affiliates are exact: each affiliate's size is frozen on the ballot when it opens and only
that copy is read; a weighted ballot does not open while an eligible affiliate's size is unknown,
and the refusal names them; editing an affiliate during the ballot changes no result."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ballots.models import BallotAffiliate, RollEntry
from ballots.officer import services
from ballots.officer.services import BallotStateError
from members.models import Affiliate, AuditEvent
from tests.factories import BALLOT_PUBLIC_KEY, AffiliateFactory, TriggerBallotFactory, ballot_count_with_key, members_in


def weighted_ballot(constituency, **values):
    return TriggerBallotFactory(constituency=constituency, affiliate_counting="weighted", **values)


def test_opening_freezes_every_eligible_affiliates_size_on_the_ballot(constituency, wards):
    members_in(wards)
    AffiliateFactory(constituency=constituency, name="Unite", affiliated_members=300)
    AffiliateFactory(constituency=constituency, name="Fabians", affiliated_members=0)
    ballot = weighted_ballot(constituency)

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot)

    frozen = dict(BallotAffiliate.objects.filter(ballot=ballot).values_list("affiliate__name", "affiliated_members"))
    assert frozen == {"Unite": 300, "Fabians": 0}


def test_a_weighted_ballot_is_not_opened_while_an_affiliates_size_is_unknown(constituency, wards):
    members_in(wards)
    AffiliateFactory(constituency=constituency, name="Unite", affiliated_members=300)
    AffiliateFactory(constituency=constituency, name="GMB Kent", affiliated_members=None)
    AffiliateFactory(constituency=constituency, name="Co-op Party", affiliated_members=None)
    ballot = weighted_ballot(constituency)

    with pytest.raises(BallotStateError) as refused:
        services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot)

    message = str(refused.value)
    assert "Co-op Party and GMB Kent" in message
    assert "Unite" not in message
    ballot.refresh_from_db()
    assert ballot.status == "draft"
    assert not RollEntry.objects.filter(ballot=ballot).exists()
    assert not BallotAffiliate.objects.filter(ballot=ballot).exists()
    assert not AuditEvent.objects.filter(action="ballot_opened").exists()


def test_the_open_button_shows_the_refusal_naming_the_affiliates(officer_client, constituency, wards):
    members_in(wards)
    AffiliateFactory(constituency=constituency, name="GMB Kent", affiliated_members=None)
    ballot = weighted_ballot(constituency)

    response = officer_client.post(reverse("ballots:ballot_open", args=[ballot.pk]), follow=True)

    assert "the size of GMB Kent is not known" in response.content.decode()
    ballot.refresh_from_db()
    assert ballot.status == "draft"


def test_once_the_size_is_entered_the_weighted_ballot_opens(constituency, wards):
    members_in(wards)
    unknown = AffiliateFactory(constituency=constituency, name="GMB Kent", affiliated_members=None)
    ballot = weighted_ballot(constituency)
    with pytest.raises(BallotStateError):
        services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot)

    Affiliate.objects.filter(pk=unknown.pk).update(affiliated_members=45)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot)

    assert ballot.status == "open"
    assert BallotAffiliate.objects.get(ballot=ballot).affiliated_members == 45


def test_an_affiliate_of_unknown_size_does_not_stop_a_ballot_counting_affiliates_as_units(constituency, wards):
    members_in(wards)
    AffiliateFactory(constituency=constituency, name="GMB Kent", affiliated_members=None)
    ballot = TriggerBallotFactory(constituency=constituency, affiliate_counting="unit")

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot)

    assert ballot.status == "open"
    assert BallotAffiliate.objects.get(ballot=ballot).affiliated_members is None


def test_an_ineligible_affiliate_of_unknown_size_does_not_stop_a_weighted_ballot(constituency, wards):
    members_in(wards)
    AffiliateFactory(constituency=constituency, name="Unite", affiliated_members=300)
    ballot = weighted_ballot(constituency)
    AffiliateFactory(
        constituency=constituency,
        name="Too recent",
        affiliated_members=None,
        affiliated_on=ballot.freeze_date + dt.timedelta(days=1),
    )

    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot)

    assert list(BallotAffiliate.objects.filter(ballot=ballot).values_list("affiliate__name", flat=True)) == ["Unite"]


def declared_weighted_ballot(constituency, wards, officer):
    """A weighted ballot with no member votes: Unite (100) voted open, GMB Kent (300) reselect."""
    members_in(wards)
    unite = AffiliateFactory(constituency=constituency, name="Unite", affiliated_members=100)
    gmb = AffiliateFactory(constituency=constituency, name="GMB Kent", affiliated_members=300)
    ballot = weighted_ballot(constituency)
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=ballot, actor=officer)
    for affiliate, choice in ((unite, "open"), (gmb, "reselect")):
        services.affiliate_vote_record(
            ballot=ballot, affiliate=affiliate, choice=choice, delegate_name="A Delegate", actor=officer
        )
    later = timezone.now() + dt.timedelta(days=15)
    services.ballot_close(ballot=ballot, actor=officer, now=later)
    ballot_count_with_key(ballot, actor=officer, now=later)
    services.ballot_declare(ballot=ballot, actor=officer, now=later)
    return ballot, gmb


def test_editing_an_affiliate_during_the_ballot_changes_no_result(client, constituency, wards, officer):
    ballot, gmb = declared_weighted_ballot(constituency, wards, officer)
    url = reverse("ballots:results_json", args=[ballot.pk])
    before = client.get(url).json()

    # Had the live size been read, 100 of 110 would be an open selection.
    Affiliate.objects.filter(pk=gmb.pk).update(affiliated_members=10)
    cache.clear()  # whatever the results pages may keep, the count is made afresh
    after = client.get(url).json()

    assert after == before
    assert before["outcome"] == "reselected"
    assert before["open_share"] == 25
