"""Scrutineers read the ballots given to them (turnout, audit log, the result once counted) and change nothing."""

import pytest
from django.urls import reverse

from ballots.models import TriggerBallot
from members.services import audit_record
from tests.factories import (
    ConstituencyFactory,
    OfficerFactory,
    ScrutineerFactory,
    TriggerBallotFactory,
    make_ballot_with_votes,
    open_ballot_with_voters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def canterbury():
    return ConstituencyFactory(name="Canterbury")


@pytest.fixture
def scrutineer(canterbury):
    return ScrutineerFactory(constituencies=[canterbury])


def _page(client, ballot):
    return client.get(reverse("ballots:scrutiny_ballot", args=[ballot.pk]))


def test_a_scrutineer_lists_the_ballots_given_to_them_only(client, canterbury, scrutineer):
    mine = TriggerBallotFactory(constituency=canterbury)
    other = TriggerBallotFactory(constituency=ConstituencyFactory(name="Dover"))
    client.force_login(scrutineer)
    page = client.get(reverse("ballots:scrutiny_list")).content.decode()
    assert reverse("ballots:scrutiny_ballot", args=[mine.pk]) in page
    assert reverse("ballots:scrutiny_ballot", args=[other.pk]) not in page


def test_anonymous_readers_are_sent_to_log_in(client, canterbury):
    ballot = TriggerBallotFactory(constituency=canterbury)
    for url in (reverse("ballots:scrutiny_list"), reverse("ballots:scrutiny_ballot", args=[ballot.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_scrutineer_of_another_constituency_is_refused_in_plain_words(client, canterbury):
    ballot = TriggerBallotFactory(constituency=canterbury)
    client.force_login(ScrutineerFactory(constituencies=[ConstituencyFactory(name="Dover")]))
    response = _page(client, ballot)
    assert response.status_code == 403
    assert "Canterbury" in response.content.decode()


def test_an_officer_of_another_constituency_is_refused(client, canterbury):
    ballot = TriggerBallotFactory(constituency=canterbury)
    client.force_login(OfficerFactory(constituencies=[ConstituencyFactory(name="Dover")]))
    assert _page(client, ballot).status_code == 403


def test_the_constituencys_officer_reads_what_its_scrutineers_read(client, canterbury):
    ballot = TriggerBallotFactory(constituency=canterbury)
    client.force_login(OfficerFactory(constituencies=[canterbury]))
    assert _page(client, ballot).status_code == 200


def test_an_open_ballot_shows_turnout_and_no_result(client, canterbury, scrutineer):
    ballot, voters = open_ballot_with_voters(canterbury, voters=4)
    for entry in [voter.entry for voter in voters[:1]]:
        entry.has_voted = True
        entry.save(update_fields=["has_voted"])
    client.force_login(scrutineer)
    page = _page(client, ballot).content.decode()
    assert "1 of 4 members on the roll have voted (25.0%)" in page
    assert "The votes are sealed until the count" in page
    assert "Open selection</strong>" not in page and "Reselected</strong>" not in page


def test_a_counted_ballot_shows_the_provisional_result(client, canterbury, scrutineer):
    ballot = make_ballot_with_votes(
        constituency=canterbury,
        wards=(("Barton", 0, 20, 30), ("Northgate", 1, 25, 40)),
        affiliates=(("Unite", "trade_union", "open", 100),),
        status=TriggerBallot.Status.CLOSED,
    )
    client.force_login(scrutineer)
    page = _page(client, ballot).content.decode()
    assert "<strong>Provisional</strong>" in page
    assert "<strong>Open selection</strong>: the open share is 100.000%" in page
    assert "an open selection needs more than 50%" in page
    assert reverse("ballots:results", args=[ballot.pk]) not in page  # not public until declared


def test_the_audit_log_is_shown_in_plain_words(client, canterbury, scrutineer):
    ballot = TriggerBallotFactory(constituency=canterbury)
    audit_record(action="ballot_created", constituency=canterbury, ballot_id=ballot.pk, detail={})
    client.force_login(scrutineer)
    assert "Created the ballot." in _page(client, ballot).content.decode()


def test_the_page_has_no_form_that_changes_anything(client, canterbury, scrutineer):
    ballot, _ = open_ballot_with_voters(canterbury, voters=2)
    client.force_login(scrutineer)
    page = _page(client, ballot).content.decode().lower()
    assert 'method="post"' not in page.split("<main", 1)[1].split("</main>", 1)[0]


OFFICER_ACTIONS = [
    "ballot_edit",
    "ballot_open",
    "ballot_close",
    "ballot_count",
    "ballot_declare",
    "ballot_void",
    "codes_download",
    "codes_email",
    "codes_reissue_all",
    "reminders_send_now",
    "letters_request",
]


@pytest.mark.parametrize("name", OFFICER_ACTIONS)
def test_every_officer_action_refuses_a_scrutineer_and_says_what_they_can_do(client, canterbury, scrutineer, name):
    ballot, _ = open_ballot_with_voters(canterbury, voters=2)
    client.force_login(scrutineer)
    response = client.post(reverse(f"ballots:{name}", args=[ballot.pk]), {})
    assert response.status_code == 403
    assert "scrutineer" in response.content.decode()
    ballot.refresh_from_db()
    assert ballot.status == TriggerBallot.Status.OPEN


@pytest.mark.parametrize("events", [2, 30])
def test_the_ballot_page_makes_the_same_number_of_queries_however_long_the_log(
    client, canterbury, scrutineer, django_assert_num_queries, events
):
    ballot, _ = open_ballot_with_voters(canterbury, voters=3)
    for _ in range(events):
        audit_record(action="ballot_created", constituency=canterbury, ballot_id=ballot.pk, detail={})
    client.force_login(scrutineer)
    # Session, user, permissions (2), the ballot, the access check, turnout (2), codes, the log (2).
    with django_assert_num_queries(QUERIES):
        assert _page(client, ballot).status_code == 200


QUERIES = 11


@pytest.mark.parametrize("ballots", [2, 20])
def test_the_list_makes_the_same_number_of_queries_however_many_ballots(
    client, canterbury, scrutineer, django_assert_num_queries, ballots
):
    for _ in range(ballots):
        TriggerBallotFactory(constituency=canterbury)
    client.force_login(scrutineer)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("ballots:scrutiny_list")).status_code == 200


LIST_QUERIES = 5
