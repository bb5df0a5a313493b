"""The admin: its login is the officer login (same rate limit, same code), and it wants the code."""

from django.urls import reverse

from tests.accounts.conftest import code_of, password_step
from tests.factories import OFFICER_PASSWORD, UserFactory


def staff(**extra):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, **extra)


def test_the_admin_login_address_goes_to_the_officer_login(client, db):
    response = client.get("/admin/login/?next=/admin/members/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fmembers%2F"


def test_posting_passwords_to_the_admin_login_checks_none_of_them(client, db):
    user = staff()
    response = client.post("/admin/login/", {"username": user.username, "password": OFFICER_PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_for_the_admin_count_against_the_same_limit(client, db, settings):
    settings.LOGIN_RATE_LIMIT = 3
    user = staff()
    for _ in range(3):
        client.post("/accounts/login/?next=/admin/", {"username": user.username, "password": "wrong"})

    response = client.post("/accounts/login/?next=/admin/", {"username": user.username, "password": OFFICER_PASSWORD})

    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_the_admin_is_not_open_to_a_session_without_the_code(client, db, two_factor_on):
    user = staff()
    client.force_login(user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert client.get("/admin/", follow=True).request["PATH_INFO"] == "/accounts/login/"


def test_the_admin_opens_after_the_password_and_the_code(client, db, two_factor_on):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    password_step(client, user, next_url="/admin/")

    response = client.post(reverse("two_factor"), {"code": code_of(device.bin_key)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_removing_an_authenticator_in_the_admin_is_an_audited_reset(client, db, two_factor_on, officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from members.models import AuditEvent

    user = staff()
    own = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    lost = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    password_step(client, user, next_url="/admin/")
    client.post(reverse("two_factor"), {"code": code_of(own.bin_key)})
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200
    assert lost.key not in client.get(f"/admin/otp_totp/totpdevice/{lost.pk}/change/").content.decode()

    response = client.post(f"/admin/otp_totp/totpdevice/{lost.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.actor == user
    assert event.detail["officer"] == officer.username
