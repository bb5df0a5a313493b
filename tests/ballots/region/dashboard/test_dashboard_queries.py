"""The dashboard and its CSV make the same number of queries for 3 ballots or 12."""

import pytest
from django.urls import reverse

from tests.ballots.region.dashboard.conftest import region_with_ballots
from tests.factories import RegionalOfficerFactory

# The session, the user, the user's permissions (two queries), the region, whether the user runs
# it; the ballots; the roll counts; the affiliate counts; the drafts' members and affiliates; the
# declared results (votes, ward names, affiliates); the rounds listed and the round filter's choices.
PAGE_QUERIES = 16
# No rounds list and no filter form drawn.
CSV_QUERIES = 14


@pytest.mark.parametrize("n_ballots", [3, 12])
def test_the_page_makes_a_constant_number_of_queries(client, db, django_assert_num_queries, n_ballots):
    region, _round, _ballots = region_with_ballots(n_ballots)
    client.force_login(RegionalOfficerFactory(regions=[region]))
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(reverse("ballots:region_dashboard", args=[region.pk]))
    assert response.status_code == 200
    assert len(response.context["table"].rows) == n_ballots


@pytest.mark.parametrize("n_ballots", [3, 12])
def test_the_csv_makes_a_constant_number_of_queries(client, db, django_assert_num_queries, n_ballots):
    region, _round, _ballots = region_with_ballots(n_ballots)
    client.force_login(RegionalOfficerFactory(regions=[region]))
    with django_assert_num_queries(CSV_QUERIES):
        response = client.get(reverse("ballots:region_dashboard_csv", args=[region.pk]))
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + n_ballots
