"""The results pages make the same number of queries for 2 wards or 200, 3 affiliates or 300."""

import pytest
from django.urls import reverse

from tests.factories import ConstituencyFactory, make_ballot_with_votes

# ballot with its constituency; votes by ward and choice; roll by ward and has_voted; ward names;
# affiliates left-joined to their votes.
PUBLIC_QUERIES = 5
LIST_QUERIES = 5  # count, page of ballots, votes, ward names, affiliates


def _ballot(name, n_wards, n_affiliates):
    wards = [(f"Ward {i:03d}", 3 + i % 5, 2 + i % 7, 0) for i in range(n_wards)]
    kinds = ("trade_union", "socialist_society", "cooperative", "other")
    votes = ("reselect", "open", "abstain", None)
    affiliates = [(f"Affiliate {i:03d}", kinds[i % 4], votes[i % 4], 10 + i) for i in range(n_affiliates)]
    return make_ballot_with_votes(constituency=ConstituencyFactory(name=name), wards=wards, affiliates=affiliates)


def _get(client, name, ballot):
    response = client.get(reverse(name, args=[ballot.pk]))
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("view", ["ballots:results", "ballots:results_json", "ballots:results_csv"])
@pytest.mark.parametrize(("wards", "affiliates"), [(2, 3), (200, 3), (2, 300), (200, 300)])
def test_the_number_of_queries_does_not_grow_with_wards_or_affiliates(
    client, db, django_assert_num_queries, view, wards, affiliates
):
    ballot = _ballot("Canterbury", wards, affiliates)
    with django_assert_num_queries(PUBLIC_QUERIES):
        _get(client, view, ballot)


@pytest.mark.parametrize(("wards", "affiliates"), [(2, 3), (200, 300)])
def test_officers_pages_make_a_constant_number_of_queries_too(client, db, django_assert_num_queries, wards, affiliates):
    from tests.factories import OfficerFactory

    ballot = _ballot("Canterbury", wards, affiliates)
    client.force_login(OfficerFactory(constituencies=[ballot.constituency]))
    # Plus the session, the user, the user's permissions (two queries) and the constituency check.
    with django_assert_num_queries(PUBLIC_QUERIES + 5):
        _get(client, "ballots:results", ballot)


@pytest.mark.parametrize("n_ballots", [1, 12])
def test_the_declared_list_makes_a_constant_number_of_queries(client, db, django_assert_num_queries, n_ballots):
    for i in range(n_ballots):
        _ballot(f"Constituency {i}", 3, 3)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("ballots:declared_list"))
    assert response.status_code == 200
    assert response.content.count(b'/results"') == n_ballots
