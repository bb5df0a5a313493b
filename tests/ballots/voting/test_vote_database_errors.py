"""A database that fails as a vote is cast still leaves the member with a receipt or a plain "already voted"."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test.utils import CaptureQueriesContext

from ballots.models import SealedVote, VoteReceipt
from ballots.voting import views
from ballots.voting.services import receipt_check
from tests.ballots.voting.voting_pages import (
    ALREADY,
    cast_from,
    choices_recorded,
    confirm,
    receipt_on,
    start,
    token_on,
)
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db

UNCONFIRMED = "We could not confirm your vote was recorded"
real_vote_cast = views.vote_cast


@pytest.fixture
def confirmation(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1, sitting_mp="Alex Morgan")
    return ballot, confirm(client, start(client, ballot, voter), "open")


def cast_then_connection_lost(**vote):
    """The vote commits, then the connection drops before the reply: the commit looks unknown."""
    real_vote_cast(**vote)
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize("failure", [OperationalError("connection lost"), InterfaceError("connection already closed")])
def test_a_connection_lost_before_the_vote_is_written_says_so_and_casting_again_gives_a_receipt(
    client, confirmation, failure
):
    ballot, page = confirmation
    with mock.patch.object(views, "vote_cast", side_effect=failure):
        unconfirmed = cast_from(client, page, "open")

    assert unconfirmed.status_code == 503
    text = unconfirmed.content.decode()
    assert UNCONFIRMED in text and "Please press “Cast my vote” again." in text
    assert "Cast my vote" in text and 'name="cast"' in text
    assert "no-store" in unconfirmed["Cache-Control"]
    assert not SealedVote.objects.exists()

    receipt_page = cast_from(client, unconfirmed, "open")

    assert receipt_page.status_code == 200
    assert receipt_check(ballot=ballot, receipt_code=receipt_on(receipt_page))
    assert choices_recorded(ballot.pk) == ["open"]


def test_a_connection_lost_after_the_vote_is_written_then_says_already_voted_in_plain_words(client, confirmation):
    ballot, page = confirmation
    with mock.patch.object(views, "vote_cast", side_effect=cast_then_connection_lost):
        unconfirmed = cast_from(client, page, "open")
    assert unconfirmed.status_code == 503 and UNCONFIRMED in unconfirmed.content.decode()

    again = cast_from(client, unconfirmed, "open")

    assert again.status_code == 409
    text = again.content.decode()
    assert ALREADY in text and "You have already voted" in text
    assert "it was recorded and is counted once" in text
    assert "Bad Request" not in text
    assert SealedVote.objects.count() == 1 == VoteReceipt.objects.count()


def test_the_page_after_a_lost_connection_needs_no_database_and_keeps_the_same_token(client, confirmation):
    ballot, page = confirmation
    with (
        mock.patch.object(views, "vote_cast", side_effect=OperationalError("connection lost")),
        CaptureQueriesContext(connection) as queries,
    ):
        unconfirmed = cast_from(client, page, "open")

    assert unconfirmed.status_code == 503
    assert len(queries) == 0
    assert token_on(unconfirmed) == token_on(page)
    assert "Alex Morgan" in unconfirmed.content.decode() and "Canterbury" in unconfirmed.content.decode()


def test_no_query_is_made_between_the_vote_being_written_and_the_receipt(client, confirmation):
    ballot, page = confirmation
    seen = {}

    def counted_cast(**vote):
        result = real_vote_cast(**vote)
        seen["after_cast"] = len(queries)
        return result

    with mock.patch.object(views, "vote_cast", side_effect=counted_cast), CaptureQueriesContext(connection) as queries:
        receipt_page = cast_from(client, page, "open")

    assert receipt_page.status_code == 200 and receipt_on(receipt_page)
    assert seen["after_cast"] == len(queries)
    assert f"/vote/receipt/?ballot={ballot.pk}" in receipt_page.content.decode()


def test_the_page_after_a_lost_connection_is_as_long_whichever_way_the_member_chose(client, constituency):
    ballot, [voter] = open_ballot_with_voters(constituency, voters=1, sitting_mp="Alexandra Featherstonehaugh-Ngo")
    paper = start(client, ballot, voter)
    pages = {}
    with mock.patch.object(views, "vote_cast", side_effect=OperationalError("connection lost")):
        for value in ("keep", "open"):
            pages[value] = cast_from(client, confirm(client, paper, value), value)

    assert {page.status_code for page in pages.values()} == {503}
    assert len(pages["keep"].content) == len(pages["open"].content)
