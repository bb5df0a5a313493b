"""Password reset: the same reply for known and unknown addresses, limited, in the project's words."""

import re

from django.core import mail
from django.urls import reverse

from members.models import AuditEvent
from tests.factories import OFFICER_PASSWORD

RESET = "/accounts/password_reset/"


def ask(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def test_the_reset_page_is_the_projects_own_and_protected_by_csrf(client, db):
    html = client.get(RESET).content.decode()

    assert "Reset your password" in html
    assert "csrfmiddlewaretoken" in html
    assert "Django administration" not in html


def test_a_known_and_an_unknown_address_get_the_same_reply(client, officer):
    known = ask(client, officer.email, REMOTE_ADDR="10.0.0.1")
    unknown = ask(client, "nobody@example.org", REMOTE_ADDR="10.0.0.2")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [officer.email]


def test_the_link_is_built_on_the_site_address_not_the_host_asked_for(client, officer, settings):
    settings.SITE_URL = "https://ballots.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    ask(client, officer.email, HTTP_HOST="evil.example.com")

    body = mail.outbox[0].body
    assert "https://ballots.example.org/accounts/reset/" in body
    assert "evil.example.com" not in body


def test_requests_for_one_address_are_limited_whether_or_not_it_has_an_account(client, officer, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    replies = {}
    for email in (officer.email, "nobody@example.org"):
        for n in range(2):
            assert ask(client, email, REMOTE_ADDR=f"10.1.{len(replies)}.{n}").status_code == 302
        limited = ask(client, email, REMOTE_ADDR=f"10.2.{len(replies)}.9")
        replies[email] = (limited.status_code, "Too many attempts" in limited.content.decode())

    assert replies[officer.email] == replies["nobody@example.org"] == (429, True)
    assert len(mail.outbox) == 2


def test_one_client_asking_for_many_addresses_is_limited(client, officer, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 3
    for n in range(3):
        ask(client, f"guess{n}@example.org")

    response = ask(client, officer.email)

    assert response.status_code == 429
    assert mail.outbox == []


def test_bad_input_gets_the_form_back_not_an_error(client, db):
    for email in ["", "not an address", "a\x00b@example.org", "x" * 5000 + "@example.org"]:
        assert ask(client, email).status_code == 200


def test_the_link_sets_a_new_password_once_signs_nobody_in_and_is_audited(client, officer):
    ask(client, officer.email)
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    new_password = "a brand new long passphrase"
    done = client.post(form.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password})

    assert done["Location"] == reverse("password_reset_complete")
    assert "_auth_user_id" not in client.session
    officer.refresh_from_db()
    assert officer.check_password(new_password) and not officer.check_password(OFFICER_PASSWORD)
    assert AuditEvent.objects.filter(action="password_reset", actor=officer).exists()
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_a_broken_link_says_so_in_plain_words(client, db):
    for link in ["/accounts/reset/MQ/bad-token/", "/accounts/reset/%C2%B2/set-password/", "/accounts/reset/x/y/"]:
        response = client.get(link, follow=True)
        assert response.status_code == 200
        assert "This link does not work" in response.content.decode()
