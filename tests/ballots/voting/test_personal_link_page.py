"""The personal link from the email: checked like the form, answered with the ballot paper itself,
its address kept out of every Referer."""

from unittest import mock

import pytest

from ballots.models import RollEntry
from ballots.voting import views
from tests.ballots.voting.voting_pages import WRONG, cast_from, choices_recorded, confirm, link_to, votes_recorded
from tests.factories import open_ballot_with_voters

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot_and_voters(constituency):
    return open_ballot_with_voters(constituency, voters=2, sitting_mp="Alex Morgan")


def test_the_personal_link_shows_the_paper_at_once_and_never_shows_the_code_again(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters

    paper = client.get(link_to(ballot, voter.membership_number, voter.code))
    assert paper.status_code == 200
    assert paper["Referrer-Policy"] == "no-referrer"
    assert "no-store" in paper["Cache-Control"]
    assert 'data-clean-address="/vote/ballot/"' in paper.content.decode()

    confirmation = confirm(client, paper, "keep")
    pages = [paper, confirmation, cast_from(client, confirmation, "keep")]
    for page in pages:
        assert voter.code not in page.content.decode()
        assert voter.code.replace("-", "") not in page.content.decode()
    assert choices_recorded(ballot.pk) == ["reselect"]


def test_a_personal_link_with_a_wrong_code_shows_the_form_with_the_reason(client, ballot_and_voters):
    ballot, [voter, *_] = ballot_and_voters

    response = client.get(link_to(ballot, voter.membership_number, "WRONG"))

    assert response.status_code == 400
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    assert WRONG in page and 'name="membership_number"' in page
    assert "WRONG" not in page


@pytest.mark.parametrize("query", ["ballot=abc&member=", "ballot=%C2%B2&member=A1&code=ABCD", "", "ballot=1"])
def test_a_broken_personal_link_is_explained_not_a_server_error(client, db, query):
    # '²'.isdigit() is true, but int('²') fails: the link must read as broken, not crash.
    response = client.get("/vote/link/?" + query)

    assert response.status_code == 400
    assert "This voting link is not complete." in response.content.decode()


def test_the_personal_link_is_rate_limited_as_a_personal_link(client, ballot_and_voters):
    ballot, [voter, _] = ballot_and_voters
    with mock.patch.object(views, "vote_rate_limit_check", wraps=views.vote_rate_limit_check) as check:
        client.get(link_to(ballot, voter.membership_number, voter.code))
        client.post("/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code})

    assert [call.kwargs["personal_link"] for call in check.call_args_list] == [True, False]


def test_the_paper_from_a_link_names_only_the_site_in_a_referer_so_its_form_posts_with_an_origin(
    client, ballot_and_voters
):
    ballot, [voter, _] = ballot_and_voters

    from_link = client.get(link_to(ballot, voter.membership_number, voter.code)).content.decode()
    from_form = client.post(
        "/vote/", {"ballot": ballot.pk, "membership_number": voter.membership_number, "code": voter.code}
    ).content.decode()

    assert '<meta name="referrer" content="strict-origin">' in from_link
    assert '<meta name="referrer"' not in from_form


def test_a_member_votes_with_the_link_the_officers_services_make_for_a_ballot_they_opened(
    client, constituency, settings
):
    from ballots.officer.services import ballot_open, personal_voting_link, voting_codes_issue
    from tests.factories import BALLOT_PUBLIC_KEY, MemberFactory, TriggerBallotFactory, WardFactory

    member = MemberFactory(ward=WardFactory(constituency=constituency))
    ballot = TriggerBallotFactory(constituency=constituency)
    ballot_open(ballot=ballot, public_key=BALLOT_PUBLIC_KEY)
    [(entry, code)] = voting_codes_issue(ballot=ballot)
    link = personal_voting_link(ballot=ballot, membership_number=member.membership_number, code=code)

    paper = client.get(link.removeprefix(settings.SITE_URL))
    assert paper.status_code == 200
    cast_from(client, confirm(client, paper, "open"), "open")

    assert RollEntry.objects.get(pk=entry.pk).has_voted
    assert votes_recorded(ballot.pk) == [(member.ward_id, "open")]
