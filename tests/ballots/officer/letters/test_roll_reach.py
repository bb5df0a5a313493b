"""The roll preview names the eligible members a code cannot reach by email (they need a letter)
and those whose postal address will not print either, in a constant number of queries."""

import pytest
from django.urls import reverse

from ballots.officer import selectors
from members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def roll_page(client, ballot):
    return client.get(reverse("ballots:ballot_roll", args=[ballot.pk])).content.decode()


def test_members_without_email_are_named_with_whether_a_letter_reaches_them(officer_client, draft_ballot, wards):
    MemberFactory(ward=wards[0], first_name="Siân", last_name="Ŵyn", email="", address="1 Castle St", postcode="")
    MemberFactory(
        ward=wards[1], first_name="Ada", last_name="Lovelace", email="", address="2 Castle St", postcode="CT1 1AA"
    )
    MemberFactory(ward=wards[2], first_name="Tom", last_name="Tŷ", email="", address="Tŷ 😀", postcode="LL1 1AA")
    MemberFactory(ward=wards[0], first_name="Nia", last_name="Dŵr", email="", address="Tŷ Gwyn", postcode="LL1 1AB")

    preview = selectors.roll_preview(draft_ballot)
    page = roll_page(officer_client, draft_ballot)

    assert [(m.name, m.address_problem) for m in preview.no_email] == [
        ("Nia Dŵr", ""),  # a Welsh address prints whole
        ("Siân Ŵyn", "no postcode"),
        ("Ada Lovelace", ""),
        ("Tom Tŷ", "letters in the address that cannot be printed"),
    ]
    assert [m.name for m in preview.unreachable] == ["Siân Ŵyn", "Tom Tŷ"]
    assert "4 members on the roll have no email address" in page
    assert "<strong>2 of them cannot be reached</strong>" in page
    assert "<strong>Cannot be reached</strong>: no postcode" in page
    assert "Ada Lovelace" in page


def test_ineligible_members_without_email_are_not_listed_as_needing_a_letter(draft_ballot, wards):
    MemberFactory(ward=wards[0], email="", status=Member.Status.LAPSED)

    assert selectors.roll_preview(draft_ballot).no_email == []


def test_with_every_member_on_email_the_page_says_so(officer_client, draft_ballot):
    assert "Every member on the roll has an email address." in roll_page(officer_client, draft_ballot)


def test_the_preview_takes_the_same_queries_for_one_member_without_email_as_for_many(
    draft_ballot, wards, django_assert_num_queries
):
    MemberFactory(ward=wards[0], email="")
    with django_assert_num_queries(3):
        selectors.roll_preview(draft_ballot)

    MemberFactory.create_batch(30, ward=wards[1], email="", address="1 High St", postcode="CT1 1AA")
    with django_assert_num_queries(3):
        assert len(selectors.roll_preview(draft_ballot).no_email) == 31
