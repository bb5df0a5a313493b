"""Online voting beside paper and meeting votes: the cast records its channel, a ballot that takes no
online votes refuses them, and a member marked on the register cannot vote online."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteChannel
from ballots.voting.services import MESSAGES, VoteRefused, vote_cast, vote_credentials_check
from tests.factories import TriggerBallotFactory, open_ballot_with_voters

pytestmark = pytest.mark.django_db


def test_an_online_vote_marks_the_roll_entry_as_voted_online(constituency):
    ballot, [voter, other] = open_ballot_with_voters(constituency, voters=2)

    vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="reselect")

    assert RollEntry.objects.get(pk=voter.entry.pk).vote_channel == VoteChannel.ONLINE
    assert RollEntry.objects.get(pk=other.entry.pk).vote_channel == ""


def test_a_ballot_that_takes_no_online_votes_refuses_them_and_writes_nothing(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    TriggerBallot.objects.filter(pk=ballot.pk).update(online_voting=False, paper_voting=True)
    ballot.refresh_from_db()

    with pytest.raises(VoteRefused) as refused:
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    assert refused.value.reason == "not_online"
    assert refused.value.message == MESSAGES["not_online"]
    assert not SealedVote.objects.filter(ballot=ballot).exists()
    assert not RollEntry.objects.get(pk=voter.entry.pk).has_voted


def test_the_credential_check_says_a_paper_only_ballot_takes_no_online_votes(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    TriggerBallot.objects.filter(pk=ballot.pk).update(online_voting=False, meeting_voting=True)
    ballot.refresh_from_db()

    with pytest.raises(VoteRefused) as refused:
        vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)

    assert refused.value.reason == "not_online"


def test_online_voting_switched_off_after_the_credential_check_casts_nothing(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    place = vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)
    TriggerBallot.objects.filter(pk=ballot.pk).update(online_voting=False, paper_voting=True)

    with pytest.raises(VoteRefused) as refused:
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open", place=place)

    assert refused.value.reason == "not_online"
    assert not SealedVote.objects.filter(ballot=ballot).exists()


def test_a_member_marked_as_voting_on_paper_cannot_then_vote_online(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    RollEntry.objects.filter(pk=voter.entry.pk).update(has_voted=True, vote_channel=VoteChannel.PAPER)

    with pytest.raises(VoteRefused) as refused:
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    assert refused.value.reason == "already_voted"
    assert RollEntry.objects.get(pk=voter.entry.pk).vote_channel == VoteChannel.PAPER
    assert not SealedVote.objects.filter(ballot=ballot).exists()


def test_a_ballot_must_take_votes_by_at_least_one_channel(constituency):
    with pytest.raises(IntegrityError), transaction.atomic():
        TriggerBallotFactory(constituency=constituency, online_voting=False, paper_voting=False, meeting_voting=False)


def test_each_channel_closes_at_its_own_time_or_else_the_ballots():
    closes = timezone.now() + dt.timedelta(days=10)
    paper_closes = closes - dt.timedelta(days=3)
    ballot = TriggerBallot(closes_at=closes, paper_closes_at=paper_closes, paper_voting=True, online_voting=True)

    assert ballot.channel_closes_at("paper") == paper_closes
    assert ballot.channel_closes_at("meeting") == closes
    assert ballot.channel_closes_at("online") == closes
    assert ballot.channel_allowed("paper") and ballot.channel_allowed("online")
    assert not ballot.channel_allowed("meeting")
    assert not ballot.channel_allowed("carrier pigeon")
