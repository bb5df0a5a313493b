"""Correcting a constituency's name or sitting MP from the region's pages."""

import pytest
from django.urls import reverse

from ballots.officer.audit_words import audit_sentence
from members.models import AuditEvent
from tests.factories import (
    ConstituencyFactory,
    OfficerFactory,
    RegionFactory,
    TriggerBallotFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def constituency(region):
    return ConstituencyFactory(region=region, name="Canterbry", sitting_mp="Rosie Dufield")


def _edit(region, constituency):
    return reverse("members:region_constituency_edit", args=[region.pk, constituency.pk])


def test_the_region_page_links_to_each_constituencys_edit_page(regional_client, region, constituency):
    page = regional_client.get(reverse("members:region", args=[region.pk])).content.decode()
    assert _edit(region, constituency) in page


def test_the_edit_page_shows_the_current_name_and_mp(regional_client, region, constituency):
    page = regional_client.get(_edit(region, constituency)).content.decode()
    assert 'value="Canterbry"' in page and 'value="Rosie Dufield"' in page


def test_a_typo_is_corrected_and_recorded_in_plain_words(regional_client, region, constituency):
    response = regional_client.post(
        _edit(region, constituency), {"name": " Canterbury ", "sitting_mp": "Rosie Duffield"}
    )
    assert response.status_code == 302
    constituency.refresh_from_db()
    assert (constituency.name, constituency.sitting_mp) == ("Canterbury", "Rosie Duffield")
    event = AuditEvent.objects.get(action="constituency_updated")
    assert audit_sentence(event.action, event.detail) == (
        "Corrected the constituency: the name from “Canterbry” to “Canterbury”; "
        "the sitting MP from “Rosie Dufield” to “Rosie Duffield”."
    )


def test_saving_without_a_change_records_nothing(regional_client, region, constituency):
    regional_client.post(_edit(region, constituency), {"name": "Canterbry", "sitting_mp": "Rosie Dufield"})
    assert not AuditEvent.objects.filter(action="constituency_updated").exists()


def test_a_ballot_already_made_keeps_the_mp_it_names(regional_client, region, constituency):
    ballot = TriggerBallotFactory(constituency=constituency, sitting_mp="Rosie Dufield")
    regional_client.post(_edit(region, constituency), {"name": "Canterbry", "sitting_mp": "Rosie Duffield"})
    ballot.refresh_from_db()
    assert ballot.sitting_mp == "Rosie Dufield"


def test_a_name_another_constituency_has_is_refused_with_a_400(regional_client, region, constituency):
    ConstituencyFactory(name="Ashford")
    response = regional_client.post(_edit(region, constituency), {"name": "ashford", "sitting_mp": "X"})
    assert response.status_code == 400
    assert "There is already a constituency called “ashford”" in response.content.decode()
    constituency.refresh_from_db()
    assert constituency.name == "Canterbry"


def test_an_empty_mp_is_refused(regional_client, region, constituency):
    assert (
        regional_client.post(_edit(region, constituency), {"name": "Canterbry", "sitting_mp": "  "}).status_code == 400
    )


def test_another_regions_constituency_is_not_found(regional_client, region):
    elsewhere = ConstituencyFactory(region=RegionFactory())
    assert regional_client.get(_edit(region, elsewhere)).status_code == 404


def test_a_constituency_officer_cannot_edit_it_here(client, region, constituency):
    client.force_login(OfficerFactory(constituencies=[constituency]))
    response = client.post(_edit(region, constituency), {"name": "Elsewhere", "sitting_mp": "X"})
    assert response.status_code == 403
    constituency.refresh_from_db()
    assert constituency.name == "Canterbry"
