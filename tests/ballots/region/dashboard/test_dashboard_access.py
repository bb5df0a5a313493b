"""Who may open a region's dashboard: its own regional officers only."""

import pytest
from django.urls import reverse

from tests.factories import OfficerFactory, RegionalOfficerFactory, RegionFactory, ScrutineerFactory

PAGES = ["ballots:region_dashboard", "ballots:region_dashboard_csv"]


@pytest.mark.parametrize("page", PAGES)
def test_nobody_signed_in_is_sent_to_log_in(client, kent, page):
    region, _round, _ballots = kent
    response = client.get(reverse(page, args=[region.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_a_constituency_officer_is_refused_and_told_why(client, kent, page):
    region, _round, ballots = kent
    client.force_login(OfficerFactory(constituencies=[ballots[0].constituency]))
    response = client.get(reverse(page, args=[region.pk]))
    assert response.status_code == 403
    assert b"for regional officers" in response.content


@pytest.mark.parametrize("page", PAGES)
def test_a_regional_officer_of_another_region_is_refused(client, kent, page):
    region, _round, _ballots = kent
    client.force_login(RegionalOfficerFactory(regions=[RegionFactory(name="Essex")]))
    response = client.get(reverse(page, args=[region.pk]))
    assert response.status_code == 403
    assert b"not of Kent" in response.content


def test_a_scrutineer_is_refused(client, kent):
    region, _round, ballots = kent
    client.force_login(ScrutineerFactory(constituencies=[ballots[0].constituency]))
    assert client.get(reverse("ballots:region_dashboard", args=[region.pk])).status_code == 403


def test_a_region_that_does_not_exist_is_not_found(regional_client):
    assert regional_client.get(reverse("ballots:region_dashboard", args=[999999])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_the_region_s_own_officer_may_open_it(regional_client, kent, page):
    region, _round, _ballots = kent
    assert regional_client.get(reverse(page, args=[region.pk])).status_code == 200
