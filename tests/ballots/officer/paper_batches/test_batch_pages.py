"""The paper batches pages: access, entering a batch through the form, bad input re-shown with an error,
the second officer's check, and a constant number of queries."""

import pytest
from django.urls import reverse

from ballots.models import PaperBatch
from ballots.officer.services.paper_batches import paper_batch_enter
from tests.ballots.officer.paper_batches.conftest import in_ward, mark
from tests.factories import UserFactory


def _list_url(ballot):
    return reverse("ballots:paper_batches", args=[ballot.pk])


def _check_url(batch):
    return reverse("ballots:paper_batch_check", args=[batch.ballot_id, batch.pk])


def _form(where, **values):
    return {
        "ward": str(where.pk),
        "channel": "paper",
        "label": "Postal votes",
        "reselect": "2",
        "open": "1",
        "spoilt": "0",
    } | values


def _batch(ballot, ward, officer, label="Postal votes"):
    return paper_batch_enter(
        ballot=ballot, ward_id=ward.pk, channel="paper", label=label, reselect=2, open=1, spoilt=0, actor=officer
    )


def test_someone_not_signed_in_is_sent_to_log_in(client, paper_ballot):
    response = client.get(_list_url(paper_ballot))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_signed_in_non_officer_and_an_officer_of_elsewhere_are_refused(
    client, paper_ballot, voters, barton, officer, other_officer
):
    mark(in_ward(voters, barton)[:3])
    batch = _batch(paper_ballot, barton, officer)
    for user in (UserFactory(username="member"), other_officer):
        client.force_login(user)
        assert client.get(_list_url(paper_ballot)).status_code == 403
        assert client.post(_list_url(paper_ballot), _form(barton)).status_code == 403
        assert client.post(_check_url(batch), {"action": "confirm"}).status_code == 403
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.ENTERED
    assert PaperBatch.objects.count() == 1


def test_the_page_shows_each_ward_and_the_form(officer_client, paper_ballot, voters, barton):
    mark(in_ward(voters, barton)[:3])

    response = officer_client.get(_list_url(paper_ballot))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Papers per ward" in page
    assert "Barton" in page and "Northgate" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Enter the batch" in page


def test_an_officer_enters_a_batch_through_the_form(officer_client, officer, paper_ballot, voters, barton):
    mark(in_ward(voters, barton)[:3])

    response = officer_client.post(_list_url(paper_ballot), _form(barton))

    assert response.status_code == 302
    batch = PaperBatch.objects.get()
    assert (batch.ward, batch.reselect, batch.open, batch.entered_by) == (barton, 2, 1, officer)


def test_a_batch_that_does_not_match_the_register_is_re_shown_with_the_difference(
    officer_client, paper_ballot, voters, barton
):
    mark(in_ward(voters, barton)[:3])

    response = officer_client.post(_list_url(paper_ballot), _form(barton, reselect="4"))

    assert response.status_code == 400
    assert "2 too many" in response.content.decode()
    assert not PaperBatch.objects.exists()


@pytest.mark.parametrize(
    "values, words",
    [
        ({"open": "-1"}, "Enter 0 or more."),
        ({"reselect": "99999999999999999999"}, "roll has 8 members"),
        ({"reselect": "lots"}, "Enter a whole number"),
        ({"ward": "999999"}, "Choose one of this ballot&#x27;s wards."),
        ({"ward": "Barton"}, "Choose one of this ballot&#x27;s wards."),
        ({"channel": "online"}, "Choose one of the ways this ballot takes papers."),
        ({"reselect": "0", "open": "0"}, "This batch has no papers"),
        ({"label": ""}, "Say what the batch is"),
        ({"channel": ""}, "Choose how the papers came"),
    ],
)
def test_bad_input_is_re_shown_with_an_error_and_enters_nothing(
    officer_client, paper_ballot, voters, barton, values, words
):
    mark(in_ward(voters, barton)[:3])

    response = officer_client.post(_list_url(paper_ballot), _form(barton, **values))

    assert response.status_code == 400
    assert words in response.content.decode()
    assert not PaperBatch.objects.exists()


def test_the_officer_who_entered_a_batch_is_told_another_must_check_it(
    officer_client, officer, paper_ballot, voters, barton
):
    mark(in_ward(voters, barton)[:3])
    batch = _batch(paper_ballot, barton, officer)

    page = officer_client.get(_check_url(batch)).content.decode()
    assert "another officer must check it" in page
    assert "Confirm the batch" not in page
    response = officer_client.post(_check_url(batch), {"action": "confirm"})
    assert response.status_code == 400
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.ENTERED


def test_a_second_officer_confirms_a_batch(client, officer, second_officer, paper_ballot, voters, barton):
    mark(in_ward(voters, barton)[:3])
    batch = _batch(paper_ballot, barton, officer)
    client.force_login(second_officer)

    page = client.get(_check_url(batch)).content.decode()
    assert "Confirm the batch" in page and "Reject the batch" in page
    response = client.post(_check_url(batch), {"action": "confirm"})

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.checked_by) == ("confirmed", second_officer)


def test_rejecting_without_a_reason_is_re_shown_and_with_one_rejects(
    client, officer, second_officer, paper_ballot, voters, barton
):
    mark(in_ward(voters, barton)[:3])
    batch = _batch(paper_ballot, barton, officer)
    client.force_login(second_officer)

    response = client.post(_check_url(batch), {"action": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Say why the batch is rejected." in response.content.decode()
    assert client.post(_check_url(batch), {"action": "sideways"}).status_code == 400
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.ENTERED

    response = client.post(_check_url(batch), {"action": "reject", "reason": "Two papers for open, not one"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.reject_reason) == ("rejected", "Two papers for open, not one")


def test_a_batch_of_another_ballot_is_not_found(officer_client, officer, paper_ballot, voters, barton):
    mark(in_ward(voters, barton)[:3])
    batch = _batch(paper_ballot, barton, officer)
    url = reverse("ballots:paper_batch_check", args=[paper_ballot.pk, batch.pk + 1000])
    assert officer_client.get(url).status_code == 404


# The session, the user, their two permission reads, the ballot, the constituency check; then the
# page's own two (the roll's marks per ward and channel, and the batches with their officers).
PAGE_QUERIES = 8


def test_the_page_runs_the_same_queries_however_many_batches(
    officer_client, officer, second_officer, paper_ballot, voters, barton, django_assert_num_queries
):
    with django_assert_num_queries(PAGE_QUERIES):
        assert officer_client.get(_list_url(paper_ballot)).status_code == 200
    for index, entry in enumerate(in_ward(voters, barton)):
        mark([entry])
        paper_batch_enter(
            ballot=paper_ballot,
            ward_id=barton.pk,
            channel="paper",
            label=f"Box {index}",
            reselect=1,
            open=0,
            spoilt=0,
            actor=officer if index % 2 else second_officer,
        )

    with django_assert_num_queries(PAGE_QUERIES):
        response = officer_client.get(_list_url(paper_ballot))
    assert response.content.decode().count("Waiting for a second officer to confirm") == 4
