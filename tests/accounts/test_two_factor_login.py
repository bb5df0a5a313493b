"""Two-factor login: a password alone signs nobody in; the code (or setting one up) finishes it."""

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import AuditEvent
from tests.accounts.conftest import code_of, password_step
from tests.factories import UserFactory

OFFICER_PAGE = "/constituencies/"


def signed_in(client):
    return "_auth_user_id" in client.session


def test_a_right_password_alone_reaches_no_officer_page(client, officer, device, two_factor_on):
    response = password_step(client, officer, next_url=OFFICER_PAGE)

    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor")
    assert not signed_in(client)
    page = client.get(OFFICER_PAGE)
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


def test_the_right_code_after_the_password_signs_in_and_goes_where_asked(client, officer, device, two_factor_on):
    password_step(client, officer, next_url=OFFICER_PAGE)
    page = client.get(reverse("two_factor"))
    assert "Enter the code from your authenticator app" in page.content.decode()

    response = client.post(reverse("two_factor"), {"code": code_of(device.bin_key)})

    assert response.status_code == 302
    assert response["Location"] == OFFICER_PAGE
    assert client.get(OFFICER_PAGE).status_code == 200


def test_a_wrong_code_is_refused_in_plain_words(client, officer, device, two_factor_on):
    password_step(client, officer)
    right = code_of(device.bin_key)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"

    response = client.post(reverse("two_factor"), {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)


def test_a_code_once_used_cannot_be_used_again(client, officer, device, two_factor_on):
    code = code_of(device.bin_key)
    password_step(client, officer)
    client.post(reverse("two_factor"), {"code": code})
    client.post(reverse("logout"))

    password_step(client, officer)
    response = client.post(reverse("two_factor"), {"code": code})

    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)


def test_codes_are_rate_limited_like_the_password_even_the_right_one(client, officer, device, two_factor_on, settings):
    settings.LOGIN_RATE_LIMIT = 3
    password_step(client, officer)
    for _ in range(3):
        client.post(reverse("two_factor"), {"code": "000000" if code_of(device.bin_key) != "000000" else "111111"})

    response = client.post(reverse("two_factor"), {"code": code_of(device.bin_key)})

    assert response.status_code == 429
    assert "Too many attempts. You can try again after" in response.content.decode()
    assert not signed_in(client)


def test_the_code_page_answers_any_input_without_an_error(client, officer, device, two_factor_on):
    password_step(client, officer)
    for code in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12\x0034", "9" * 5000, "12 34 56"]:
        response = client.post(reverse("two_factor"), {"code": code})
        assert response.status_code in {200, 302}


def test_the_code_pages_without_a_password_first_send_to_the_login(client, officer, device, two_factor_on):
    for name in ("two_factor", "two_factor_enrol"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("login")


def test_the_code_page_needs_its_csrf_token(officer, device, two_factor_on):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    password_step(client, officer)  # refused too: the login form is protected the same way
    response = client.post(reverse("two_factor"), {"code": "123456"})

    assert response.status_code == 403


def test_an_officer_with_no_authenticator_sets_one_up_and_is_signed_in(client, officer, two_factor_on):
    response = password_step(client, officer)
    assert response["Location"] == reverse("two_factor_enrol")
    page = client.get(reverse("two_factor_enrol"))
    html = page.content.decode()
    assert "<svg" in html and "Set up two-factor login" in html
    secret = page.context["secret_text"]
    assert client.get(reverse("two_factor_enrol")).context["secret_text"] == secret  # the same on every visit
    assert not TOTPDevice.objects.filter(user=officer).exists()  # looking writes nothing

    from base64 import b32decode

    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    response = client.post(reverse("two_factor_enrol"), {"code": code_of(key)})

    assert response.status_code == 302
    assert signed_in(client)
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.bin_key == key
    assert AuditEvent.objects.filter(action="two_factor_enrolled", actor=officer).exists()
    assert client.get(OFFICER_PAGE).status_code == 200


def test_enrolment_refuses_a_wrong_code_and_keeps_no_device(client, officer, two_factor_on):
    password_step(client, officer)
    client.get(reverse("two_factor_enrol"))

    response = client.post(reverse("two_factor_enrol"), {"code": "000000"})

    assert response.status_code == 200
    assert not signed_in(client)
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_an_officer_with_an_authenticator_cannot_be_shown_a_new_secret(client, officer, device, two_factor_on):
    password_step(client, officer)

    response = client.get(reverse("two_factor_enrol"))

    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor")


def test_with_two_factor_off_the_password_signs_in_as_before(client, officer, settings):
    settings.OFFICER_TWO_FACTOR = False

    response = password_step(client, officer)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_session_signed_in_without_the_code_is_logged_out(client, officer, two_factor_on):
    client.force_login(officer)  # as a session from before two-factor login was turned on

    response = client.get(OFFICER_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)


def test_the_results_pages_show_no_officer_figures_to_an_unverified_session(client, officer, two_factor_on):
    client.force_login(officer)

    client.get("/ballots/")

    assert not signed_in(client)


def test_every_account_needs_the_code_not_only_officers(client, db, two_factor_on):
    user = UserFactory(username="someone")

    response = password_step(client, user)

    assert response["Location"] == reverse("two_factor_enrol")
    assert not signed_in(client)
