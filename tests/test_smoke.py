"""The project is wired: home page, login and access rules for officer pages."""

from django.urls import reverse

from tests.factories import ConstituencyFactory, UserFactory


def test_home_page_links_members_to_voting(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/vote/"' in response.content


def test_anonymous_user_is_sent_to_login_from_an_officer_page(client, constituency):
    response = client.get(reverse("members:constituency", args=[constituency.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_user_without_officer_permission_gets_403(client, constituency):
    client.force_login(UserFactory())
    response = client.get(reverse("members:constituency", args=[constituency.pk]))
    assert response.status_code == 403


def test_officer_of_another_constituency_gets_403(officer_client, db):
    other = ConstituencyFactory(name="Elsewhere")
    response = officer_client.get(reverse("members:constituency", args=[other.pk]))
    assert response.status_code == 403


def test_officer_sees_own_constituency(officer_client, constituency, wards):
    response = officer_client.get(reverse("members:constituency", args=[constituency.pk]))
    assert response.status_code == 200
    assert b"Barton" in response.content
