"""Affiliates' votes: recorded by officers while the ballot is open, one per affiliate, correctable until close,
every recording and correction audited with the old and the new decision."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ballots.models import AffiliateVote, BallotAffiliate
from ballots.officer import services
from ballots.officer.services import BallotStateError
from members.models import AuditEvent
from tests.factories import BALLOT_PUBLIC_KEY, AffiliateFactory, ConstituencyFactory


def an_eligible_affiliate(ballot):
    return BallotAffiliate.objects.filter(ballot=ballot).select_related("affiliate").first().affiliate


def test_an_officer_records_an_affiliates_decision_with_its_delegate(open_ballot, officer):
    affiliate = an_eligible_affiliate(open_ballot)

    vote = services.affiliate_vote_record(
        ballot=open_ballot, affiliate=affiliate, choice="open", delegate_name="  Pat   Jones ", actor=officer
    )

    assert (vote.choice, vote.delegate_name, vote.recorded_by) == ("open", "Pat Jones", officer)
    event = AuditEvent.objects.get(action="affiliate_vote_recorded")
    assert event.actor == officer
    assert event.detail["choice"] == "open"
    assert event.detail["affiliate"] == affiliate.name


def test_a_correction_replaces_the_decision_and_is_audited_with_old_and_new(open_ballot, officer):
    affiliate = an_eligible_affiliate(open_ballot)
    services.affiliate_vote_record(
        ballot=open_ballot, affiliate=affiliate, choice="open", delegate_name="Pat Jones", actor=officer
    )

    services.affiliate_vote_record(
        ballot=open_ballot, affiliate=affiliate, choice="abstain", delegate_name="Sam Lee", actor=officer
    )

    vote = AffiliateVote.objects.get(ballot=open_ballot, affiliate=affiliate)
    assert (vote.choice, vote.delegate_name) == ("abstain", "Sam Lee")
    event = AuditEvent.objects.get(action="affiliate_vote_corrected")
    assert (event.detail["from_choice"], event.detail["choice"]) == ("open", "abstain")
    assert (event.detail["from_delegate_name"], event.detail["delegate_name"]) == ("Pat Jones", "Sam Lee")


def test_recording_the_same_decision_again_changes_nothing(open_ballot, officer):
    affiliate = an_eligible_affiliate(open_ballot)
    for _ in range(2):
        services.affiliate_vote_record(
            ballot=open_ballot, affiliate=affiliate, choice="reselect", delegate_name="Pat Jones", actor=officer
        )

    assert AffiliateVote.objects.filter(ballot=open_ballot).count() == 1
    assert AuditEvent.objects.filter(action__startswith="affiliate_vote").count() == 1


def test_the_database_allows_one_vote_per_affiliate(open_ballot, officer):
    affiliate = an_eligible_affiliate(open_ballot)
    services.affiliate_vote_record(
        ballot=open_ballot, affiliate=affiliate, choice="reselect", delegate_name="Pat Jones", actor=officer
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        AffiliateVote.objects.create(
            ballot=open_ballot, affiliate=affiliate, choice="open", delegate_name="X", recorded_at=timezone.now()
        )


@pytest.mark.parametrize(("choice", "delegate"), [("maybe", "Pat Jones"), ("open", "   ")])
def test_a_bad_choice_or_a_missing_delegate_is_refused(open_ballot, officer, choice, delegate):
    with pytest.raises(BallotStateError):
        services.affiliate_vote_record(
            ballot=open_ballot,
            affiliate=an_eligible_affiliate(open_ballot),
            choice=choice,
            delegate_name=delegate,
            actor=officer,
        )

    assert not AffiliateVote.objects.exists()


def test_an_affiliate_not_on_the_ballot_cannot_vote(open_ballot, constituency, officer):
    late = AffiliateFactory(constituency=constituency, affiliated_on=timezone.localdate())
    elsewhere = AffiliateFactory(constituency=ConstituencyFactory(name="Dover"))

    for affiliate in (late, elsewhere):
        with pytest.raises(BallotStateError):
            services.affiliate_vote_record(
                ballot=open_ballot, affiliate=affiliate, choice="open", delegate_name="Pat", actor=officer
            )
    assert not AffiliateVote.objects.exists()


def test_decisions_are_refused_before_opening_and_after_closing(draft_ballot, officer):
    services.ballot_open(public_key=BALLOT_PUBLIC_KEY, ballot=draft_ballot, actor=officer)
    affiliate = an_eligible_affiliate(draft_ballot)
    services.affiliate_vote_record(
        ballot=draft_ballot, affiliate=affiliate, choice="open", delegate_name="Pat", actor=officer
    )

    with pytest.raises(BallotStateError):  # past the closing time, though nobody pressed close
        services.affiliate_vote_record(
            ballot=draft_ballot,
            affiliate=affiliate,
            choice="reselect",
            delegate_name="Pat",
            actor=officer,
            now=draft_ballot.closes_at + dt.timedelta(seconds=1),
        )
    services.ballot_close(ballot=draft_ballot, actor=officer)
    with pytest.raises(BallotStateError):
        services.affiliate_vote_record(
            ballot=draft_ballot, affiliate=affiliate, choice="reselect", delegate_name="Pat", actor=officer
        )

    assert AffiliateVote.objects.get().choice == "open"


def test_the_page_offers_the_affiliates_delegate_and_records_the_decision(officer_client, open_ballot):
    affiliate = an_eligible_affiliate(open_ballot)
    url = reverse("ballots:affiliate_vote_record", args=[open_ballot.pk, affiliate.pk])

    form_page = officer_client.get(url)
    assert form_page.context["form"].initial["delegate_name"] == affiliate.delegate_name

    response = officer_client.post(url, {"choice": "reselect", "delegate_name": "Ann Other"}, follow=True)

    assert b"decision recorded" in response.content
    assert b"Reselect the sitting MP" in response.content
    assert b"Ann Other" in response.content
    assert AffiliateVote.objects.get(affiliate=affiliate).choice == "reselect"


def test_the_page_shows_errors_for_a_missing_choice(officer_client, open_ballot):
    affiliate = an_eligible_affiliate(open_ballot)
    url = reverse("ballots:affiliate_vote_record", args=[open_ballot.pk, affiliate.pk])

    response = officer_client.post(url, {"delegate_name": "Ann Other"})

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not AffiliateVote.objects.exists()


def test_after_closing_the_page_no_longer_offers_to_record(officer_client, open_ballot, officer):
    services.ballot_close(ballot=open_ballot, actor=officer)
    affiliate = an_eligible_affiliate(open_ballot)

    listing = officer_client.get(reverse("ballots:affiliate_votes", args=[open_ballot.pk]))
    attempt = officer_client.post(
        reverse("ballots:affiliate_vote_record", args=[open_ballot.pk, affiliate.pk]),
        {"choice": "open", "delegate_name": "Ann Other"},
        follow=True,
    )

    record_url = reverse("ballots:affiliate_vote_record", args=[open_ballot.pk, affiliate.pk])
    assert record_url.encode() not in listing.content
    assert b"only while the ballot is open" in attempt.content
    assert not AffiliateVote.objects.exists()
