"""Officer login is rate limited per username and per client, and says when to try again."""

from django.test import override_settings

from tests.factories import OFFICER_PASSWORD


@override_settings(LOGIN_RATE_LIMIT=3)
def test_login_is_refused_after_too_many_failures_even_with_the_right_password(client, officer):
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": officer.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"username": officer.username, "password": OFFICER_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts. You can try again after" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_RATE_LIMIT=3)
def test_failures_for_one_username_do_not_lock_out_another_client(client, officer, rf):
    for _ in range(3):
        client.post("/accounts/login/", {"username": officer.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        "/accounts/login/", {"username": officer.username, "password": OFFICER_PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    # The username itself is limited, whichever client asks.
    assert response.status_code == 429


@override_settings(LOGIN_RATE_LIMIT=3)
def test_a_client_guessing_many_usernames_is_limited(client, officer):
    for n in range(3):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": officer.username, "password": OFFICER_PASSWORD})
    assert response.status_code == 429


def test_a_correct_login_under_the_limit_works(client, officer):
    client.post("/accounts/login/", {"username": officer.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": officer.username, "password": OFFICER_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


@override_settings(LOGIN_RATE_LIMIT=3, OFFICER_TWO_FACTOR=True)
def test_with_two_factor_on_a_limited_login_does_not_even_reach_the_code(client, officer):
    for _ in range(3):
        client.post("/accounts/login/", {"username": officer.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": officer.username, "password": OFFICER_PASSWORD})

    assert response.status_code == 429
    assert "two_factor_pending" not in client.session
