"""The region set-up pages: access, constituencies, invitations, accepting, revoking and removing."""

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from members.models import Invitation
from members.regions.services import invitation_create, invitation_resend, invitation_token_issue, token_hash
from tests.factories import ConstituencyFactory, OfficerFactory, RegionalOfficerFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

QUERIES = {"members:region": 10, "members:region_people": 14}


def _pages(region):
    return [
        reverse("members:region_list"),
        reverse("members:region", args=[region.pk]),
        reverse("members:region_constituency_add", args=[region.pk]),
        reverse("members:region_people", args=[region.pk]),
    ]


def test_anonymous_users_are_sent_to_sign_in(client, region):
    for url in _pages(region):
        assert client.get(url).status_code == 302


def test_constituency_officers_and_other_regions_officers_are_refused(client, region):
    constituency = ConstituencyFactory(region=region)
    for user in (OfficerFactory(constituencies=[constituency]), RegionalOfficerFactory(regions=[RegionFactory()])):
        client.force_login(user)
        for url in _pages(region)[1:]:
            assert client.get(url).status_code == 403


def test_own_regional_officer_opens_every_page(regional_client, region):
    for url in _pages(region):
        assert regional_client.get(url).status_code == 200


def test_adding_a_constituency_sets_its_region_and_wards(regional_client, region):
    response = regional_client.post(
        reverse("members:region_constituency_add", args=[region.pk]),
        {"name": "Dover", "sitting_mp": "Mike Tapp", "wards": "Castle\n\nTower Hamlets\n"},
    )
    assert response.status_code == 302
    constituency = region.constituencies.get(name="Dover")
    assert sorted(w.name for w in constituency.wards.all()) == ["Castle", "Tower Hamlets"]


def test_a_duplicate_constituency_name_is_a_400(regional_client, region):
    ConstituencyFactory(name="Dover")
    response = regional_client.post(
        reverse("members:region_constituency_add", args=[region.pk]), {"name": "dover", "sitting_mp": "X"}
    )
    assert response.status_code == 400


def test_posts_need_the_csrf_token(regional, region):
    client = Client(enforce_csrf_checks=True)
    client.force_login(regional)
    url = reverse("members:region_people", args=[region.pk])
    assert client.post(url, {"email": "a@example.org", "role": "regional_officer"}).status_code == 403


def test_inviting_emails_a_link_whose_token_is_kept_nowhere(
    regional_client, region, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        regional_client.post(
            reverse("members:region_people", args=[region.pk]), {"email": "New@Example.org", "role": "regional_officer"}
        )
    invitation = Invitation.objects.get()
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation.sent_at is not None
    assert token not in caplog.text
    # Only its keyed hash is stored, and it is the hash of the emailed token: the link works.
    assert invitation.token_hash == token_hash(token) != token
    assert not Invitation.objects.filter(token_hash__contains=token).exists()
    assert client_for_link_answers(regional_client, token) == 200


def client_for_link_answers(client, token):
    client.logout()
    return client.get(reverse("members:invitation_accept", args=[token])).status_code


def test_a_resend_makes_a_new_link_and_the_old_one_stops_working(client, region, regional):
    invitation = _invite(region, regional)
    token = invitation_token_issue(invitation)
    assert client.get(reverse("members:invitation_accept", args=[token])).status_code == 200
    invitation_resend(actor=regional, invitation=invitation)
    assert client.get(reverse("members:invitation_accept", args=[token])).status_code == 404


def _invite(region, regional, role="officer", email="new@example.org"):
    constituency = ConstituencyFactory(region=region) if role != "regional_officer" else None
    return invitation_create(actor=regional, region=region, email=email, role=role, constituency=constituency)


def test_accepting_makes_the_account_and_gives_the_role(client, region, regional):
    invitation = _invite(region, regional)
    url = reverse("members:invitation_accept", args=[invitation_token_issue(invitation)])
    response = client.post(url, {"name": "Ann Smith", "password1": "a-Long-pass-2026", "password2": "a-Long-pass-2026"})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new@example.org")
    assert invitation.constituency.officers.filter(pk=user.pk).exists()
    assert user.groups.filter(name="Officers").exists()
    assert client.get(url).status_code == 410


def test_accepting_with_two_factor_starts_enrolment(client, region, regional, settings):
    settings.OFFICER_TWO_FACTOR = True
    invitation = _invite(region, regional)
    url = reverse("members:invitation_accept", args=[invitation_token_issue(invitation)])
    response = client.post(url, {"name": "Ann", "password1": "a-Long-pass-2026", "password2": "a-Long-pass-2026"})
    assert response.url == reverse("two_factor_enrol")


def test_an_existing_account_signs_in_first(client, region, regional):
    user = UserFactory(email="new@example.org")
    invitation = _invite(region, regional)
    url = reverse("members:invitation_accept", args=[invitation_token_issue(invitation)])
    assert client.get(url).status_code == 302
    client.force_login(user)
    client.post(url)
    assert invitation.constituency.officers.filter(pk=user.pk).exists()


def test_unknown_and_revoked_links_get_a_plain_page(client, region, regional_client, regional):
    assert client.get(reverse("members:invitation_accept", args=["nonsense"])).status_code == 404
    invitation = _invite(region, regional)
    regional_client.post(
        reverse("members:region_people", args=[region.pk]), {"action": "revoke", "invitation": invitation.pk}
    )
    assert (
        client.get(reverse("members:invitation_accept", args=[invitation_token_issue(invitation)])).status_code == 410
    )


def test_removing_access_takes_the_group_when_it_was_the_last_place(regional_client, region):
    constituency = ConstituencyFactory(region=region)
    officer = OfficerFactory(constituencies=[constituency])
    regional_client.post(
        reverse("members:region_people", args=[region.pk]),
        {"action": "remove", "user": officer.pk, "role": "officer", "constituency": constituency.pk},
    )
    assert not constituency.officers.filter(pk=officer.pk).exists()
    assert not officer.groups.filter(name="Officers").exists()


def test_a_name_without_the_group_is_flagged_and_can_be_fixed(regional_client, region):
    constituency = ConstituencyFactory(region=region)
    user = UserFactory()
    constituency.officers.add(user)
    url = reverse("members:region_people", args=[region.pk])
    assert "not in the Officers group" in regional_client.get(url).content.decode()
    regional_client.post(
        url, {"action": "group_add", "user": user.pk, "role": "officer", "constituency": constituency.pk}
    )
    assert user.groups.filter(name="Officers").exists()


@pytest.mark.parametrize("name", ["members:region", "members:region_people"])
def test_pages_run_the_same_queries_for_2_and_20_constituencies(
    regional_client, region, django_assert_num_queries, name
):
    url = reverse(name, args=[region.pk])
    for total in (2, 20):
        while region.constituencies.count() < total:
            OfficerFactory(constituencies=[ConstituencyFactory(region=region)])
        with django_assert_num_queries(QUERIES[name]):
            assert regional_client.get(url).status_code == 200


def test_a_refused_email_is_recorded_as_failed(region, regional, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.members.regions.test_regions_setup.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(region, regional)
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert "ConnectionRefusedError" in invitation.send_failure


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("no mail server")
