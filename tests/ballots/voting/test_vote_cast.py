"""Casting a member's vote: once only, secret, and refused with clear words and nothing written."""

import datetime as dt
import logging
import uuid
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ballots.models import RollEntry, SealedVote, TriggerBallot, VoteReceipt
from ballots.voting.services import (
    MESSAGES,
    VoteRefused,
    ballots_open_for_voting,
    receipt_check,
    vote_cast,
    vote_credentials_check,
)
from tests.factories import open_ballot_with_voters, sealed_votes_opened

pytestmark = pytest.mark.django_db


def nothing_written(ballot):
    return (
        not SealedVote.objects.filter(ballot=ballot).exists()
        and not VoteReceipt.objects.filter(ballot=ballot).exists()
        and not RollEntry.objects.filter(ballot=ballot, has_voted=True).exists()
    )


def refusal_reason(**kwargs):
    with pytest.raises(VoteRefused) as refused:
        vote_cast(**kwargs)
    return refused.value


def test_a_member_with_the_right_code_casts_one_vote_in_their_ward_and_gets_a_receipt(constituency):
    ballot, [voter, other] = open_ballot_with_voters(constituency, voters=2)

    result = vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    assert sealed_votes_opened(ballot) == [(voter.entry.ward_id, "open")]
    assert list(RollEntry.objects.filter(ballot=ballot, has_voted=True)) == [voter.entry]
    assert VoteReceipt.objects.filter(ballot=ballot).count() == 1
    assert receipt_check(ballot=ballot, receipt_code=result.receipt_code)
    assert result.receipt_code not in VoteReceipt.objects.get().receipt_hash


