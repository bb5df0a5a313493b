"""Who sees a ballot's results: officers of its constituency once voting has closed, everyone once declared."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import TriggerBallot
from tests.factories import (
    ConstituencyFactory,
    OfficerFactory,
    UserFactory,
    ballot_count_with_key,
    make_ballot_with_votes,
)

VIEWS = ("ballots:results", "ballots:results_json", "ballots:results_csv")


def _urls(ballot):
    return [reverse(name, args=[ballot.pk]) for name in VIEWS]


@pytest.fixture
def other_officer(db):
    return OfficerFactory(username="elsewhere", constituencies=[ConstituencyFactory(name="Faversham")])


@pytest.mark.parametrize("status", ["draft", "open", "closed"])
def test_anonymous_visitors_get_nothing_before_declaration(client, constituency, status):
    ballot = make_ballot_with_votes(constituency=constituency, status=status)
    for url in _urls(ballot):
        assert client.get(url).status_code == 404


def test_a_signed_in_member_of_the_public_gets_nothing_before_declaration(client, constituency):
    ballot = make_ballot_with_votes(constituency=constituency, status="closed")
    client.force_login(UserFactory())
    for url in _urls(ballot):
        assert client.get(url).status_code == 404


def test_another_constituencys_officer_gets_403_before_declaration(client, constituency, other_officer):
    ballot = make_ballot_with_votes(constituency=constituency, status="closed")
    client.force_login(other_officer)
    for url in _urls(ballot):
        assert client.get(url).status_code == 403


def test_the_constituencys_officers_see_a_closed_ballot_marked_provisional(officer_client, constituency):
    ballot = make_ballot_with_votes(constituency=constituency, status="closed")
    page = officer_client.get(reverse("ballots:results", args=[ballot.pk]))
    assert page.status_code == 200
    assert b"banner-provisional" in page.content
    assert b"Provisional:" in page.content
    assert page["Cache-Control"] == "no-store"
    data = officer_client.get(reverse("ballots:results_json", args=[ballot.pk])).json()
    assert data["provisional"] is True
    assert data["ballot"]["status"] == "closed"
    csv = officer_client.get(reverse("ballots:results_csv", args=[ballot.pk]))
    assert csv.status_code == 200
    assert "provisional" in csv["Content-Disposition"]


def test_an_open_ballot_past_its_closing_time_shows_its_officers_the_way_to_count_it(officer_client, constituency):
    ballot = make_ballot_with_votes(
        constituency=constituency, status="open", closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = officer_client.get(reverse("ballots:results", args=[ballot.pk]))
    assert page.status_code == 200
    assert b"The votes are sealed until an officer counts them" in page.content
    assert reverse("ballots:ballot_count", args=[ballot.pk]).encode() in page.content
    assert b"Barton" not in page.content

    ballot_count_with_key(ballot)

    page = officer_client.get(reverse("ballots:results", args=[ballot.pk]))
    assert b"banner-provisional" in page.content and b"Barton" in page.content


@pytest.mark.parametrize("status", ["draft", "open"])
def test_officers_are_told_results_come_after_close_while_voting_goes_on(officer_client, constituency, status):
    ballot = make_ballot_with_votes(
        constituency=constituency, status=status, closes_at=timezone.now() + dt.timedelta(days=3)
    )
    page = officer_client.get(reverse("ballots:results", args=[ballot.pk]))
    assert page.status_code == 200
    assert b"Results not yet available" in page.content
    assert b"Barton" not in page.content
    assert officer_client.get(reverse("ballots:results_json", args=[ballot.pk])).status_code == 404
    assert officer_client.get(reverse("ballots:results_csv", args=[ballot.pk])).status_code == 404


def test_after_declaration_everyone_gets_the_page_the_json_and_the_csv(client, constituency, other_officer):
    ballot = make_ballot_with_votes(constituency=constituency, status="declared")
    for user in (None, UserFactory(), other_officer):
        client.logout()
        if user is not None:
            client.force_login(user)
        page = client.get(reverse("ballots:results", args=[ballot.pk]))
        assert page.status_code == 200
        assert b"banner-provisional" not in page.content
        assert client.get(reverse("ballots:results_json", args=[ballot.pk])).json()["provisional"] is False
        csv = client.get(reverse("ballots:results_csv", args=[ballot.pk]))
        assert csv.status_code == 200
        assert csv["Content-Type"].startswith("text/csv")


def test_an_unknown_ballot_is_404(client, db):
    assert client.get(reverse("ballots:results", args=[999999])).status_code == 404


def test_the_declared_list_shows_declared_ballots_only_newest_first(client, db):
    now = timezone.now()
    older = make_ballot_with_votes(
        constituency=ConstituencyFactory(name="Ashford"), declared_at=now - dt.timedelta(days=30)
    )
    newer = make_ballot_with_votes(
        constituency=ConstituencyFactory(name="Dover"), declared_at=now - dt.timedelta(days=1)
    )
    make_ballot_with_votes(constituency=ConstituencyFactory(name="Folkestone"), status="closed")
    page = client.get(reverse("ballots:declared_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Folkestone" not in html
    assert html.index("Dover") < html.index("Ashford")
    assert reverse("ballots:results", args=[newer.pk]) in html
    assert reverse("ballots:results", args=[older.pk]) in html
    assert TriggerBallot.objects.filter(status="declared").count() == 2
