"""One membership-number normaliser: how a number is written down, and every writer and reader using it."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from members.imports import member_import
from members.membership_numbers import membership_number_lookup_values, membership_number_normalise
from members.models import Member
from tests.factories import MemberFactory


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("L100001", "L100001"), ("l 100 001", "L100001"), (" l100001\t", "L100001"), ("", ""), (None, "")],
)
def test_a_number_loses_every_space_and_is_upper_cased(typed, canonical):
    assert membership_number_normalise(typed) == canonical


def test_a_lookup_tries_the_number_as_typed_first_then_its_canonical_form():
    assert membership_number_lookup_values("l 1001") == ["l1001", "L1001"]
    assert membership_number_lookup_values("L1001") == ["L1001"]


def test_the_import_stores_numbers_in_canonical_form_and_updates_by_it(db, constituency, wards):
    header = "membership_number,first_name,last_name,ward,joined_on\n"
    first = member_import(constituency=constituency, file=(header + "l 0001,Ann,Lee,Barton,2015-01-01\n").encode())
    again = member_import(constituency=constituency, file=(header + "L0001,Ann,Leigh,Barton,2015-01-01\n").encode())

    assert first.ok and again.ok
    assert (first.created, again.created, again.updated) == (1, 0, 1)
    assert list(Member.objects.values_list("membership_number", "last_name")) == [("L0001", "Leigh")]


def test_the_import_finds_the_same_number_twice_however_it_is_written(db, constituency, wards):
    data = (
        b"membership_number,first_name,last_name,ward,joined_on\n"
        b"L0001,A,B,Barton,2015-01-01\n"
        b"l0001,C,D,Barton,2015-01-01\n"
    )

    report = member_import(constituency=constituency, file=data)

    assert [(error.line, error.column) for error in report.errors] == [(3, "membership_number")]


def test_the_member_form_stores_the_canonical_number(officer_client, constituency, wards):
    response = officer_client.post(
        reverse("members:member_add", args=[constituency.pk]),
        {
            "membership_number": "l 4242",
            "first_name": "Ann",
            "last_name": "Lee",
            "email": "",
            "ward": wards[0].pk,
            "joined_on": "2015-01-01",
            "status": "active",
        },
    )

    assert response.status_code == 302
    assert Member.objects.get().membership_number == "L4242"


def test_the_migration_rewrites_stored_numbers_unless_that_would_merge_two_members(db, wards):
    migration = importlib.import_module("members.migrations.0003_membership_numbers_canonical")
    spaced = MemberFactory(ward=wards[0], membership_number="l 77")
    clash = MemberFactory(ward=wards[0], membership_number="k9")
    taken = MemberFactory(ward=wards[0], membership_number="K9")

    migration.membership_numbers_canonicalise(apps, None)

    spaced.refresh_from_db(), clash.refresh_from_db(), taken.refresh_from_db()
    assert (spaced.membership_number, clash.membership_number, taken.membership_number) == ("L77", "k9", "K9")


def test_a_number_that_grows_longer_in_capitals_is_refused_by_the_import_not_the_database(db, constituency, wards):
    data = ("membership_number,first_name,last_name,ward,joined_on\n" + "ß" * 20 + ",A,B,Barton,2015-01-01\n").encode()

    report = member_import(constituency=constituency, file=data)

    assert [(error.line, error.column, error.reason) for error in report.errors] == [
        (2, "membership_number", "too long: at most 32 characters.")
    ]
    assert not Member.objects.exists()