def test_the_number_and_code_are_accepted_however_they_are_spaced_or_cased(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    typed_number = " " + voter.membership_number.lower()[:3] + " " + voter.membership_number.lower()[3:]
    typed_code = voter.code.replace("-", " ").lower()

    vote_cast(ballot=ballot, membership_number=typed_number, code=typed_code, choice="reselect")

    assert sealed_votes_opened(ballot) == [(voter.entry.ward_id, "reselect")]


def test_a_wrong_code_is_refused_and_nothing_is_written(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)

    refusal = refusal_reason(
        ballot=ballot, membership_number=voter.membership_number, code="AAAA-BBBB-CCCC-DDDD", choice="open"
    )

    assert refusal.reason == "unknown_or_wrong"
    assert nothing_written(ballot)


def test_a_number_not_on_the_roll_gets_exactly_the_same_words_as_a_wrong_code(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)

    stranger = refusal_reason(ballot=ballot, membership_number="L999999", code=voter.code, choice="open")
    wrong_code = refusal_reason(ballot=ballot, membership_number=voter.membership_number, code="X", choice="open")

    assert stranger.reason == wrong_code.reason == "unknown_or_wrong"
    assert (
        stranger.message
        == wrong_code.message
        == ("We could not match that membership number and voting code. Check both and try again.")
    )
    assert nothing_written(ballot)


def test_a_code_for_another_ballot_does_not_work_in_this_one(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    other_ballot, [other_voter] = open_ballot_with_voters(constituency, voters=1)

    refusal = refusal_reason(
        ballot=ballot, membership_number=other_voter.membership_number, code=other_voter.code, choice="open"
    )

    assert refusal.reason == "unknown_or_wrong"
    assert nothing_written(ballot) and nothing_written(other_ballot)


def test_a_second_vote_by_the_same_member_is_refused_and_the_first_stands(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="reselect")

    refusal = refusal_reason(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    assert refusal.reason == "already_voted"
    assert refusal.message == (
        "This membership number has already voted in this ballot. Your vote was counted; each member votes once."
    )
    assert [choice for _ward, choice in sealed_votes_opened(ballot)] == ["reselect"]
    assert VoteReceipt.objects.count() == 1


def test_already_voted_is_only_said_to_someone_who_knows_the_code(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="reselect")

    refusal = refusal_reason(ballot=ballot, membership_number=voter.membership_number, code="WRONG", choice="open")

    assert refusal.reason == "unknown_or_wrong"


def test_a_choice_other_than_the_two_on_the_paper_is_refused(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)

    refusal = refusal_reason(
        ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="abstain"
    )

    assert refusal.reason == "bad_choice"
    assert nothing_written(ballot)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"status": TriggerBallot.Status.DRAFT}, "not_open_yet"),
        (
            {"opens_at": timezone.now() + dt.timedelta(hours=1), "closes_at": timezone.now() + dt.timedelta(days=2)},
            "not_open_yet",
        ),
        ({"status": TriggerBallot.Status.CLOSED}, "closed"),
        ({"status": TriggerBallot.Status.DECLARED}, "closed"),
        (
            {"opens_at": timezone.now() - dt.timedelta(days=2), "closes_at": timezone.now() - dt.timedelta(seconds=1)},
            "closed",
        ),
    ],
    ids=["draft", "before-opening-time", "closed", "declared", "closing-time-passed-while-status-still-open"],
)
def test_a_ballot_that_is_not_open_refuses_votes_and_says_why(constituency, fields, reason):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1, **fields)

    refusal = refusal_reason(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    assert refusal.reason == reason
    assert refusal.message == MESSAGES[reason]
    assert nothing_written(ballot)


def test_the_ballot_state_is_read_afresh_inside_the_vote_not_taken_from_the_callers_copy(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    TriggerBallot.objects.filter(pk=ballot.pk).update(status=TriggerBallot.Status.CLOSED)

    refusal = refusal_reason(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    assert ballot.status == "open"  # the stale copy the view held
    assert refusal.reason == "closed"


def test_the_vote_and_the_voted_mark_are_written_together_or_not_at_all(constituency):
    ballot, [first, second] = open_ballot_with_voters(constituency, voters=2)
    taken = vote_cast(ballot=ballot, membership_number=first.membership_number, code=first.code, choice="open")

    # The receipt is the last row written: make its insert fail (a receipt code already used),
    # after the voted mark and the sealed vote were written in the same statement or transaction.
    with mock.patch("ballots.voting.services.receipt_code_generate", return_value=taken.receipt_code):
        with pytest.raises(IntegrityError):
            with transaction.atomic():
                vote_cast(ballot=ballot, membership_number=second.membership_number, code=second.code, choice="open")

    assert SealedVote.objects.count() == RollEntry.objects.filter(has_voted=True).count() == 1
    assert not RollEntry.objects.get(pk=second.entry.pk).has_voted
    vote_cast(ballot=ballot, membership_number=second.membership_number, code=second.code, choice="open")
    assert SealedVote.objects.count() == RollEntry.objects.filter(has_voted=True).count() == 2


def test_a_vote_row_holds_only_its_ballot_and_the_sealed_vote(constituency):
    assert [field.name for field in SealedVote._meta.concrete_fields] == ["id", "ballot", "sealed"]
    assert [field.name for field in VoteReceipt._meta.concrete_fields] == ["id", "ballot", "receipt_hash"]


def test_vote_keys_are_random_uuids_that_say_nothing_about_the_order_of_voting(constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=6)
    for voter in voters:
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    ids = list(SealedVote.objects.values_list("id", flat=True))
    receipt_ids = list(VoteReceipt.objects.values_list("id", flat=True))
    assert all(isinstance(key, uuid.UUID) and key.version == 4 for key in ids + receipt_ids)
    assert SealedVote._meta.pk.default is uuid.uuid4


def test_casting_a_vote_runs_a_fixed_number_of_queries(constituency, django_assert_num_queries):
    ballot, voters = open_ballot_with_voters(constituency, voters=3)
    # PostgreSQL: the roll entry joined with the ballot, then every write (under the ballot's
    # lock) in one statement. SQLite: savepoint, ballot, roll entry, update, vote, receipt, release.
    expected = 2 if connection.vendor == "postgresql" else 7

    with django_assert_num_queries(expected):
        vote_cast(ballot=ballot, membership_number=voters[0].membership_number, code=voters[0].code, choice="open")
    with django_assert_num_queries(expected):
        vote_cast(ballot=ballot, membership_number=voters[1].membership_number, code=voters[1].code, choice="reselect")


def test_a_cast_given_the_place_its_check_found_is_one_statement_on_postgresql(constituency, django_assert_num_queries):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    place = vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)
    expected = 1 if connection.vendor == "postgresql" else 7

    with django_assert_num_queries(expected):
        vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open", place=place)

    assert sealed_votes_opened(ballot) == [(voter.entry.ward_id, "open")]


def test_a_replayed_cast_is_refused_as_already_voted_in_two_statements_on_postgresql(
    constituency, django_assert_num_queries
):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    place = vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)
    vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open", place=place)
    # PostgreSQL: the write, which writes nothing, then one read of why. SQLite: a savepoint, the
    # ballot, the roll entry and the guard's UPDATE, then the rollback to the savepoint and its release.
    expected = 2 if connection.vendor == "postgresql" else 6

    with django_assert_num_queries(expected):
        refused = refusal_reason(
            ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open", place=place
        )

    assert refused.reason == "already_voted"
    assert sealed_votes_opened(ballot) == [(voter.entry.ward_id, "open")]


def test_a_code_replaced_after_the_check_casts_nothing_even_with_the_place_the_check_found(constituency):
    from ballots.officer.services.voting_codes import voting_code_reissue

    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    place = vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)
    new_code = voting_code_reissue(roll_entry=RollEntry.objects.get(pk=place.roll_entry_id))

    refused = refusal_reason(
        ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open", place=place
    )

    assert refused.reason == "unknown_or_wrong"
    assert nothing_written(ballot)
    vote_cast(ballot=ballot, membership_number=voter.membership_number, code=new_code, choice="open")


