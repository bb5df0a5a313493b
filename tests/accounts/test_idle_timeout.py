"""Idle officer sessions end on their next request, with the reason on the login page."""

import time

from django.urls import reverse

from accounts.two_factor import LAST_SEEN_KEY

OFFICER_PAGE = "/constituencies/"


def idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_used_within_the_idle_time_carries_on(officer_client, settings):
    settings.OFFICER_IDLE_MINUTES = 30
    officer_client.get(OFFICER_PAGE)
    idle_for(officer_client, 29 * 60)

    assert officer_client.get(OFFICER_PAGE).status_code == 200
    assert officer_client.session[LAST_SEEN_KEY] >= int(time.time()) - 5


def test_a_session_idle_too_long_is_logged_out_with_a_clear_message(officer_client, settings):
    settings.OFFICER_IDLE_MINUTES = 30
    officer_client.get(OFFICER_PAGE)
    idle_for(officer_client, 31 * 60)

    response = officer_client.get(OFFICER_PAGE, follow=True)

    assert response.request["PATH_INFO"] == reverse("login")
    assert "not been used for 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in officer_client.session
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/constituencies/"


def test_the_voting_pages_neither_end_nor_touch_an_idle_session(officer_client, settings):
    settings.OFFICER_IDLE_MINUTES = 30
    officer_client.get(OFFICER_PAGE)
    idle_for(officer_client, 31 * 60)
    before = officer_client.session[LAST_SEEN_KEY]

    response = officer_client.get("/vote/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert officer_client.session[LAST_SEEN_KEY] == before
    assert "_auth_user_id" in officer_client.session


def test_sessions_end_after_a_fixed_number_of_hours_however_busy(settings):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == live.OFFICER_SESSION_HOURS * 3600 <= 24 * 3600
