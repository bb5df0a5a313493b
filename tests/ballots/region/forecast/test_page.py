"""The round forecast page: regional officers of the round's region only; clear form errors
with status 400, never a 500; each draft's chance of open selection, the Monte Carlo error and
the assumptions beside the result; the same seed gives the same page.
"""

import pytest
from django.urls import reverse

from tests.ballots.region.forecast.test_scenarios import make_round
from tests.factories import OfficerFactory, RegionalOfficerFactory, RegionFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "turnout_mean": "0.4",
    "turnout_sd": "0.05",
    "support_mean": "0.5",
    "support_sd": "0.1",
    "p_reselect": "0.45",
    "p_open": "0.45",
    "p_abstain": "0.1",
    "trials": "500",
    "seed": "7",
}


@pytest.fixture
def round_():
    return make_round(2)


def url(round_):
    return reverse("ballots:round_forecast", kwargs={"round_pk": round_.pk})


@pytest.fixture
def officer_client(client, round_):
    client.force_login(RegionalOfficerFactory(regions=[round_.region]))
    return client


def test_the_form_is_shown_before_any_forecast(officer_client, round_):
    response = officer_client.get(url(round_))
    assert response.status_code == 200
    assert b"Expected turnout" in response.content
    assert b"Chance of open selection" not in response.content


def test_the_forecast_shows_each_chance_its_error_and_the_assumptions(officer_client, round_):
    response = officer_client.get(url(round_), GOOD)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Chance of open selection, ballot by ballot" in text
    assert "Monte Carlo error" in text
    assert "What was assumed" in text and "500 trials, seed 7" in text
    assert text.count("percentage points") == 2
    assert "<svg" in text and "Number of open selections, with the share of trials" in text


def test_the_same_seed_gives_the_same_page(officer_client, round_):
    def figures():  # the page from the result on (the header holds a fresh CSRF token each time)
        text = officer_client.get(url(round_), GOOD).content.decode()
        return text[text.index("What was assumed") :]

    assert figures() == figures()


@pytest.mark.parametrize(
    ("field", "value"),
    [("turnout_mean", "1.5"), ("trials", "10"), ("trials", "99999999999"), ("seed", "-1"), ("support_sd", "abc")],
)
def test_bad_input_is_a_form_error_with_status_400(officer_client, round_, field, value):
    response = officer_client.get(url(round_), {**GOOD, field: value})
    assert response.status_code == 400
    assert b"There is a problem" in response.content


def test_affiliate_chances_not_adding_up_to_one_are_refused_in_words(officer_client, round_):
    response = officer_client.get(url(round_), {**GOOD, "p_abstain": "0.5"})
    assert response.status_code == 400
    assert b"must add up to 1" in response.content


def test_a_regional_officer_of_another_region_is_refused(client, round_):
    client.force_login(RegionalOfficerFactory(regions=[RegionFactory(name="Elsewhere")]))
    assert client.get(url(round_), GOOD).status_code in (403, 404)


def test_a_constituency_officer_is_refused(client, round_):
    ballot = round_.ballots.first()
    client.force_login(OfficerFactory(constituencies=[ballot.constituency]))
    assert client.get(url(round_)).status_code in (403, 404)


def test_a_visitor_is_sent_to_log_in(client, round_):
    assert client.get(url(round_)).status_code == 302


def test_an_unknown_round_is_not_found(officer_client):
    assert officer_client.get(reverse("ballots:round_forecast", kwargs={"round_pk": 999999})).status_code == 404