def test_a_place_that_is_not_the_members_own_casts_nothing(constituency):
    from dataclasses import replace

    from nacl.public import PrivateKey

    another_key = bytes(PrivateKey.generate().public_key).hex()
    ballot, [voter, other] = open_ballot_with_voters(constituency, voters=2)
    place = vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)
    others = vote_credentials_check(ballot=ballot, membership_number=other.membership_number, code=other.code)

    for wrong in (
        replace(place, roll_entry_id=others.roll_entry_id),
        replace(place, ward_id=place.ward_id + 1000),
        replace(place, seal_public_key=another_key),
    ):
        refused = refusal_reason(
            ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open", place=wrong
        )
        assert refused.reason == "unknown_or_wrong"
    assert nothing_written(ballot)


def test_a_second_cast_with_the_same_place_says_already_voted(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    place = vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)
    vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open", place=place)

    refused = refusal_reason(
        ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="reselect", place=place
    )

    assert refused.reason == "already_voted"
    assert sealed_votes_opened(ballot) == [(voter.entry.ward_id, "open")]


def test_nothing_logged_while_voting_names_the_code_the_receipt_or_the_choice(constituency, caplog):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    caplog.set_level(logging.DEBUG)

    result = vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert voter.code not in logged
    assert result.receipt_code not in logged
    assert voter.membership_number not in logged


def test_checking_credentials_writes_nothing_and_refuses_like_casting(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)

    vote_credentials_check(ballot=ballot, membership_number=voter.membership_number, code=voter.code)
    with pytest.raises(VoteRefused) as wrong:
        vote_credentials_check(ballot=ballot, membership_number="L000000", code=voter.code)

    assert wrong.value.reason == "unknown_or_wrong"
    assert nothing_written(ballot)


def test_a_receipt_check_says_counted_only_for_a_real_receipt_of_that_ballot(constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    other_ballot, _ = open_ballot_with_voters(constituency, voters=1)
    receipt = vote_cast(
        ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open"
    ).receipt_code

    assert receipt_check(ballot=ballot, receipt_code=receipt.lower().replace("-", " "))
    assert not receipt_check(ballot=other_ballot, receipt_code=receipt)
    assert not receipt_check(ballot=ballot, receipt_code="AAAA-BBBB-CCCC")
    assert not receipt_check(ballot=ballot, receipt_code="")


def test_only_ballots_open_now_are_offered_for_voting(constituency):
    open_ballot, _ = open_ballot_with_voters(constituency, voters=0)
    open_ballot_with_voters(constituency, voters=0, status=TriggerBallot.Status.DRAFT)
    open_ballot_with_voters(
        constituency,
        voters=0,
        opens_at=timezone.now() - dt.timedelta(days=3),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )

    assert list(ballots_open_for_voting()) == [open_ballot]


def test_no_index_holds_what_a_vote_changes_on_its_roll_entry():
    # Then the cast's UPDATE of has_voted and vote_channel touches no index (on PostgreSQL, a
    # HOT update): an index on either would make every vote write every index of the roll.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, RollEntry._meta.db_table)
    indexed = {column for constraint in constraints.values() if constraint["index"] for column in constraint["columns"]}

    assert "ballot_id" in indexed
    assert not indexed & {"has_voted", "vote_channel"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="HOT updates and fillfactor are PostgreSQL's")
def test_a_vote_marks_its_roll_entry_in_place_on_postgresql(constituency):
    ballot, [voter, other] = open_ballot_with_voters(constituency, voters=2)
    table = RollEntry._meta.db_table

    def updates():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s", [table])
            return cursor.fetchone()

    before = updates()
    vote_cast(ballot=ballot, membership_number=voter.membership_number, code=voter.code, choice="open")
    after = updates()

    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        [options] = cursor.fetchone()
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    assert "fillfactor=80" in options
