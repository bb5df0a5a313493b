"""Invitations from a region's people page: sending, the states shown, accepting, refusing and revoking.

These add to test_regions_setup.py, which covers access, the first email, one resend, removal and
query counts: here are the other roles, every unusable state of a link, the page's buttons and
their guards, and the CSRF check of the accept page.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation
from members.regions.services import invitation_create, invitation_token_issue, token_hash
from tests.factories import ConstituencyFactory, OfficerFactory, RegionalOfficerFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-2026"


@pytest.fixture
def constituency(region):
    return ConstituencyFactory(name="Dover", region=region)


def _people(region):
    return reverse("members:region_people", args=[region.pk])


def _invite(region, regional, *, role="officer", constituency=None, email="new@example.org"):
    return invitation_create(actor=regional, region=region, email=email, role=role, constituency=constituency)


def _link(invitation):
    return reverse("members:invitation_accept", args=[invitation_token_issue(invitation)])


def _emailed_token(message):
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


def test_a_scrutineer_invitation_is_emailed_through_the_queued_task(
    regional_client, region, constituency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = regional_client.post(
            _people(region), {"email": "scrut@example.org", "role": "scrutineer", "constituency": constituency.pk}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.constituency) == ("scrutineer", constituency)
    assert mail.outbox[0].to == ["scrut@example.org"]
    assert "scrutineer of Dover" in mail.outbox[0].body
    assert invitation.token_hash == token_hash(_emailed_token(mail.outbox[0]))


def test_the_email_names_the_expiry_in_uk_time(regional_client, region, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        regional_client.post(_people(region), {"email": "r@example.org", "role": "regional_officer"})
    assert re.search(r"until .*(GMT|BST)", mail.outbox[0].body)


def test_an_officer_or_scrutineer_invitation_needs_a_constituency_of_the_region(regional_client, region):
    other = ConstituencyFactory(region=RegionFactory())
    for data in (
        {"email": "a@example.org", "role": "officer"},
        {"email": "a@example.org", "role": "scrutineer", "constituency": other.pk},
        {"email": "not an email", "role": "regional_officer"},
        {"email": "a@example.org", "role": "chair"},
    ):
        assert regional_client.post(_people(region), data).status_code == 400
    assert not Invitation.objects.exists()


def test_the_page_shows_each_state_with_uk_times(regional_client, region, regional, constituency):
    now = timezone.now()
    waiting = _invite(region, regional, constituency=constituency, email="waiting@example.org")
    sent = _invite(region, regional, constituency=constituency, email="sent@example.org")
    failed = _invite(region, regional, constituency=constituency, email="failed@example.org")
    expired = _invite(region, regional, constituency=constituency, email="expired@example.org")
    revoked = _invite(region, regional, constituency=constituency, email="revoked@example.org")
    Invitation.objects.filter(pk=waiting.pk).update(sent_at=None, send_failure="")
    Invitation.objects.filter(pk=sent.pk).update(sent_at=now, send_failure="")
    Invitation.objects.filter(pk=failed.pk).update(sent_at=None, send_failure="The mail server refused it (SMTPError).")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=now - timedelta(days=1))
    Invitation.objects.filter(pk=revoked.pk).update(revoked_at=now)
    page = regional_client.get(_people(region)).content.decode()
    assert "Waiting to be sent" in page
    assert re.search(r"Sent on [^<]*(GMT|BST), usable until [^<]*(GMT|BST)", page)
    assert "Not sent: The mail server refused it (SMTPError)." in page
    assert re.search(r"Out of date since [^<]*(GMT|BST)", page)
    assert re.search(r"Withdrawn on [^<]*(GMT|BST)", page)


def test_send_again_gives_a_failed_invitation_a_new_link_and_expiry(
    regional_client, region, regional, constituency, django_capture_on_commit_callbacks
):
    invitation = _invite(region, regional, constituency=constituency)
    old_link = _link(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        send_failure="The mail server refused it (SMTPError).", expires_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = regional_client.post(_people(region), {"action": "resend", "invitation": invitation.pk})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.send_failure == ""
    assert invitation.sent_at is not None
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert Client().get(old_link).status_code == 404
    new_link = reverse("members:invitation_accept", args=[_emailed_token(mail.outbox[-1])])
    assert Client().get(new_link).status_code == 200


def test_withdrawing_an_invitation_stops_its_link_and_is_audited(regional_client, region, regional, constituency):
    invitation = _invite(region, regional, constituency=constituency)
    link = _link(invitation)
    regional_client.post(_people(region), {"action": "revoke", "invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.revoked_by == regional
    response = Client().get(link)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert constituency.audit_events.filter(action="invitation_revoked").exists()


def test_a_used_or_withdrawn_invitation_cannot_be_withdrawn_or_sent_again(regional_client, region, regional):
    invitation = _invite(region, regional, role="regional_officer")
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    for action in ("revoke", "resend"):
        assert regional_client.post(_people(region), {"action": action, "invitation": invitation.pk}).status_code == 400


def test_another_regions_invitation_is_not_found(regional_client, region):
    other_region = RegionFactory()
    invitation = _invite(other_region, RegionalOfficerFactory(regions=[other_region]), role="regional_officer")
    response = regional_client.post(_people(region), {"action": "revoke", "invitation": invitation.pk})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_out_of_date_link_gets_a_plain_410(client, region, regional):
    invitation = _invite(region, regional, role="regional_officer")
    link = _link(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link)
    assert response.status_code == 410
    assert "out of date" in response.content.decode()
    assert client.post(link, {"name": "Ann", "password1": PASSWORD, "password2": PASSWORD}).status_code == 410
    assert not get_user_model().objects.filter(username="new@example.org").exists()


def test_a_used_link_cannot_make_a_second_account(client, region, regional):
    link = _link(_invite(region, regional, role="regional_officer"))
    client.post(link, {"name": "Ann Smith", "password1": PASSWORD, "password2": PASSWORD})
    response = Client().post(link, {"name": "Someone Else", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert get_user_model().objects.filter(username="new@example.org").count() == 1


def test_accepting_a_regional_invitation_without_two_factor_signs_in(client, region, regional, settings):
    settings.OFFICER_TWO_FACTOR = False
    link = _link(_invite(region, regional, role="regional_officer"))
    response = client.post(link, {"name": "Ann Smith", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new@example.org")
    assert (user.first_name, user.last_name, user.email) == ("Ann", "Smith", "new@example.org")
    assert region.officers.filter(pk=user.pk).exists()
    assert user.groups.filter(name="Regional officers").exists()
    assert client.get(_people(region)).status_code == 200


def test_accepting_with_two_factor_does_not_sign_in_before_the_code(client, region, regional, settings):
    settings.OFFICER_TWO_FACTOR = True
    link = _link(_invite(region, regional, role="regional_officer"))
    response = client.post(link, {"name": "Ann", "password1": PASSWORD, "password2": PASSWORD})
    assert response.url == reverse("two_factor_enrol")
    assert client.get(_people(region)).status_code == 302


def test_weak_or_unmatched_passwords_are_a_400(client, region, regional):
    link = _link(_invite(region, regional, role="regional_officer"))
    for one, two in (("password", "password"), (PASSWORD, PASSWORD + "x")):
        assert client.post(link, {"name": "Ann", "password1": one, "password2": two}).status_code == 400
    assert not get_user_model().objects.filter(username="new@example.org").exists()


def test_the_accept_form_needs_the_csrf_token(region, regional):
    link = _link(_invite(region, regional, role="regional_officer"))
    response = Client(enforce_csrf_checks=True).post(
        link, {"name": "Ann", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="new@example.org").exists()


def test_a_signed_in_account_with_the_same_email_accepts_for_itself(client, region, regional, constituency):
    user = UserFactory(email="New@Example.org")
    link = _link(_invite(region, regional, role="scrutineer", constituency=constituency))
    client.force_login(user)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert constituency.scrutineers.filter(pk=user.pk).exists()
    assert user.groups.filter(name="Scrutineers").exists()
    assert get_user_model().objects.filter(email__iexact="new@example.org").count() == 1


def test_someone_signed_in_as_another_account_is_asked_to_sign_in_as_the_invited_one(client, region, regional):
    UserFactory(email="new@example.org")
    link = _link(_invite(region, regional, role="regional_officer"))
    other = OfficerFactory()
    client.force_login(other)
    response = client.post(link)
    page = response.content.decode()
    assert response.status_code == 403
    assert "sent to new@example.org" in page
    assert f"signed in as {other.username}" in page
    assert not region.officers.exclude(pk=regional.pk).exists()
    signed_out = client.post(reverse("logout"), {"next": link})
    assert signed_out.url == link
    again = client.get(link)
    assert again.status_code == 302
    assert reverse("login") in again.url


def test_an_account_named_by_the_email_but_without_it_is_asked_to_sign_in(client, region, regional):
    UserFactory(username="new@example.org", email="")
    link = _link(_invite(region, regional, role="regional_officer"))
    response = client.post(link, {"name": "Ann", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302


def test_add_to_the_group_is_only_for_people_named_in_the_region(regional_client, region, constituency):
    stranger = UserFactory()
    data = {"action": "group_add", "user": stranger.pk, "role": "officer", "constituency": constituency.pk}
    response = regional_client.post(_people(region), data, follow=True)
    assert "That person is not named there" in response.content.decode()
    assert not stranger.groups.exists()


def test_removing_a_scrutineer_keeps_the_group_while_they_hold_another_place(regional_client, region, constituency):
    second = ConstituencyFactory(region=region)
    scrutineer = UserFactory()
    scrutineer.groups.add(Group.objects.get(name="Scrutineers"))
    constituency.scrutineers.add(scrutineer)
    second.scrutineers.add(scrutineer)
    data = {"action": "remove", "user": scrutineer.pk, "role": "scrutineer", "constituency": constituency.pk}
    regional_client.post(_people(region), data)
    assert not constituency.scrutineers.filter(pk=scrutineer.pk).exists()
    assert scrutineer.groups.filter(name="Scrutineers").exists()
    regional_client.post(_people(region), {**data, "constituency": second.pk})
    assert not scrutineer.groups.filter(name="Scrutineers").exists()


def test_removing_a_regional_officer_takes_them_off_the_region(regional_client, region):
    other = RegionalOfficerFactory(regions=[region])
    regional_client.post(_people(region), {"action": "remove", "user": other.pk, "role": "regional_officer"})
    assert not region.officers.filter(pk=other.pk).exists()
    assert not other.groups.filter(name="Regional officers").exists()


def test_the_only_regional_officer_cannot_be_removed(regional_client, region, regional):
    data = {"action": "remove", "user": regional.pk, "role": "regional_officer"}
    page = regional_client.post(_people(region), data, follow=True).content.decode()
    assert f"is the only regional officer of {region.name}" in page
    assert region.officers.filter(pk=regional.pk).exists()
    assert regional.groups.filter(name="Regional officers").exists()


def test_a_regional_officer_can_leave_once_another_runs_the_region(regional_client, region, regional):
    RegionalOfficerFactory(regions=[region])
    regional_client.post(_people(region), {"action": "remove", "user": regional.pk, "role": "regional_officer"})
    assert not region.officers.filter(pk=regional.pk).exists()
    assert region.officers.count() == 1


def test_refused_buttons_show_the_site_400_page(regional_client, region):
    response = regional_client.post(_people(region), {"action": "explode"})
    assert response.status_code == 400
    assert "Your request could not be read" in response.content.decode()


def test_bad_buttons_get_a_400_not_a_500(regional_client, region):
    for data in ({"action": "explode"}, {"action": "remove", "user": "1", "role": "chair"}):
        assert regional_client.post(_people(region), data).status_code == 400


def test_a_row_id_that_is_not_a_number_is_a_400(regional_client, region):
    assert regional_client.post(_people(region), {"action": "revoke", "invitation": "x"}).status_code == 400


def test_the_people_page_runs_the_same_queries_with_many_invitations(
    regional_client, region, regional, django_assert_num_queries
):
    constituency = ConstituencyFactory(region=region)
    counted = []
    for total in (2, 20):
        while Invitation.objects.count() < total:
            _invite(region, regional, constituency=constituency, email=f"p{Invitation.objects.count()}@example.org")
        with django_assert_num_queries(13) as queries:
            assert regional_client.get(_people(region)).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]
