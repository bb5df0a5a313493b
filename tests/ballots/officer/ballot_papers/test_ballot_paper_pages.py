"""The ballot papers' page: for the ballot's officers only, bad input answered with a form error,
refused for a ballot with no paper or meeting votes or a voided one, each print in the audit log."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import TriggerBallot
from members.models import AuditEvent, Member
from tests.factories import MemberFactory, TriggerBallotFactory, WardFactory

pytestmark = pytest.mark.django_db


def page_url(ballot):
    return reverse("ballots:ballot_papers", args=[ballot.pk])


def pdf_url(ballot):
    return reverse("ballots:ballot_papers_pdf", args=[ballot.pk])


def test_the_page_offers_each_ward_with_its_members_on_the_roll(officer_client, paper_ballot, wards):
    page = officer_client.get(page_url(paper_ballot)).content.decode()

    assert "Barton (3 members)" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'action="{pdf_url(paper_ballot)}"' in page
    assert "Thursday 6 June 2030, 17:00 BST" in page


def test_a_ward_chosen_by_link_fills_in_its_number_of_members(officer_client, paper_ballot, wards):
    page = officer_client.get(page_url(paper_ballot), {"ward": wards[1].pk}).content.decode()

    assert 'value="3"' in page
    assert f'<option value="{wards[1].pk}" selected>' in page


def test_a_draft_ballot_counts_the_wards_members_who_have_not_lapsed(officer_client, constituency, wards):
    ballot = TriggerBallotFactory(constituency=constituency, paper_voting=True)
    MemberFactory.create_batch(1234, ward=wards[0])
    MemberFactory(ward=wards[0], status=Member.Status.LAPSED)

    page = officer_client.get(page_url(ballot)).content.decode()

    assert "Barton (1,234 members)" in page
    assert "Northgate (0 members)" in page


def test_the_page_runs_the_same_queries_however_many_wards(
    officer_client, paper_ballot, constituency, django_assert_num_queries
):
    officer_client.get(page_url(paper_ballot))
    with django_assert_num_queries(7) as few:
        officer_client.get(page_url(paper_ballot))
    WardFactory.create_batch(5, constituency=constituency)
    with django_assert_num_queries(len(few.captured_queries)):
        officer_client.get(page_url(paper_ballot))


@pytest.mark.parametrize(
    ("copies", "words"),
    [
        ("many", "Enter the number of ballot papers as a whole number"),
        ("0", "Enter a number of ballot papers of at least 1."),
        ("-3", "Enter a number of ballot papers of at least 1."),
        ("5001", "One PDF holds at most 5,000 ballot papers"),
        ("1e3", "Enter the number of ballot papers as a whole number"),
    ],
)
def test_a_bad_number_of_papers_is_a_form_error(officer_client, paper_ballot, wards, copies, words):
    response = officer_client.post(pdf_url(paper_ballot), {"ward": wards[0].pk, "copies": copies})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert words in response.content.decode()
    assert not AuditEvent.objects.filter(action="ballot_papers_printed").exists()


@pytest.mark.parametrize("ward", ["elsewhere", "", "x", "99999999999999999999"])
def test_a_ward_not_of_this_constituency_is_a_form_error(officer_client, paper_ballot, ward):
    value = WardFactory(name="Dover Castle").pk if ward == "elsewhere" else ward

    response = officer_client.post(pdf_url(paper_ballot), {"ward": value, "copies": "10"})

    assert response.status_code == 400
    assert "Ward branch:" in response.content.decode()


def test_a_ward_with_no_members_needs_a_number(officer_client, paper_ballot, constituency):
    empty = WardFactory(constituency=constituency, name="Empty")

    response = officer_client.post(pdf_url(paper_ballot), {"ward": empty.pk, "copies": ""})

    assert response.status_code == 400
    assert "Empty has no members: enter the number of ballot papers." in response.content.decode()


def test_printing_is_recorded_in_the_audit_log_with_ward_and_copies(officer_client, paper_ballot, wards, officer):
    officer_client.post(pdf_url(paper_ballot), {"ward": wards[0].pk, "copies": "1200"})

    event = AuditEvent.objects.get(action="ballot_papers_printed")
    assert event.detail == {"ward": "Barton", "copies": 1200}
    assert event.actor == officer
    assert event.ballot_id == paper_ballot.pk
    log = officer_client.get(reverse("ballots:ballot_audit", args=[paper_ballot.pk])).content.decode()
    assert "Printed 1,200 ballot papers for Barton." in log


def test_an_online_only_ballot_says_why_it_has_no_ballot_papers(officer_client, open_ballot, wards):
    page = officer_client.get(page_url(open_ballot)).content.decode()
    response = officer_client.post(pdf_url(open_ballot), {"ward": wards[0].pk, "copies": "3"})

    assert "This ballot takes votes online only" in page
    assert pdf_url(open_ballot) not in page
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(action="ballot_papers_printed").exists()


def test_a_meeting_only_ballot_prints_papers(officer_client, constituency, wards):
    ballot = TriggerBallotFactory(constituency=constituency, online_voting=False, meeting_voting=True)

    response = officer_client.post(pdf_url(ballot), {"ward": wards[0].pk, "copies": "2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_voided_ballot_prints_no_ballot_papers(officer_client, paper_ballot, wards):
    TriggerBallot.objects.filter(pk=paper_ballot.pk).update(
        status=TriggerBallot.Status.CLOSED, voided_at=timezone.now(), void_reason="Run again."
    )

    page = officer_client.get(page_url(paper_ballot)).content.decode()
    response = officer_client.post(pdf_url(paper_ballot), {"ward": wards[0].pk, "copies": "3"})

    assert "This ballot was voided" in page
    assert response.status_code == 409


def test_anonymous_visitors_are_sent_to_log_in(client, paper_ballot, wards):
    for response in (client.get(page_url(paper_ballot)), client.post(pdf_url(paper_ballot), {"ward": wards[0].pk})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_officers_of_another_constituency_are_refused(client, other_officer, paper_ballot, wards):
    client.force_login(other_officer)

    assert client.get(page_url(paper_ballot)).status_code == 403
    assert client.post(pdf_url(paper_ballot), {"ward": wards[0].pk, "copies": "3"}).status_code == 403
    assert not AuditEvent.objects.filter(action="ballot_papers_printed").exists()


def test_the_pdf_is_never_made_by_a_get(officer_client, paper_ballot):
    assert officer_client.get(pdf_url(paper_ballot)).status_code == 405
