"""The voting pages keep nothing in Django's session: not the credentials, not the receipt, not a cookie."""

import pytest
from django.contrib.sessions.models import Session
from django.test import RequestFactory

from ballots.voting.pages import SessionWriteRefused, sessionless
from tests.ballots.voting.voting_pages import cast_from, choices_recorded, confirm, link_to, start, token_on, vote
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot_and_voters(constituency):
    return open_ballot_with_voters(constituency, voters=2, sitting_mp="Alex Morgan")


def test_a_whole_journey_keeps_nothing_in_a_session_and_sets_no_session_cookie(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters
    paper = client.get(link_to(ballot, voter.membership_number, voter.code))
    confirmation = confirm(client, paper, "keep")
    responses = [
        client.get("/vote/"),
        start(client, ballot, voter),
        paper,
        confirmation,
        client.post("/vote/ballot/", {"token": token_on(confirmation), "choice": "keep"}),
        cast_from(client, confirmation, "keep"),
        client.get("/vote/done/"),
        client.get("/vote/receipt/"),
        client.post("/vote/receipt/", {"ballot": ballot.pk, "receipt_code": "ABCD-EFGH-JKMN"}),
        client.get("/vote/ballot/"),
    ]

    assert not Session.objects.exists()
    for response in responses:
        assert "sessionid" not in response.cookies
    assert "sessionid" not in client.cookies
    assert choices_recorded(ballot.pk) == ["reselect"]


def test_an_officer_voting_page_leaves_their_own_session_as_it_was(client, ballot_and_voters, officer):
    ballot, [voter, *_] = ballot_and_voters
    client.force_login(officer)
    [before] = Session.objects.values_list("session_key", "session_data", "expire_date")

    vote(client, ballot, voter, "open")

    assert list(Session.objects.values_list("session_key", "session_data", "expire_date")) == [before]


def test_a_voting_view_that_tried_to_keep_something_in_the_session_would_fail_loudly():
    @sessionless
    def careless(request):
        request.session["voting"] = {"code": "ABCD"}

    request = RequestFactory().get("/vote/")
    request.session = real = object()
    with pytest.raises(SessionWriteRefused):
        careless(request)
    assert request.session is real  # put back for the middleware


def test_a_voting_view_reads_an_empty_session_and_sees_nobody_logged_in(rf):
    from django.contrib.auth.middleware import AuthenticationMiddleware

    seen = {}

    @sessionless
    def view(request):
        seen["items"] = dict(request.session.items())
        seen["anonymous"] = request.user.is_anonymous

    request = rf.get("/vote/")
    request.session = {"_auth_user_id": "1"}
    AuthenticationMiddleware(lambda r: None).process_request(request)
    view(request)

    assert seen == {"items": {}, "anonymous": True}
