"""Nothing stored links a vote to a voter: every table read after a cast, after the close and after the count."""

import hashlib

import pytest
from django.db import connection
from django.urls import reverse

from ballots.codes import code_normalise
from ballots.models import RollEntry, SealedVote, VoteReceipt
from ballots.officer import services
from tests.ballots.voting.voting_pages import token_on
from tests.factories import ballot_count_with_key, open_ballot_with_voters

# Tables where a membership number belongs: the member, and the roll (which says only
# whether the member has voted, never how).
NUMBER_TABLES = {"members_member", RollEntry._meta.db_table}


def _every_row():
    """{table: [row as text]} for every table in the database, the cache and sessions included."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the database
            rows[table] = [
                " ".join(value.hex() if isinstance(value, bytes | memoryview) else str(value) for value in row)
                for row in cursor.fetchall()
            ]
    return rows


def _tables_holding(text, rows):
    text = text.casefold()
    return {table for table, values in rows.items() if any(text in value.casefold() for value in values)}


def _vote_through_the_pages(client, ballot, voter, choice):
    """The member's whole journey on the real pages: number and code, paper, confirmation, cast."""
    paper = client.post(
        reverse("ballots:vote_start"),
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code},
    )
    token = token_on(paper)
    value = {"reselect": "keep", "open": "open"}[choice]
    client.post(reverse("ballots:vote_confirm"), {"token": token, "choice": value})
    done = client.post(reverse("ballots:vote_confirm"), {"token": token, "choice": value, "cast": "1"})
    assert done.status_code == 200, done.content[:500]
    return done


def _assert_nothing_links(rows, voters):
    for voter in voters:
        code = code_normalise(voter.code)
        assert not _tables_holding(voter.code, rows) and not _tables_holding(code, rows), "a code is stored in clear"
        assert _tables_holding(voter.membership_number, rows) <= NUMBER_TABLES
        digest = hashlib.sha256(voter.membership_number.encode()).hexdigest()
        assert not _tables_holding(digest[:32], rows), "an unkeyed hash of a number is stored"
    assert not rows.get("django_session"), "voting leaves no session behind"
    for table in (SealedVote._meta.db_table, VoteReceipt._meta.db_table):
        for voter in voters:
            assert not _tables_holding(voter.membership_number, {table: rows[table]})
    assert not any("reselect" in value or "'open'" in value for value in rows[SealedVote._meta.db_table])


@pytest.mark.django_db
def test_no_table_holds_a_code_or_ties_a_number_to_a_vote_after_casting_closing_and_counting(client, constituency):
    ballot, voters = open_ballot_with_voters(constituency, voters=3)
    for voter, choice in zip(voters, ["open", "reselect", "open"], strict=True):
        _vote_through_the_pages(client, ballot, voter, choice)
    # A wrong code too, so the rate-limit entries are in the cache table.
    client.post(
        reverse("ballots:vote_start"),
        {"ballot": ballot.pk, "membership_number": voters[0].membership_number, "code": "AAAA-BBBB-CCCC-DDDD"},
    )

    _assert_nothing_links(_every_row(), voters)

    services.ballot_close(ballot=ballot)
    _assert_nothing_links(_every_row(), voters)

    ballot_count_with_key(ballot)
    rows = _every_row()
    _assert_nothing_links(rows, voters)
    assert not rows[SealedVote._meta.db_table]


@pytest.mark.django_db
def test_a_member_who_starts_again_after_voting_is_told_already_voted_with_409(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1)
    _vote_through_the_pages(client, ballot, voter, "open")

    again = client.post(
        reverse("ballots:vote_start"),
        {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code},
    )

    assert again.status_code == 409
    assert "already voted in this ballot. Your vote was counted" in again.content.decode()
